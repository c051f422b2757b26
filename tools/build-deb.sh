#!/usr/bin/env bash
# `make deb`: builds siaran_VERSION_ARCH.deb with debhelper (debian/) in a
# copy of the tree, so the checkout gets nothing but the .deb.
# Usage: tools/build-deb.sh [OUT_DIR]   (default: the checkout)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT=${1:-$ROOT}
die() {
	printf 'deb: %s\n' "$*" >&2
	exit 1
}

for cmd in dpkg-buildpackage dh lintian; do
	command -v "$cmd" >/dev/null || die "$cmd is not installed: 'make deps' installs it"
done
# The version lives in common/common.h (what `siaran --version` prints);
# debian/changelog must say the same.
code_version=$(sed -n 's/^#define SIARAN_VERSION "\(.*\)"/\1/p' common/common.h)
deb_version=$(dpkg-parsechangelog -l debian/changelog -S Version)
[ "$code_version" = "$deb_version" ] ||
	die "common/common.h says $code_version, debian/changelog $deb_version: make them agree"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/siaran-deb.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
# the sources as they are (uncommitted edits too), without builds and runs
mkdir "$WORK/siaran-$deb_version"
if git -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git -C "$ROOT" ls-files -z --cached --others --exclude-standard |
		tar -C "$ROOT" --null -T - -cf - | tar -C "$WORK/siaran-$deb_version" -xf -
else
	tar -C "$ROOT" --exclude=./build --exclude=./build-asan --exclude=./build-fuzz \
		--exclude=./run --exclude=./tests/out --exclude=node_modules \
		--exclude='./siaran_*' --exclude=./siaran -cf - . | tar -C "$WORK/siaran-$deb_version" -xf -
fi

echo "deb: building siaran $deb_version (log: $WORK/build.log while it runs)"
if ! (cd "$WORK/siaran-$deb_version" && dpkg-buildpackage -b -us -uc -j2) >"$WORK/build.log" 2>&1; then
	grep -E 'error|Error|ERROR' "$WORK/build.log" | tail -5 >&2
	die "dpkg-buildpackage failed (the last lines above)"
fi
deb=$(cd "$WORK" && ls siaran_"$deb_version"_*.deb)
cp "$WORK/$deb" "$OUT/$deb"
echo "deb: $OUT/$deb"
