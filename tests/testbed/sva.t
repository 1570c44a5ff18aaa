#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# PASID binds through the real driver on the source-built kernels with
# emulated substreams (scripts/build-kernel), and the exact commands each
# bind and unbind put on the command queue.
. "$(dirname "$0")/lib.sh"

n=20
# Commands per bind + unbind, from each kernel's driver code, as
# "opcode entries sync count-per-iteration" (0x5 CFGI_CD, 0x11 TLBI_NH_ASID):
# 6.12: a bind writes the CD hitlessly, two CFGI_CD + CMD_SYNC
#   (arm_smmu_write_entry -> arm_smmu_cd_writer_sync_entry, twice); an
#   unbind clears it the same way, then arm_smmu_tlb_inv_asid issues
#   TLBI_NH_ASID + CMD_SYNC.
expect_6_12="5 1 1 4
17 1 1 1"

for k in 6.12-sva 6.1-sva; do
	if [ ! -f "$top/build/kernels/$k/Image" ]; then
		tb_result 1 "[$k] kernel not built (scripts/build-kernel $k)"
		continue
	fi
	tb_guest "$k" -- sh /opt/smmubench/tests/sva.sh "$n"
	got=$(sed -n 's/^# cmds //p' "$tb_out" | sort)
	echo "# [$k] commands over $n binds and unbinds (opcode entries sync count):"
	echo "$got" | sed 's/^/#   /'
	case "$k" in
	6.12-sva) want=$(echo "$expect_6_12" | awk -v n=$n '{ print $1, $2, $3, $4 * n }' | sort) ;;
	*) want= ;;
	esac
	if [ -n "$want" ]; then
		[ "$got" = "$want" ]
		tb_result $? "[$k] commands per bind and unbind match the driver code"
	fi
done
tb_done
