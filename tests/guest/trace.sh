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
#  - the results file carries the counters.
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
grep -qE "^arm_smmu_cmdq_issue_cmdlist +$meth +arm_smmu_cmdq_issue_cmdlist 0x" $out
ok $? "arm_smmu_cmdq_issue_cmdlist attached with $meth"

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
grep -qE '^arm_smmu_tlb_inv_range_domain +- +inlined: not traceable, nearest traceable caller arm_smmu_' $out
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
echo "p:smmut/cmdlist arm_smmu_cmdq_issue_cmdlist $args" >>$T/kprobe_events &&
	echo "p:smmut/attach 0x$got" >>$T/kprobe_events &&
	echo "p:smmut/other 0x$other" >>$T/kprobe_events &&
	echo 1 >$T/events/smmut/enable
ok $? "ftrace kprobe_events on the cmdlist and both attach_dev copies"
echo >$T/trace

smmubench trace -e -o $res \
	-f arm_smmu_attach_dev,arm_smmu_domain_finalise_s1,arm_smmu_install_ste_for_dev,arm_smmu_sync_cd,arm_smmu_write_ctx_desc_devices,arm_smmu_tlb_inv_range_domain \
	-- sh -c "echo pci-stub >/sys/bus/pci/devices/$dev/driver_override &&
		  echo $dev >/sys/bus/pci/drivers_probe" >$out 2>&1
rc=$?
echo 0 >$T/events/smmut/enable
sed 's/^/# /' $out
is "$rc" 0 "trace -- COMMAND (bind $dev to pci-stub) exits 0"
drv=$(basename "$(readlink /sys/bus/pci/devices/$dev/driver)")
is "$drv" pci-stub "$dev bound to pci-stub, so it was attached to a domain"

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
*)
	is "$(counter lock.init_mutex.holds)" 1 "init_mutex: 1 hold"
	is "$(counter lock.init_mutex.sync_calls)" 0 "init_mutex: no CMD_SYNC while held"
	is "$(counter lock.arm_smmu_asid_lock.holds)" 2 "arm_smmu_asid_lock: 2 holds"
	is "$(counter lock.arm_smmu_asid_lock.sync_calls)" 4 "arm_smmu_asid_lock: 4 CMD_SYNCs while held"
	;;
esac
grep -q '^devices_lock  *not traced: spin_lock_irqsave is inlined' $out
ok $? "devices_lock: says why it is not traced"
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
	smmubench trace --no-locks -o $res \
		-f arm_smmu_map_pages,arm_smmu_unmap_pages,arm_smmu_iotlb_sync \
		-- smmubench run -w map -d "$dev" -n $n -q -o /tmp/run.sbr >$out 2>&1
	rc=$?
	echo 0 >$T/events/smmut/enable
	grep -A8 '^ISSUED INSIDE' $out | sed 's/^/# /'
	is "$rc" 0 "trace -- smmubench run -w map -n $n exits 0"
	is "$(counter count.func.arm_smmu_unmap_pages)" $n "map: $n arm_smmu_unmap_pages (v3 copy)"
	is "$(counter count.func.arm_smmu_map_pages)" $n "map: $n arm_smmu_map_pages (v3 copy)"
	is "$(counter inside.arm_smmu_iotlb_sync.calls)" $n "map: $n cmdlist calls inside arm_smmu_iotlb_sync"
	is "$(counter inside.arm_smmu_iotlb_sync.TLBI_NH_VA)" $n "map: $n TLBI_NH_VA"
	is "$(counter inside.arm_smmu_iotlb_sync.CMD_SYNC)" $n "map: $n CMD_SYNC"
	is "$(counter inside.arm_smmu_map_pages.calls)" 0 "map: no command inside arm_smmu_map_pages"
	is "$(counter cmdq.calls)" "$(grep -c ' cmdlist:' $T/trace)" "map: cmdlist calls equal ftrace's"

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
	is "$(sed -n 1p /tmp/attach.sig)" "$fresh" "attach: probe of $d3 into a fresh default domain"
	is "$(sed -n 3p /tmp/attach.sig)" "$first" "attach: first master into the new shared domain"
	is "$(sed -n 4p /tmp/attach.sig)" "$second" "attach: second master into the same domain"
	rmmod smmubench
else
	echo "# smmubench.ko not usable here: map workload checks skipped"
	ok 0 "# SKIP map workload (no smmubench.ko)"
	echo "$dev" >/sys/bus/pci/drivers/pci-stub/unbind
	echo >/sys/bus/pci/devices/$dev/driver_override
fi

# --- 4. forced probe families ----------------------------------------------
case $k in
6.1)
	smmubench trace --probe fentry -d 1 >$out 2>&1
	rc=$?
	[ $rc = 1 ] && grep -q 'fentry cannot attach on this kernel' $out
	ok $? "--probe fentry on 6.1 fails with a clear message"
	;;
*)
	smmubench trace --probe kprobe -f arm_smmu_sync_cd -d 1 >$out 2>&1
	ok $? "--probe kprobe on 6.12 runs"
	grep -qE '^arm_smmu_cmdq_issue_cmdlist +kprobe ' $out
	ok $? "--probe kprobe: cmdlist attached with kprobe"
	;;
esac

dmesg_clean "tracing the attach and map paths"
tap_done
