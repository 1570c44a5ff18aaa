#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# safety.t: what smmubench run will and will not take, on Debian's 6.1
# and 7.x test bed kernels and 6.12-sva (tests/guest/safety.sh in the guest). The guest
# gets a disk with a partition table made here (ext4 on the first
# partition, room for swap on the second) and a NIC, so that a mounted file
# system, active swap and an up interface are real ones on devices that go
# through the SMMU.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/testbed/lib.sh
. "$here/lib.sh"

# mbr_entry N TYPE START SECTORS: one MS-DOS partition table entry.
mbr_entry() {
	local off=$((446 + 16 * ($1 - 1))) le v i
	le=""
	for v in "$3" "$4"; do
		for i in 0 8 16 24; do
			le+=$(printf '\\x%02x' $(((v >> i) & 255)))
		done
	done
	printf "\\x00\\x00\\x00\\x00\\x$2\\x00\\x00\\x00$le" |
		dd of="$disk" bs=1 seek="$off" conv=notrunc status=none
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
disk=$work/disk.img
# 1 MiB of label, 4 MiB ext4 (as ext2: no checksum driver needed), 10 MiB swap.
truncate -s 16M "$disk"
mbr_entry 1 83 2048 8192
mbr_entry 2 82 10240 20480
printf '\x55\xaa' | dd of="$disk" bs=1 seek=510 conv=notrunc status=none
mke2fs -q -F -t ext2 -E offset=$((2048 * 512)) "$disk" 4M >/dev/null 2>&1
tb_result $? "a partitioned disk image with ext2 on the first partition"

# Debian's oldest and newest kernels, and 6.12-sva for the bind runs that
# share a device (what decides is the tool's and the module's, from sysfs
# and /proc: the same on every kernel, 6.12 included through 6.12-sva).
for k in ${SMMUBENCH_TEST_KERNELS:-6.1 7.x 6.12-sva}; do
	for f in "$top/build/module/$k/smmubench.ko" "$top/build/arm64/smmubench"; do
		[ -e "$f" ] || { tb_result 1 "[$k] $f missing: run make"; continue 2; }
	done
	tb_guest "$k" --disk "$disk" --nic -- sh /opt/smmubench/tests/safety.sh
	rm -f "$tb_out"
done
tb_done
