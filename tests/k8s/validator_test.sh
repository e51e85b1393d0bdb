#!/usr/bin/env bash
# Runs tests/k8s/validator_test.js (node's test runner) with the validator's npm packages.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
NODE_PATH="$("$root/tools/k8s-validate/install" --check)" || {
  echo "validator_test: the validator's npm packages are not installed: run scripts/setup" >&2
  exit 1
}
export NODE_PATH
exec node --test "$root/tests/k8s/validator_test.js"
