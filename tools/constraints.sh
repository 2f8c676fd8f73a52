#!/usr/bin/env bash
# Write constraints.txt: the exact versions of quizdock's run-time libraries (and theirs) that the
# installer uses (python3 -m quizdock.install passes it to pip as --constraint), resolved in a new
# environment from pyproject.toml's dependencies. Run after changing a dependency:
#   bash tools/constraints.sh
set -euo pipefail
cd "$(dirname "$0")/.."
venv=$(mktemp -d)
trap 'rm -rf "$venv"' EXIT
python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check .
{
  echo "# The versions quizdock's installer uses (tested together). Written by tools/constraints.sh."
  "$venv/bin/pip" freeze --disable-pip-version-check --exclude quizdock
} >constraints.txt
echo "constraints.txt: $(grep -vc '^#' constraints.txt) packages"
