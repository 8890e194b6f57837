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

# Ports: CHATBOT_PORT (8080), PORTAL_PORT (3000) and BACKEND_PORT (7007),
# passed to the portal as APP_CONFIG_ overrides of app-config.yaml.
# Only when set: app-config.yaml (and a local override of it) says 8080.
if [ -n "${CHATBOT_PORT:-}" ]; then
  export APP_CONFIG_llmChatbot_services_demo_baseUrl="http://127.0.0.1:$CHATBOT_PORT"
fi
CHATBOT_PORT="${CHATBOT_PORT:-8080}"
if [ -n "${PORTAL_PORT:-}" ]; then
  export APP_CONFIG_app_baseUrl="http://localhost:$PORTAL_PORT"
  export APP_CONFIG_backend_cors_origin="http://localhost:$PORTAL_PORT"
fi
if [ -n "${BACKEND_PORT:-}" ]; then
  export APP_CONFIG_backend_baseUrl="http://localhost:$BACKEND_PORT"
  export APP_CONFIG_backend_listen_port="$BACKEND_PORT"
fi

for port in "$CHATBOT_PORT" "${PORTAL_PORT:-3000}" "${BACKEND_PORT:-7007}"; do
  status=0
  node "$ROOT/scripts/lib/port-free.mjs" "$port" || status=$?
  [ "$status" -eq 2 ] && exit 1 # not a port number: said so already
  if [ "$status" -ne 0 ]; then
    echo "Port $port is in use (an earlier npm start still running?). Stop it, or choose other ports: CHATBOT_PORT=8081 PORTAL_PORT=3001 BACKEND_PORT=7008 npm start" >&2
    exit 1
  fi
done

# CHATBOT_DATA_DIR lets the browser tests start from an empty service.
PORT="$CHATBOT_PORT" HOST=127.0.0.1 DATA_DIR="${CHATBOT_DATA_DIR:-$ROOT/services/chatbot/data}" LOG_LEVEL=warn \
  node services/chatbot/dist/server.js &
chatbot_pid=$!
trap 'kill $chatbot_pid 2>/dev/null || true' EXIT INT TERM
# Up before the portal starts, or stop here saying why.
if ! node "$ROOT/scripts/lib/wait-ready.mjs" "http://127.0.0.1:$CHATBOT_PORT/readyz" "$chatbot_pid"; then
  echo "The chatbot service did not start on port $CHATBOT_PORT: its error is above" >&2
  exit 1
fi
echo "==> chatbot service on http://127.0.0.1:$CHATBOT_PORT (offline defaults)"

yarn backstage-cli repo start
