#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Bench: the tracer's overhead, on each Debian test bed kernel (6.12:
# fentry, 6.1: kprobes), as ratios measured in one boot, each next to the
# same figure for a klockstat-style hook set (`smmubench trace --all-tasks`:
# every mutex_lock/unlock of every task hooked, no per-task gate):
#  (a) the map workload traced (`smmubench run --trace`, the default
#      catalogue and lock probes: kprobes on the lock calls of the traced
#      code, none on the lock functions) against untraced: p50 of map +
#      unmap + iotlb_sync (goal <= 1.05);
#  (b) an unrelated mutex-heavy workload with the tracer loaded against
#      without: tests/guest/pipe_mutex.c, one-byte pipe write + read, each
#      locking the pipe's mutex (mutex_lock() in __pipe_lock()), so two
#      mutex_lock/unlock pairs per iteration; --all-tasks counts them
#      (goal <= 1.02).
# The guest runs with QEMU -icount (scripts/testbed --icount 0): guest time
# counts executed instructions, so the ratios do not follow the host's load
# (other QEMUs share its 2 cores: with the host clock, two untraced runs
# differed by 2x). The three configurations run back to back in each of
# ROUNDS rounds, a ratio is taken within a round, and the median over the
# rounds is printed with its range. Timings are emulated: the ratios are
# instruction-count ratios of the probes' cost under emulation, never SMMU
# figures; on hardware a probe costs less relative to the work it wraps.
# BENCH_TRACE_KERNELS (default "6.12 6.1") picks the kernels.
# shellcheck disable=SC2046 # set -- $(...) splits "median min max" on purpose
set -e
top=$(cd "$(dirname "$0")/../.." && pwd)
n=${BENCH_ITERATIONS:-2000}
pipe_n=${BENCH_PIPE_ITERATIONS:-10000}
rounds=${BENCH_ROUNDS:-3}
tmp=$(mktemp -d "$top/build/bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

guest() {
	cat <<EOF
set -e
cd /tmp
insmod /opt/smmubench/smmubench.ko
dev=\${SMMUBENCH_DEVICES%%,*}
# the run's own perf counting (tracepoints) would be in every op: off
np=\$(smmubench run --help | grep -q -e --no-perf && echo --no-perf || true)
for r in \$(seq $rounds); do
	smmubench run \$np -w map -d \$dev -n $n -q -o map-none-\$r.results
	smmubench run \$np --trace -w map -d \$dev -n $n -q -o map-gated-\$r.results >/dev/null
	smmubench run \$np --trace=--all-tasks -w map -d \$dev -n $n -q -o map-all-\$r.results >/dev/null
	pipe_mutex $pipe_n >pipe-none-\$r
	smmubench trace -- pipe_mutex $pipe_n >pipe-gated-\$r
	smmubench trace --all-tasks -o pipe-all-\$r.results -- pipe_mutex $pipe_n >pipe-all-\$r
done
cp map-*.results pipe-* /mnt/host/
EOF
}

# ops_p50_sum FILE: the p50 of op.map, op.unmap and op.iotlb_sync, summed (ns).
ops_p50_sum() {
	awk -F '\t' '$1 == "sample" && ($2 == "op.map" || $2 == "op.unmap" || $2 == "op.iotlb_sync") {
		print $2, $3 }' "$1" | sort -k1,1 -k2,2n | awk '
		{ v[$1, ++c[$1]] = $2 }
		END {
			for (op in c)
				t += v[op, int((c[op] + 1) / 2)]
			print t
		}'
}

# op_p50 OP FILE: the p50 of one op (ns).
op_p50() {
	awk -F '\t' -v s="$1" '$1 == "sample" && $2 == s { print $3 }' "$2" | sort -n |
		awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# ratios CMD CONFIG: per round, CMD(CONFIG) / CMD(none); prints
# "median min max" of the ratios.
ratios() {
	for r in $(seq "$rounds"); do
		a=$($1 "$2" "$r")
		b=$($1 none "$r")
		awk -v a="$a" -v b="$b" 'BEGIN { printf "%.4f\n", a / b }'
	done | sort -n | awk '{ v[NR] = $1 } END {
		printf "%.3f %.3f %.3f\n", v[int((NR + 1) / 2)], v[1], v[NR] }'
}

map_sum() {
	ops_p50_sum "$tmp/map-$1-$2.results"
}

map_sync() {
	op_p50 op.iotlb_sync "$tmp/map-$1-$2.results"
}

map_map() {
	op_p50 op.map "$tmp/map-$1-$2.results"
}

pipe_ns() {
	awk '$1 == "ns_per_iter" { print $2 }' "$tmp/pipe-$1-$2"
}

verdict() {
	awk -v r="$1" -v g="$2" 'BEGIN { print (r <= g ? "met" : "MISSED") }'
}

for k in ${BENCH_TRACE_KERNELS:-6.12 6.1}; do
	rm -f "$tmp"/map-* "$tmp"/pipe-*
	"$top/scripts/testbed" --kernel "$k" --icount 0 --share "$tmp" --timeout 2400 -- "$(guest)" \
		>"$tmp/log" 2>&1 || {
		echo "bench/trace: the runs on $k failed:" >&2
		tail -n 20 "$tmp/log" >&2
		exit 1
	}
	case $k in 6.1) probe=kprobe ;; *) probe=fentry ;; esac
	set -- $(ratios map_sum gated)
	g=$1 g_range="$2..$3"
	set -- $(ratios map_sum all)
	echo "bench: trace map overhead on $k ($probe, emulated, icount clock): traced/untraced p50 of map+unmap+iotlb_sync, median of $rounds rounds: ratio $g (range $g_range; goal <= 1.05: $(verdict "$g" 1.05)); klockstat-style --all-tasks: ratio $1 (range $2..$3)"
	set -- $(ratios map_map gated)
	m=$1
	set -- $(ratios map_sync gated)
	echo "bench:   by op: map $m (no probe on its path), iotlb_sync $1 (the cmdlist probe); untraced p50 sum $(map_sum none 1) ns in round 1"
	set -- $(ratios pipe_ns gated)
	g=$1 g_range="$2..$3"
	set -- $(ratios pipe_ns all)
	probes=$(sed -n 's/^(mutex probes) *//p' "$tmp/pipe-gated-1" | cut -c1-60)
	echo "bench:   lock probes of the traced runs: ${probes:-none}"
	echo "bench: trace unrelated-mutex overhead on $k ($probe, emulated, icount clock): pipe write+read with the tracer loaded/without, median of $rounds rounds: ratio $g (range $g_range; goal <= 1.02: $(verdict "$g" 1.02)); klockstat-style --all-tasks: ratio $1 (range $2..$3)"
	holds=$(awk -F '\t' '$1 == "counter" && $2 == "alltasks.holds" { print $3 }' "$tmp/pipe-all-1.results")
	awk -v h="${holds:-0}" -v n="$pipe_n" -v t="$(pipe_ns none 1)" 'BEGIN {
		printf "bench:   pipe_mutex takes mutexes: --all-tasks saw %d mutex holds in %d iterations (%.2f per iteration, 2 of them the pipe mutex); untraced %d ns per iteration in round 1\n",
			h, n, h / n, t }'
done
