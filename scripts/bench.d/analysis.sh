#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Bench: `smmubench compare` on 2 x 1,000,000 samples against `sort -n`
# over the same 2,000,000 numbers (goal: ratio <= 2). The samples are
# generated here, seeded, in a temporary directory that is removed after.
# Each timing is the best of 3 runs; sort runs with LC_ALL=C.
set -e
top=$(cd "$(dirname "$0")/../.." && pwd)
sb=${SMMUBENCH:-$top/build/host/smmubench}
n=${BENCH_SAMPLES:-1000000}
prog=bench/analysis

[ -x "$sb" ] || { echo "$prog: error: $sb is not built (make host)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Log-normal latencies around 1.1 us, the second side 5% slower.
# shellcheck source=tests/host/gen.sh
. "$top/tests/host/gen.sh"

gen 1 "$n" 1.00 >"$tmp/a.txt"
gen 2 "$n" 1.05 >"$tmp/b.txt"
"$sb" import -l a -o "$tmp/a.sbr" "$tmp/a.txt"
"$sb" import -l b -o "$tmp/b.sbr" "$tmp/b.txt"

now() {
	date +%s.%N
}

# best3 CMD...: the fastest of three runs, in seconds.
best3() {
	best=
	for i in 1 2 3; do
		t0=$(now)
		"$@" >/dev/null
		t1=$(now)
		best=$(echo "$t0 $t1 $best" | awk '{ d = $2 - $1; if ($3 == "" || d < $3) print d; else print $3 }')
	done
	echo "$best"
}

t_cmp=$(best3 "$sb" compare "$tmp/a.sbr" "$tmp/b.sbr")
t_sort=$(best3 env LC_ALL=C sort -n "$tmp/a.txt" "$tmp/b.txt")
echo "$t_cmp $t_sort" | awk -v n="$n" '{
	r = $1 / $2
	printf "bench: compare-vs-sort: ratio %.2f (goal <= 2: %s; compare on 2 x %d samples %.3f s, sort -n of the same %d numbers %.3f s)\n",
		r, r <= 2 ? "met" : "MISSED", n, $1, 2 * n, $2
}'
