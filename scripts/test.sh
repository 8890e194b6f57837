#!/usr/bin/env bash
# Quick start, command 2: installs what is missing, then runs the whole suite:
# typecheck, lint, unit tests, the production-config boot test on a real
# PostgreSQL 15, the chatbot service's suite (real PDFs, HTTP and SSE), its
# short benchmark and load test, the deployment-asset checks (helm/,
# terraform/, templates/), the repository the create-chatbot template renders
# (installed, tested and built on its own), and the browser end-to-end test in
# Debian's Chromium.
# Screenshots: test-results/screenshots/.
set -uo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
bash scripts/install.sh || exit 1
bash scripts/system-deps.sh || exit 1

export CI="${CI:-true}" # jest and playwright: no watch mode, no reuse of a dev server
passed=0
failed=()
run_suite() {
  local name="$1"; shift
  echo
  echo "==> $name"
  local start=$SECONDS
  if "$@"; then
    passed=$((passed + 1))
    echo "==> $name passed in $((SECONDS - start))s"
  else
    failed+=("$name")
    echo "==> $name FAILED in $((SECONDS - start))s"
  fi
}

run_suite "contract (generated types fresh)" bash scripts/check-contract.sh
run_suite typecheck yarn tsc
run_suite format yarn prettier:check
run_suite lint bash -c "yarn backstage-cli repo lint && yarn lint:service"
run_suite "unit tests" yarn backstage-cli repo test
# The service's PostgreSQL tests (metadata shared by replicas) get their own
# throwaway server, as the Jenkinsfile's tester pod gets a sidecar.
chatbot_service_suite() {
  source scripts/lib/postgres.sh
  local password rc
  password="$(node -e 'console.log(require("crypto").randomBytes(12).toString("hex"))')"
  start_test_postgres chatbot_test "$password" || return 1
  (
    cd services/chatbot &&
      export CHATBOT_TEST_DATABASE_URL="postgres://chatbot_test:$password@127.0.0.1:$PGTEST_PORT/postgres" &&
      npm run --silent typecheck && npm run --silent build && npm run --silent test:coverage && npm run --silent eval:smoke &&
      npm run --silent eval && npm run --silent eval:validation && npm run --silent eval:test
  )
  rc=$?
  stop_test_postgres
  return $rc
}

run_suite "chatbot service" chatbot_service_suite
run_suite "scaffolded repository (stands alone)" bash scripts/test-scaffolded-repo.sh
run_suite "chatbot benchmark (short)" bash -c 'cd services/chatbot && npm run --silent bench:short'
run_suite "chatbot load test (short)" bash -c 'cd services/chatbot && npm run --silent load -- --short'
run_suite "chatbot gateway (processes)" node --test --test-timeout=600000 tests/gateway.test.mjs
run_suite "production boot" node --test --test-timeout=600000 tests/production-boot.test.mjs
run_suite "deployment assets" node --test --test-timeout=300000 "tests/deploy/*.test.mjs"
run_suite "browser end-to-end" yarn playwright test

echo
[ ${#failed[@]} -eq 0 ] || echo "Failed suites: ${failed[*]}"
echo "suites: $passed passed, ${#failed[@]} failed"
[ ${#failed[@]} -eq 0 ]
