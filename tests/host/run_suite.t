#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# scripts/run-suite without the test bed: its command line, the outputs it
# derives from a run's results (--no-run) with the summary printed last,
# and --publish, on a copy of the reference run in results/testbed.
. "$(dirname "$0")/lib.sh"
rs=$top/scripts/run-suite

check "run-suite --help: usage, exit 0" \
	eval '"$rs" --help >"$work/out" 2>&1 && out_has "usage: scripts/run-suite" && out_has "--publish"'
check "run-suite --bogus: exit 1, names it" \
	eval '"$rs" --bogus >"$work/out" 2>"$work/err"; [ $? = 1 ] && err_has "--bogus"'
check "run-suite --no-run on a folder without results: exit 1, names it" \
	eval 'mkdir -p "$work/none" && { "$rs" --no-run --out "$work/none" >"$work/out" 2>"$work/err"; [ $? = 1 ]; } && err_has "no results for 6.1 in $work/none"'

# The reference run's own outputs, as git keeps them.
run=$work/run
mkdir -p "$run"
kernels="6.1 6.12 7.x 6.1-sva 6.12-sva 7.x-sva"
for k in $kernels; do
	mkdir -p "$run/$k"
	cp "$top/results/testbed/$k"/*.results.gz "$top/results/testbed/$k"/*.txt "$run/$k/"
	rm -f "$run/$k"/*.report.txt
done
"$rs" --no-run --out "$run" >"$work/stdout" 2>"$work/stderr"
status=$?
check "--no-run: exit 0" [ "$status" = 0 ]
# A silent failure here under load was a SIGPIPE under pipefail (a loop
# writing into head -n 1); keep what run-suite said, should one come back.
[ "$status" = 0 ] || sed 's/^/# run-suite: /' "$work/stderr" | tail -n 20
check "--no-run: a report beside every results file" \
	eval '(for f in "$run"/*/*.results.gz; do [ -s "${f%.results.gz}.report.txt" ] || exit 1; done)'
check "--no-run: each kernel compared with the one before it, and the plots" \
	eval '[ -s "$run/compare-6.1-vs-6.12.txt" ] && [ -s "$run/compare-6.12-vs-7.x.txt" ] &&
	 [ -s "$run/compare-6.1-sva-vs-6.12-sva.txt" ] && [ -s "$run/compare-6.12-sva-vs-7.x-sva.txt" ] &&
	 [ ! -e "$run/compare-6.1-vs-7.x.txt" ] && ls "$run"/plots/cdf-op.attach.png >/dev/null'
check "the summary is the last thing printed, and fits two screens" \
	eval 'lines=$(wc -l <"$run/summary.txt") && [ "$lines" -le 80 ] &&
	 tail -n "$lines" "$work/stdout" | cmp -s - "$run/summary.txt"'
check "the summary names each kernel and what ran on it" \
	eval '(for k in $kernels; do grep -qE "^  $k \\([^)]+\\): .*(attach-1t|bind-1p)" "$run/summary.txt" || exit 1; done)'
# counts per attach+detach: the traced run's own counter over its ops.
sync61=$("$sb" report -f csv "$run/6.1/trace-attach-1t.results.gz" | sed -n 's/^# counter cmd.CMD_SYNC=//p')
ops61=$("$sb" report -f csv "$run/6.1/trace-attach-1t.results.gz" | sed -n 's/^# param command=.*--iterations \([0-9]*\).*/\1/p')
check "the summary's CMD_SYNCs per attach+detach are the traced counts per op, a column per kernel" \
	eval 'want=$(awk -v c="$sync61" -v n="$ops61" "BEGIN { printf \"%.2f\", c / n }") &&
	 grep -qE "^Per attach\+detach \(trace-attach-1t\), exact: +6\.1 +6\.12 +7\.x$" "$run/summary.txt" &&
	 grep -qE "^  CMD_SYNC +$want +[0-9.]+ +[0-9.]+$" "$run/summary.txt"'
check "the summary gives the timing verdicts per op, not the timing probe" \
	eval 'grep -q "^Timing verdicts, 6.1 -> 6.12" "$run/summary.txt" &&
	 grep -q "^Timing verdicts, 6.12-sva -> 7.x-sva" "$run/summary.txt" &&
	 grep -qE "^  attach-1t +op.attach .* (faster|slower|no significant difference|shifted, medians within 1%)$" "$run/summary.txt" &&
	 ! grep -q "op.empty" "$run/summary.txt"'
check "the summary says where the full tables and plots are" \
	eval 'grep -q "^Full tables: $run/compare-\*.txt" "$run/summary.txt" && grep -q "figures: $run/plots/" "$run/summary.txt"'

check "--publish: the run's own outputs, results gzipped, nothing derived" \
	eval '"$rs" --publish --out "$run" --published "$work/pub" >"$work/out" 2>&1 &&
	 [ -s "$work/pub/6.1/trace-attach-1t.txt" ] && [ -s "$work/pub/6.1/bind-refused.txt" ] &&
	 [ -s "$work/pub/6.12-sva/bind-1p.results.gz" ] &&
	 [ -z "$(find "$work/pub" -name "*.report.txt" -o -name plots -o -name "compare-*" -o -name summary.txt)" ]'
gunzip -c "$run/6.1/map-4k.results.gz" >"$run/6.1/map-4k.results" && rm "$run/6.1/map-4k.results.gz"
check "--publish gzips a plain results file, which reads the same" \
	eval '"$rs" --publish --out "$run" --published "$work/pub" >"$work/out" 2>&1 &&
	 "$sb" report -f csv "$run/6.1/map-4k.results" >"$work/a" && "$sb" report -f csv "$work/pub/6.1/map-4k.results.gz" >"$work/b" &&
	 cmp -s "$work/a" "$work/b"'
done_testing
