#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Bench: the module's own timing overhead, as the ratio of the empty op's
# median (two clock reads in the same loop) to the map op's median, for
# 4 KiB maps on each Debian test bed kernel (goal: <= 0.01). Under QEMU TCG
# the clock read itself is emulated and slow, so the ratio there is an
# upper bound of what an Arm server shows.
set -e
top=$(cd "$(dirname "$0")/../.." && pwd)
sb=$top/build/host/smmubench
n=${BENCH_ITERATIONS:-5000}
tmp=$(mktemp -d "$top/build/bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

for k in 6.1 6.12; do
	"$top/scripts/testbed" --kernel "$k" --share "$tmp" -- "
		insmod /opt/smmubench/smmubench.ko &&
		smmubench run -w map -d \${SMMUBENCH_DEVICES%%,*} -n $n -q -o map-$k.results" \
		>/dev/null 2>&1 || { echo "bench/module: the run on $k failed" >&2; exit 1; }
	"$sb" report --format csv "$tmp/map-$k.results" | awk -F, -v k="$k" '
		$1 == "op.empty" { empty = $7 }
		$1 == "op.map" { map = $7 }
		END {
			printf "bench: module overhead on %s (emulated): empty p50 %.0f ns / map p50 %.0f ns = ratio %.4f (goal <= 0.01)\n",
				k, empty, map, empty / map
		}'
done
