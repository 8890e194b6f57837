# Shared by the pipeline's scripts: fail early, naming what is missing.
set -euo pipefail

# Every variable named must be set and not empty.
require() {
  local name
  for name in "$@"; do
    if [ -z "${!name:-}" ]; then
      echo "ci: $name is not set; the Jenkinsfile passes it (a parameter with a default, or the checkout's GIT_COMMIT)" >&2
      exit 2
    fi
  done
}

# The image tag is the commit: a 40-hex sha, never "null" or a branch name.
require_commit() {
  require GIT_COMMIT
  if ! [[ "$GIT_COMMIT" =~ ^[0-9a-f]{40}$ ]]; then
    echo "ci: GIT_COMMIT is \"$GIT_COMMIT\", not a commit sha: run this inside a stage, after its checkout" >&2
    exit 2
  fi
}
