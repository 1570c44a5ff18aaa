#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Issue 6's tracer checks on a source-built kernel (6.1-sva or 6.12-sva:
# SVA compiled in, LOCK_STAT, emulated substreams), one boot per kernel:
#  - the SVA entry points and the CD write of this kernel are resolved (or
#    reported inlined with their nearest traced caller);
#  - `smmubench run -w bind` under `smmubench trace`: the commands issued
#    inside each bind and each unbind equal what the kernel's driver code
#    implies, and the totals equal ftrace's (kprobe_events) over the run;
#  - hold counts, CMD_SYNCs under each lock, and the function that took it,
#    for iommu_sva_lock, sva_lock, arm_smmu_asid_lock, the group mutex and
#    devices_lock (a real function on these kernels);
#  - /proc/lock_stat as an oracle: acquisitions equal, hold totals within
#    the tolerance below; with 1 and with 2 processes;
#  - --masters 2 (two masters on one domain): the commands of each bind and
#    unbind, call by call (on 6.1 the CD write walks both masters).
# See docs/tracer.md ("The PASID path on the -sva kernels").
# Usage: trace_sva.sh [ITERATIONS]
. /opt/smmubench/tests/tap.sh

n=${1:-20}
k=$SMMUBENCH_KERNEL
dev=${SMMUBENCH_DEVICES%%,*}
dev2=$(echo "$SMMUBENCH_DEVICES" | cut -d, -f2)
T=/sys/kernel/tracing
out=/tmp/trace.out
res=/tmp/trace.sbr

# Nothing below may touch the 9p share while tracing (its DMA goes through
# the SMMU; lock_stat is global).
cd /tmp || exit 1
cleanup() {
	echo 0 >$T/events/smmut/enable 2>/dev/null
	echo >$T/kprobe_events 2>/dev/null
}
trap cleanup EXIT

# Every function whose lock holds or commands the checks below need: the
# core entry points (iommu_sva_lock and the group mutex are taken there),
# the driver's SVA and CD-write functions of both versions (absent ones are
# reported and skipped), and the functions that take sva_lock at feature
# enable and the group mutex for the module's device info, so that every
# acquisition of these lock classes during the run happens inside a traced
# function: that is what makes lock_stat's counts comparable.
F=iommu_sva_bind_device,iommu_sva_unbind_device,iommu_attach_device_pasid,iommu_detach_device_pasid
F=$F,iommu_dev_enable_feature,iommu_dev_disable_feature,iommu_group_for_each_dev
F=$F,arm_smmu_sva_bind,arm_smmu_sva_unbind,__arm_smmu_sva_bind,arm_smmu_mmu_notifier_get,arm_smmu_mmu_notifier_put
F=$F,arm_smmu_sva_set_dev_pasid,arm_smmu_set_pasid,arm_smmu_remove_dev_pasid,arm_smmu_remove_master_domain
F=$F,arm_smmu_blocking_set_dev_pasid
F=$F,arm_smmu_master_enable_sva,arm_smmu_master_disable_sva,arm_smmu_attach_prepare,arm_smmu_attach_commit
F=$F,arm_smmu_write_ctx_desc,arm_smmu_sync_cd,arm_smmu_write_cd_entry,arm_smmu_cd_writer_sync_entry
F=$F,arm_smmu_tlb_inv_asid,arm_smmu_atc_inv_domain

# The driver's unbind (pasid_detach); sva_lock is gone since 6.19 too.
unb=$(pasid_detach) static_locks="iommu_sva_lock sva_lock arm_smmu_asid_lock"
case $k in
7.*) static_locks="iommu_sva_lock arm_smmu_asid_lock" ;;
esac

dmesg | grep -q 'test only: emulating [0-9]* substream ID bits'
ok $? "arm-smmu-v3 emulates substreams (test-only patch)"
test -r /proc/lock_stat
ok $? "/proc/lock_stat is there (LOCK_STAT)"

# --- 1. resolution ---------------------------------------------------------
smmubench trace -l -f "$F" >$out 2>&1
ok $? "trace -l runs"
sed 's/^/# /' $out
attached() { grep -qE "^$1 +(fentry|kprobe|kprobe@addr) +$1(\.[a-z]+\.[0-9]+)? 0x" $out; }
case $k in
6.1|6.1-*)
	grep -q '^Probe family: kprobe/kretprobe ' $out
	ok $? "6.1: kprobes (no fentry on arm64 6.1)"
	for f in iommu_sva_bind_device iommu_sva_unbind_device arm_smmu_sva_bind \
		 arm_smmu_sva_unbind arm_smmu_write_ctx_desc arm_smmu_sync_cd; do
		attached $f
		ok $? "6.1: $f attached"
	done
	grep -qE '^arm_smmu_mmu_notifier_get +- +inlined: not traceable, nearest traceable caller arm_smmu_sva_bind' $out
	ok $? "6.1: arm_smmu_mmu_notifier_get reported inlined, with its caller"
	;;
*)
	grep -q '^Probe family: fentry/fexit ' $out
	ok $? "6.12: fentry"
	for f in iommu_sva_bind_device iommu_sva_unbind_device arm_smmu_sva_set_dev_pasid \
		 arm_smmu_set_pasid $unb arm_smmu_write_cd_entry \
		 arm_smmu_cd_writer_sync_entry; do
		attached $f
		ok $? "6.12+: $f attached"
	done
	grep -qE '^arm_smmu_sva_bind +- +absent' $out
	ok $? "6.12: the 6.1 entry point arm_smmu_sva_bind is reported absent"
	;;
esac
for l in $static_locks; do
	grep -q "^$l .*from kallsyms" $out
	ok $? "$l: address from kallsyms (KALLSYMS_ALL)"
done
case $k in
7.*)	grep -q '^sva_lock  *not traced: sva_lock not in kallsyms (gone since 6.19)' $out
	ok $? "sva_lock: not traced, gone since 6.19, and says so"
	;;
esac

# Lock probes: by default kprobes on the calls of the lock functions found
# in the code of the traced functions and their driver and core callees,
# none on mutex_lock_nested/mutex_unlock or the spinlock functions, which
# every other caller in the system would pay for (docs/tracer.md).
lockfn='mutex_lock_nested|mutex_unlock|_raw_spin_lock_irqsave|_raw_spin_unlock_irqrestore'
grep -qE '^\(mutex probes\) +call-site kprobes: [1-9][0-9]* lock sites, [1-9][0-9]* unlock sites in .*none on mutex_lock_nested or mutex_unlock$' $out
ok $? "mutexes: call-site kprobes by default"
grep -qE '^\(spinlock probes\) +call-site kprobes: [1-9][0-9]* lock sites, [1-9][0-9]* unlock sites in .*none on _raw_spin_lock_irqsave or _raw_spin_unlock_irqrestore$' $out
ok $? "spinlocks: call-site kprobes by default"
for l in $static_locks group_mutex devices_lock; do
	grep -qE "^$l +($lockfn)/($lockfn) call-site kprobes, address" $out
	ok $? "$l: the lock method names the call-site kprobes"
done
# While a trace runs: every site -v lists has its kprobes (a lock site two:
# its call and the instruction after it), and neither kprobes nor ftrace
# (fentry trampolines) sit on the lock functions.
kp=/sys/kernel/debug/kprobes/list
smmubench trace -v -l -f "$F" >/tmp/sites 2>&1
smmubench trace -f "$F" -- sh -c "cat $kp >/tmp/kp; cat $T/enabled_functions >/tmp/ef" >/dev/null 2>&1
ok $? "a trace runs with the call-site probes"
want=0 got=0
for a in $(awk '$1 == "lock" { print $2; print $2 "+4" } $1 == "unlock" { print $2 }' /tmp/sites); do
	want=$((want + 1))
	grep -q "^$(printf '%016x' $((a))) " /tmp/kp && got=$((got + 1))
done
[ "$want" -gt 0 ]
ok $? "trace -v -l lists the call sites ($want kprobes)"
is "$got" "$want" "every call site has its kprobes while tracing"
grep -E " ($lockfn)(\+0x0)? " /tmp/kp
is $? 1 "no kprobe on the lock functions"
grep -E "^($lockfn) " /tmp/ef
is $? 1 "no ftrace hook on the lock functions"
# --lock-probes=functions: the hooks on the lock functions, as before.
smmubench trace -l --lock-probes=functions -f "$F" >/tmp/fn 2>&1
grep -qE '^\(mutex probes\) +function hooks \((fentry/fexit|kprobe/kretprobe) on mutex_lock_nested, mutex_unlock\): --lock-probes=functions$' /tmp/fn
ok $? "--lock-probes=functions: the mutex functions are hooked, and says why"
smmubench trace --lock-probes=functions -f "$F" -- sh -c "cat $kp >/tmp/kp; cat $T/enabled_functions >/tmp/ef" >/dev/null 2>&1
grep -qE " mutex_lock_nested(\+0x0)? |^mutex_lock_nested " /tmp/kp /tmp/ef
ok $? "--lock-probes=functions: mutex_lock_nested is hooked while tracing"
# The spinlock functions get kprobes, never an fexit trampoline: replacing
# one on _raw_spin_lock_irqsave oopsed 6.12 (docs/tracer.md, Overhead).
grep -qE '^\(spinlock probes\) +function hooks \(kprobe/kretprobe on _raw_spin_lock_irqsave, _raw_spin_unlock_irqrestore\): --lock-probes=functions$' /tmp/fn
ok $? "--lock-probes=functions: the spinlock functions get kprobes"
grep -qE " _raw_spin_lock_irqsave(\+0x0)? " /tmp/kp && ! grep -qE "^_raw_spin_lock_irqsave " /tmp/ef
ok $? "--lock-probes=functions: _raw_spin_lock_irqsave has a kprobe and no ftrace hook while tracing"

insmod /opt/smmubench/smmubench.ko
ok $? "insmod smmubench.ko"
# Claim the devices before tracing: binding the driver writes STEs too.
for d in $dev $dev2; do
	echo smmubench >"/sys/bus/pci/devices/$d/driver_override"
	echo "$d" >/sys/bus/pci/drivers_probe
done

counter() {
	results_counter "$res" "$1"
}
case $k in
6.1|6.1-*) args='n=%x2:s32 sync=%x3:u8' ;;
*) args='n=%x3:s32 sync=%x4:u8' ;;
esac
echo "p:smmut/cmdlist $(cmdq_issuer) $args" >>$T/kprobe_events
ok $? "ftrace kprobe_events on the cmdlist function"

# Commands per bind and per unbind, from each kernel's driver code, as
# "calls CFGI_CD TLBI_NH_ASID CMD_SYNC" per operation (docs/tracer.md):
# 6.12 bind: set_dev_pasid -> arm_smmu_set_pasid -> arm_smmu_write_cd_entry
#   installs the CD hitlessly: two arm_smmu_cd_writer_sync_entry, each
#   CFGI_CD + CMD_SYNC. Unbind: arm_smmu_remove_dev_pasid ->
#   arm_smmu_clear_cd, the same two steps; then the SVA domain is freed
#   (last user) and arm_smmu_tlb_inv_asid sends TLBI_NH_ASID + CMD_SYNC.
# 6.1 bind: arm_smmu_sva_bind -> arm_smmu_write_ctx_desc(domain, ssid, cd)
#   of a CD that is not live: arm_smmu_sync_cd before and after setting V,
#   each one CFGI_CD for the one master on the domain + CMD_SYNC. Unbind:
#   arm_smmu_mmu_notifier_put writes a NULL CD (one arm_smmu_sync_cd:
#   CFGI_CD + CMD_SYNC), then arm_smmu_tlb_inv_asid (TLBI_NH_ASID +
#   CMD_SYNC); arm_smmu_atc_inv_domain returns at once (no ATS).
case $k in
6.1|6.1-*) bind="2 2 0 2" unbind="2 1 1 2" ;;
*) bind="2 2 0 2" unbind="3 2 1 3" ;;
esac

# lock_stat tolerance for hold totals (docs/tracer.md, "lock_stat as an
# oracle"). Per hold, lockdep's clock starts in __lock_acquire, inside the
# lock function: after the tracer's entry probe (t_try) and before its
# return probe (t_acq); and it stops in lock_release, inside the unlock
# function, after the tracer's unlock probe (t_rel). So, summed over holds,
#   T <= LS <= T + WAIT + holds * UNLOCK + WARMUP
# T = tracer's hold total (t_acq..t_rel), WAIT = its wait total
# (t_try..t_acq; it contains the lock's own fast path, the return probe and
# any optimistic spinning, which lockdep counts as hold), UNLOCK = what runs
# between the unlock probe and lock_release: the rest of the probe, and the
# interrupts that arrived while the probe ran (a kprobe runs with IRQs
# masked, so they are taken right there). The tracer never wakes its
# reader from there (a wake-up is an irq_work: it ran in this window and
# put 0.6-8 ms per hold into 6.1's iommu_sva_lock). Typically 50-100 us;
# under TCG an interrupt can stall a vCPU for 5-20 ms on a loaded host
# (seen in 1 of 20 holds), hence 2 ms per hold. WARMUP = first-use costs
# inside lockdep's window only: lockdep validates each lock chain the first
# time it is seen in a boot (after its hold stamp), and TCG translates the
# freshly JITed probe code once (measured: up to 22.6 ms over the 4 first
# sva_lock holds of a boot on 6.12). 1 us of slack below for lock_stat's
# 0.01 us print rounding and the two clocks (local_clock, BPF's ktime).
# The lower bound (T <= LS) is what catches tracer errors and stays exact.
case $k in
6.1|6.1-*) unlock=2000 warmup=60000 ;;	# kprobes: BRK exceptions under TCG
*) unlock=2000 warmup=40000 ;;		# fentry trampolines
esac

check_lock_stat() {
	# check_lock_stat LOCK WHAT
	local l=$1 what=$2 ls_acq acq ls_ns ns wait stale
	ls_acq=$(counter "lockstat.$l.acquisitions")
	acq=$(counter "lock.$l.holds")
	ls_ns=$(counter "lockstat.$l.hold_ns")
	ns=$(counter "lock.$l.hold_ns")
	wait=$(counter "lock.$l.wait_ns")
	stale=$(counter drops.lock_try_stale)
	if [ "$stale" = 0 ]; then
		is "$acq" "$ls_acq" "$what: $l acquisitions equal lock_stat's ($ls_acq)"
	else
		# A kretprobe can miss a return (6.1): the tracer counts each
		# miss, and each drops at most one hold.
		[ "$acq" -le "$ls_acq" ] && [ $((ls_acq - acq)) -le "$stale" ]
		ok $? "$what: $l acquisitions $acq vs lock_stat's $ls_acq, short by at most the $stale missed lock returns"
	fi
	awk -v ls="$ls_ns" -v t="$ns" -v w="$wait" -v h="$acq" -v u="$unlock" -v wu="$warmup" \
		'BEGIN { d = (ls - t) / 1000; w /= 1000
			 printf "# %s: hold lock_stat %.2f us, tracer %.2f us, LS-T %.2f us, tracer wait %.2f us, (LS-T-wait)/hold %.2f us (limit %d us/hold + %d us)\n", "'"$l"'", ls / 1000, t / 1000, d, w, h ? (d - w) / h : 0, u, wu
			 exit !(h > 0 && d >= -1 && d <= w + h * u + wu) }'
	ok $? "$what: $l hold total within tolerance of lock_stat's"
}

# trace_bind WHAT RUN-OPTIONS...: one traced bind run, checked.
trace_bind() {
	local what=$1 ops set ftc fts
	shift
	echo >$T/trace
	echo 1 >$T/events/smmut/enable
	smmubench trace --lock-stat -o $res -f "$F" --join /tmp/bind.results \
		-- smmubench run -w bind -d "$dev" -n "$n" -q -o /tmp/bind.results "$@" >$out 2>&1
	rc=$?
	echo 0 >$T/events/smmut/enable
	sed -n '/^Traced/,$p' $out | sed 's/^/# /'
	is "$rc" 0 "$what: trace -- smmubench run -w bind exits 0"
	ops=$(smmubench report --format csv /tmp/bind.results |
		awk -F, '$1 == "op.bind" { print $5 }')
	set -- $bind
	is "$ops" "$nb" "$what: $nb bind samples"
	is "$(counter inside.iommu_sva_bind_device.calls)" $(($1 * nb)) "$what: bind: $1 cmdlist calls each"
	is "$(counter inside.iommu_sva_bind_device.CFGI_CD)" $(($2 * nb)) "$what: bind: $2 CFGI_CD each"
	is "$(counter inside.iommu_sva_bind_device.TLBI_NH_ASID)" $(($3 * nb)) "$what: bind: $3 TLBI_NH_ASID each"
	is "$(counter inside.iommu_sva_bind_device.CMD_SYNC)" $(($4 * nb)) "$what: bind: $4 CMD_SYNC each"
	set -- $unbind
	is "$(counter inside.iommu_sva_unbind_device.calls)" $(($1 * nb)) "$what: unbind: $1 cmdlist calls each"
	is "$(counter inside.iommu_sva_unbind_device.CFGI_CD)" $(($2 * nb)) "$what: unbind: $2 CFGI_CD each"
	is "$(counter inside.iommu_sva_unbind_device.TLBI_NH_ASID)" $(($3 * nb)) "$what: unbind: $3 TLBI_NH_ASID each"
	is "$(counter inside.iommu_sva_unbind_device.CMD_SYNC)" $(($4 * nb)) "$what: unbind: $4 CMD_SYNC each"
	ftc=$(grep -c ' cmdlist:' $T/trace)
	fts=$(grep -c ' cmdlist:.* sync=1' $T/trace)
	is "$(counter cmdq.calls)" "$ftc" "$what: cmdlist calls equal ftrace's ($ftc)"
	is "$(counter cmd.CMD_SYNC)" "$fts" "$what: CMD_SYNCs equal ftrace's ($fts)"
	is "$(counter count.func.iommu_sva_bind_device)" $nb "$what: $nb iommu_sva_bind_device"
	is "$(counter count.func.iommu_sva_unbind_device)" $nb "$what: $nb iommu_sva_unbind_device"
	case $k in
	6.1|6.1-*)
		is "$(counter count.func.arm_smmu_sva_bind)" $nb "$what: $nb arm_smmu_sva_bind"
		is "$(counter count.func.arm_smmu_write_ctx_desc)" $((2 * nb)) "$what: CD writes: one per bind, one per unbind"
		is "$(counter count.func.arm_smmu_sync_cd)" $((3 * nb)) "$what: arm_smmu_sync_cd: 2 per bind, 1 per unbind"
		;;
	*)
		is "$(counter count.func.arm_smmu_set_pasid)" $nb "$what: $nb arm_smmu_set_pasid"
		is "$(counter count.func.$unb)" $nb "$what: $nb $unb"
		is "$(counter count.func.arm_smmu_write_cd_entry)" $((2 * nb)) "$what: CD writes: one per bind, one per unbind"
		is "$(counter count.func.arm_smmu_cd_writer_sync_entry)" $((4 * nb)) "$what: CD writer syncs: 2 per bind, 2 per unbind"
		;;
	esac

	# Locks: holds and CMD_SYNCs while held, by the (innermost traced)
	# function that took them, as "LOCK FUNCTION HOLDS SYNCS". Other
	# holds of these locks in the run (feature enable: sva_lock; the
	# module's device info: group mutex) are in the totals, not here.
	case $k in
	6.1|6.1-*)
		# bind: iommu_sva_bind_device holds the group mutex around
		# arm_smmu_sva_bind (sva_lock; __arm_smmu_sva_bind is inlined),
		# which allocates the PASID (iommu_sva_lock, in
		# iommu_sva_alloc_pasid, not traced) and the shared CD
		# (arm_smmu_asid_lock, in the inlined arm_smmu_alloc_shared_cd),
		# both before the CD write, then writes the CD: 2 x
		# arm_smmu_sync_cd, each walking the masters under devices_lock
		# (the batch is issued after the lock is dropped). unbind:
		# group mutex > sva_lock > NULL CD (one sync_cd, devices_lock)
		# and TLBI; arm_smmu_free_asid frees the ASID with xa_erase
		# alone (the xarray's lock): no arm_smmu_asid_lock on unbind.
		set -- "group_mutex iommu_sva_bind_device $nb $((2 * nb))" \
			"group_mutex iommu_sva_unbind_device $nb $((2 * nb))" \
			"sva_lock arm_smmu_sva_bind $nb $((2 * nb))" \
			"sva_lock arm_smmu_sva_unbind $nb $((2 * nb))" \
			"iommu_sva_lock arm_smmu_sva_bind $nb 0" \
			"arm_smmu_asid_lock arm_smmu_sva_bind $nb 0" \
			"devices_lock arm_smmu_sync_cd $((3 * nb)) 0"
		;;
	7.*)
		# As 6.12, but the unbind is the blocked domain's
		# set_dev_pasid, and its detach also flushes the SVA domain's
		# ASID, which no master uses any more, through the invalidation
		# array (arm_smmu_install_old_domain_invs, asid lock held):
		# TLBI_NH_ASID + CMD_SYNC under the asid lock and the group
		# mutex, where 6.12 sent it at the domain's free.
		set -- "iommu_sva_lock iommu_sva_bind_device $nb $((2 * nb))" \
			"iommu_sva_lock iommu_sva_unbind_device $nb $((3 * nb))" \
			"group_mutex iommu_attach_device_pasid $nb $((2 * nb))" \
			"group_mutex iommu_detach_device_pasid $nb $((3 * nb))" \
			"arm_smmu_asid_lock arm_smmu_set_pasid $nb $((2 * nb))" \
			"arm_smmu_asid_lock $unb $nb $((3 * nb))" \
			"devices_lock arm_smmu_attach_prepare $nb 0" \
			"devices_lock arm_smmu_remove_master_domain $nb 0"
		;;
	*)
		# bind: iommu_sva_lock (iommu_sva_bind_device) > group mutex
		# (iommu_attach_device_pasid) > arm_smmu_asid_lock
		# (arm_smmu_set_pasid) around the 2 CD syncs; devices_lock in
		# arm_smmu_attach_prepare (no command). unbind: iommu_sva_lock
		# > group mutex (iommu_detach_device_pasid) > asid lock
		# (arm_smmu_remove_dev_pasid, 2 syncs); devices_lock in
		# arm_smmu_remove_master_domain; the TLBI_NH_ASID + sync of
		# the SVA domain's free is under iommu_sva_lock only.
		set -- "iommu_sva_lock iommu_sva_bind_device $nb $((2 * nb))" \
			"iommu_sva_lock iommu_sva_unbind_device $nb $((3 * nb))" \
			"group_mutex iommu_attach_device_pasid $nb $((2 * nb))" \
			"group_mutex iommu_detach_device_pasid $nb $((2 * nb))" \
			"arm_smmu_asid_lock arm_smmu_set_pasid $nb $((2 * nb))" \
			"arm_smmu_asid_lock arm_smmu_remove_dev_pasid $nb $((2 * nb))" \
			"devices_lock arm_smmu_attach_prepare $nb 0" \
			"devices_lock arm_smmu_remove_master_domain $nb 0"
		;;
	esac
	stale=$(counter drops.lock_try_stale)
	for spec; do
		set -- $spec
		if [ "$stale" = 0 ]; then
			is "$(counter lock.$1.in.$2.holds)" "$3" "$what: $1 taken in $2: $3 holds"
			is "$(counter lock.$1.in.$2.sync_calls)" "$4" "$what: $1 taken in $2: $4 CMD_SYNCs while held"
		else
			# kprobes missed $stale lock returns: each loses one hold
			# (and its syncs); see check_lock_stat.
			got=$(counter lock.$1.in.$2.holds)
			[ "$got" -le "$3" ] && [ $(($3 - got)) -le "$stale" ]
			ok $? "$what: $1 taken in $2: $got of $3 holds, $stale lock returns missed"
		fi
	done

	# lock_stat: every lock the tracer follows and lock_stat lists.
	grep -q '^LOCK_STAT CROSS-CHECK' $out
	ok $? "$what: the trace prints the lock_stat cross-check"
	for l in $static_locks group_mutex devices_lock; do
		check_lock_stat $l "$what"
	done
	is "$(counter drops.ringbuf)" 0 "$what: no ring buffer drops"
	is "$(counter drops.lock_state)" 0 "$what: no lock state lost"

	# --join: the tracer's records joined to the run's op samples (by
	# thread and time window) give each bind and unbind its own breakdown,
	# written back into the run's results file as trace.<op>.* series.
	grep -q '^JOINED TO /tmp/bind.results (thread ids from meta thread_pids)$' $out
	ok $? "$what: join: the binders' thread ids come from the run's meta thread_pids"
	set -- $bind
	grep -qE "^op\.bind +$nb +$nb .* $4\.\.$4\$" $out
	ok $? "$what: join: every bind matched, $4 CMD_SYNC each"
	set -- $unbind
	grep -qE "^op\.unbind +$nb +$nb .* $4\.\.$4\$" $out
	ok $? "$what: join: every unbind matched, $4 CMD_SYNC each"
	for s in trace.bind.cd_write trace.bind.cmd_sync trace.bind.syncs \
		 trace.unbind.cmd_sync trace.unbind.tlbi trace.unbind.syncs; do
		is "$(smmubench report --format csv /tmp/bind.results |
			awk -F, -v s=$s '$1 == s { print $5 }')" "$nb" \
			"$what: join: $s has a sample per op in the run's results"
	done
}

nb=$n
trace_bind "1 process"
nb=$((2 * n))
trace_bind "2 processes" --processes 2

# --- two masters on one domain ---------------------------------------------
# `--masters 2`: both devices are masters of one module domain; the binder
# binds the first. Each cmdlist call of a bind or unbind, as listed by -e
# ("COMMANDS +CMD_SYNC"), from the driver sources:
# 6.1: the CD lives in the domain; arm_smmu_sync_cd walks the domain's
#   masters under devices_lock and batches one CFGI_CD per master: a bind's
#   2 syncs are 2 x (CFGI_CD CFGI_CD + CMD_SYNC), an unbind's NULL CD
#   1 x (CFGI_CD CFGI_CD + CMD_SYNC), then TLBI_NH_ASID + CMD_SYNC.
# 6.12: the CD table belongs to the master: the bind writes the bound
#   master's CD only, the same calls as with one master.
# No --lock-stat: sharing the domain attaches both devices inside the
# window, outside the traced functions.
events() {
	# events FUNCTION COMMANDS: cmdlist calls inside FUNCTION carrying
	# exactly COMMANDS and a CMD_SYNC
	grep -cE " yes +$1 +[0-9]+ $2 \+CMD_SYNC\$" $out
}
echo >$T/trace
echo 1 >$T/events/smmut/enable
smmubench trace -e -o $res -f "$F" \
	-- smmubench run -w bind -d "$dev,$dev2" --masters 2 -n "$n" -q -o /tmp/bindm2.results >$out 2>&1
rc=$?
echo 0 >$T/events/smmut/enable
sed -n '/^Traced/,$p' $out | grep -v '^[0-9]' | sed 's/^/# /'
is "$rc" 0 "2 masters: trace -- smmubench run -w bind --masters 2 exits 0"
is "$(counter count.func.iommu_sva_bind_device)" "$n" "2 masters: $n iommu_sva_bind_device"
case $k in
6.1|6.1-*) cd="CFGI_CD CFGI_CD" calls="2 1" ;;
*) cd=CFGI_CD calls="2 2" ;;
esac
set -- $calls
is "$(events iommu_sva_bind_device "$cd")" $(($1 * n)) "2 masters: bind: $1 calls of '$cd + CMD_SYNC' each"
is "$(counter inside.iommu_sva_bind_device.calls)" $(($1 * n)) "2 masters: bind: no other cmdlist call"
is "$(events iommu_sva_unbind_device "$cd")" $(($2 * n)) "2 masters: unbind: $2 call(s) of '$cd + CMD_SYNC' each"
is "$(events iommu_sva_unbind_device TLBI_NH_ASID)" "$n" "2 masters: unbind: 1 call of 'TLBI_NH_ASID + CMD_SYNC' each"
is "$(counter inside.iommu_sva_unbind_device.calls)" $((($2 + 1) * n)) "2 masters: unbind: no other cmdlist call"
is "$(counter cmdq.calls)" "$(grep -c ' cmdlist:' $T/trace)" "2 masters: cmdlist calls equal ftrace's"
case $k in
6.1|6.1-*)
	# one walk of the masters per arm_smmu_sync_cd: 2 per bind, 1 per
	# unbind, and the 2 of the SSID 0 CD write when the first master
	# attached finalises the shared domain (its list still empty); a
	# missed return loses one hold (see check_lock_stat)
	want=$((3 * n + 2))
	got=$(counter lock.devices_lock.in.arm_smmu_sync_cd.holds)
	stale=$(counter drops.lock_try_stale)
	[ "$got" -le $want ] && [ $((want - got)) -le "$stale" ]
	ok $? "2 masters: devices_lock: $got of $want holds in arm_smmu_sync_cd ($stale lock returns missed)"
	;;
esac

# --- the SVA mmu notifier's invalidation: sva-munmap ----------------------
# One bind, n munmaps of 64K populated, one unbind, joined per op. Each
# notifier call sends one TLBI_NH_VA + CMD_SYNC (sva.t counts them with
# kprobes too); 6.1 calls its ->invalidate_range twice per munmap
# (invalidate_range_end, then the mmu_gather flush), 6.6+ its
# arch_invalidate_secondary_tlbs once (the arch TLB flush). Its locks are
# not checked here: the tracer learns devices_lock's address from a
# function with a domain argument, which the notifier is not
# (inval-6.12-vs-7.x traces it beside arm_smmu_iotlb_sync: no hold).
case $k in
6.1|6.1-*) per=2 notifier=arm_smmu_mm_invalidate_range ;;
*) per=1 notifier=arm_smmu_mm_arch_invalidate_secondary_tlbs ;;
esac
t0=$(date +%s)
smmubench run --trace="-o $res -f $notifier" -w sva-munmap -d "$dev" -s 64K \
	-n "$n" -q -o /tmp/munmap.results >$out 2>&1
rc=$?
echo "# traced sva-munmap: $(($(date +%s) - t0)) s"
is "$rc" 0 "sva-munmap: run --trace exits 0"
grep -qE "^op\.munmap +$n +$n .* $per\.\.$per\$" $out
ok $? "sva-munmap: join: every munmap matched, $per CMD_SYNC each"
is "$(counter count.func.$notifier)" $((per * n)) "sva-munmap: $per $notifier call(s) per munmap"
is "$(counter inside.$notifier.TLBI_NH_VA)" $((per * n)) "sva-munmap: one TLBI_NH_VA per notifier call"
is "$(counter inside.$notifier.CMD_SYNC)" $((per * n)) "sva-munmap: one CMD_SYNC per notifier call"

for d in $dev $dev2; do
	echo "$d" >/sys/bus/pci/drivers/smmubench/unbind
	echo >"/sys/bus/pci/devices/$d/driver_override"
done
rmmod smmubench
ok $? "rmmod smmubench"
dmesg_clean "tracing binds"
tap_done
