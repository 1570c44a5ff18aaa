#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# PASID binds on a source-built kernel with emulated substreams: the driver
# emulates them, binds from 1 and 2 processes and with 1 and 2 masters in
# the bound device's domain complete exactly, the commands each bind and
# unbind issue are counted from the real command queue, and pasid-attach
# runs where the kernel has it; map with 2 masters on the domain, and
# sva-munmap (its munmaps' commands, bad sizes, kill -9). Prints "# cmds
# MASTERS OP N SYNC COUNT" and "# munmap cmds OP N SYNC COUNT" for the
# host to compare with what the kernel's driver code implies.
# Usage: sva.sh ITERATIONS
. /opt/smmubench/tests/tap.sh
n=${1:-20}
T=/sys/kernel/tracing
# shellcheck disable=SC2046
set -- $(echo "$SMMUBENCH_DEVICES" | tr ',' ' ')
D1=$1 D2=$2

dmesg | grep -q 'test only: emulating [0-9]* substream ID bits'
ok $? "arm-smmu-v3 emulates substreams (test-only patch)"
test -r /proc/lock_stat
ok $? "/proc/lock_stat is there (LOCK_STAT)"
insmod /opt/smmubench/smmubench.ko
ok $? "insmod smmubench.ko"

samples() {
	smmubench report --format csv "$1" | awk -F, -v s="$2" '$1 == s { print $5 }'
}

no_leftovers() {
	sbinfo >/tmp/sbinfo
	ok $? "$1: INFO answers"
	live=$(sed -n 's/^live_domains //p' /tmp/sbinfo)
	is "$live" 0 "$1: no module domain alive"
	bad=$(grep '^device' /tmp/sbinfo | grep -v 'busy 0 unmanaged 0')
	is "$bad" "" "$1: no device busy or on an unmanaged domain"
}

# arm_smmu_cmdq_issue_cmdlist(smmu, [cmdq,] cmds, n, sync): every command
# goes through it; the first byte of a command is its opcode.
case "$(uname -r)" in
6.1.*) args='op=+0(%x1):u8 n=%x2:s32 sync=%x3:u8' ;;
*) args='op=+0(%x2):u8 n=%x3:s32 sync=%x4:u8' ;;
esac
echo "p:sbcmd $(cmdq_issuer) $args" >>$T/kprobe_events
ok $? "kprobe on $(cmdq_issuer)"
# Only what happens between a bind's entry and its unbind's return is
# recorded: the claims of the devices, the shared domain's attach and
# detach and the module's SVA enable fall outside these windows.
echo 'p:sbbind iommu_sva_bind_device' >>$T/kprobe_events &&
	echo 'r:sbunbind iommu_sva_unbind_device' >>$T/kprobe_events &&
	echo traceon >$T/events/kprobes/sbbind/trigger &&
	echo traceoff >$T/events/kprobes/sbunbind/trigger
ok $? "bind/unbind windows (traceon/traceoff triggers)"
echo 'comm == "smmubench"' >$T/events/kprobes/sbcmd/filter
for e in sbcmd sbbind sbunbind; do
	echo 1 >$T/events/kprobes/$e/enable
done

# counted MASTERS ARGS...: one bind process, its commands as "# cmds" lines.
counted() {
	m=$1
	shift
	echo 0 >$T/tracing_on
	echo >$T/trace
	smmubench run -w bind -n "$n" -q "$@"
	rc=$?
	echo 0 >$T/tracing_on
	grep 'sbcmd:' $T/trace | sed 's/.*sbcmd: ([^)]*) //' | sort | uniq -c |
		while read -r count op nn sync; do
			echo "# cmds $m ${op#op=} ${nn#n=} ${sync#sync=} $count"
		done
	return $rc
}

# --- one master: the device's own domain --------------------------------
counted 1 -d "$D1" -o /tmp/bind1.results
ok $? "bind, 1 process, $n iterations"
is "$(samples /tmp/bind1.results op.bind)" "$n" "1 process: $n bind samples"
is "$(samples /tmp/bind1.results op.unbind)" "$n" "1 process: $n unbind samples"

smmubench run -w bind -d "$D1" -P 2 -n "$n" -q -o /tmp/bind2.results
ok $? "bind, 2 processes, $n iterations each"
is "$(samples /tmp/bind2.results op.bind)" "$((2 * n))" "2 processes: $((2 * n)) bind samples"
is "$(samples /tmp/bind2.results op.unbind)" "$((2 * n))" "2 processes: $((2 * n)) unbind samples"
smmubench report /tmp/bind2.results | grep -q 'substreams.*emulated substreams'
ok $? "results are labelled emulated substreams"

# --- two masters: one shared module domain for the run --------------------
counted 2 -d "$D1,$D2" -m 2 -o /tmp/bindm2.results
ok $? "bind, 2 masters, 1 process, $n iterations"
is "$(samples /tmp/bindm2.results op.bind)" "$n" "2 masters: $n bind samples"
is "$(samples /tmp/bindm2.results op.unbind)" "$n" "2 masters: $n unbind samples"
no_leftovers "after the 2-master bind"

smmubench run -w bind -d "$D1,$D2" -m 2 -P 2 -n "$n" -q -o /tmp/bindm2p2.results
ok $? "bind, 2 masters, 2 processes sharing the domain, $n iterations each"
is "$(samples /tmp/bindm2p2.results op.bind)" "$((2 * n))" "2 masters, 2 processes: $((2 * n)) bind samples"
is "$(samples /tmp/bindm2p2.results op.unbind)" "$((2 * n))" "2 masters, 2 processes: $((2 * n)) unbind samples"
no_leftovers "after the 2-master, 2-process bind"

for e in sbcmd sbbind sbunbind; do
	echo 0 >$T/events/kprobes/$e/enable
done

# --- the shared domain ends with its file or any of its masters ------------
smmubench run -w bind -d "$D1,$D2" -m 2 -n 1000000 -q -o /tmp/k.results >/tmp/k.log 2>&1 &
pid=$!
wait_busy "$D2"
ok $? "a long 2-master bind holds $D2 in the shared domain"
smmubench run -w attach -d "$D2" -n 5 -q -o /tmp/a.results >/tmp/a.log 2>&1
is $? 1 "attach on the shared $D2 is refused"
# Refused by the claim between runs, before the module is asked.
grep -q "$D2 busy: another smmubench run is using it" /tmp/a.log
ok $? "with the reason: $(tail -n 1 /tmp/a.log)"
sleep 1
kill -9 $pid
wait $pid
is $? 137 "kill -9 ends the 2-master bind"
no_leftovers "after kill -9"
for d in $D1 $D2; do
	echo "$d" >/sys/bus/pci/drivers/smmubench/unbind
	echo >"/sys/bus/pci/devices/$d/driver_override"
done

smmubench run -w bind -d "$D1,$D2" -m 2 -n 1000000 -q -o /tmp/u.results >/tmp/u.log 2>&1 &
pid=$!
wait_busy "$D2"
ok $? "a long 2-master bind started again"
sleep 1
echo "$D2" >/sys/bus/pci/drivers/smmubench/unbind
ok $? "unbinding the second master $D2 from smmubench mid-bind returns"
wait $pid
is $? 1 "the bind run fails (exit 1)"
grep -q 'shared ended during the bind' /tmp/u.log
ok $? "with the reason: $(tail -n 1 /tmp/u.log)"
no_leftovers "after unbinding a shared master mid-bind"
[ ! -e "/sys/bus/pci/devices/$D1/driver" ] && [ ! -e "/sys/bus/pci/devices/$D2/driver" ]
ok $? "both masters are given back (no driver, as before)"
echo '!traceon' >$T/events/kprobes/sbbind/trigger
echo '!traceoff' >$T/events/kprobes/sbunbind/trigger
echo >$T/kprobe_events
echo 1 >$T/tracing_on

# --- pasid-attach: a paging domain on PASID k ---------------------------
case "$(uname -r)" in
6.1.*)
	smmubench run -w pasid-attach -d "$D1" -n 5 -q -o /tmp/pa.results >/tmp/pa.log 2>&1
	is $? 1 "pasid-attach refused on 6.1"
	grep -q 'no iommu_attach_device_pasid (before 6.2)' /tmp/pa.log
	ok $? "with the reason: $(tail -n 1 /tmp/pa.log)"
	;;
*)
	# The core skips set_dev_pasid for a device without PASIDs and
	# still returns success: prove that the driver ran for every op.
	detach=$(pasid_detach)
	echo "p:sbpa arm_smmu_s1_set_dev_pasid
p:sbpd $detach
p:sbcmd $(cmdq_issuer) $args" >>$T/kprobe_events
	ok $? "kprobes on arm_smmu_s1_set_dev_pasid, $detach"
	echo >$T/trace
	for e in sbpa sbpd sbcmd; do
		echo 'comm ~ "smmubench/*"' >$T/events/kprobes/$e/filter
		echo 1 >$T/events/kprobes/$e/enable
	done
	smmubench run -w pasid-attach -d "$D1,$D2" -t 2 --pasid 3 -n "$n" -q \
		-o /tmp/pa.results >/tmp/pa.log 2>&1
	ok $? "pasid-attach, 2 threads, PASIDs 3 and 4: $(tail -n 1 /tmp/pa.log)"
	for e in sbpa sbpd sbcmd; do
		echo 0 >$T/events/kprobes/$e/enable
	done
	for s in op.pasid_attach op.pasid_detach op.empty; do
		is "$(samples /tmp/pa.results $s)" "$((2 * n))" "pasid-attach: $((2 * n)) $s samples"
	done
	is "$(grep -c ' sbpa:' $T/trace)" "$((2 * n))" "arm_smmu_s1_set_dev_pasid ran for every attach"
	is "$(grep -c ' sbpd:' $T/trace)" "$((2 * n))" "$detach ran for every detach"
	# 6.12: the attach writes the new CD hitlessly (arm_smmu_set_pasid ->
	# arm_smmu_write_cd_entry: 2 x CFGI_CD + CMD_SYNC; the STE already
	# holds the CD table of the RID domain, so arm_smmu_update_ste writes
	# nothing); the detach clears it the same way (arm_smmu_clear_cd: 2 x
	# CFGI_CD + CMD_SYNC) and invalidates nothing, since the domain's ASID
	# stays in use on the RID. No ATS: no ATC invalidation.
	got=$(grep 'sbcmd:' $T/trace | sed 's/.*sbcmd: ([^)]*) //' | sort | uniq -c |
		while read -r count op nn sync; do
			echo "${op#op=} ${nn#n=} ${sync#sync=} $count"
		done)
	is "$got" "5 1 1 $((4 * 2 * n))" "pasid-attach commands: 4 x CFGI_CD + CMD_SYNC per attach + detach"
	echo >$T/kprobe_events
	smmubench run -w pasid-attach -d "$D1" --pasid 32 -n 5 -q \
		-o /tmp/pa32.results >/tmp/pa.log 2>&1
	is $? 1 "pasid-attach on PASID 32 of 32 fails"
	grep -q 'PASID 32 out of range' /tmp/pa.log
	ok $? "with the reason: $(tail -n 1 /tmp/pa.log)"
	;;
esac
no_leftovers "after pasid-attach"

# --- map with 2 masters on the domain -------------------------------------
smmubench run -w map -d "$D1,$D2" -m 2 -n "$n" -q -o /tmp/mapm2.results >/tmp/m.log 2>&1
ok $? "map with 2 masters on the domain, $n iterations: $(tail -n 1 /tmp/m.log)"
for s in op.map op.unmap op.iotlb_sync op.empty; do
	is "$(samples /tmp/mapm2.results $s)" "$n" "map, 2 masters: $n $s samples"
done
no_leftovers "after the 2-master map"

# --- sva-munmap: the SVA mmu notifier's invalidation ----------------------
# Every command of the binder thread; only the munmaps issue TLBI_NH_VA
# (0x12): the bind and unbind write CDs and flush the ASID (0x11).
echo "p:sbcmd $(cmdq_issuer) $args" >>$T/kprobe_events
echo 'comm == "smmubench"' >$T/events/kprobes/sbcmd/filter
echo >$T/trace
echo 1 >$T/events/kprobes/sbcmd/enable
smmubench run -w sva-munmap -d "$D1" -s 64K -n "$n" -q -o /tmp/munmap.results >/tmp/mu.log 2>&1
ok $? "sva-munmap of 64K, $n iterations: $(tail -n 1 /tmp/mu.log)"
echo 0 >$T/events/kprobes/sbcmd/enable
is "$(samples /tmp/munmap.results op.munmap)" "$n" "sva-munmap: $n munmap samples"
is "$(samples /tmp/munmap.results op.bind)" 1 "sva-munmap: one bind"
is "$(samples /tmp/munmap.results op.unbind)" 1 "sva-munmap: one unbind"
grep 'sbcmd:' $T/trace | sed 's/.*sbcmd: ([^)]*) //' | sort | uniq -c |
	while read -r count op nn sync; do
		echo "# munmap cmds ${op#op=} ${nn#n=} ${sync#sync=} $count"
	done
echo >$T/kprobe_events
no_leftovers "after sva-munmap"

smmubench run -w sva-munmap -d "$D1" -s 6000 -n 5 -q -o /tmp/mu.results >/tmp/mu.log 2>&1
is $? 2 "sva-munmap of 6000 bytes is refused (exit 2)"
grep -q 'multiple of 4K' /tmp/mu.log
ok $? "with the reason: $(tail -n 1 /tmp/mu.log)"
smmubench run -w sva-munmap -d "$D1" -s 2G -n 5 -q -o /tmp/mu.results >/tmp/mu.log 2>&1
is $? 2 "sva-munmap of 2G is refused (exit 2)"
grep -q 'out of range' /tmp/mu.log
ok $? "with the reason: $(tail -n 1 /tmp/mu.log)"

# Killed mid-loop: the bind goes with the ioctl, the device is given back.
smmubench run -w sva-munmap -d "$D1" -s 64K -n 1000000 -q -o /tmp/mk.results >/tmp/mk.log 2>&1 &
pid=$!
wait_busy "$D1"
ok $? "a long sva-munmap holds $D1"
sleep 1
kill -9 $pid
wait $pid
is $? 137 "kill -9 ends the sva-munmap run"
no_leftovers "after kill -9 of sva-munmap"
smmubench run -w sva-munmap -d "$D1" -s 4K -n 3 -q -o /tmp/mu2.results >/tmp/mu.log 2>&1
ok $? "sva-munmap runs again after the kill: $(tail -n 1 /tmp/mu.log)"

# A thread sweep of bind+unbind (issue 17's curve for binds): one file per
# point, and report tabulates them, threads ascending, each with a rate.
smmubench run -w bind -d "$SMMUBENCH_DEVICES" -t 1,2,4 -n 10 -q -o /tmp/bsw.results >/tmp/bsw.log 2>&1
ok $? "run -w bind -t 1,2,4: $(tail -n 1 /tmp/bsw.log)"
for t in 1 2 4; do
	is "$(awk '$1 == "sample" && $2 == "op.bind"' /tmp/bsw.t$t.results | wc -l)" $((t * 10)) \
		"bind sweep point $t: $((t * 10)) binds in its own file"
done
smmubench report -f csv /tmp/bsw.t4.results /tmp/bsw.t1.results /tmp/bsw.t2.results >/tmp/bsw.csv 2>&1
is "$(awk -F, 'NR > 1 && $2 > 0 && $3 > 0 && $5 > 0 { printf "%s%s", sep, $1; sep = "," }' /tmp/bsw.csv)" 1,2,4 \
	"report of the bind sweep: a row per point with its rate and bind/unbind p50 ($(head -n 1 /tmp/bsw.csv))"
no_leftovers "after the bind sweep"

rmmod smmubench
ok $? "rmmod smmubench"
dmesg_clean "binds and unbinds"
tap_done
