#!/bin/sh
# Model correctness of what was just deployed: the real-manual eval
# (eval/set.json) run through this release's own API, on its own providers,
# in a throwaway collection. Below eval/floors-deployed.json it exits 1 and
# the Jenkinsfile rolls the release back. The offline smoke eval stays the
# quick gate inside the build (ci/test.sh).
. "$(dirname "$0")/lib.sh"
require RELEASE NAMESPACE INGRESS_HOST
# Dependencies first: their install scripts never see the token.
npm ci --no-audit --no-fund --loglevel=error
# The service's token, from the Secret the chart mounts; in the eval's
# environment only, never echoed.
EVAL_TARGET_TOKEN="$(node ci/read-secret.mjs "${TOKEN_SECRET:-chatbot-portal-token}" CHATBOT_API_TOKEN)"
export EVAL_TARGET_TOKEN
export EVAL_TARGET_URL="https://${INGRESS_HOST}"
export EVAL_LABEL="${EVAL_LABEL:-deployed}"
# Retrieval and decline floors; a real model words answers its own way.
export EVAL_FLOORS="${EVAL_FLOORS:-eval/floors-deployed.json}"
npm run eval
