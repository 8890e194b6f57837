# Shared by the pipeline's scripts. POSIX sh: they run in the Kaniko image
# (busybox sh) and the helm image (Alpine's ash) as well as with bash.
set -eu

# Every variable named must be set and not empty.
require() {
  for name in "$@"; do
    eval "value=\${$name:-}"
    if [ -z "$value" ]; then
      echo "ci: $name is not set; the Jenkinsfile's environment sets it (or the checkout, for GIT_COMMIT)" >&2
      exit 2
    fi
  done
}

# The image tag is the commit: a 40-hex sha, never "null" or a branch name.
require_commit() {
  require GIT_COMMIT
  case "$GIT_COMMIT" in
    *[!0-9a-f]*) ;;
    *) [ "${#GIT_COMMIT}" -eq 40 ] && return 0 ;;
  esac
  echo "ci: GIT_COMMIT is \"$GIT_COMMIT\", not a commit sha: run this inside a stage, after its checkout" >&2
  exit 2
}
