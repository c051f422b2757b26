#!/usr/bin/env bash
# Installs the browser suite's npm packages (playwright-core, the version in
# package.json, exactly as package-lock.json pins it) into
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
want=$(node -p 'require(process.argv[1]).dependencies["playwright-core"]' "$HERE/package.json")
have=$(node -p 'try{require(process.argv[1]).version}catch(e){""}' \
	"$HERE/node_modules/playwright-core/package.json" 2>/dev/null)
[ "$have" = "$want" ] && exit 0
echo "browser deps: installing playwright-core $want (npm ci)"
log=$(mktemp)
if ! (cd "$HERE" && timeout 300 npm ci --no-audit --no-fund --loglevel=error) >"$log" 2>&1; then
	echo "browser deps: npm ci failed: $(grep -v '^\s*$' "$log" | tail -1)" >&2
	rm -f "$log"
	exit 1
fi
rm -f "$log"
