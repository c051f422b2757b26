#!/usr/bin/env bash
# Suara Warga, the whole loop, in real browsers: a real icecast2, `siaran
# run` with a fallback of 8 s tones (440 and 550 Hz), an ffmpeg listener on
# the public stream (decoded to 8 kHz PCM for the tone search) and a raw
# copy of the stream's bytes (its Ogg comments carry the titles), then
# tests/browser/suara_warga.mjs with two headless Debian Chromiums: the
# citizen's, whose fake microphone plays a 1200 Hz tone, and the staff's,
# whose fake microphone plays 1800 Hz, so each recording can be found in
# what the station aired.  Prints TAP lines; screenshots go to
# tests/out/browser-suara-warga/.
source "$(dirname "$0")/../lib.sh"

HERE=$ROOT/tests/browser
OUT_DIR=$ROOT/tests/out/browser-suara-warga
browser_ready || exit 1

D=$TMP
ICE_PORT=$(free_port)
PASS="sw$RANDOM$RANDOM"
if ! start_icecast "$D/ice" "$ICE_PORT" "$PASS"; then
	not_ok "icecast2 starts"
	exit 1
fi

# short fallback items: air-next waits for the current one to end
tone "$D/fb1.ogg" 8 440 "Lagu Pagi" "Band Uji" -c:a libvorbis
tone "$D/fb2.ogg" 8 550 "Lagu Siang" "Band Uji" -c:a libvorbis
printf '%s\n' "$D/fb1.ogg" "$D/fb2.ogg" >"$D/fb.m3u"
write_conf "$D" "$ICE_PORT" "$PASS" fb.m3u
CONF=$D/siaran.conf

# the fake microphones (Chromium loops the file)
for who in citizen:1200 staff:1800; do
	ffmpeg -nostdin -loglevel error -y -f lavfi -i "sine=frequency=${who#*:}:sample_rate=48000:duration=20" \
		-af volume=0.5 -ac 1 -c:a pcm_s16le "$D/mic-${who%%:*}.wav"
done
check "the fake microphones' tones are made" test -s "$D/mic-citizen.wav" -a -s "$D/mic-staff.wav"

echo "sandi-staf-123" | "$SIARAN" user add -c "$CONF" ani --role staff >/dev/null 2>&1
echo "sandi-admin-123" | "$SIARAN" user add -c "$CONF" adi --role admin >/dev/null 2>&1

"$SIARAN" run -c "$CONF" 2>"$D/run.log" &
TEST_PIDS+=("$!")
if ! wait_port "$WEB_PORT" 15 || ! icecast_mount_up "$ICE_PORT" /radio.ogg 20; then
	not_ok "siaran run serves the panel and streams to icecast2"
	tail -20 "$D/run.log" | sed 's/^/# /'
	exit 1
fi
ok "siaran run serves the panel and streams to icecast2"

# the listeners: what a citizen hears, decoded, and the bytes they receive
STREAM="http://127.0.0.1:$ICE_PORT/radio.ogg"
ffmpeg -nostdin -loglevel error -i "$STREAM" -ac 1 -ar 8000 -f s16le -y "$D/heard.raw" 2>"$D/listener.err" &
TEST_PIDS+=("$!")
curl -s -N -o "$D/stream.ogg" "$STREAM" &
TEST_PIDS+=("$!")

rm -rf "$OUT_DIR"
mkdir -p "$OUT_DIR" "$D/profile-citizen" "$D/profile-staff"
BASE="http://127.0.0.1:$WEB_PORT" ICECAST="http://127.0.0.1:$ICE_PORT" CHROMIUM="$CHROMIUM" \
	PROFILE_CITIZEN="$D/profile-citizen" PROFILE_STAFF="$D/profile-staff" OUT_DIR="$OUT_DIR" \
	MIC_CITIZEN="$D/mic-citizen.wav" MIC_STAFF="$D/mic-staff.wav" \
	HEARD="$D/heard.raw" STREAM_BYTES="$D/stream.ogg" \
	STAFF_USER=ani STAFF_PASS=sandi-staf-123 ADMIN_USER=adi ADMIN_PASS=sandi-admin-123 \
	timeout -k 5 780 node "$HERE/suara_warga.mjs" | tee "$OUT_DIR/tap.log"
rc=${PIPESTATUS[0]}
if [ "$rc" -ne 0 ]; then
	not_ok "the browser test ran to its end (exit $rc)"
fi
if grep -q '^not ok' "$OUT_DIR/tap.log" 2>/dev/null || [ "$rc" -ne 0 ]; then
	tail -30 "$D/run.log" | sed 's/^/# /'
	sed 's/^/# listener: /' "$D/listener.err" | tail -5
fi
exit 0
