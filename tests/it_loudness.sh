#!/usr/bin/env bash
# Integration: everything airs at the loudness target and the stream as a
# listener decodes it stays at or under -1 dBTP.
#  - a -30 LUFS and a -6 LUFS file in the fallback playlist each air within
#    1 LU of loudness_target (their loudness is measured once and cached);
#  - dense loud material (pink noise at -6 LUFS, clipped noise) through each
#    output format at its default quality, decoded by ffmpeg, has a true peak
#    at or under -1.0 dBTP.
. "$(dirname "$0")/lib.sh"

if [ ! -x "$SIARAN" ]; then
	not_ok "loudness: ./siaran is not built"
	exit 1
fi

# noise FILE SECONDS LUFS [SEED]: stereo pink noise at an integrated loudness
# of LUFS, 32-bit float WAV (nothing clipped, peaks may pass 0 dBFS).
noise() {
	local f=$1 s=$2 lufs=$3 seed=${4:-7} raw i
	raw="$f.raw.wav"
	ffmpeg -nostdin -loglevel error -y -f lavfi \
		-i "anoisesrc=color=pink:sample_rate=44100:duration=$s:seed=$seed:amplitude=0.5" \
		-af aformat=channel_layouts=stereo -c:a pcm_f32le "$raw"
	i=$(integrated "$raw")
	ffmpeg -nostdin -loglevel error -y -i "$raw" \
		-af "volume=$(awk -v t="$lufs" -v i="$i" 'BEGIN{print t - i}')dB" -c:a pcm_f32le "$f"
	rm -f "$raw"
}

# integrated FILE [START END]: EBU R128 integrated loudness (LUFS) of FILE, or
# of the window [START, END) seconds of it.
integrated() {
	local trim=""
	[ $# -ge 3 ] && trim="atrim=$2:$3,"
	ffmpeg -nostdin -i "$1" -af "${trim}ebur128" -f null - 2>&1 |
		awk '/Summary:/{s=1} s && $1=="I:"{print $2; exit}'
}

# true_peak FILE: the true peak (dBTP) of FILE as ffmpeg decodes it
true_peak() {
	ffmpeg -nostdin -i "$1" -af ebur128=peak=true -f null - 2>&1 |
		awk '/Summary:/{s=1} s && $1=="Peak:"{print $2; exit}'
}

within() { awk -v a="$1" -v b="$2" -v d="$3" 'BEGIN{x=a-b; if(x<0)x=-x; exit !(a!="" && x<=d)}'; }
at_most() { awk -v a="$1" -v b="$2" 'BEGIN{exit !(a!="" && a+0<=b+0)}'; }

# ---- A: the fallback playlist at the target -------------------------------------

noise "$TMP/quiet.wav" 12 -30 1
noise "$TMP/loud.wav" 12 -6 2
echo "# made: quiet $(integrated "$TMP/quiet.wav") LUFS, loud $(integrated "$TMP/loud.wav") LUFS"
printf '%s\n' quiet.wav loud.wav >"$TMP/fallback.m3u"
write_conf "$TMP" 9 unused fallback.m3u

render() { # LOG: renders 24 s (the two files once each) to $TMP/out.ogg
	"$SIARAN" render -c "$TMP/siaran.conf" --from "2026-12-01 06:00:00" \
		--to "2026-12-01 06:00:24" -o "$TMP/out.ogg" >"$1" 2>&1
}
if render "$TMP/render1.log"; then ok "render of the fallback exits 0"; else
	not_ok "render of the fallback exits 0 ($(tail -1 "$TMP/render1.log"))"
fi
q=$(integrated "$TMP/out.ogg" 1 11)
l=$(integrated "$TMP/out.ogg" 13 23)
echo "# aired: the -30 LUFS file at $q LUFS, the -6 LUFS file at $l LUFS (target -16)"
check "the -30 LUFS fallback file airs within 1 LU of -16 (got $q)" within "$q" -16 1
check "the -6 LUFS fallback file airs within 1 LU of -16 (got $l)" within "$l" -16 1
check "the first load measures both files" [ "$(grep -c 'measured:' "$TMP/render1.log")" -eq 2 ]
render "$TMP/render2.log"
check "a second load takes both from the cache (measured again: $(grep -c 'measured:' "$TMP/render2.log"))" \
	[ "$(grep -c 'measured:' "$TMP/render2.log")" -eq 0 ]
q2=$(integrated "$TMP/out.ogg" 1 11)
check "the cached gain is the measured one (quiet file at $q2 LUFS)" within "$q2" "$q" 0.1
touch -d '2026-01-01 00:00' "$TMP/quiet.wav"
render "$TMP/render3.log"
check "a changed file is measured again" grep -q 'quiet.wav measured' "$TMP/render3.log"

# ---- B: true peak after each codec ----------------------------------------------

mkdir -p "$TMP/tp"
noise "$TMP/tp/dense.wav" 15 -6 3
# clipped noise: white noise at full scale, clipped hard in 16 bits
ffmpeg -nostdin -loglevel error -y -f lavfi \
	-i "anoisesrc=color=white:sample_rate=44100:duration=15:seed=4:amplitude=1" \
	-af "volume=6dB,aformat=channel_layouts=stereo" -c:a pcm_s16le "$TMP/tp/clipped.wav"
printf '%s\n' dense.wav clipped.wav >"$TMP/tp/fallback.m3u"
for fmt in vorbis opus mp3; do
	write_conf "$TMP/tp" 9 unused fallback.m3u "loudness_target = -6"
	sed -i "s/^format = vorbis/format = $fmt/" "$TMP/tp/siaran.conf"
	[ "$fmt" = vorbis ] || sed -i '/^quality = /d' "$TMP/tp/siaran.conf"
	ext=ogg
	[ "$fmt" = mp3 ] && ext=mp3
	out="$TMP/tp/out.$fmt.$ext"
	if ! "$SIARAN" render -c "$TMP/tp/siaran.conf" --from "2026-12-01 06:00:00" \
		--to "2026-12-01 06:00:30" -o "$out" >"$TMP/tp/$fmt.log" 2>&1; then
		not_ok "$fmt: render exits 0 ($(tail -1 "$TMP/tp/$fmt.log"))"
		continue
	fi
	tp=$(true_peak "$out")
	i=$(integrated "$out")
	echo "# $fmt: decoded true peak $tp dBTP, integrated $i LUFS"
	check "$fmt: dense loud material decodes at or under -1.0 dBTP (got $tp)" at_most "$tp" -1.0
done
