#!/usr/bin/env bash
# The steps of the sse-harness GitHub Action (action.yml), as one script so that
# tests/harness/cli/test_action.py can run them in a temporary project.
#
# Inputs arrive as INPUT_* environment variables (action.yml maps them):
#   INPUT_PROXY_CMD, INPUT_PROXY_URL, INPUT_DIALECT  the gate's --proxy-cmd, --proxy-url, --dialect
#   INPUT_LAYERS          layers, separated by spaces, commas or newlines (default: the
#                         project's layer key, else direct)
#   INPUT_STRICT          "true": NON-STRICT fails too
#   INPUT_KNOWN_FAILURES  a known-failures TOML file (docs/ci.md#known-failures)
#   INPUT_BASELINE        an earlier report.json or report directory: fail on regressions only
#   INPUT_REPORT_DIR      where the reports go (default sse-harness-report)
#   INPUT_INSTALL         "false": the package is already installed (default true)
# Anything else comes from [tool.sse-harness] of ./pyproject.toml.
# Writes summary.md to $GITHUB_STEP_SUMMARY and exit-status, report-dir to
# $GITHUB_OUTPUT; exits with the gate's status (0 pass, 1 fail, 2 usage error).
set -uo pipefail

action_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
python=${SSE_HARNESS_PYTHON:-python3}
report_dir=${INPUT_REPORT_DIR:-sse-harness-report}

log() { echo "sse-harness action: $*" >&2; }

if [[ "${INPUT_INSTALL:-true}" == "true" ]]; then
  log "installing sse-harness from ${action_dir}"
  if ! "$python" -m pip install --quiet "$action_dir"; then
    [[ -n "${GITHUB_OUTPUT:-}" ]] && echo "exit-status=2" >>"$GITHUB_OUTPUT"
    exit 2
  fi
fi

args=(run --report-dir "$report_dir" --junit "$report_dir/junit.xml")
needs_nginx=false
set -f  # a layer is a word, never a file pattern
layers=${INPUT_LAYERS:-}  # none given: the project's layer key, else direct
for layer in ${layers//,/ }; do
  args+=(--layer "$layer")
  case "$layer" in nginx* | h2) needs_nginx=true ;; esac
done
if $needs_nginx && ! command -v nginx >/dev/null && [[ ! -x /usr/sbin/nginx ]]; then
  log "installing nginx-light for the nginx layers"
  sudo apt-get update -qq && sudo apt-get install -y -qq --no-install-recommends nginx-light || exit 2
fi
[[ -n "${INPUT_PROXY_CMD:-}" ]] && args+=(--proxy-cmd "$INPUT_PROXY_CMD")
[[ -n "${INPUT_PROXY_URL:-}" ]] && args+=(--proxy-url "$INPUT_PROXY_URL")
[[ -n "${INPUT_DIALECT:-}" ]] && args+=(--dialect "$INPUT_DIALECT")
[[ "${INPUT_STRICT:-false}" == "true" ]] && args+=(--strict)
[[ -n "${INPUT_KNOWN_FAILURES:-}" ]] && args+=(--known-failures "$INPUT_KNOWN_FAILURES")
[[ -n "${INPUT_BASELINE:-}" ]] && args+=(--baseline "$INPUT_BASELINE")

"$python" -m harness.cli "${args[@]}"
status=$?

if [[ -n "${GITHUB_STEP_SUMMARY:-}" && -f "$report_dir/summary.md" ]]; then
  cat "$report_dir/summary.md" >>"$GITHUB_STEP_SUMMARY"
fi
if [[ -n "${GITHUB_OUTPUT:-}" ]]; then
  { echo "exit-status=$status"; echo "report-dir=$report_dir"; } >>"$GITHUB_OUTPUT"
fi
exit "$status"
