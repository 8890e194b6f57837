#!/usr/bin/env bash
# Fails when a type file generated from services/chatbot/openapi.yaml is stale:
# the portal's (plugins/llm-chatbot-common) and the service's own.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
stale=0
check() {
  local generator="$1" target="$2"
  "$generator" services/chatbot/openapi.yaml -o "$tmp/out.ts" --silent >/dev/null
  if ! diff -u "$target" "$tmp/out.ts" >"$tmp/diff"; then
    echo "stale: $target does not match services/chatbot/openapi.yaml" >&2
    head -40 "$tmp/diff" >&2
    stale=1
  fi
}
check node_modules/.bin/openapi-typescript plugins/llm-chatbot-common/src/generated/chatbotApi.ts
check services/chatbot/node_modules/.bin/openapi-typescript services/chatbot/src/http/contractTypes.ts
if [ "$stale" -ne 0 ]; then
  echo "Regenerate: yarn generate:chatbot-api && (cd services/chatbot && npm run generate:types)" >&2
  exit 1
fi
echo "contract: generated types match services/chatbot/openapi.yaml"
