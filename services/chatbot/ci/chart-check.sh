#!/bin/sh
# The chart with this chatbot's values and the image about to be deployed:
# linted strictly and rendered (helm validates both against
# chart/values.schema.json). The rendering is kept as a build artifact.
. "$(dirname "$0")/lib.sh"
require_commit
require IMAGE_REPOSITORY RELEASE NAMESPACE
helm lint chart --strict --values deploy/values.yaml \
  --set image.repository="$IMAGE_REPOSITORY" --set image.tag="$GIT_COMMIT"
helm template "$RELEASE" chart --namespace "$NAMESPACE" --values deploy/values.yaml \
  --set image.repository="$IMAGE_REPOSITORY" --set image.tag="$GIT_COMMIT" >rendered.yaml
