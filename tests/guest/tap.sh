# SPDX-License-Identifier: GPL-2.0
# TAP helpers for test scripts that run inside the test bed guest.
# Source it, call ok/is/..., end with tap_done: it prints the plan and
# returns non-zero if anything failed.

tap_n=0
tap_failed=0

ok() {
	# ok STATUS DESCRIPTION: passes when STATUS is 0.
	local status=$1
	shift
	tap_n=$((tap_n + 1))
	if [ "$status" = 0 ]; then
		echo "ok $tap_n - $*"
	else
		echo "not ok $tap_n - $*"
		tap_failed=$((tap_failed + 1))
	fi
}

is() {
	# is GOT WANT DESCRIPTION
	local got=$1 want=$2
	shift 2
	if [ "$got" = "$want" ]; then
		ok 0 "$*"
	else
		ok 1 "$* (got '$got', want '$want')"
	fi
}

# Passes when the kernel log has no warning, BUG or oops since boot.
dmesg_clean() {
	local bad
	bad=$(dmesg | grep -E 'WARNING:|BUG:|Oops|Unable to handle|Call trace' | head -n 3)
	[ -z "$bad" ] && { ok 0 "$* (dmesg clean)"; return; }
	ok 1 "$* (dmesg: $bad)"
}

# Only out-of-tree (O, bit 12) and unsigned-module (E, bit 13) taints are
# expected from loading the project's module.
taint_clean() {
	local t
	t=$(cat /proc/sys/kernel/tainted)
	is "$((t & ~(4096 | 8192)))" 0 "$* (tainted=$t)"
}

# busy DEV: a run or a shared domain of smmubench.ko holds DEV now.
busy() {
	sbinfo 2>/dev/null | grep -q "^device $1 .* busy 1 "
}

# wait_busy DEV: until smmubench.ko holds DEV (up to 10 s).
wait_busy() {
	i=0
	while ! busy "$1"; do
		i=$((i + 1))
		[ $i -gt 100 ] && return 1
		sleep 0.1
	done
}

# results_counter FILE NAME [ABSENT]: a counter record of a results file,
# ABSENT (default 0) if it has none.
results_counter() {
	awk -v n="$2" -v absent="${3:-0}" '$1 == "counter" && $2 == n { print $3; f = 1 }
		END { if (!f) print absent }' "$1"
}

tap_done() {
	echo "1..$tap_n"
	[ "$tap_failed" = 0 ]
}

# The driver's command issuer, the one function every command goes through
# (docs/tracer.md): since 7.2 the inner one, as the wrapper
# arm_smmu_cmdq_issue_cmdlist() is inlined into the driver's own callers.
cmdq_issuer() {
	if grep -q ' T __arm_smmu_cmdq_issue_cmdlist$' /proc/kallsyms; then
		echo __arm_smmu_cmdq_issue_cmdlist
	else
		echo arm_smmu_cmdq_issue_cmdlist
	fi
}

# group_type DEV: the sysfs file of DEV's iommu group's default domain
# type. Writing it (no driver bound) gives the group a new default domain:
# since 6.15 the only way to a fresh-domain attach, as devices get theirs
# when the SMMU probes them.
group_type() {
	echo "/sys/kernel/iommu_groups/$(basename "$(readlink "/sys/bus/pci/devices/$1/iommu_group")")/type"
}

# The driver's PASID detach: arm_smmu_remove_dev_pasid until 6.19, then
# the blocked domain's set_dev_pasid.
pasid_detach() {
	if grep -q ' arm_smmu_blocking_set_dev_pasid$' /proc/kallsyms; then
		echo arm_smmu_blocking_set_dev_pasid
	else
		echo arm_smmu_remove_dev_pasid
	fi
}
