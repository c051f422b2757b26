#!/usr/bin/env bash
# Integration: the Debian package.  Builds it the way `make deb` does
# (tools/build-deb.sh, debhelper in a copy of the tree) and checks:
# - its contents and modes (dpkg-deb -c): /usr/bin/siaran, the unit in
#   /lib/systemd/system, /etc/siaran/siaran.conf 0640 as a conffile, both man
#   pages; its metadata (dpkg-deb -f): the version `siaran --version` prints,
#   Depends on the packages of every library the binary links, Recommends
#   icecast2; lintian finds no error;
# - the man pages name every command of main.c and every key of
#   common/config.c's key table;
# - installed with dpkg -i: the unit runs /usr/bin/siaran as the user siaran
#   (not enabled, not started: nothing of siaran runs), the system user and
#   group siaran, /var/lib/siaran owned by it, the configuration root:siaran
#   0640 and usable by the service user (siaran rundown as siaran), `siaran
#   --version`, `man siaran` and `man siaran.conf`;
# - purged with dpkg --purge: user, group, state folder, configuration,
#   unit and overrides are gone, the machine as it was before.
# Needs root (dpkg -i); skipped otherwise.  An earlier install of siaran on
# the machine is left alone (skipped too).
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	skip "Debian package" "needs root (dpkg -i, dpkg --purge)"
	exit 0
fi
if dpkg-query -W -f='${Status}' siaran 2>/dev/null | grep -q installed ||
	getent passwd siaran >/dev/null || getent group siaran >/dev/null; then
	skip "Debian package" "a siaran package or user is already on this machine; not touching it"
	exit 0
fi

# What the package may touch, as it is now: compared after the purge.
machine_state() {
	getent passwd siaran
	getent group siaran
	ls -ld /var/lib/siaran /etc/siaran /lib/systemd/system/siaran.service /usr/bin/siaran 2>&1
	dpkg-statoverride --list | grep siaran
	dpkg-query -W -f='${Status}\n' siaran 2>&1
	ls /var/lib/systemd/deb-systemd-helper-enabled 2>/dev/null | grep siaran
	return 0
}
machine_state >"$TMP/state.before"

# dpkg takes one lock for the whole machine: wait while another install holds it
dpkg_locked() { # COMMAND...: runs it, retrying for up to 2 min while dpkg is locked
	local i
	for i in $(seq 1 60); do
		"$@" >"$TMP/dpkg.log" 2>&1 && return 0
		grep -qi 'lock' "$TMP/dpkg.log" || return 1
		sleep 2
	done
	return 1
}
purge_package() {
	dpkg-query -W -f='${Status}' siaran 2>/dev/null | grep -q installed || return 0
	dpkg_locked dpkg --purge siaran
}
# whatever happens, the package does not stay on the machine
trap 'purge_package; cleanup' EXIT

# ---- build -----------------------------------------------------------------------------
mkdir -p "$TMP/out"
if ! tools/build-deb.sh "$TMP/out" >"$TMP/build.log" 2>&1; then
	not_ok "make deb builds the package: $(tail -1 "$TMP/build.log")"
	exit 1
fi
VERSION=$(sed -n 's/^#define SIARAN_VERSION "\(.*\)"/\1/p' common/common.h)
ARCH=$(dpkg --print-architecture)
DEB="$TMP/out/siaran_${VERSION}_$ARCH.deb"
check "make deb builds siaran_${VERSION}_$ARCH.deb" test -s "$DEB"
[ -s "$DEB" ] || exit 1

# ---- contents and metadata ---------------------------------------------------------
dpkg-deb -c "$DEB" | awk '{ print $1, $2, $6 }' >"$TMP/contents"
has_entry() { grep -qxF -- "$1" "$TMP/contents"; }
check "the binary is /usr/bin/siaran, mode 0755" has_entry "-rwxr-xr-x root/root ./usr/bin/siaran"
check "the configuration is /etc/siaran/siaran.conf, mode 0640" \
	has_entry "-rw-r----- root/root ./etc/siaran/siaran.conf"
check "the systemd unit is in /lib/systemd/system" \
	has_entry "-rw-r--r-- root/root ./lib/systemd/system/siaran.service"
check "siaran(1) is in the package" has_entry "-rw-r--r-- root/root ./usr/share/man/man1/siaran.1.gz"
check "siaran.conf(5) is in the package" \
	has_entry "-rw-r--r-- root/root ./usr/share/man/man5/siaran.conf.5.gz"
check "nothing world-writable or setuid in the package" \
	bash -c "! awk '{print \$1}' '$TMP/contents' | grep -qE '^.{8}w|^...s|^......s'"

mkdir -p "$TMP/ctrl" "$TMP/x"
dpkg-deb -e "$DEB" "$TMP/ctrl"
dpkg-deb -x "$DEB" "$TMP/x"
check "/etc/siaran/siaran.conf is a conffile" grep -qxF /etc/siaran/siaran.conf "$TMP/ctrl/conffiles"
field() { dpkg-deb -f "$DEB" "$1"; }
check "the package's version is what siaran --version prints ($VERSION)" \
	test "$(field Version)" = "$VERSION" -a "$("$TMP/x/usr/bin/siaran" --version)" = "siaran $VERSION"
check "Recommends: icecast2" test "$(field Recommends)" = icecast2
check "Depends: adduser (its maintainer scripts)" grep -qE '(^|, )adduser(,|$)' <<<"$(field Depends)"
# every library the binary links, by the package that ships it
depends=$(field Depends)
missing=""
for lib in $(objdump -p "$TMP/x/usr/bin/siaran" | awk '$1 == "NEEDED" { print $2 }'); do
	file=$(ldconfig -p | awk -v l="$lib" '$1 == l { print $NF; exit }')
	# by the real file's name: with a merged /usr, dpkg knows one of
	# /lib/... and /usr/lib/..., ldconfig may say the other
	pkg=$(dpkg -S "*/$(basename "$(dirname "$file")")/$(basename "$(readlink -f "$file")")" 2>/dev/null | head -1 | cut -d: -f1)
	[ -n "$pkg" ] || pkg="?$lib"
	grep -qE "(^|, )$pkg( |,|$)" <<<"$depends" || missing="$missing $lib($pkg)"
done
if [ -z "$missing" ]; then
	ok "Depends names the package of every library the binary links ($(objdump -p "$TMP/x/usr/bin/siaran" | grep -c NEEDED) libraries)"
else
	not_ok "Depends lacks:$missing (Depends: $depends)"
fi
check "the packaged configuration keeps the state in /var/lib/siaran" \
	grep -qx 'database = /var/lib/siaran/siaran.db' "$TMP/x/etc/siaran/siaran.conf"

lintian "$DEB" >"$TMP/lintian.log" 2>&1
errors=$(grep -c '^E:' "$TMP/lintian.log")
if [ "$errors" -eq 0 ]; then
	ok "lintian reports no errors ($(grep -c '^W:' "$TMP/lintian.log") warnings)"
else
	not_ok "lintian reports $errors errors: $(grep -m1 '^E:' "$TMP/lintian.log")"
fi
sed 's/^/# lintian: /' "$TMP/lintian.log" | grep -E '^# lintian: [EW]:'

# ---- the man pages are true to the code --------------------------------------------
commands=$(sed -n '/^} commands\[\] = {/,/^};/s/^ *{"\([a-z]*\)",.*/\1/p' main.c)
absent=""
for c in $commands; do grep -q "^\.B siaran $c" man/siaran.1 || absent="$absent $c"; done
check "siaran(1) has every command of main.c ($(echo $commands))${absent:+; missing:$absent}" \
	test -n "$commands" -a -z "$absent"
# and each form of "siaran user ..." in the commands' usage lines
absent=""
while IFS= read -r form; do
	grep -qF "$form" man/siaran.1 || absent="$absent '$form'"
done < <(grep -oE 'siaran user [a-z|]+' main.c | sort -u)
check "siaran(1) has every form of siaran user${absent:+; missing:$absent}" test -z "$absent"
keys=$(sed -n 's/^ *{"[a-z]*", "\([a-z_]*\)", KEY_.*/\1/p' common/config.c | sort -u)
absent=""
for k in $keys; do grep -qE "^\.BR? (.*[ \"])?$k([ \",]|$)" man/siaran.conf.5 || absent="$absent $k"; done
check "siaran.conf(5) has every key of common/config.c ($(echo "$keys" | wc -l) keys)${absent:+; missing:$absent}" \
	test -n "$keys" -a -z "$absent"

# ---- install -------------------------------------------------------------------------
if ! dpkg_locked dpkg -i "$DEB"; then
	not_ok "dpkg -i installs the package: $(grep -v '^\s*$' "$TMP/dpkg.log" | tail -1)"
	exit 1
fi
ok "dpkg -i installs the package"
check "siaran --version prints siaran $VERSION" test "$(/usr/bin/siaran --version)" = "siaran $VERSION"
unit=/lib/systemd/system/siaran.service
check "the unit runs /usr/bin/siaran run -c /etc/siaran/siaran.conf" \
	grep -qx 'ExecStart=/usr/bin/siaran run -c /etc/siaran/siaran.conf' "$unit"
check "the unit runs as the user siaran" grep -qx 'User=siaran' "$unit"
check "the unit names the man pages" grep -qx 'Documentation=man:siaran(1) man:siaran.conf(5)' "$unit"
pw=$(getent passwd siaran)
uid=$(cut -d: -f3 <<<"$pw")
check "the system user siaran exists (uid $uid, home /var/lib/siaran, no login shell)" \
	test -n "$pw" -a "${uid:-1000}" -lt 1000 -a "$(cut -d: -f6 <<<"$pw")" = /var/lib/siaran \
	-a "$(cut -d: -f7 <<<"$pw")" = /usr/sbin/nologin
check "the group siaran exists" bash -c "getent group siaran >/dev/null"
check "/var/lib/siaran belongs to siaran, mode 0750" \
	test "$(stat -c '%U:%G %a' /var/lib/siaran 2>/dev/null)" = "siaran:siaran 750"
check "/etc/siaran/siaran.conf is root:siaran 0640" \
	test "$(stat -c '%U:%G %a' /etc/siaran/siaran.conf 2>/dev/null)" = "root:siaran 640"
check "/etc/siaran is root:siaran 0750" test "$(stat -c '%U:%G %a' /etc/siaran 2>/dev/null)" = "root:siaran 750"
# the fallback playlist, as docs/install.md has the operator make it
install -d -o siaran -g siaran /var/lib/siaran/music
tone /var/lib/siaran/music/uji.ogg 2 440 "Lagu Uji" "Uji" -c:a libvorbis
echo music/uji.ogg >/var/lib/siaran/fallback.m3u
chown siaran:siaran /var/lib/siaran/music/uji.ogg /var/lib/siaran/fallback.m3u
if runuser -u siaran -- /usr/bin/siaran rundown -c /etc/siaran/siaran.conf >"$TMP/rundown.out" 2>&1; then
	ok "the service user reads the packaged configuration and keeps its database in /var/lib/siaran"
else
	not_ok "siaran rundown as the user siaran: $(tail -1 "$TMP/rundown.out")"
fi
check "the database is in /var/lib/siaran" test -s /var/lib/siaran/siaran.db
# no siaran process of the user siaran (read from /proc: procps may be absent)
siaran_runs() {
	local d
	for d in /proc/[0-9]*; do
		[ "$(stat -c %u "$d" 2>/dev/null)" = "$uid" ] && [ "$(cat "$d/comm" 2>/dev/null)" = siaran ] && return 0
	done
	return 1
}
check "nothing of siaran runs after the install (the unit is not started)" bash -c "$(declare -f siaran_runs); uid=$uid; ! siaran_runs"
if man siaran 2>/dev/null | grep -q 'siaran run'; then ok "man siaran shows siaran(1)"; else
	not_ok "man siaran shows siaran(1): $(man siaran 2>&1 | head -1)"
fi
if man 5 siaran.conf 2>/dev/null | grep -q 'loudness_target'; then ok "man siaran.conf shows siaran.conf(5)"; else
	not_ok "man 5 siaran.conf shows siaran.conf(5): $(man 5 siaran.conf 2>&1 | head -1)"
fi

# ---- purge ---------------------------------------------------------------------------
if ! dpkg_locked dpkg --purge siaran; then
	not_ok "dpkg --purge removes the package: $(grep -v '^\s*$' "$TMP/dpkg.log" | tail -1)"
	exit 1
fi
ok "dpkg --purge removes the package"
check "the user siaran is gone" bash -c '! getent passwd siaran >/dev/null'
check "the group siaran is gone" bash -c '! getent group siaran >/dev/null'
check "/var/lib/siaran is gone" test ! -e /var/lib/siaran
check "/etc/siaran is gone" test ! -e /etc/siaran
check "the unit and the binary are gone" test ! -e "$unit" -a ! -e /usr/bin/siaran
machine_state >"$TMP/state.after"
if diff "$TMP/state.before" "$TMP/state.after" >"$TMP/state.diff"; then
	ok "after the purge the machine is as it was"
else
	not_ok "after the purge the machine differs: $(grep -m1 '^[<>]' "$TMP/state.diff")"
fi
