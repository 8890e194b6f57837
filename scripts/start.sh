#!/usr/bin/env bash
# Quick start, command 1: installs what is missing, then runs the portal on
# embedded defaults (SQLite, guest sign-in, the catalog in catalog/):
# frontend http://localhost:3000, backend http://localhost:7007.
set -euo pipefail
source "$(dirname "$0")/env.sh"
bash "$ROOT/scripts/install.sh"
cd "$ROOT"
exec yarn backstage-cli repo start
