#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Issue 4's tracer checks, in the guest (one boot per kernel):
#  - the probe family is chosen by probing: kprobe on 6.1, fentry on 6.12;
#  - arm_smmu_attach_dev, a name the SMMUv2 driver defines too, resolves to
#    the v3 copy and gets the one hit a device attach makes;
#  - an absent and an inlined function are reported and the trace goes on;
#  - the attach of a fresh DMA domain (pci-stub binding a test device) gives
#    the command sequence derived from each kernel's driver source, and the
#    same counts as ftrace (kprobe_events) over the same window;
#  - mutex holds of the attach path with their CMD_SYNCs;
#  - the results file carries the counters, and the printed percentiles
#    are report's on it;
#  - smmubench run --trace: the map workload's records joined to its op ids;
#  - the filters --pid, --lock and --min-duration.
# Usage: trace.sh PCI_STUB_KO
. /opt/smmubench/tests/tap.sh

stub=$1
k=$SMMUBENCH_KERNEL
dev=${SMMUBENCH_DEVICES%%,*}
T=/sys/kernel/tracing
out=/tmp/trace.out
res=/tmp/trace.sbr

# Nothing below may touch the 9p share while tracing: its DMA goes through
# the SMMU and would add commands to the window.
cd /tmp || exit 1
cp "$stub" /tmp/pci-stub.ko 2>/dev/null
cleanup() {
	echo 0 >$T/events/smmut/enable 2>/dev/null
	echo >$T/kprobe_events 2>/dev/null
}
trap cleanup EXIT

# --- 1. probe family, catalogue resolution --------------------------------
smmubench trace -l >$out 2>&1
ok $? "trace -l runs"
case $k in
6.1) fam=kprobe/kretprobe meth=kprobe ;;
*) fam=fentry/fexit meth=fentry ;;
esac
grep -q "^Probe family: $fam " $out
ok $? "probe family chosen by probing is $fam"
issuer=$(cmdq_issuer)
grep -qE "^$issuer +$meth +$issuer 0x" $out
ok $? "$issuer, the command issuer, attached with $meth"
# Locks: kprobes on the calls of mutex_lock/mutex_unlock found in the
# traced functions' code, not hooks on the lock functions (docs/tracer.md,
# Overhead); spinlocks are inlined on Debian's kernels: nothing to probe.
grep -qE '^\(mutex probes\) +call-site kprobes: [1-9][0-9]* lock sites, [1-9][0-9]* unlock sites in .*none on mutex_lock or mutex_unlock$' $out
ok $? "mutexes: call-site kprobes by default, none on mutex_lock/mutex_unlock"
case $k in
7.*)	# 6.19 removed init_mutex; 7.x is preemptible: spinlocks are functions.
	grep -q '^init_mutex  *not traced: struct arm_smmu_domain has no init_mutex' $out
	ok $? "init_mutex: not traced, and says the kernel has none"
	grep -qE '^\(spinlock probes\) +call-site kprobes: [1-9][0-9]* lock sites, [1-9][0-9]* unlock sites in .*none on _raw_spin_lock_irqsave or _raw_spin_unlock_irqrestore$' $out
	ok $? "spinlocks: call-site kprobes (_raw_spin_lock_irqsave is a function here)"
	;;
*)
	grep -q '^init_mutex  *mutex_lock/mutex_unlock call-site kprobes, address = arm_smmu_domain' $out
	ok $? "init_mutex: the lock method names the call-site kprobes"
	grep -q '^(spinlock probes)' $out
	is $? 1 "spinlocks: no probe line (spin_lock_irqsave is inlined)"
	;;
esac

# arm_smmu_attach_dev has a v2 and a v3 copy; the tracer must pick one of
# them by address. Which one is right is shown by the hits in part 2: the
# attach goes through the v3 copy only.
copies=$(awk '$3 == "arm_smmu_attach_dev" { print $1 }' /proc/kallsyms)
is "$(echo "$copies" | wc -l)" 2 "two text symbols named arm_smmu_attach_dev (v2 and v3)"
got=$(sed -n 's/^arm_smmu_attach_dev  *kprobe@addr  *arm_smmu_attach_dev 0x\([0-9a-f]*\) (v3 copy of 2).*/\1/p' $out)
echo "$copies" | grep -qx "${got:-none}"
ok $? "arm_smmu_attach_dev attached by address to one copy (0x$got)"
other=$(echo "$copies" | grep -vx "${got:-none}" | head -n1)
grep -qE '^arm_smmu_write_ctx_desc_devices +- +absent on this kernel' $out
ok $? "a function the kernel lacks is reported absent"
case $k in
7.*)	# The full-domain invalidation, a static inline of the header.
	smmubench trace -l -f arm_smmu_domain_inv >/tmp/l.out 2>&1
	sed -n 's/^arm_smmu_domain_inv /# &/p' /tmp/l.out
	grep -qE '^arm_smmu_domain_inv +- +inlined: not traceable, nearest traceable caller arm_smmu_tlb_inv_context' /tmp/l.out
	;;
*) grep -qE '^arm_smmu_tlb_inv_range_domain +- +inlined: not traceable, nearest traceable caller arm_smmu_' $out ;;
esac
ok $? "an inlined function names its nearest traceable caller"
case $k in
6.1) grep -qE '^arm_smmu_write_ctx_desc +kprobe ' $out ;;
*) grep -qE '^arm_smmu_write_cd_entry +fentry ' $out &&
	grep -qE '^arm_smmu_write_ctx_desc +- +absent' $out ;;
esac
ok $? "the CD-write function of this kernel is picked"

# --- 2. fresh-domain attach, checked against ftrace -----------------------
insmod /tmp/pci-stub.ko
ok $? "insmod pci-stub"
case $k in
6.1) args='n=%x2:s32 sync=%x3:u8' ;;
*) args='n=%x3:s32 sync=%x4:u8' ;;
esac
# Since 6.15 a device is attached to its default domain when the SMMU
# probes it, not when a driver binds: there, a fresh DMA domain comes from
# the group's type, identity (before the window) back to DMA (inside).
grp=$(group_type "$dev")
retype=true
case $k in
7.*)	echo identity >$grp
	ok $? "$dev's group set to identity (no fresh-domain attach at bind since 6.15)"
	retype="echo DMA >$grp"
	;;
esac
echo "p:smmut/cmdlist $issuer $args" >>$T/kprobe_events &&
	echo "p:smmut/attach 0x$got" >>$T/kprobe_events &&
	echo "p:smmut/other 0x$other" >>$T/kprobe_events &&
	echo 1 >$T/events/smmut/enable
ok $? "ftrace kprobe_events on the cmdlist and both attach_dev copies"
echo >$T/trace

smmubench trace -e -o $res -L arm_smmu_asid_lock,init_mutex,devices_lock,cmdq_lock \
	-f arm_smmu_attach_dev,arm_smmu_domain_finalise_s1,arm_smmu_install_ste_for_dev,arm_smmu_sync_cd,arm_smmu_write_ctx_desc_devices,arm_smmu_tlb_inv_range_domain \
	-- sh -c "$retype && echo pci-stub >/sys/bus/pci/devices/$dev/driver_override &&
		  echo $dev >/sys/bus/pci/drivers_probe" >$out 2>&1
rc=$?
echo 0 >$T/events/smmut/enable
sed 's/^/# /' $out
is "$rc" 0 "trace -- COMMAND (bind $dev to pci-stub) exits 0"
drv=$(basename "$(readlink /sys/bus/pci/devices/$dev/driver)")
is "$drv" pci-stub "$dev bound to pci-stub, so it was attached to a domain"

# One statistics path: the P50 and P99 the tracer printed are the ones
# smmubench report computes from the results file it wrote (type 7).
smmubench report $res >/tmp/report.out 2>&1
bad=$(awk 'FNR == NR { if (NF == 19) { p50[$1] = $6 " " $7; p99[$1] = $10 " " $11 }; next }
	/^FUNCTION +METHOD +COUNT +P50 +P99/ { t = 1; next }
	t && NF == 0 { t = 0 }
	t && NF == 9 { n++; k = "func." $1
		if (p50[k] != $4 " " $5 || p99[k] != $6 " " $7)
			print k ": trace " $4 " " $5 ", " $6 " " $7 ", report " p50[k] ", " p99[k] }
	END { if (!n) print "no function row" }' /tmp/report.out $out)
is "$bad" "" "the tracer's printed P50 and P99 are report's on its results file"

# Counts from the results file.
counter() {
	results_counter "$res" "$1"
}
ft_calls=$(grep -c ' cmdlist:' $T/trace)
ft_syncs=$(grep -c ' cmdlist:.* sync=1' $T/trace)
ft_attach=$(grep -c ' attach:' $T/trace)
ft_other=$(grep -c ' other:' $T/trace)
echo "# ftrace: cmdlist calls $ft_calls, with sync $ft_syncs, attach $ft_attach, other copy $ft_other"
is "$(counter count.func.arm_smmu_attach_dev)" 1 "arm_smmu_attach_dev (picked copy): 1 hit"
is "$ft_attach" 1 "ftrace agrees: 1 hit on the picked copy"
is "$ft_other" 0 "ftrace: 0 hits on the other (v2) copy, so the pick is the v3 one"
is "$(counter cmdq.calls)" "$ft_calls" "cmdlist calls equal ftrace's ($ft_calls)"
is "$(counter cmd.CMD_SYNC)" "$ft_syncs" "CMD_SYNCs equal ftrace's sync=1 calls ($ft_syncs)"

# Expected inside arm_smmu_attach_dev, from the driver source (docs/tracer.md):
# 6.1:  arm_smmu_write_ctx_desc syncs the CD twice with no master on the
#       domain yet (2 empty batches + CMD_SYNC), the STE write syncs twice
#       (2 CFGI_STE + CMD_SYNC), then PREFETCH_CFG without a sync.
# 6.12: the CD writer syncs twice (2 CFGI_CD + CMD_SYNC), the STE writer
#       twice (2 CFGI_STE + CMD_SYNC), then PREFETCH_CFG without a sync.
case $k in
6.1) cd=0 ;;
*) cd=2 ;;
esac
is "$(counter inside.arm_smmu_attach_dev.calls)" 5 "attach: 5 cmdlist calls"
is "$(counter inside.arm_smmu_attach_dev.CMD_SYNC)" 4 "attach: 4 CMD_SYNC"
is "$(counter inside.arm_smmu_attach_dev.CFGI_STE)" 2 "attach: 2 CFGI_STE"
is "$(counter inside.arm_smmu_attach_dev.CFGI_CD)" $cd "attach: $cd CFGI_CD"
is "$(counter inside.arm_smmu_attach_dev.PREFETCH_CFG)" 1 "attach: 1 PREFETCH_CFG"
is "$(counter count.func.arm_smmu_install_ste_for_dev)" 1 "attach: 1 install_ste_for_dev"

# Locks. 6.1: init_mutex covers the whole attach (4 syncs); the asid lock
# is not in kallsyms: its address is learned as the first mutex
# arm_smmu_domain_finalise_s1 takes, and it is held across the ASID
# allocation and the SSID 0 CD write (2 syncs). 6.12: init_mutex covers finalise only (no command);
# arm_smmu_asid_lock is taken twice: in arm_smmu_domain_finalise_s1 (ASID
# allocation; 6.12 finalises in domain_alloc_paging, outside the attach, so
# it is traced only because finalise_s1 is in -f), then in the attach
# around the CD and STE writes (4 syncs).
case $k in
6.1)
	is "$(counter lock.init_mutex.holds)" 1 "init_mutex: 1 hold"
	is "$(counter lock.init_mutex.sync_calls)" 4 "init_mutex: 4 CMD_SYNCs while held"
	grep -q 'arm_smmu_asid_lock.*address 0x[0-9a-f]* learned: first mutex of arm_smmu_domain_finalise_s1' $out
	ok $? "arm_smmu_asid_lock: address learned (not in kallsyms on 6.1)"
	is "$(counter lock.arm_smmu_asid_lock.holds)" 1 "arm_smmu_asid_lock: 1 hold (ASID allocation + SSID 0 CD write)"
	is "$(counter lock.arm_smmu_asid_lock.sync_calls)" 2 "arm_smmu_asid_lock: the CD write's 2 CMD_SYNCs while held"
	;;
6.12)
	is "$(counter lock.init_mutex.holds)" 1 "init_mutex: 1 hold"
	is "$(counter lock.init_mutex.sync_calls)" 0 "init_mutex: no CMD_SYNC while held"
	;;
esac
case $k in
6.1) ;;
*)	# 7.x as 6.12: the asid lock in finalise (at allocation), then around
	# the CD and STE writes; no init_mutex since 6.19.
	is "$(counter lock.arm_smmu_asid_lock.holds)" 2 "arm_smmu_asid_lock: 2 holds"
	is "$(counter lock.arm_smmu_asid_lock.sync_calls)" 4 "arm_smmu_asid_lock: 4 CMD_SYNCs while held"
	;;
esac
case $k in
7.*)	# devices_lock: one hold in arm_smmu_attach_prepare (the master
	# joins the domain's list), no command under it.
	is "$(counter lock.devices_lock.holds)" 1 "devices_lock: 1 hold"
	is "$(counter lock.devices_lock.sync_calls)" 0 "devices_lock: no CMD_SYNC while held"
	;;
*)
	grep -q '^devices_lock  *not traced: spin_lock_irqsave is inlined.*Bound from the driver source: each hold lies inside one call of arm_smmu_' $out
	ok $? "devices_lock: says why it is not traced, and the bound from the source"
	;;
esac
# The cmdq lock's shared side ends in arm_smmu_cmdq_shared_unlock(): one
# bounded hold per cmdlist call with a CMD_SYNC (-L cmdq_lock).
grep -q '^cmdq_lock .* bounded estimate: ' $out
ok $? "cmdq_lock: traced as a bounded estimate, and says so"
is "$(counter lock.cmdq_lock.holds)" "$ft_syncs" "cmdq_lock: one shared hold per CMD_SYNC ($ft_syncs, ftrace)"
is "$(counter lock.cmdq_lock.sync_calls)" "$ft_syncs" "cmdq_lock: each hold spans its CMD_SYNC"
grep -q '^streams_mutex  *not traced: not selected by --lock' $out
ok $? "-L: streams_mutex not selected, and says so"
is "$(counter drops.ringbuf)" 0 "no ring buffer drops"

# --- 3. the map workload: N unmaps, exact commands ------------------------
# iommu_unmap -> arm_smmu_unmap_pages only gathers the page; then
# arm_smmu_iotlb_sync -> arm_smmu_tlb_inv_range_domain (inlined) sends one
# TLBI_NH_VA for the 4K range (range invalidation) in a batch submitted
# with a CMD_SYNC, and arm_smmu_atc_inv_domain returns at once (no ATS).
# So N unmaps give N cmdlist calls inside arm_smmu_iotlb_sync, each with
# one TLBI_NH_VA and a CMD_SYNC; maps send nothing. Needs smmubench.ko.
n=32
if [ -f /opt/smmubench/smmubench.ko ] && insmod /opt/smmubench/smmubench.ko; then
	echo "$dev" >/sys/bus/pci/drivers/pci-stub/unbind
	echo >/sys/bus/pci/devices/$dev/driver_override
	echo >$T/trace
	echo 1 >$T/events/smmut/enable
	# run --trace: the same as trace --join RUN.results -- run ... -o RUN.results
	run=/tmp/run.sbr
	smmubench run --trace="--no-locks -o $res -f arm_smmu_map_pages,arm_smmu_unmap_pages,arm_smmu_iotlb_sync" \
		-w map -d "$dev" -n $n -q -o $run >$out 2>&1
	rc=$?
	echo 0 >$T/events/smmut/enable
	grep -A8 '^ISSUED INSIDE' $out | sed 's/^/# /'
	grep -A6 '^JOINED TO' $out | sed 's/^/# /'
	is "$rc" 0 "run --trace -w map -n $n exits 0"
	is "$(counter count.func.arm_smmu_unmap_pages)" $n "map: $n arm_smmu_unmap_pages (v3 copy)"
	is "$(counter count.func.arm_smmu_map_pages)" $n "map: $n arm_smmu_map_pages (v3 copy)"
	is "$(counter inside.arm_smmu_iotlb_sync.calls)" $n "map: $n cmdlist calls inside arm_smmu_iotlb_sync"
	is "$(counter inside.arm_smmu_iotlb_sync.TLBI_NH_VA)" $n "map: $n TLBI_NH_VA"
	is "$(counter inside.arm_smmu_iotlb_sync.CMD_SYNC)" $n "map: $n CMD_SYNC"
	is "$(counter inside.arm_smmu_map_pages.calls)" 0 "map: no command inside arm_smmu_map_pages"
	is "$(counter cmdq.calls)" "$(grep -c ' cmdlist:' $T/trace)" "map: cmdlist calls equal ftrace's"

	# The join: each op's records, by op id (docs/tracer.md, "--join").
	samples() {	# samples SERIES [AWK-CONDITION]: op ids, sorted
		awk -v s="$1" '$1 == "sample" && $2 == s && '"${2:-1}"' { print $4 }' $run | sort
	}
	is "$(results_counter $run trace.iotlb_sync.matched)" $n "run --trace: all $n iotlb_sync ops joined"
	is "$(results_counter $run trace.unmap.matched)" $n "run --trace: all $n unmap ops joined"
	is "$(samples trace.iotlb_sync.syncs '$3 == 1' | wc -l)" $n "run --trace: 1 CMD_SYNC in every iotlb_sync op"
	is "$(samples trace.unmap.syncs '$3 == 0' | wc -l)" $n "run --trace: no CMD_SYNC in any unmap op (the gather defers it)"
	samples op.iotlb_sync >/tmp/ids.op
	samples trace.iotlb_sync.tlbi '$3 > 0' >/tmp/ids.tlbi
	cmp -s /tmp/ids.op /tmp/ids.tlbi
	ok $? "run --trace: TLBI time in every iotlb_sync op, under its op id"
	grep -q "^series	trace.iotlb_sync.cmd_sync	sync	ns	$n	0" $run
	ok $? "run --trace: trace.iotlb_sync.cmd_sync series of $n samples"
	grep -q '^series	trace\.[a-z_]*\.cd_write' $run
	ok $((!$?)) "run --trace: no CD-write series when no CD-write function is traced"
	grep -q '^meta	traced	' $run
	ok $? "run --trace: the results say the op latencies include the probes"

	# The front end's own options (--empty, --min-duration) do the same on
	# every kernel of a probe family: checked on 6.1 (kprobes) and 6.12
	# (fentry), not again on 7.x, where each trace costs some 40 s of
	# setup and teardown under emulation.
	case $k in
	7.*) echo "# --empty and --min-duration: checked on 6.1 and 6.12" ;;
	*)
		# --empty (make bench's floor): the same probes attach, their programs
		# return at once, so nothing is counted while the run makes its calls.
		smmubench trace --empty -o /tmp/empty.sbr -f arm_smmu_unmap_pages \
			-- smmubench run -w map -d "$dev" -n $n -q -o /tmp/run3.sbr >$out 2>&1
		is "$?" 0 "trace --empty -- run -w map exits 0"
		grep -q "^arm_smmu_unmap_pages .* arm_smmu_unmap_pages 0x[0-9a-f]" $out
		ok $? "trace --empty: arm_smmu_unmap_pages resolved and attached"
		is "$(results_counter /tmp/empty.sbr cmdq.calls)" 0 "trace --empty: no cmdlist call counted"
		is "$(results_counter /tmp/empty.sbr count.func.arm_smmu_unmap_pages)" 0 \
			"trace --empty: no unmap_pages call counted"

		# --min-duration at this run's median unmap_pages: every call is either
		# kept (and at least that long) or counted below it.
		min=$(awk '$1 == "sample" && $2 == "func.arm_smmu_unmap_pages" { print $3 }' $res |
			sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
		smmubench trace --no-locks -m "${min}ns" -o $res \
			-f arm_smmu_unmap_pages -- smmubench run -w map -d "$dev" -n $n -q -o /tmp/run2.sbr >$out 2>&1
		is "$?" 0 "trace -m ${min}ns -- run -w map exits 0"
		kept=$(counter count.func.arm_smmu_unmap_pages)
		below=$(counter below_min.func.arm_smmu_unmap_pages)
		echo "# --min-duration ${min}ns: $kept kept, $below below (emulated timings)"
		is "$((kept + below))" $n "-m: kept + below = $n unmap_pages calls"
		is "$(awk -v m="$min" '$1 == "sample" && $2 == "func.arm_smmu_unmap_pages" && $3 < m' $res | wc -l)" 0 \
			"-m: no kept call shorter than ${min}ns"
		is "$(grep -c '^sample	func.arm_smmu_unmap_pages	' $res)" "$kept" "-m: one raw sample per kept call"
		# The run above may keep every call (this machine's speed drifts):
		# an hour keeps none, and lock holds are not filtered.
		smmubench trace --no-locks -m 3600s -o $res \
			-f arm_smmu_unmap_pages -- smmubench run -w map -d "$dev" -n 8 -q -o /tmp/run2.sbr >$out 2>&1
		is "$?" 0 "trace -m 3600s -- run -w map -n 8 exits 0"
		is "$(counter count.func.arm_smmu_unmap_pages)/$(counter below_min.func.arm_smmu_unmap_pages)" 0/8 \
			"-m 3600s: no call kept, 8 below"
		is "$(counter cmdq.calls)" 0 "-m 3600s: no cmdlist call kept, nor its commands"
		;;
	esac

	# Two masters on one domain: `run -w attach -m 2` on two untouched
	# devices. Each probe attaches a device to a fresh default domain, then
	# the module moves the first master to a new shared domain and the
	# second master to the same one (then both back). Per attach call (the
	# CALL column of -e), the cmdlist calls in order, derived from source:
	# 6.1 first master to the fresh shared domain: detach writes an abort
	#   STE (CFGI_STE + sync), the CD write syncs twice with no master on
	#   the domain (empty batches), the new STE twice, then PREFETCH_CFG;
	#   second master: detach STE, the new STE twice, PREFETCH_CFG: no CD
	#   command at all (the domain's CD is already written).
	# 6.12 both masters: the domain was finalised at allocation; the CD of
	#   the master's own table changes ASID and TTB at once, which is not
	#   hitless: 3 CFGI_CD + sync (V=0, body, word 0); the STE does not
	#   change (it points at the master's CD table): PREFETCH_CFG only.
	d3=$(echo "$SMMUBENCH_DEVICES" | cut -d, -f3)
	d4=$(echo "$SMMUBENCH_DEVICES" | cut -d, -f4)
	smmubench trace -e -o $res \
		-f arm_smmu_attach_dev,arm_smmu_domain_finalise_s1 \
		-- smmubench run -w attach -m 2 -d "$d3,$d4" -n 1 -q -o /tmp/run.sbr >$out 2>&1
	is "$?" 0 "trace -- smmubench run -w attach -m 2 exits 0"
	awk '$5 == "arm_smmu_attach_dev" && $6 ~ /^[0-9]+$/ {
		c = ""; for (i = 7; i <= NF; i++) c = c (i > 7 ? " " : "") $i
		if (!($6 in sig)) order[++n] = $6
		sig[$6] = sig[$6] (sig[$6] != "" ? "|" : "") c
	} END { for (i = 1; i <= n; i++) print sig[order[i]] }' $out >/tmp/attach.sig
	sed 's/^/# attach call: /' /tmp/attach.sig
	case $k in
	6.1)
		fresh='+CMD_SYNC|+CMD_SYNC|CFGI_STE +CMD_SYNC|CFGI_STE +CMD_SYNC|PREFETCH_CFG'
		first="CFGI_STE +CMD_SYNC|$fresh"
		second='CFGI_STE +CMD_SYNC|CFGI_STE +CMD_SYNC|CFGI_STE +CMD_SYNC|PREFETCH_CFG'
		;;
	*)
		fresh='CFGI_CD +CMD_SYNC|CFGI_CD +CMD_SYNC|CFGI_STE +CMD_SYNC|CFGI_STE +CMD_SYNC|PREFETCH_CFG'
		first='CFGI_CD +CMD_SYNC|CFGI_CD +CMD_SYNC|CFGI_CD +CMD_SYNC|PREFETCH_CFG'
		second=$first
		;;
	esac
	case $k in
	7.*)	# No attach at probe since 6.15: the calls are the two moves in,
		# then the two moves back. As on 6.12, plus the invalidation
		# array's rule: a domain's ASID that no master uses any more is
		# flushed inside the attach (TLBI_NH_ASID + CMD_SYNC), so the
		# moves that leave a domain empty carry one more CMD_SYNC.
		tlbi='|TLBI_NH_ASID +CMD_SYNC'
		is "$(sed -n 1p /tmp/attach.sig)" "$first$tlbi" "attach: first master into the new shared domain (its default domain left empty)"
		is "$(sed -n 2p /tmp/attach.sig)" "$second$tlbi" "attach: second master into the same domain (its default domain left empty)"
		is "$(sed -n 3p /tmp/attach.sig)" "$first" "attach: first master back (the shared domain keeps the second)"
		is "$(sed -n 4p /tmp/attach.sig)" "$second$tlbi" "attach: second master back (the shared domain left empty)"
		;;
	*)
		is "$(sed -n 1p /tmp/attach.sig)" "$fresh" "attach: probe of $d3 into a fresh default domain"
		is "$(sed -n 3p /tmp/attach.sig)" "$first" "attach: first master into the new shared domain"
		is "$(sed -n 4p /tmp/attach.sig)" "$second" "attach: second master into the same domain"
		;;
	esac
	rmmod smmubench
else
	echo "# smmubench.ko not usable here: map workload checks skipped"
	ok 0 "# SKIP map workload (no smmubench.ko)"
	echo "$dev" >/sys/bus/pci/drivers/pci-stub/unbind
	echo >/sys/bus/pci/devices/$dev/driver_override
fi

# --- 4. forced probe families ----------------------------------------------
# (7.x is fentry's family as 6.12 is: one kprobe run of it is enough.)
case $k in
6.1)
	smmubench trace --probe fentry -d 1 >$out 2>&1
	rc=$?
	[ $rc = 1 ] && grep -q 'fentry cannot attach on this kernel' $out
	ok $? "--probe fentry on 6.1 fails with a clear message"
	;;
6.12)
	smmubench trace --probe kprobe -f arm_smmu_sync_cd -d 1 >$out 2>&1
	ok $? "--probe kprobe on 6.12 runs"
	grep -qE "^$issuer +kprobe " $out
	ok $? "--probe kprobe: $issuer attached with kprobe"
	;;
esac

# --- 5. --pid and --lock ---------------------------------------------------
# Two processes released together: A binds the untouched second device to
# pci-stub (a fresh-domain attach, in A's own context), B reads a file of
# the 9p share (its DMA maps go through the v3 arm_smmu_map_pages, in B's
# context: ftrace counts them). Traced with -p A and -L init_mutex: A's
# attach and its init_mutex hold, none of B's maps, no other lock.
d2=$(echo "$SMMUBENCH_DEVICES" | cut -d, -f2)
# The lock A's attach takes that no other process does: init_mutex, and
# devices_lock on 7.x (no init_mutex; spinlocks traced).
lk=init_mutex
retype2=true
case $k in
7.*)	lk=devices_lock
	grp2=$(group_type "$d2")
	echo identity >$grp2
	retype2="echo DMA >$grp2"
	;;
esac
smmubench trace -l -f arm_smmu_map_pages >$out 2>&1
map=$(sed -n 's/^arm_smmu_map_pages  *kprobe@addr  *arm_smmu_map_pages 0x\([0-9a-f]*\) .*/\1/p' $out)
echo "p:smmut/map 0x${map:-0}" >>$T/kprobe_events
ok $? "ftrace kprobe on the v3 arm_smmu_map_pages (0x$map)"
rm -f /tmp/go
(while [ ! -e /tmp/go ]; do sleep 0.1; done
	eval "$retype2"
	echo pci-stub >/sys/bus/pci/devices/$d2/driver_override
	echo $d2 >/sys/bus/pci/drivers_probe) &
a=$!
(while [ ! -e /tmp/go ]; do sleep 0.1; done
	head -c 262144 /mnt/host/build/arm64/smmubench >/dev/null) &
b=$!
echo >$T/trace
echo 1 >$T/events/smmut/enable
smmubench trace -p $a -L $lk -d 8 -o $res \
	-f arm_smmu_attach_dev,arm_smmu_domain_finalise_s1,arm_smmu_map_pages >$out 2>&1 &
tr=$!
i=0
while ! grep -q '^Tracing' $out && [ $i -lt 3000 ]; do
	sleep 0.1
	i=$((i + 1))
done
touch /tmp/go
wait $a $b
wait $tr
rc=$?
echo 0 >$T/events/smmut/enable
is "$rc" 0 "trace -p A -L $lk -d 8 exits 0"
sed 's/^/# /' $out
ft_map=$(grep -c ' map:' $T/trace)
echo "# B's 9p read: $ft_map arm_smmu_map_pages calls (ftrace)"
[ "$ft_map" -gt 0 ]
ok $? "-p: B made arm_smmu_map_pages calls while traced ($ft_map, ftrace)"
is "$(counter count.func.arm_smmu_map_pages)" 0 "-p A: none of B's calls"
is "$(counter count.func.arm_smmu_attach_dev)" 1 "-p A: A's attach"
# B's DMA completions may interrupt A's attach (TLBI + CMD_SYNC of an
# unmap in A's pid): they belong to none of A's functions, so the attach
# holds exactly its own 5 calls (the fresh-domain sequence above).
is "$(counter inside.arm_smmu_attach_dev.calls)" 5 "-p A: A's attach, exactly its 5 cmdlist calls"
is "$(counter inside.arm_smmu_attach_dev.CMD_SYNC)" 4 "-p A: A's attach, its 4 CMD_SYNC"
is "$(counter inside.arm_smmu_attach_dev.CFGI_STE)" 2 "-p A: A's attach, its 2 CFGI_STE"
is "$(counter inside.arm_smmu_attach_dev.PREFETCH_CFG)" 1 "-p A: A's attach, its PREFETCH_CFG"
is "$(counter lock.$lk.holds)" 1 "-L $lk: its hold in A's attach"
is "$(counter lock.arm_smmu_asid_lock.holds)" unsupported "-L $lk: arm_smmu_asid_lock not traced"
grep -q '^meta	lock.arm_smmu_asid_lock.method	not traced: not selected by --lock$' $res
ok $? "-L: the results say why arm_smmu_asid_lock is not traced"
echo "$d2" >/sys/bus/pci/drivers/pci-stub/unbind
echo >/sys/bus/pci/devices/$d2/driver_override

dmesg_clean "tracing the attach and map paths"
tap_done
