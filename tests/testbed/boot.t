#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The test bed boots each kernel, the SMMUv3 driver probes, the module
# loads, claims a device into a translated IOMMU group and unloads cleanly.
# On the project's QEMU with the hardware latency model ('hw': the SMMU
# takes 250 ns per CMD_SYNC and reports SEV), so that every kernel is seen
# to boot on it (sva.t boots the -sva kernels on it); the other tests use
# the host's QEMU.
. "$(dirname "$0")/lib.sh"

for k in $(tb_kernels "$TB_DEB_KERNELS"); do
	start=$(date +%s.%N)
	tb_guest "$k" --smmu-latency hw -- sh /opt/smmubench/tests/boot.sh
	secs=$(echo "$(date +%s.%N) - $start" | bc)
	echo "# [$k] boot, checks and power-off took ${secs%.*}s (under TCG)"
done

# The test bed's own failures are errors, never hangs.
"$top/scripts/testbed" --kernel no-such-kernel -- true >/dev/null 2>&1
tb_result $([ $? = 125 ] && echo 0 || echo 1) "unknown kernel flavour is a test bed error (125)"
"$top/scripts/testbed" --timeout 2 -- sleep 60 >/dev/null 2>&1
tb_result $([ $? = 124 ] && echo 0 || echo 1) "a guest that outlives --timeout is stopped (124)"
# A hung COMMAND leaves the guest watchdog's report of where it waits.
msg=$("$top/scripts/testbed" --kernel 6.1 --timeout 45 -- 'sleep 1000' 2>&1)
rc=$?
[ "$rc" = 124 ] && echo "$msg" | grep -q 'COMMAND hung' &&
	echo "$msg" | grep -qE '^testbed-watchdog: task [0-9]+ \[S\] sleep 1000 +wchan=hrtimer_nanosleep$' &&
	echo "$msg" | grep -qE '^testbed-watchdog: +\[<0>\] hrtimer_nanosleep'
tb_result $? "a hung COMMAND is reported with its task's wait channel and kernel stack (124)"
msg=$("$top/scripts/testbed" --kernel 6.1 -- 'echo c >/proc/sysrq-trigger' 2>&1 >/dev/null)
rc=$?
[ "$rc" = 126 ] && echo "$msg" | grep -q 'oopsed or panicked'
tb_result $? "a guest panic is detected from the console (126)"
"$top/scripts/testbed" --kernel 6.1 -- 'exit 7' >/dev/null 2>&1
tb_result $([ $? = 7 ] && echo 0 || echo 1) "COMMAND's exit status comes back"
tb_done
