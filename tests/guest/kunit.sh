#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest side of tests/testbed/kunit.t, on a -sva kernel with the driver's
# KUnit test as a module:
#  - arm-smmu-v3-test.ko runs its suite on load: every case passes;
#  - the live driver's CD writes, one arm_smmu_write_cd_entry() call per
#    transition under `smmubench trace -e`, sync as often as the test
#    asserts for the same transition: a fresh DMA domain's CD (clear to
#    S1, case cd_test_s1_clear), an SVA bind (clear to SVA) and unbind
#    (SVA to clear) (case cd_test_sva_clear).
# Usage: kunit.sh TEST_KO S1_SET SVA_SET SVA_CLEAR
. /opt/smmubench/tests/tap.sh

ko=$1 s1_set=$2 sva_set=$3 sva_clear=$4
dev=${SMMUBENCH_DEVICES%%,*}
dev2=$(echo "$SMMUBENCH_DEVICES" | cut -d, -f2)
out=/tmp/kunit.out
cd /tmp || exit 1

# --- 1. the suite -----------------------------------------------------------
insmod "$ko"
ok $? "insmod arm-smmu-v3-test.ko (its suite runs on load)"
dmesg | sed -n 's/^\[[ 0-9.]*\] *\(\(not \)\{0,1\}ok [0-9]* arm_smmu_v3_.*\)/\1/p' >$out
sed 's/^/# /' $out
cases=$(grep -c '^ok ' $out)
[ "$cases" -ge 20 ]
ok $? "KUnit: $cases cases passed"
is "$(grep -c '^not ok ' $out)" 0 "KUnit: no case failed"
for c in cd_test_s1_clear cd_test_sva_clear; do
	grep -q "^ok [0-9]* arm_smmu_v3_write_$c\$" $out
	ok $? "KUnit: arm_smmu_v3_write_$c passed"
done
dmesg | grep -qE '^(\[[ 0-9.]*\] )? *ok [0-9]+ arm-smmu-v3-kunit-test'
ok $? "KUnit: the suite arm-smmu-v3-kunit-test passed"

# The -e rows: TIME TID DUR SYNC INSIDE CALL COMMANDS, a cmdlist call each.
rows() {
	grep -E '^[0-9.]+ +[0-9]+ +[0-9.]+[mun]?s +(yes|no) ' $out
}

# syncs CALL: the CMD_SYNCs of the CALLth outermost traced call.
syncs() {
	rows | awk -v c="$1" '$6 == c && / \+CMD_SYNC/ { n++ } END { print n + 0 }'
}

# --- 2. a fresh DMA domain's CD: clear to S1 --------------------------------
# Since 6.15 a device has its default domain from the SMMU's probe: the
# group goes to identity, then back to DMA inside the window (trace.sh).
grp=$(group_type "$dev2")
echo identity >$grp
smmubench trace -e --no-locks -f arm_smmu_write_cd_entry -- sh -c "echo DMA >$grp" >$out 2>&1
ok $? "trace -e -- a new DMA domain for $dev2"
rows | sed 's/^/# /'
is "$(syncs 1)" "$s1_set" "CD clear -> S1 (fresh DMA domain): $s1_set CMD_SYNCs, as KUnit's cd_test_s1_clear asserts"

# --- 3. an SVA bind and unbind ----------------------------------------------
# The run's CD writes, in order: the bind's (clear -> SVA, on the PASID)
# and the unbind's (SVA -> clear). The bind keeps the device's default
# domain on the RID, so the claim writes no CD.
insmod /opt/smmubench/smmubench.ko
ok $? "insmod smmubench.ko"
smmubench trace -e --no-locks -f arm_smmu_write_cd_entry \
	-- smmubench run -w bind -d "$dev" -n 1 -q -o /tmp/bind.sbr >$out 2>&1
ok $? "trace -e -- smmubench run -w bind -n 1"
rows | sed 's/^/# /'
is "$(rows | awk '$6 ~ /^[1-9][0-9]*$/ { c[$6] = 1 } END { print length(c) }')" 2 \
	"two CD writes: the bind's and the unbind's"
is "$(syncs 1)" "$sva_set" "CD clear -> SVA (bind): $sva_set CMD_SYNCs, as KUnit's cd_test_sva_clear asserts"
is "$(syncs 2)" "$sva_clear" "CD SVA -> clear (unbind): $sva_clear CMD_SYNCs, as KUnit's cd_test_sva_clear asserts"
rmmod smmubench
rmmod arm-smmu-v3-test 2>/dev/null || rmmod arm_smmu_v3_test
ok $? "rmmod arm-smmu-v3-test"
dmesg_clean "the KUnit suite and the traced CD writes"
tap_done
