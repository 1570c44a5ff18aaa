#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# perf.sh: issue 9 in the test bed guest (TAP). Usage: perf.sh REPO, the
# repository as the guest sees it (/mnt/host), for scripts/perf/.
#
#  - `smmubench run` records the tracepoint counts, and they agree with the
#    module's own op counts: iommu:map = pages mapped, iommu:unmap = unmap
#    ops, iommu:attach_device_to_domain = attaches + detaches;
#  - what the machine lacks is "unsupported", never 0, in the results and
#    the report: the PMCG events (QEMU has no PMCG), and any core PMU event
#    the PMU does not list in sysfs (instructions under TCG);
#  - the perf sessions of scripts/perf run with the test bed's perf (Debian's
#    arm64 perf from make deps), and say why not where they cannot.
#
# Nothing touches the 9p share while counting: its DMA goes through the
# SMMU and would add iommu:map events (results go to /tmp).
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/guest/tap.sh
. "$here/tap.sh"

repo=${1:?usage: perf.sh REPO}
KO=${SMMUBENCH_KO:-/opt/smmubench/smmubench.ko}
W=/tmp/perf-test
mkdir -p "$W"
cd "$W" || exit 1
# shellcheck disable=SC2046
set -- $(echo "$SMMUBENCH_DEVICES" | tr ',' ' ')
D1=$1 D2=$2
N=40
PAGES=4

# samples FILE SERIES: the number of samples of SERIES.
samples() {
	awk -v s="$2" '$1 == "sample" && $2 == s { n++ } END { print n + 0 }' "$1"
}

# counter FILE NAME: the counter's value, "unsupported", or "absent".
counter() {
	results_counter "$1" "$2" absent
}

insmod "$KO"
ok $? "insmod smmubench.ko"

# --- counts around a run agree with the module's ----------------------------
smmubench run -q -w map -d "$D1" -s $((PAGES * 4))K -g 4K -n $N -o map.results
ok $? "map run of $N x $PAGES pages"
maps=$(samples map.results op.map)
unmaps=$(samples map.results op.unmap)
is "$maps" $N "the module recorded $N map ops"
is "$(counter map.results perf.iommu:map)" $((maps * PAGES)) \
	"iommu:map count = map ops x pages per op"
is "$(counter map.results perf.iommu:unmap)" "$unmaps" \
	"iommu:unmap count = unmap ops"

smmubench run -q -w attach -d "$D1,$D2" -m 2 -n $((N / 2)) -o attach.results
ok $? "attach run, two masters"
ad=$(($(samples attach.results op.attach) + $(samples attach.results op.detach)))
is "$(counter attach.results perf.iommu:attach_device_to_domain)" "$ad" \
	"iommu:attach_device_to_domain count = attaches + detaches (a detach attaches the default domain)"
is "$(counter attach.results perf.iommu:map)" 0 \
	"an attach run maps nothing: a counted 0, not unsupported"
c=$(counter map.results perf.lock:contention_begin)
case "$c" in
[0-9]*) ok 0 "lock:contention_begin counted ($c)" ;;
*) ok 1 "lock:contention_begin counted (got '$c')" ;;
esac

# --- what the machine lacks is unsupported -----------------------------------
if ls -d /sys/bus/event_source/devices/smmuv3_pmcg_* >/dev/null 2>&1; then
	ok 1 "this test expects QEMU's SMMUv3, which has no PMCG"
else
	bad=
	for e in cycles transaction tlb_miss config_cache_miss \
		config_struct_access trans_table_walk_access; do
		v=$(counter map.results "perf.smmuv3_pmcg.$e")
		[ "$v" = unsupported ] || bad="$bad $e=$v"
	done
	is "${bad:-none}" none "no PMCG: every perf.smmuv3_pmcg.* counter is unsupported"
fi
# The arm PMU lists in sysfs the events its PMCEID registers say it has.
pmu=$(ls -d /sys/bus/event_source/devices/armv8_* 2>/dev/null | head -n1)
for pair in cycles:cpu_cycles instructions:inst_retired; do
	name=${pair%%:*} ev=${pair#*:}
	v=$(counter map.results "perf.$name")
	if [ -n "$pmu" ] && [ -e "$pmu/events/$ev" ]; then
		case "$v" in
		[1-9]*) ok 0 "$name: the PMU has $ev, counted ($v)" ;;
		*) ok 1 "$name: the PMU has $ev, counted (got '$v')" ;;
		esac
	else
		is "$v" unsupported "$name: the PMU lacks $ev, so unsupported"
	fi
done
grep -q "^meta	perf_unsupported	.*smmuv3_pmcg.transaction.*(no SMMUv3 PMCG" map.results
ok $? "meta perf_unsupported says why the PMCG events are missing"

smmubench report map.results >report.txt 2>&1
ok $? "report runs"
grep -qE '^  perf\.smmuv3_pmcg\.transaction +unsupported$' report.txt
ok $? "report shows perf.smmuv3_pmcg.transaction as unsupported"
grep -qE "^  perf\.iommu:map +$((maps * PAGES))\$" report.txt
ok $? "report shows the iommu:map count"
smmubench compare map.results map.results >compare.txt 2>&1
# Counters unsupported on both sides share one line that names them.
grep -qE '^[0-9]+ counters? unsupported on both sides: (.*, )?perf\.smmuv3_pmcg\.tlb_miss(,|$)' compare.txt
ok $? "compare shows unsupported on both sides"

# --- the perf sessions ---------------------------------------------------------
P=$repo/scripts/perf
run_map="smmubench run -q -w map -d $D1 -n $N -o $W/session.results"

"$P/stat-pmcg" -o "$W/stat" -- $run_map >stat.out 2>&1
is $? 3 "stat-pmcg: cannot run without a PMCG (exit 3)"
grep -q "cannot run here: no SMMUv3 PMCG" stat.out &&
	grep -q "to enable: CONFIG_ARM_SMMU_V3_PMU" stat.out
ok $? "stat-pmcg says why and what to enable"

"$P/lock-contention" -o "$W/lock" -- $run_map >lock.out 2>&1
is $? 0 "lock-contention runs with the test bed's perf"
grep -q "perf lock contention -b unavailable: .*BUILD_BPF_SKEL" lock.out &&
	grep -q "falling back to perf lock record" lock.out
ok $? "lock-contention says why -b is unavailable and falls back"
grep -q "contended" "$W/lock/contention.txt"
ok $? "lock-contention wrote its table"

"$P/record-contention" -o "$W/rec" -- $run_map >rec.out 2>&1
is $? 0 "record-contention runs"
[ -s "$W/rec/perf.data" ]
ok $? "record-contention recorded perf.data"

"$P/trace-sva" -o "$W/trace" -- $run_map >trace.out 2>&1
is $? 0 "trace-sva runs"
calls=$(awk '$2 == "probe:arm_smmu_cmdq_issue_cmdlist" { print $1 }' "$W/trace/counts.txt")
case "$calls" in
[1-9]*) ok 0 "trace-sva saw arm_smmu_cmdq_issue_cmdlist calls ($calls)" ;;
*) ok 1 "trace-sva saw arm_smmu_cmdq_issue_cmdlist calls (got '$calls')" ;;
esac
is "$(awk '$2 == "iommu:unmap" { print $1 }' "$W/trace/counts.txt")" \
	"$(samples "$W/session.results" op.unmap)" \
	"trace-sva: iommu:unmap events = the run's unmap ops"
sed 's/^/# /' trace.out | tail -n 12

# Without the test bed's perf, a session says why it cannot run.
mkdir -p "$W/noperf/scripts"
cp -r "$P" "$W/noperf/scripts/"
PATH=/opt/smmubench/bin:/bin:/sbin "$W/noperf/scripts/perf/record-contention" \
	-- true >noperf.out 2>&1
is $? 3 "no perf: exit 3"
grep -q "no perf in this guest: the busybox initramfs has none" noperf.out
ok $? "no perf: says why ($(head -n1 noperf.out))"

rmmod smmubench
ok $? "rmmod"
dmesg_clean "perf counters and sessions"
tap_done
