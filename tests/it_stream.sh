#!/usr/bin/env bash
# Integration: `siaran run` streams a fallback playlist of three short tagged
# files to a real icecast2 on a free loopback port.  A real client (ffmpeg)
# receives valid Vorbis at 44100/2 with no gaps at item changes; Icecast's
# status-json.xsl shows the current title and it changes at item boundaries.
# Then icecast2 is killed and restarted: the mount is back within 5 s, a
# client hears audio again, and siaran never exited.
. "$(dirname "$0")/lib.sh"

if [ ! -x "$SIARAN" ]; then
	not_ok "stream: ./siaran is not built"
	exit 1
fi

PORT=$(free_port)
PASS="it$RANDOM$RANDOM"
ICE="$TMP/ice"
mkdir -p "$ICE"
if ! start_icecast "$ICE" "$PORT" "$PASS"; then
	not_ok "icecast2 starts on port $PORT: $(tail -3 "$ICE/log/stdout" "$ICE/log/error.log" 2>/dev/null)"
	exit 1
fi
ok "icecast2 listens on 127.0.0.1:$PORT"

tone "$TMP/a.flac" 6 440 "Lagu Satu" "Penyanyi A"
tone "$TMP/b.flac" 6 660 "Lagu Dua" "Penyanyi B"
tone "$TMP/c.wav" 6 550 "Lagu Tiga" "Penyanyi C"
printf '%s\n' a.flac b.flac c.wav >"$TMP/fallback.m3u"
write_conf "$TMP" "$PORT" "$PASS" fallback.m3u

"$SIARAN" run -c "$TMP/siaran.conf" >"$TMP/siaran.log" 2>&1 &
SIARAN_PID=$!
TEST_PIDS+=("$SIARAN_PID")

# mount_up SECONDS: waits until Icecast lists our mount as a live source
mount_up() {
	local i
	for i in $(seq 1 $(($1 * 10))); do
		curl -s "http://127.0.0.1:$PORT/status-json.xsl" 2>/dev/null |
			grep -q "\"listenurl\":\"[^\"]*/radio.ogg\"" && return 0
		sleep 0.1
	done
	return 1
}

# elapsed T0: seconds since T0 (a `date +%s.%N` value), two decimals
elapsed() { awk -v now="$(date +%s.%N)" -v t0="$1" 'BEGIN { printf "%.2f", now - t0 }'; }

if ! mount_up 10; then
	not_ok "siaran connects to icecast2 within 10 s: $(tail -3 "$TMP/siaran.log")"
	exit 1
fi
ok "siaran connects to icecast2 and the mount /radio.ogg is live"

# ---- a listener, while the titles are watched -------------------------------

timeout 25 ffmpeg -nostdin -loglevel error -t 12 -i "http://127.0.0.1:$PORT/radio.ogg" \
	-f wav -y "$TMP/got.wav" 2>"$TMP/ffmpeg.err" &
LISTENER=$!
TEST_PIDS+=("$LISTENER")

# Poll the title for 20 s; log "seconds title" each time it changes.  The
# title is cut out of status-json.xsl with sed rather than a JSON parser, to
# poll every 0.1 s with little jitter.
title_now() {
	curl -s --max-time 1 "http://127.0.0.1:$PORT/status-json.xsl" 2>/dev/null |
		sed -n 's/.*"title":"\([^"]*\)".*/\1/p'
}
: >"$TMP/titles"
start=$(date +%s.%N)
last=""
while [ "$(elapsed "$start" | cut -d. -f1)" -lt 20 ]; do
	t=$(title_now)
	if [ -n "$t" ] && [ "$t" != "$last" ]; then
		echo "$(elapsed "$start") $t" >>"$TMP/titles"
		last=$t
	fi
	sleep 0.1
done
wait "$LISTENER" 2>/dev/null

info=$(ffprobe -v error -select_streams a:0 -show_entries stream=codec_name,sample_rate,channels \
	-of csv=p=0 "http://127.0.0.1:$PORT/radio.ogg" 2>/dev/null | head -1)
check "the stream is Vorbis 44100 Hz stereo (ffprobe: '$info')" [ "$info" = "vorbis,44100,2" ]

frames=$(frames_44k "$TMP/got.wav")
check "a listener decodes >= 10 s of audio (got $frames frames)" [ "${frames:-0}" -ge 441000 ]

holes=$(ffmpeg -nostdin -i "$TMP/got.wav" -af silencedetect=n=-50dB:d=0.05 -f null - 2>&1 |
	grep -c silence_start || true)
check "the listener hears no gap > 50 ms across item changes (found $holes)" [ "$holes" -eq 0 ]

first_title=$(head -1 "$TMP/titles" | cut -d' ' -f2-)
check "Icecast shows the current title ('$first_title')" \
	grep -Eq '^[0-9.]+ (Penyanyi [ABC] - )?Lagu (Satu|Dua|Tiga)' "$TMP/titles"

# The title must follow the playlist order and change once per 6 s item: the
# interval between two consecutive changes is the item length (the engine's
# lead and Icecast's latency are the same at both ends, so they cancel).
title_report=$(python3 - "$TMP/titles" <<'PY'
import re, sys
seq = [("Lagu Satu"), ("Lagu Dua"), ("Lagu Tiga")]
events = []
for line in open(sys.argv[1]):
    at, title = line.rstrip("\n").split(" ", 1)
    m = re.search(r"Lagu (Satu|Dua|Tiga)", title)
    if m:
        events.append((float(at), "Lagu " + m.group(1)))
if len(events) < 3:
    print(f"FAIL saw {len(events)} distinct titles in 20 s, want >= 3: {events}")
    sys.exit()
for (t0, a), (t1, b) in zip(events, events[1:]):
    if seq[(seq.index(a) + 1) % 3] != b:
        print(f"FAIL title went from {a} to {b}, not the next in the playlist")
        sys.exit()
gaps = [t1 - t0 for (t0, _), (t1, _) in zip(events[1:], events[2:])]
bad = [g for g in gaps if abs(g - 6.0) > 1.5]  # polling jitter under load
shown = ", ".join(f"{g:.2f}" for g in gaps)
print(f"{'FAIL ' if bad else ''}changes {shown} s apart, want 6 +- 1.5")
PY
)
check "the title changes at each item boundary, in playlist order ($title_report)" \
	eval '[ "${title_report#FAIL}" = "$title_report" ]' 
check "siaran is still running after 20 s" kill -0 "$SIARAN_PID"

# ---- fault: Icecast dies and comes back --------------------------------------

kill "$ICE_PID" 2>/dev/null
wait "$ICE_PID" 2>/dev/null
sleep 3
check "siaran keeps running while Icecast is down" kill -0 "$SIARAN_PID"

icecast2 -c "$ICE/icecast.xml" >>"$ICE/log/stdout" 2>&1 &
ICE_PID=$!
TEST_PIDS+=("$ICE_PID")
if wait_port "$PORT" 10; then
	restarted=$(date +%s.%N)
	if mount_up 5; then
		took=$(elapsed "$restarted")
		ok "the mount is back ${took} s after Icecast restarted (limit 5 s)"
	else
		not_ok "the mount is back within 5 s of Icecast restarting: $(tail -2 "$TMP/siaran.log")"
	fi
else
	not_ok "icecast2 restarts on port $PORT: $(tail -2 "$ICE/log/stdout")"
fi

timeout 15 ffmpeg -nostdin -loglevel error -t 4 -i "http://127.0.0.1:$PORT/radio.ogg" \
	-f wav -y "$TMP/again.wav" 2>>"$TMP/ffmpeg.err"
frames=$(frames_44k "$TMP/again.wav" 2>/dev/null)
check "a client receives audio again after the restart ($frames frames)" [ "${frames:-0}" -ge 132300 ]
info=$(ffprobe -v error -select_streams a:0 -show_entries stream=codec_name,sample_rate,channels \
	-of csv=p=0 "http://127.0.0.1:$PORT/radio.ogg" 2>/dev/null | head -1)
check "the stream after the restart is still Vorbis 44100/2 ('$info')" [ "$info" = "vorbis,44100,2" ]
check "siaran never exited" kill -0 "$SIARAN_PID"

# ---- SIGTERM: fade out, close, exit 0 -------------------------------------------

kill -TERM "$SIARAN_PID"
# a zombie still answers kill -0, so wait for it, with a watchdog
(sleep 10 && kill -KILL "$SIARAN_PID" 2>/dev/null) &
watchdog=$!
rc=0
wait "$SIARAN_PID" || rc=$?
kill "$watchdog" 2>/dev/null
check "SIGTERM stops siaran with exit status 0 within 10 s (got $rc)" [ "$rc" = 0 ]
