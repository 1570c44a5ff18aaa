#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# module.t: smmubench.ko end to end on every test bed kernel, one boot per
# kernel: tests/guest/module.sh runs in the guest (sample counts, kprobe
# counts, up-front refusals, bad input, kill -9, rmmod and unbind mid-run,
# ioctl fuzz, nothing left behind). The guest's TAP is relayed, tagged
# with the kernel; the test bed fails the boot on any oops or WARNING.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/testbed/lib.sh
. "$here/lib.sh"

# The fuzz seed changes per run; it is printed, and SMMUBENCH_FUZZ_SEED
# replays it.
seed=${SMMUBENCH_FUZZ_SEED:-$(date +%s)}
for k in $(tb_kernels "$TB_DEB_KERNELS"); do
	for f in "$top/build/module/$k/smmubench.ko" "$top/build/arm64/smmubench" \
		"$top/build/arm64/tests/ioctl_fuzz" "$top/build/arm64/tests/sbinfo"; do
		[ -e "$f" ] || { tb_result 1 "[$k] $f missing: run make"; continue 2; }
	done
	# The guest writes nothing to the share: give it an empty folder so
	# that 9p traffic cannot add to the kprobe counts.
	share=$(mktemp -d)
	tb_guest "$k" --share "$share" -- \
		"SMMUBENCH_FUZZ_SEED=$seed module.sh"
	rm -rf "$share" "$tb_out"
done
tb_done
