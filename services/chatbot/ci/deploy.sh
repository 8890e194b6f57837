#!/bin/sh
# One atomic, waited helm upgrade of the image just built, with this
# chatbot's values.
. "$(dirname "$0")/lib.sh"
require_commit
require IMAGE_REPOSITORY RELEASE NAMESPACE
# Above the model server's 15-minute startup allowance (chart probes).
timeout="${DEPLOY_TIMEOUT:-20m}"
helm upgrade --install "$RELEASE" chart \
  --namespace "$NAMESPACE" \
  --atomic --wait --timeout "$timeout" \
  --values deploy/values.yaml \
  --set image.repository="$IMAGE_REPOSITORY" \
  --set image.tag="$GIT_COMMIT"
