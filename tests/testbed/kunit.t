#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The driver's own KUnit test as a second oracle for the tracer, on the
# -sva kernels built with it (kernel/config/testbed-7.x.config): the test
# module passes in the guest, and the CMD_SYNCs the tracer counts per CD
# write on the live driver equal those the test asserts for the same
# transitions, read here from the test's source in the kernel's own tree.
# See tests/guest/kunit.sh and docs/tracer.md ("A second oracle").
. "$(dirname "$0")/lib.sh"

# expected FILE CASE N: the Nth NUM_EXPECTED_SYNCS() of the test function
# arm_smmu_v3_write_CASE in FILE (its transitions, in order).
expected() {
	awk -v f="arm_smmu_v3_write_$2" -v n="$3" '
		$0 ~ "^static void " f "\\(" { in_f = 1; next }
		in_f && /^}/ { exit }
		in_f { while (match($0, /NUM_EXPECTED_SYNCS\([0-9]+\)/)) {
			if (++i == n) { print substr($0, RSTART + 19, RLENGTH - 20); exit }
			$0 = substr($0, RSTART + RLENGTH) } }' "$1"
}

for k in $(tb_kernels "7.x-sva"); do
	kdir=$top/build/kernels/$k
	src=$kdir/src/drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3-test.c
	ko=$(find -L "$kdir/modules/kernel/" -name 'arm-smmu-v3-test.ko' 2>/dev/null | head -n1)
	if [ ! -f "$kdir/Image" ] || [ ! -f "$src" ] || [ -z "$ko" ]; then
		tb_result 1 "[$k] kernel built with the driver's KUnit test (scripts/build-kernel $k)"
		continue
	fi
	stage=$top/build/kunit-test/$k
	mkdir -p "$stage"
	cp "$ko" "$stage/"
	s1_set=$(expected "$src" cd_test_s1_clear 1)
	s1_clear=$(expected "$src" cd_test_s1_clear 2)
	sva_set=$(expected "$src" cd_test_sva_clear 1)
	sva_clear=$(expected "$src" cd_test_sva_clear 2)
	echo "# $k: KUnit asserts CD clear->S1 $s1_set, S1->clear $s1_clear, clear->SVA $sva_set, SVA->clear $sva_clear syncs"
	case "$s1_set$s1_clear$sva_set$sva_clear" in
	*[!0-9]* | ????) ;;
	*) tb_result 1 "[$k] the test's expected syncs read from $src"; continue ;;
	esac
	tb_result 0 "[$k] the test's expected syncs read from its source"
	# allnoconfig leaves KUnit disabled by default: the command line
	# enables it, and runs a module's suite when it is loaded.
	tb_guest "$k" --append "kunit.enable=1 kunit.autorun=1" -- sh /opt/smmubench/tests/kunit.sh \
		"/mnt/host/build/kunit-test/$k/arm-smmu-v3-test.ko" "$s1_set" "$sva_set" "$sva_clear"
done
tb_done
