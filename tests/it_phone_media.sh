#!/usr/bin/env bash
# Integration: what phones and browsers record is read like WAV or FLAC.
# ffmpeg makes, from one known tone (1 s of silence, 3 s of 1 kHz, 1 s of
# silence), an iPhone-style M4A (AAC), a browser's WebM (Opus), a phone video
# (MP4: a video track first, then AAC), an Android 3GP (AAC), WebM written as
# a stream (as MediaRecorder does: no duration, no index) and, where this
# ffmpeg can encode AMR, a 3GP with AMR-NB.  Each goes through `siaran import`:
# the right duration (within 30 ms), the tone where it is (cue in/out within
# 30 ms of 1 s and 4 s) and at the level of the same tone as WAV (within
# 0.5 LU).  One is uploaded as a complaint through the API (201).  Cut-short
# and garbage versions of each are refused: one line naming the file, exit 1,
# nothing stored (a cut stream-written WebM declares no length: it imports as
# the shorter recording it is).  They air from a playlist (render), and files
# that refer to other files or servers (HLS, ffconcat) are refused unread.
. "$(dirname "$0")/lib.sh"

if [ ! -x "$SIARAN" ]; then
	not_ok "phone media: siaran is not built"
	exit 1
fi

: >"$TMP/fallback.m3u"
write_conf "$TMP" 9 unused fallback.m3u
CONF=$TMP/siaran.conf
DB=$TMP/siaran.db
sql() { sqlite3 "$DB" "$1"; }
gen() { ffmpeg -nostdin -loglevel error -y "$@"; }
build_measure() { # the EBU R128 loudness of a file, with the library's own analysis
	"$ROOT/${SIARAN_BUILD:-build}/tools/measure" "$1" 2>/dev/null | sed -n 's/^loudness=\([-0-9.]*\) .*/\1/p'
}

# ---- the recordings ---------------------------------------------------------------
TONE="aevalsrc=if(between(t\,1\,4)\,0.5*sin(2*PI*1000*t)\,0):s=48000:d=5:c=stereo"
# phones record calls in mono: the reader puts it on both channels at its level
MONO=${TONE/c=stereo/c=mono}
gen -f lavfi -i "$TONE" -c:a pcm_s16le "$TMP/reference.wav"
gen -f lavfi -i "$TONE" -ar 44100 -c:a aac -b:a 128k \
	-metadata title="Memo Suara" -metadata artist="Warga Desa" "$TMP/memo.m4a"
gen -f lavfi -i "$TONE" -c:a libopus -b:a 64k -metadata title="Rekaman Peramban" "$TMP/browser.webm"
# a browser's MediaRecorder writes WebM as a stream: no duration, no cues
gen -f lavfi -i "$TONE" -c:a libopus -b:a 48k -f webm pipe:1 >"$TMP/mediarecorder.webm"
gen -f lavfi -i "testsrc=size=160x120:rate=25:duration=5" -f lavfi -i "$TONE" \
	-map 0:v -map 1:a -c:v mpeg4 -c:a aac -b:a 128k "$TMP/video.mp4"
gen -f lavfi -i "$MONO" -ar 16000 -c:a aac -b:a 32k "$TMP/call.3gp"
FILES=(memo.m4a browser.webm mediarecorder.webm video.mp4 call.3gp)
# AMR-NB: Debian's ffmpeg decodes it but has no encoder; sox writes it through
# libopencore-amrnb (make deps), always with DTX, whose comfort-noise frames
# ffmpeg's decoder does not implement.  So the AMR call is a steady tone (no
# silence, no DTX frames), checked on its own below; with a silent stretch it
# must be refused in one line, not crash or hang.
gen -f lavfi -i "sine=f=1000:r=8000:d=5" -af volume=0.5 -c:a pcm_s16le "$TMP/amr-tone.wav"
gen -f lavfi -i "$MONO" -ar 8000 -c:a pcm_s16le "$TMP/amr-gap.wav"
for a in tone gap; do
	sox "$TMP/amr-$a.wav" -C 7 -t amr-nb "$TMP/amr-$a.amr" 2>>"$TMP/amr.err" &&
		gen -i "$TMP/amr-$a.amr" -c copy "$TMP/call-amr-$a.3gp"
done
check "sox makes AMR-NB call recordings ($(head -1 "$TMP/amr.err" 2>/dev/null))" \
	test -s "$TMP/call-amr-tone.3gp" -a -s "$TMP/call-amr-gap.3gp"
# ---- import ---------------------------------------------------------------------------
"$SIARAN" import -c "$CONF" "$TMP/reference.wav" >"$TMP/ref.out" 2>"$TMP/ref.err"
REF_LUFS=$(sql "SELECT loudness FROM media WHERE original_name='reference.wav'")
check "the WAV reference imports (loudness ${REF_LUFS:-none})" test -n "$REF_LUFS"

near() { # near GOT WANT TOLERANCE
	awk -v g="${1:-x}" -v w="$2" -v t="$3" 'BEGIN{exit !(g != "x" && g != "" && g - w <= t && w - g <= t)}'
}
for f in "${FILES[@]}"; do
	rc=0
	timeout -k 5 60 "$SIARAN" import -c "$CONF" "$TMP/$f" >"$TMP/out" 2>"$TMP/err" || rc=$?
	line=$(head -1 "$TMP/out")
	if [ $rc -ne 0 ]; then
		not_ok "$f: imported (exit $rc: $(grep -vE '^[0-9]{4}-' "$TMP/err" | head -1))"
		continue
	fi
	ok "$f: imported ($line)"
	row=$(sql "SELECT duration, loudness, cue_in * 1.0 / rate, cue_out * 1.0 / rate, rate
		FROM media WHERE original_name='$f'")
	IFS='|' read -r dur lufs cin cout rate <<<"$row"
	check "$f: duration 5 s within 30 ms (got ${dur:-none})" near "$dur" 5 0.030
	check "$f: the tone starts at 1 s within 30 ms (cue in ${cin:-none})" near "$cin" 1 0.030
	check "$f: the tone ends at 4 s within 30 ms (cue out ${cout:-none})" near "$cout" 4 0.030
	check "$f: the tone's level matches the WAV's within 0.5 LU (got ${lufs:-none}, WAV $REF_LUFS)" \
		near "$lufs" "$REF_LUFS" 0.5
	check "$f: stored at the station rate (got ${rate:-none})" test "${rate:-}" = 44100
done
check "M4A tags become the title and artist" \
	test "$(sql "SELECT title || '/' || artist FROM media WHERE original_name='memo.m4a'")" = "Memo Suara/Warga Desa"
check "WebM tags become the title" \
	test "$(sql "SELECT title FROM media WHERE original_name='browser.webm'")" = "Rekaman Peramban"
check "the stored files keep their container's extension" \
	test "$(sql "SELECT group_concat(substr(path, -4), ' ') FROM (SELECT path FROM media ORDER BY id)")" = ".wav .m4a webm webm .mp4 .3gp"

# ---- AMR-NB: the tone imports, the DTX version is refused ----------------------------
if "$SIARAN" import -c "$CONF" "$TMP/call-amr-tone.3gp" >"$TMP/amr.out" 2>&1; then
	amr_len=$(sqlite3 "$TMP/siaran.db" "SELECT duration FROM media WHERE original_name='call-amr-tone.3gp'")
	check "an AMR-NB 3GP imports at its length (${amr_len:-none} s of 5)" \
		awk -v d="${amr_len:-0}" 'BEGIN{exit !(d >= 4.97 && d <= 5.03)}'
else
	not_ok "an AMR-NB 3GP imports: $(head -1 "$TMP/amr.out")"
fi
"$SIARAN" import -c "$CONF" "$TMP/call-amr-gap.3gp" >"$TMP/amr-gap.out" 2>&1
rc=$?
check "an AMR-NB 3GP with DTX frames is refused in one line (exit $rc: $(head -1 "$TMP/amr-gap.out"))" \
	test "$rc" -ne 0 -a "$(wc -l <"$TMP/amr-gap.out")" -le 1

# ---- damaged versions: refused, nothing stored ----------------------------------------
rows=$(sql 'SELECT count(*) FROM media')
files=$(find "$TMP/media" -type f | wc -l)
mkdir -p "$TMP/bad"
head -c 30000 /dev/urandom >"$TMP/noise"
for f in "${FILES[@]}"; do
	size=$(stat -c %s "$TMP/$f")
	head -c 3000 "$TMP/$f" >"$TMP/bad/first3k-$f"
	head -c $((size / 2)) "$TMP/$f" >"$TMP/bad/half-$f"
	{ head -c 64 "$TMP/$f"; cat "$TMP/noise"; } >"$TMP/bad/noise-after-header-$f"
	cp "$TMP/noise" "$TMP/bad/garbage-$f"
done
accepted=0
for b in "$TMP"/bad/*; do
	name=$(basename "$b")
	rc=0
	timeout -k 5 60 "$SIARAN" import -c "$CONF" "$b" >"$TMP/out" 2>"$TMP/err" || rc=$?
	reason=$(grep -vE '^[0-9]{4}-[0-9]{2}-[0-9]{2} ' "$TMP/err")
	lines=$(printf '%s' "$reason" | grep -c . || true)
	case $name in first3k-mediarecorder.webm | half-mediarecorder.webm)
		# a stream-written WebM declares no length: cut short, it is a shorter
		# recording (as a cut WAV is), imported with what is really there
		got=$(awk '{print $3}' "$TMP/out")
		if [ $rc -eq 0 ] && awk -v g="${got:-9}" 'BEGIN{exit !(g > 0 && g < 4.9)}'; then
			ok "$name: no declared length, imported with what is there (${got} s)"
			accepted=$((accepted + 1))
		else
			not_ok "$name: want exit 0 and under 4.9 s, got exit $rc, '${got:-}' s: $reason"
		fi
		continue ;;
	esac
	if [ $rc -eq 1 ] && [ "$lines" -eq 1 ] && printf '%s' "$reason" | grep -qF "$name"; then
		ok "$name: refused ($reason)"
	else
		not_ok "$name: exit $rc (want 1) with $lines lines (want one naming the file): $reason"
	fi
done
check "the refused files added no row ($rows + $accepted before, $(sql 'SELECT count(*) FROM media') after)" \
	test "$(sql 'SELECT count(*) FROM media')" = $((rows + accepted))
check "the refused files added nothing to the store" \
	test "$(find "$TMP/media" -type f | wc -l)" = $((files + accepted))

# ---- in a playlist: the engine airs them ------------------------------------------------
printf '%s\n' "${FILES[@]}" >"$TMP/fallback.m3u"
rc=0
"$SIARAN" render -c "$CONF" --from "2026-12-01 06:00:00" --to "2026-12-01 06:00:40" \
	-o "$TMP/render.ogg" --asrun "$TMP/asrun.csv" >"$TMP/render.log" 2>&1 || rc=$?
check "render of a playlist of phone recordings exits 0 (got $rc)" test $rc -eq 0
frames=$(frames_44k "$TMP/render.ogg")
check "the 40 s render is exactly 1764000 frames (got $frames)" test "$frames" = 1764000
report=$(python3 - "$TMP/asrun.csv" "${FILES[@]}" <<'PY' 2>&1
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
problems = []
for f in sys.argv[2:]:
    mine = [r for r in rows if r["source"].endswith(f)]
    if not any(not r["reason"].startswith("skipped") for r in mine):
        problems.append(f"{f} never aired")
    if any(r["reason"].startswith("skipped") for r in mine):
        problems.append(f"{f} skipped")
print("; ".join(problems))
PY
)
check "as-run: every phone recording aired, none skipped (${report:-ok})" test -z "$report"
level=$(build_measure "$TMP/render.ogg")
check "the render carries the tone (loudness ${level:-none} LUFS, not silence)" \
	awk -v l="${level:-x}" 'BEGIN{exit !(l != "x" && l > -30)}'
: >"$TMP/fallback.m3u"

# ---- only local files, only audio demuxers ---------------------------------------------
# FFmpeg would follow an HLS playlist or an ffconcat list to other files and
# servers; the reader never uses those demuxers, and a file never reaches the network.
HTTP_PORT=$(free_port)
mkdir -p "$TMP/www"
cp "$TMP/memo.m4a" "$TMP/www/segment.m4a"
(cd "$TMP/www" && exec python3 -m http.server "$HTTP_PORT" --bind 127.0.0.1 >"$TMP/http.log" 2>&1) &
TEST_PIDS+=($!)
wait_port "$HTTP_PORT" 10 || not_ok "the local HTTP server starts"
printf '#EXTM3U\n#EXT-X-TARGETDURATION:5\n#EXTINF:5.0,\nhttp://127.0.0.1:%s/segment.m4a\n#EXT-X-ENDLIST\n' \
	"$HTTP_PORT" >"$TMP/remote.m3u8"
printf 'ffconcat version 1.0\nfile %s\nfile http://127.0.0.1:%s/segment.m4a\n' \
	"$TMP/memo.m4a" "$HTTP_PORT" >"$TMP/list.ffconcat"
rows=$(sql 'SELECT count(*) FROM media')
for f in remote.m3u8 list.ffconcat; do
	rc=0
	timeout -k 5 60 "$SIARAN" import -c "$CONF" "$TMP/$f" >"$TMP/out" 2>"$TMP/err" || rc=$?
	check "$f (refers to other files and a server): refused ($(grep -vE '^[0-9]{4}-' "$TMP/err" | head -1))" \
		test $rc -eq 1
done
check "the references were not followed: no row added" test "$(sql 'SELECT count(*) FROM media')" = "$rows"
check "the references were not followed: the HTTP server saw no request" \
	bash -c "! grep -q 'GET ' '$TMP/http.log'"

# ---- an upload through the API ----------------------------------------------------------
echo "sandi-ani-123" | "$SIARAN" user add -c "$CONF" ani --role staff >/dev/null 2>&1
"$SIARAN" run -c "$CONF" 2>"$TMP/run.log" &
TEST_PIDS+=($!)
if ! wait_port "$WEB_PORT" 15; then
	not_ok "siaran run serves the API"
	tail -5 "$TMP/run.log" | sed 's/^/# /'
	exit 1
fi
B=http://127.0.0.1:$WEB_PORT
curl -s -c "$TMP/cookies" -o "$TMP/login" -H 'Content-Type: application/json' \
	-d '{"username":"ani","password":"sandi-ani-123"}' "$B/api/v1/session"
CSRF=$(python3 -c "import json;print(json.load(open('$TMP/login'))['csrf_token'])" 2>/dev/null)
upload() { # upload FILE TITLE: sets CODE, body in $TMP/body
	CODE=$(curl -s -o "$TMP/body" -w '%{http_code}' -b "$TMP/cookies" -H "X-CSRF-Token: $CSRF" \
		-F "audio=@$1" -F "title=$2" -F consent=1 "$B/api/v1/complaints")
}
before=$(sql 'SELECT count(*) FROM complaints')
upload "$TMP/bad/half-memo.m4a" "Memo terpotong"
check "a cut-short M4A complaint: 422 with a JSON reason (got $CODE: $(head -c 120 "$TMP/body"))" \
	python3 -c "import json,sys;d=json.load(open('$TMP/body'));sys.exit(0 if '$CODE'=='422' and d['error'] else 1)"
check "the refused upload added no complaint" test "$(sql 'SELECT count(*) FROM complaints')" = "$before"
# a new recording (a different tone length), so it is not a duplicate of the import
gen -f lavfi -i "aevalsrc=0.5*sin(2*PI*700*t):s=48000:d=3:c=mono" -c:a aac -b:a 64k "$TMP/voice-memo.m4a"
upload "$TMP/voice-memo.m4a" "Lampu jalan padam"
check "an iPhone voice memo (M4A) complaint: 201 (got $CODE: $(head -c 120 "$TMP/body"))" test "$CODE" = 201
check "its duration is 3 s within 30 ms" \
	python3 -c "import json,sys;d=json.load(open('$TMP/body'));sys.exit(0 if abs(d['duration']-3)<=0.03 else 1)"
check "it is stored as a complaint recording" \
	test "$(sql "SELECT m.kind || ' ' || substr(m.path, -4) FROM complaints c JOIN media m ON m.id = c.media_id WHERE c.title = 'Lampu jalan padam'")" = "complaint .m4a"
