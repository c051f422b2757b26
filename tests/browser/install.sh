#!/usr/bin/env bash
# Installs the browser suite's npm packages (playwright-core and axe-core, the
# versions in package.json, exactly as package-lock.json pins them) into
# tests/browser/node_modules; quick when that version is already there.  The
# browser is Debian's /usr/bin/chromium: nothing downloads one.  Run by
# 'make deps' and by tests/browser/run.sh.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
for cmd in node npm; do
	command -v "$cmd" >/dev/null || {
		echo "browser deps: $cmd is not installed ('make deps' installs it)" >&2
		exit 1
	}
done
# every dependency at the version package.json names, or npm ci
stale=$(node -e '
const fs = require("fs"), path = require("path");
const deps = require(process.argv[1]).dependencies;
for (const [name, want] of Object.entries(deps)) {
  let have = "";
  try { have = JSON.parse(fs.readFileSync(path.join(process.argv[2], name, "package.json"))).version; } catch (e) {}
  if (have !== want) console.log(name + " " + want);
}' "$HERE/package.json" "$HERE/node_modules")
[ -z "$stale" ] && exit 0
echo "browser deps: installing $(echo $stale) (npm ci)"
log=$(mktemp)
if ! (cd "$HERE" && timeout 300 npm ci --no-audit --no-fund --loglevel=error) >"$log" 2>&1; then
	echo "browser deps: npm ci failed: $(grep -v '^\s*$' "$log" | tail -1)" >&2
	rm -f "$log"
	exit 1
fi
rm -f "$log"
