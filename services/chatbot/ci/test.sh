#!/bin/sh
# The Dockerfile's test stage (typecheck, unit tests, the smoke eval) built
# with Kaniko and pushed nowhere, on the tester pod that holds no
# credentials. The PostgreSQL sidecar listens on the pod's loopback.
. "$(dirname "$0")/lib.sh"
executor \
  --context="dir://${WORKSPACE:-$PWD}" \
  --dockerfile=Dockerfile \
  --target=test \
  --skip-unused-stages \
  --no-push \
  --build-arg "CHATBOT_TEST_DATABASE_URL=${CHATBOT_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
