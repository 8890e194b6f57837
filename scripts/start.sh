#!/usr/bin/env bash
# Quick start, command 1: installs what is missing, then runs the portal on
# embedded defaults (SQLite, guest sign-in, the catalog in catalog/) and the
# chatbot service on its offline defaults:
#   portal frontend http://localhost:3000, backend http://localhost:7007,
#   chatbot service http://localhost:8080 (API token in .tools/chatbot-api-token).
set -euo pipefail
source "$(dirname "$0")/env.sh"
bash "$ROOT/scripts/install.sh"
cd "$ROOT"

# A local token for the chatbot API, made once and kept out of git (.tools/).
token_file="$TOOLS/chatbot-api-token"
[ -s "$token_file" ] || node -e 'console.log(require("crypto").randomBytes(24).toString("hex"))' >"$token_file"
export CHATBOT_API_TOKEN="$(cat "$token_file")"

(cd services/chatbot && npm run --silent build)
CHATBOT_PORT="${CHATBOT_PORT:-8080}"
# CHATBOT_DATA_DIR lets the browser tests start from an empty service.
PORT="$CHATBOT_PORT" HOST=127.0.0.1 DATA_DIR="${CHATBOT_DATA_DIR:-$ROOT/services/chatbot/data}" LOG_LEVEL=warn \
  node services/chatbot/dist/server.js &
chatbot_pid=$!
trap 'kill $chatbot_pid 2>/dev/null || true' EXIT INT TERM
echo "==> chatbot service on http://127.0.0.1:$CHATBOT_PORT (offline defaults)"

yarn backstage-cli repo start
