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
#  (c) each probe kind against its floor: the guest instructions it adds
#      per op of the map workload (`smmubench trace --no-raw`, p50 of the
#      ops summed, minus untraced) over those that the same probes with
#      empty programs add (`smmubench trace --empty`, same attach points,
#      same round), per kind: the cmdlist probe (-f cmdlist alone), a
#      plain fentry/fexit or kprobe/kretprobe pair (arm_smmu_atc_inv_domain,
#      once per iotlb_sync: the cmdlist-plus-pair trace minus the cmdlist
#      one) and the call-site lock probes (attach workload, locks followed
#      minus --no-locks); with the probes that fire per op, counted once
#      by the kernel's BPF statistics (kernel.bpf_stats_enabled) in a run
#      of their own (the statistics cost time in every program run) (goal:
#      ratio <= 1.25);
#  (d) on a -sva kernel, bind+unbind traced (`run --trace`) against
#      untraced (goal <= 1.10);
#  (e) the module's empty op against the 4 KiB map op on this clock
#      (module.sh gives the host clock's) (goal <= 0.05).
# BENCH_TRACE_KERNELS (default "6.12 6.1 6.12-sva") picks the kernels.
# shellcheck disable=SC2046 # set -- $(...) splits "median min max" on purpose
set -e
top=$(cd "$(dirname "$0")/../.." && pwd)
n=${BENCH_ITERATIONS:-2000}
attach_n=${BENCH_ATTACH_ITERATIONS:-200}
bind_n=${BENCH_BIND_ITERATIONS:-200}
count_n=200	# the fired-probe count's run: its map ops are n's
pipe_n=${BENCH_PIPE_ITERATIONS:-10000}
rounds=${BENCH_ROUNDS:-3}
tmp=$(mktemp -d "$top/build/bench.XXXXXX")
# BENCH_KEEP=DIR: keep each kernel's files (results, trace outputs) in
# DIR/KERNEL; BENCH_REUSE=DIR: print the figures of such files, no boot.
trap 'rm -rf "$tmp"' EXIT

guest() {
	cat <<EOF
set -e
cd /tmp
insmod /opt/smmubench/smmubench.ko
dev=\${SMMUBENCH_DEVICES%%,*}
# the run's own perf counting (tracepoints) would be in every op: off
np=\$(smmubench run --help | grep -q -e --no-perf && echo --no-perf || true)
# probe kinds: trace CONFIG WORKLOAD TRACE-OPTIONS
kinds() {
	r=\$1
	for p in $families; do
		trc cmdq-\$p-\$r map --probe \$p --no-locks -f arm_smmu_cmdq_issue_cmdlist
		trc cmdqe-\$p-\$r map --empty --probe \$p --no-locks -f arm_smmu_cmdq_issue_cmdlist
		trc pair-\$p-\$r map --probe \$p --no-locks -f arm_smmu_atc_inv_domain
		trc paire-\$p-\$r map --empty --probe \$p --no-locks -f arm_smmu_atc_inv_domain
	done
	trc locks-\$r attach
	trc nolocks-\$r attach --no-locks
	trc lockse-\$r attach --empty
	trc nolockse-\$r attach --empty --no-locks
}
trc() {
	c=\$1 w=\$2
	shift 2
	k=$n
	[ \$w = attach ] && k=$attach_n
	smmubench trace --no-raw "\$@" -- smmubench run \$np -w \$w -d \$dev -n \$k -q -o kind-\$c.results >kind-\$c.txt 2>&1
}
# the probes that fire: every program's run count, from the tracer's fds
fired() {
	c=\$1 w=\$2
	shift 2
	sysctl -qw kernel.bpf_stats_enabled=1
	smmubench trace --no-raw "\$@" -- sh -c "smmubench run \$np -w \$w -d \$dev -n $count_n -q -o /tmp/fired.results >/dev/null; grep -H run_cnt /proc/\\\$PPID/fdinfo/*" 2>/dev/null >fired-\$c.txt
	awk -v c="\$c" '\$1 ~ /run_cnt:\$/ { t += \$2 } END { print c, t }' fired-\$c.txt >>fired
	sysctl -qw kernel.bpf_stats_enabled=0
}
for r in \$(seq $rounds); do
	kinds \$r
	smmubench run \$np -w map -d \$dev -n $n -q -o map-none-\$r.results
	smmubench run \$np --trace -w map -d \$dev -n $n -q -o map-gated-\$r.results >/dev/null
	smmubench run \$np --trace=--all-tasks -w map -d \$dev -n $n -q -o map-all-\$r.results >/dev/null
	pipe_mutex $pipe_n >pipe-none-\$r
	smmubench trace -- pipe_mutex $pipe_n >pipe-gated-\$r
	smmubench trace --all-tasks -o pipe-all-\$r.results -- pipe_mutex $pipe_n >pipe-all-\$r
	if [ -n "$sva" ]; then
		smmubench run \$np -w bind -d \$dev -n $bind_n -q -o bind-none-\$r.results
		smmubench run \$np --trace -w bind -d \$dev -n $bind_n -q -o bind-gated-\$r.results >/dev/null
	fi
done
: >fired
for p in $families; do
	fired cmdq-\$p map --probe \$p --no-locks -f arm_smmu_cmdq_issue_cmdlist
	fired pair-\$p map --probe \$p --no-locks -f arm_smmu_atc_inv_domain
done
fired locks attach
fired nolocks attach --no-locks
cp map-*.results pipe-* kind-* fired* /mnt/host/
cp bind-*.results /mnt/host/ 2>/dev/null || true
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

bind_sum() {
	all_sum "$tmp/bind-$1-$2.results"
}

pipe_ns() {
	awk '$1 == "ns_per_iter" { print $2 }' "$tmp/pipe-$1-$2"
}

# all_sum FILE: the p50 of every op but the empty one, summed (ns).
all_sum() {
	awk -F '\t' '$1 == "sample" && $2 ~ /^op\./ && $2 != "op.empty" {
		print $2, $3 }' "$1" | sort -k1,1 -k2,2n | awk '
		{ v[$1, ++c[$1]] = $2 }
		END {
			for (op in c)
				t += v[op, int((c[op] + 1) / 2)]
			print t + 0
		}'
}

# over A B C D: per round, (A - B) / (C - D) of the op sums of the
# results files A..D ("@" is the round); prints "median min max".
over() {
	for r in $(seq "$rounds"); do
		for f in "$@"; do
			all_sum "$tmp/$(echo "$f" | sed "s/@/$r/").results"
		done | paste -s -d ' ' | awk '{
			d = $3 - $4
			printf "%.4f\n", (d > 0 ? ($1 - $2) / d : -1) }'
	done | sort -n | awk '{ v[NR] = $1 } END {
		printf "%.3f %.3f %.3f\n", v[int((NR + 1) / 2)], v[1], v[NR] }'
}

# diff1 A B: round 1's op sum of A minus B (guest instructions per op).
diff1() {
	echo $(($(all_sum "$tmp/$(echo "$1" | sed s/@/1/).results") -
		$(all_sum "$tmp/$(echo "$2" | sed s/@/1/).results")))
}

# fired_per_op A [B]: program runs per iteration of config A (minus B's).
fired_per_op() {
	awk -v a="$1" -v b="${2:-}" -v n="$count_n" '
		$1 == a { x = $2 } $1 == b { y = $2 }
		END { printf "%.2f", (x - y) / n }' "$tmp/fired"
}

# kind_row LABEL TRACED BASE EMPTY EMPTY-BASE FIRED...: one probe kind.
kind_row() {
	label=$1
	set -- "$2" "$3" "$4" "$5" "$(fired_per_op "$6" "${7:-}")"
	cost=$(diff1 "$1" "$2")
	floor=$(diff1 "$3" "$4")
	pp=$5
	set -- $(over "$1" "$2" "$3" "$4")
	awk -v l="$label" -v c="$cost" -v f="$floor" -v pp="$pp" -v r="$1" \
	    -v lo="$2" -v hi="$3" -v k="$k" -v v="$(verdict "$1" 1.25)" 'BEGIN {
		printf "bench: probe cost on %s (emulated, icount clock): %s: %d guest instructions per op over untraced (%.0f per probe run) against %d for empty programs on the same attach points: ratio %s (range %s..%s, goal <= 1.25: %s); %s probe runs per op\n",
			k, l, c, (pp > 0 ? c / pp : 0), f, r, lo, hi, v, pp }'
}

verdict() {
	awk -v r="$1" -v g="$2" 'BEGIN { print (r <= g ? "met" : "MISSED") }'
}

for k in ${BENCH_TRACE_KERNELS:-6.12 6.1 6.12-sva}; do
	rm -f "$tmp"/map-* "$tmp"/pipe-* "$tmp"/kind-* "$tmp"/bind-* "$tmp"/fired
	# fentry where the kernel has it (6.1 on arm64 has not)
	case $k in 6.1 | 6.1-*) families=kprobe ;; *) families="fentry kprobe" ;; esac
	case $k in *-sva) sva=1 ;; *) sva= ;; esac
	if [ -n "${BENCH_REUSE:-}" ]; then
		cp "$BENCH_REUSE/$k"/* "$tmp/"
	else
		"$top/scripts/testbed" --kernel "$k" --icount 0 --share "$tmp" --timeout 2400 -- "$(guest)" \
			>"$tmp/log" 2>&1
	fi || {
		echo "bench/trace: the runs on $k failed:" >&2
		tail -n 20 "$tmp/log" >&2
		exit 1
	}
	case $k in 6.1 | 6.1-*) probe=kprobe ;; *) probe=fentry ;; esac
	if [ -n "${BENCH_KEEP:-}" ]; then
		mkdir -p "$BENCH_KEEP/$k" && cp "$tmp"/* "$BENCH_KEEP/$k/"
	fi
	for p in $families; do
		kind_row "the cmdlist probe ($p pair on arm_smmu_cmdq_issue_cmdlist, decoding its commands)" \
			"kind-cmdq-$p-@" map-none-@ "kind-cmdqe-$p-@" map-none-@ "cmdq-$p"
		kind_row "a $p pair (arm_smmu_atc_inv_domain)" \
			"kind-pair-$p-@" "kind-cmdq-$p-@" "kind-paire-$p-@" "kind-cmdqe-$p-@" "pair-$p" "cmdq-$p"
	done
	kind_row "the call-site lock probes (attach workload, kprobes on the lock calls)" \
		kind-locks-@ kind-nolocks-@ kind-lockse-@ kind-nolockse-@ locks nolocks
	awk -v k="$k" -v e="$(op_p50 op.empty "$tmp/map-none-1.results")" \
	    -v m="$(op_p50 op.map "$tmp/map-none-1.results")" 'BEGIN {
		printf "bench: module overhead on %s (emulated, icount clock): empty p50 %d ns / 4 KiB map p50 %d ns = ratio %.4f (goal <= 0.05: %s)\n",
			k, e, m, e / m, e / m <= 0.05 ? "met" : "MISSED" }'
	if [ -n "$sva" ]; then
		set -- $(ratios bind_sum gated)
		echo "bench: trace bind overhead on $k ($probe, emulated, icount clock): traced/untraced p50 of bind+unbind, median of $rounds rounds: ratio $1 (range $2..$3; goal <= 1.10: $(verdict "$1" 1.10)); untraced p50 sum $(bind_sum none 1) ns in round 1"
	fi
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
