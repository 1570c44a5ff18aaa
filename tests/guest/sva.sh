#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# PASID binds on a source-built kernel with emulated substreams: the driver
# emulates them, binds from 1 and 2 processes complete exactly, and the
# commands each bind issues are counted from the real command queue.
# Prints "# cmds OP N SYNC COUNT" for the host to compare with what the
# kernel's driver code implies. Usage: sva.sh ITERATIONS
. /opt/smmubench/tests/tap.sh
n=${1:-20}
T=/sys/kernel/tracing
dev=${SMMUBENCH_DEVICES%%,*}

dmesg | grep -q 'test only: emulating [0-9]* substream ID bits'
ok $? "arm-smmu-v3 emulates substreams (test-only patch)"
test -r /proc/lock_stat
ok $? "/proc/lock_stat is there (LOCK_STAT)"
insmod /opt/smmubench/smmubench.ko
ok $? "insmod smmubench.ko"

# Claim the device before counting: binding the driver writes STEs too.
echo smmubench >"/sys/bus/pci/devices/$dev/driver_override"
echo "$dev" >/sys/bus/pci/drivers_probe

# arm_smmu_cmdq_issue_cmdlist(smmu, [cmdq,] cmds, n, sync): every command
# goes through it; the first byte of a command is its opcode.
case "$(uname -r)" in
6.1.*) args='op=+0(%x1):u8 n=%x2:s32 sync=%x3:u8' ;;
*) args='op=+0(%x2):u8 n=%x3:s32 sync=%x4:u8' ;;
esac
echo "p:sbcmd arm_smmu_cmdq_issue_cmdlist $args" >>$T/kprobe_events
ok $? "kprobe on arm_smmu_cmdq_issue_cmdlist"
echo 'comm == "smmubench"' >$T/events/kprobes/sbcmd/filter
echo >$T/trace
echo 1 >$T/events/kprobes/sbcmd/enable

smmubench run -w bind -d "$dev" -n "$n" -q -o /tmp/bind1.results
ok $? "bind, 1 process, $n iterations"
echo 0 >$T/events/kprobes/sbcmd/enable
grep 'sbcmd:' $T/trace | sed 's/.*sbcmd: ([^)]*) //' | sort | uniq -c |
	while read -r count op nn sync; do
		echo "# cmds ${op#op=} ${nn#n=} ${sync#sync=} $count"
	done
samples() {
	smmubench report --format csv "$1" | awk -F, -v s="$2" '$1 == s { print $5 }'
}
is "$(samples /tmp/bind1.results op.bind)" "$n" "1 process: $n bind samples"
is "$(samples /tmp/bind1.results op.unbind)" "$n" "1 process: $n unbind samples"

smmubench run -w bind -d "$dev" -P 2 -n "$n" -q -o /tmp/bind2.results
ok $? "bind, 2 processes, $n iterations each"
is "$(samples /tmp/bind2.results op.bind)" "$((2 * n))" "2 processes: $((2 * n)) bind samples"
is "$(samples /tmp/bind2.results op.unbind)" "$((2 * n))" "2 processes: $((2 * n)) unbind samples"
smmubench report /tmp/bind2.results | grep -q 'substreams.*emulated substreams'
ok $? "results are labelled emulated substreams"

echo "$dev" >/sys/bus/pci/drivers/smmubench/unbind
echo >"/sys/bus/pci/devices/$dev/driver_override"
rmmod smmubench
ok $? "rmmod smmubench"
dmesg_clean "binds and unbinds"
tap_done
