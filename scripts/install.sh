#!/usr/bin/env bash
# Installs the portal's and the chatbot service's dependencies, only when their
# manifests changed since the last install.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"

shopt -s nullglob
manifests="yarn.lock .yarnrc.yml package.json $(echo packages/*/package.json plugins/*/package.json)"
run_if_changed node_modules/.install-stamp "$manifests" \
  bash -c 'set -o pipefail; echo "==> yarn install"; yarn install ${CI:+--immutable} 2>&1 | { grep -vE "^➤ YN0000: [│┌└]" || true; }'

if [ -f services/chatbot/package.json ]; then
  run_if_changed services/chatbot/node_modules/.install-stamp "services/chatbot/package.json services/chatbot/package-lock.json" \
    bash -c 'echo "==> npm ci (services/chatbot)"; cd services/chatbot && npm ci --no-audit --no-fund'
fi
