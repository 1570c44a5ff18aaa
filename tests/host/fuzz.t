#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Bounded libFuzzer run on the results reader (tests/fuzz/fuzz_results.c).
# FUZZ_SECONDS sets the budget (default 20). A crash fails the test and
# leaves the input in build/fuzz/crash-*.
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
secs=${FUZZ_SECONDS:-20}

if ! command -v clang >/dev/null 2>&1; then
	echo "1..0 # SKIP clang is not installed"
	exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "1..2"
if make --no-print-directory -s build/fuzz/fuzz_results >"$work/build" 2>&1; then
	echo "ok 1 - build build/fuzz/fuzz_results (clang -fsanitize=fuzzer,address,undefined)"
else
	sed 's/^/# /' "$work/build"
	echo "not ok 1 - build build/fuzz/fuzz_results (is libclang-rt-14-dev installed?)"
	echo "not ok 2 - fuzz the results reader # not built"
	exit 1
fi
# New inputs go to the scratch corpus; the checked-in one is only read.
if build/fuzz/fuzz_results -max_total_time="$secs" -max_len=4096 \
		-artifact_prefix=build/fuzz/ "$work" tests/fuzz/corpus \
		>"$work/log" 2>&1; then
	runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$work/log")
	echo "ok 2 - fuzz the results reader for ${secs}s: ${runs:-?} runs, no crash"
else
	tail -n 30 "$work/log" | sed 's/^/# /'
	echo "not ok 2 - fuzz the results reader: crash (input saved under build/fuzz/)"
	exit 1
fi
