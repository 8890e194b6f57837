#!/bin/sh
# Builds the runtime image and pushes it tagged with the commit. Unused
# stages (the test stage, which needs a database) are skipped. Runs on the
# builder pod, whose only identity can push to the registry.
. "$(dirname "$0")/lib.sh"
require_commit
require IMAGE_REPOSITORY
executor \
  --context="dir://${WORKSPACE:-$PWD}" \
  --dockerfile=Dockerfile \
  --skip-unused-stages \
  --destination="${IMAGE_REPOSITORY}:${GIT_COMMIT}" \
  --cache=true
