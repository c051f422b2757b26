#!/bin/sh
# Install the Debian packages named on the command line that are missing.
# Quick when all are present; uses sudo when not root.  A name counts as
# present when an installed package provides it (a nodejs build that
# bundles npm provides "npm": installing Debian's npm would remove it).
# Never removes a package: apt-get is told --no-remove.
installed=$(dpkg-query -W -f='${Status}\t${Package}\t${Provides}\n' 2>/dev/null |
	awk -F'\t' '$1 == "install ok installed" { print $2; n = split($3, p, ", *"); for (i = 1; i <= n; i++) { sub(/ .*/, "", p[i]); print p[i] } }')
missing=""
for p in "$@"; do
	printf '%s\n' "$installed" | grep -qxF "$p" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
echo "deps: installing$missing"
# (sudo drops the environment: env hands DEBIAN_FRONTEND to apt-get itself)
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq || exit 1
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends --no-remove $missing >/dev/null || exit 1
