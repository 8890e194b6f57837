#!/usr/bin/env bash
# The repository the create-chatbot template publishes stands alone: render
# it through the real scaffolder (the template test keeps what the fake
# publish:github received), then install it from its own lockfile, typecheck,
# test and build it there, with nothing from this monorepo around it.
set -uo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
source scripts/lib/postgres.sh

out="$(mktemp -d)"
cleanup() { stop_test_postgres >/dev/null 2>&1; rm -rf "$out"; }
trap cleanup EXIT

(
  cd plugins/scaffolder-backend-module-llm-chatbot &&
    CREATE_CHATBOT_RENDER_DIR="$out/repo" yarn backstage-cli package test --no-watch src/createChatbotTemplate.test.ts
) || exit 1
cd "$out/repo" || exit 1
echo "rendered: $(find . -type f | wc -l) files"
if grep -rl '\${{' . ; then
  echo "template expressions left unrendered in the files above" >&2
  exit 1
fi
for f in package-lock.json Jenkinsfile catalog-info.yaml deploy/values.yaml chart/Chart.yaml; do
  [ -f "$f" ] || { echo "missing $f" >&2; exit 1; }
done

password="$(node -e 'console.log(require("crypto").randomBytes(12).toString("hex"))')"
start_test_postgres scaffolded "$password" || exit 1
export CHATBOT_TEST_DATABASE_URL="postgres://scaffolded:$password@127.0.0.1:$PGTEST_PORT/postgres"
npm ci --no-audit --no-fund --loglevel=error &&
  npm run --silent typecheck &&
  npm test --silent &&
  npm run --silent build &&
  test -f dist/server.js
