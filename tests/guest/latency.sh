#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The SMMU latency model seen from the guest (tests/testbed/latency.t boots
# this once per model and compares the boots): measures, with the tracer,
#  - the map workload's CMD_SYNC waits: the CMD_SYNC call inside each
#    arm_smmu_iotlb_sync op (series trace.iotlb_sync.cmd_sync of
#    `smmubench run --trace`), and the map ops, which send no command;
#  - the attach workload's lock holds with the CMD_SYNCs under them
#    (lock.<name>.{holds,hold_ns,sync_calls}).
# Prints them as "# value NAME NUMBER" lines for the host side, and checks
# what one boot can: every op was traced, every results file records the
# test bed's latency model (meta smmu_latency) and clock.
# With --sweep LIST DIR instead: only a thread sweep of map+unmap over
# every test device (run --threads LIST), its results files written to DIR
# for the host to plot.
# Needs smmubench.ko; emulated timings, never SMMU latencies.
. /opt/smmubench/tests/tap.sh

dev=${SMMUBENCH_DEVICES%%,*}
sweep= sweep_dir=
if [ "${1:-}" = --sweep ]; then
	sweep=$2 sweep_dir=$3
	set --
fi
n=${1:-64}
run=/tmp/lat-map.sbr
res=/tmp/lat-map.trace
ares=/tmp/lat-attach.trace
out=/tmp/lat.out
# The 9p share's DMA goes through the SMMU: stay off it while tracing.
cd /tmp || exit 1

if ! insmod /opt/smmubench/smmubench.ko; then
	ok 1 "insmod smmubench.ko"
	tap_done
	exit
fi

# p50 of the samples of SERIES in FILE (the lower middle for even counts).
median() {
	awk -v s="$2" '$1 == "sample" && $2 == s { print $3 }' "$1" | sort -n |
		awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : "none" }'
}
nsamples() {
	awk -v s="$2" '$1 == "sample" && $2 == s' "$1" | wc -l
}
meta() {
	awk -F '\t' -v k="$2" '$1 == "meta" && $2 == k { print $3 }' "$1"
}

# --- a thread sweep of map+unmap (run --threads LIST) --------------------
# One results file per point, each with its threads param and t x 50 maps.
if [ -n "$sweep" ]; then
	smmubench run -w map -d "$SMMUBENCH_DEVICES" -t "$sweep" -n 50 -q \
		-o "$sweep_dir/sweep.results" >$out 2>&1
	is "$?" 0 "run -w map -t $sweep exits 0"
	for t in $(echo "$sweep" | tr , ' '); do
		f=$sweep_dir/sweep.t$t.results
		p=$(awk -F '\t' '$1 == "param" && $2 == "threads" { print $3 }' $f 2>/dev/null)
		is "$p $(nsamples $f op.map)" "$t $((t * 50))" "sweep point $t: its own file, param threads $t, $((t * 50)) maps"
		is "$(meta $f smmu_latency)" "$(meta "$sweep_dir/sweep.t1.results" smmu_latency)" \
			"sweep point $t records the latency model"
		el=$(results_counter $f elapsed_ns)
		echo "# sweep threads=$t elapsed_ns=$el map+unmap/s per thread=$(awk -v e="$el" 'BEGIN { if (e > 0) printf "%.0f", 50 / (e / 1e9) }') iotlb_sync_p50=$(median $f op.iotlb_sync)"
	done
	rmmod smmubench
	dmesg_clean "thread sweep"
	tap_done
	exit
fi
value() {
	echo "# value $1 $2"
}

model=$(sed -n 's/.*smmubench_smmu_latency=\([^ ]*\).*/\1/p' /proc/cmdline)
echo "# latency model: ${model:-none (the host's QEMU)}"

# --- map + unmap: one TLBI_NH_VA + CMD_SYNC per iotlb_sync, none in map ---
smmubench run --trace="--no-locks -o $res -f arm_smmu_map_pages,arm_smmu_unmap_pages,arm_smmu_iotlb_sync" \
	-w map -d "$dev" -n "$n" -q -o $run >$out 2>&1
is "$?" 0 "run --trace -w map -n $n exits 0"
is "$(nsamples $run trace.iotlb_sync.cmd_sync)" "$n" "a CMD_SYNC time for each of the $n iotlb_sync ops"
is "$(results_counter $res inside.arm_smmu_iotlb_sync.CMD_SYNC)" "$n" "$n CMD_SYNCs inside arm_smmu_iotlb_sync"
is "$(results_counter $res inside.arm_smmu_map_pages.calls)" 0 "no command inside arm_smmu_map_pages"
value cmd_sync_p50 "$(median $run trace.iotlb_sync.cmd_sync)"
value map_p50 "$(median $run op.map)"
value unmap_p50 "$(median $run op.unmap)"
value iotlb_sync_p50 "$(median $run op.iotlb_sync)"
for f in $run $res; do
	is "$(meta $f smmu_latency)" "$model" "$(basename $f): meta smmu_latency is the test bed's model"
	is "$(meta $f clock)" "$(sed -n 's/.*smmubench_timing=\([^ ]*\).*/\1/p' /proc/cmdline)" \
		"$(basename $f): meta clock is the test bed's"
done

# --- attach: lock holds with their CMD_SYNCs ------------------------------
smmubench trace -o $ares -- smmubench run -w attach -d "$dev" -n 20 -q \
	-o /tmp/lat-attach.sbr >$out 2>&1
is "$?" 0 "trace -- run -w attach -n 20 exits 0"
value attach_sync_calls "$(results_counter $ares cmdq.sync_calls)"
for l in arm_smmu_asid_lock init_mutex; do
	for c in holds hold_ns sync_calls; do
		value "$l.$c" "$(results_counter $ares lock.$l.$c none)"
	done
done
value arm_smmu_asid_lock.hold_p50 "$(median $ares lock.arm_smmu_asid_lock.hold)"
value arm_smmu_asid_lock.attach_holds "$(results_counter $ares lock.arm_smmu_asid_lock.in.arm_smmu_attach_dev.holds none)"
value arm_smmu_asid_lock.attach_sync_calls "$(results_counter $ares lock.arm_smmu_asid_lock.in.arm_smmu_attach_dev.sync_calls none)"
dmesg_clean "latency model run"
tap_done
