#!/usr/bin/env bash
# The real-browser test: a real icecast2 and `siaran run` with a fallback of
# 40 s tones, accounts made with `siaran user add`, then headless Debian
# Chromium driven by playwright-core (installed here from the committed
# package-lock.json; the browser is /usr/bin/chromium, never a download)
# runs tests/browser/panel.mjs, which prints the TAP lines.
# Screenshots go to tests/out/browser/.
source "$(dirname "$0")/../lib.sh"

HERE=$ROOT/tests/browser
OUT_DIR=$ROOT/tests/out/browser
# node, npm, Chromium and the npm packages come with 'make deps': missing, the
# suite fails (a skip would let a run pass that never tested the panel)
browser_ready || exit 1
want=$(node -p 'require(process.argv[1]).dependencies["playwright-core"]' "$HERE/package.json")
ok "playwright-core $want is installed"

D=$TMP
ICE_PORT=$(free_port)
PASS=hackme
if ! start_icecast "$D/ice" "$ICE_PORT" "$PASS"; then
	not_ok "icecast2 starts"
	exit 1
fi

# 40 s fallback tones: an air-next complaint waits for the current one to end
tone "$D/fb1.ogg" 40 440 "Lagu Pagi" "Band Uji" -c:a libvorbis
tone "$D/fb2.ogg" 40 523 "Lagu Siang" "Band Uji" -c:a libvorbis
tone "$D/fb3.ogg" 40 659 "Lagu Sore" "Band Uji" -c:a libvorbis
printf '%s\n' "$D/fb1.ogg" "$D/fb2.ogg" "$D/fb3.ogg" >"$D/fb.m3u"
write_conf "$D" "$ICE_PORT" "$PASS" fb.m3u
LIVE_PORT=$(free_port)
printf '\n[live]\nlisten = 127.0.0.1:%s\n' "$LIVE_PORT" >>"$D/siaran.conf"
CONF=$D/siaran.conf
# the archive, for the as-run page's recordings
printf '\n[archive]\nfolder = arch\nmin_free_mb = 1\n' >>"$CONF"

# the caller's recording: an 8 kHz mono phone WAV (speech when espeak-ng is
# there, a warbling tone otherwise)
if command -v espeak-ng >/dev/null &&
	espeak-ng -v id -s 150 -w "$D/speech.wav" \
		"Jalan di desa kami rusak parah sejak bulan lalu, mohon segera diperbaiki." 2>/dev/null; then
	ffmpeg -nostdin -loglevel error -y -i "$D/speech.wav" -ac 1 -ar 8000 -c:a pcm_s16le "$D/call.wav"
else
	ffmpeg -nostdin -loglevel error -y -f lavfi -i "sine=frequency=700:sample_rate=8000:duration=6" \
		-af "vibrato=f=4:d=0.5" -ac 1 -ar 8000 -c:a pcm_s16le "$D/call.wav"
fi
check "an 8 kHz WAV recording is made" test -s "$D/call.wav"

echo "sandi-staf-123" | "$SIARAN" user add -c "$CONF" ani --role staff >/dev/null 2>&1
echo "sandi-admin-123" | "$SIARAN" user add -c "$CONF" adi --role admin >/dev/null 2>&1
# a podcast show (no days, no dates: it never airs) for the listener page's feeds
sqlite3 "$D/siaran.db" "INSERT INTO shows (name, days, start_time, duration, content, created_at, podcast)
 VALUES ('Kabar Desa', 0, 21600, 3600, 'rotation', 0, 1)"

start_siaran || exit 1
ok "siaran run serves the panel"

rm -rf "$OUT_DIR"
mkdir -p "$OUT_DIR" "$D/profile"
BASE="http://127.0.0.1:$WEB_PORT" CHROMIUM="$CHROMIUM" PROFILE="$D/profile" OUT_DIR="$OUT_DIR" \
	CALL_WAV="$D/call.wav" TONE1="$D/fb1.ogg" TONE2="$D/fb2.ogg" STAFF_USER=ani STAFF_PASS=sandi-staf-123 \
	ADMIN_USER=adi ADMIN_PASS=sandi-admin-123 LIVE_HOSTPORT="127.0.0.1:$LIVE_PORT" \
	timeout -k 5 600 node "$HERE/panel.mjs"
rc=$?
if [ "$rc" -ne 0 ]; then
	not_ok "the browser test ran to its end (exit $rc)"
	tail -30 "$D/run.log" | sed 's/^/# /'
fi
exit 0
