#!/usr/bin/env bash
# Installs the system packages rsattae needs when they are missing: libxgboost (the XGBoost engine) and, for the
# parity tests, Python's xgboost with scikit-learn. Debian/Ubuntu only; elsewhere it prints what to install and carries on.
set -euo pipefail
need=()
if ! ldconfig -p 2>/dev/null | grep -q 'libxgboost\.so'; then need+=(libxgboost-dev); fi
if ! /usr/bin/python3 -c 'import xgboost' >/dev/null 2>&1; then need+=(python3-xgboost); fi
# xgboost's XGBRegressor (the parity tests' oracle) refuses to start without scikit-learn
if ! /usr/bin/python3 -c 'import sklearn' >/dev/null 2>&1; then need+=(python3-sklearn); fi
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if command -v apt-get >/dev/null 2>&1; then
  SUDO=""; if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  echo "installing system packages: ${need[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
else
  echo "warning: please install XGBoost >= 1.7 (macOS: brew install xgboost; pip: pip install xgboost) and set XGBOOST_LIBRARY if it is not found" >&2
fi
