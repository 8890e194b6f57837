#!/bin/sh
# After a failed smoke test: back to the revision that served before this
# build. A first install has none (helm rollback would fail), so it says so
# and leaves the release for inspection.
. "$(dirname "$0")/lib.sh"
require RELEASE NAMESPACE
revisions="$(helm history "$RELEASE" --namespace "$NAMESPACE" --max 2 --output json | grep -o '"revision"' | wc -l)"
if [ "$revisions" -lt 2 ]; then
  echo "rollback: $RELEASE has no revision before this build (a first install); nothing to roll back to" >&2
  exit 0
fi
helm rollback "$RELEASE" 0 --namespace "$NAMESPACE" --wait
