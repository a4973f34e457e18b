"""Which build of the parser runs: the mypyc build of its modules, or the
Python source they are built from.

``.ci/build_sse.py`` (run by ``.ci/setup``) compiles ``MODULES`` with mypyc into
extension modules beside their sources, and writes ``native.stamp``: the digest of
the sources it compiled. Python imports an extension module before a source file of
the same name, so a build that no longer matches its sources would run stale code:
``harness.sse`` then loads the Python source instead (``pure_wanted``), as it does
when the environment sets ``SSE_HARNESS_PURE=1``. The source stays the truth: both
give the same events (tests/harness/sse/test_build.py).

Standard library only; it reads the package's own files, nothing else.
"""

from __future__ import annotations

import hashlib
import os
import sys
from importlib.machinery import EXTENSION_SUFFIXES
from importlib.util import module_from_spec, spec_from_file_location
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from types import ModuleType

__all__ = ["ENV", "MODULES", "STAMP", "digest", "load_pure", "name", "pure_modules"]

PACKAGE = "harness.sse"
HERE = Path(__file__).resolve().parent
#: the compiled modules, in import order (each imports only those before it)
MODULES = ("events", "lines", "interpreter", "fastpath", "parser")
#: the digest of the sources the extension modules were built from
STAMP = HERE / "native.stamp"
#: set to 1: load the Python source even where a current build exists
ENV = "SSE_HARNESS_PURE"


def digest() -> str:
    """SHA-256 over the sources of ``MODULES``, in order."""
    sha = hashlib.sha256()
    for module in MODULES:
        sha.update((HERE / f"{module}.py").read_bytes())
    return sha.hexdigest()


def built() -> bool:
    """Whether extension modules lie beside the sources (current or not)."""
    return any((HERE / f"parser{suffix}").exists() for suffix in EXTENSION_SUFFIXES)


def pure_wanted() -> bool:
    """Asked for (``SSE_HARNESS_PURE=1``), or a build lies there that is not current."""
    if os.environ.get(ENV, "") not in ("", "0"):
        return True
    if not built():
        return False  # nothing but the source to import anyway
    try:
        return STAMP.read_text().strip() != digest()
    except OSError:  # a build without its stamp: not ours to trust
        return True


def pure_modules() -> dict[str, ModuleType]:
    """``MODULES`` loaded afresh from their source, without replacing what is loaded.

    While they load, they stand in ``sys.modules`` under their own names, so their
    imports of each other get these (not the compiled ones); after, whatever stood
    there before is put back. The result is keyed by the short name ("parser").
    """
    saved = {name: sys.modules.get(f"{PACKAGE}.{name}") for name in MODULES}
    try:
        return _load(MODULES)
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(f"{PACKAGE}.{name}", None)
            else:
                sys.modules[f"{PACKAGE}.{name}"] = module


def load_pure() -> None:
    """Load ``MODULES`` from their source for good (before anything imports them)."""
    _load(MODULES)


def name() -> str:
    """What ``harness.sse`` runs: "compiled (mypyc)" or "pure Python"."""
    files = [
        getattr(sys.modules.get(f"{PACKAGE}.{m}"), "__file__", "") for m in MODULES
    ]
    compiled = all(str(path).endswith(tuple(EXTENSION_SUFFIXES)) for path in files)
    return "compiled (mypyc)" if compiled else "pure Python"


def _load(names: tuple[str, ...]) -> dict[str, ModuleType]:
    loaded = {}
    for short in names:
        full = f"{PACKAGE}.{short}"
        spec = spec_from_file_location(full, HERE / f"{short}.py")
        assert spec is not None and spec.loader is not None
        module = module_from_spec(spec)
        sys.modules[full] = module
        spec.loader.exec_module(module)
        loaded[short] = module
    return loaded
