#!/usr/bin/env bash
# Replays every fuzz corpus file and crash reproducer through its target
# (built without libFuzzer): none may crash or hang.
. "$(dirname "$0")/lib.sh"
BUILD=${SIARAN_BUILD:-build}
for target in "$BUILD"/tests/replay_fuzz_*; do
	[ -x "$target" ] || continue
	name=$(basename "$target"); name=${name#replay_fuzz_}
	dir=tests/fuzz/corpus/$name
	files=("$dir"/*)
	[ -e "${files[0]}" ] || { skip "fuzz corpus $name" "empty corpus"; continue; }
	if out=$(timeout 120 "$target" "${files[@]}" 2>&1); then
		ok "fuzz corpus $name: $(echo "$out" | grep -c '^ok') inputs"
	else
		not_ok "fuzz corpus $name: $(echo "$out" | tail -3 | tr '\n' ' ')"
	fi
done
