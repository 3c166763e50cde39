#!/usr/bin/env bash
# One command from a fresh checkout to a trained model: system packages when missing, npm dependencies, the build,
# then `rsattae train` on MovieLens-100K u1 (arguments are passed on, e.g. --json or --seed 1).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-system-deps.sh
npm ci --no-audit --no-fund --loglevel=error
npm run --silent build
exec ./bin/rsattae train "$@"
