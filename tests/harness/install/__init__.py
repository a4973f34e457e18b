"""The package as a user installs it: a fresh virtualenv, outside this checkout."""
