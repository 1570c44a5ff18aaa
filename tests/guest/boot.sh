#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Issue 2's test bed checks, in the guest: the SMMUv3 driver probed, the
# project's module loads and unloads cleanly, and a device it claims lands
# in an IOMMU group with a translated default domain.
. /opt/smmubench/tests/tap.sh

line=$(dmesg | grep -m1 'arm-smmu-v3.*features 0x')
echo "# $line"
# 7.x prints no "ias N-bit, " any more, only the output address size.
echo "$line" | grep -qE '(ias [0-9]+-bit, )?oas [0-9]+-bit \(features 0x[0-9a-f]+\)'
ok $? "arm-smmu-v3 probed and printed its features"

dev=${SMMUBENCH_DEVICES%%,*}
test -e "/sys/bus/pci/devices/$dev"
ok $? "test device $dev present"
# Up to 6.x the IOMMU is set up for a device when a driver probes it.
# 7.x's core runs the bus's dma_configure from its own probe path, when
# the device is added, so there it is in a group before any driver.
case $(uname -r) in
6.*)
	test ! -e "/sys/bus/pci/devices/$dev/iommu_group"
	ok $? "unclaimed test device has no IOMMU group yet (set up at driver probe)" ;;
*)
	test -e "/sys/bus/pci/devices/$dev/iommu_group"
	ok $? "unclaimed test device is in an IOMMU group already (set up when added)" ;;
esac

insmod /opt/smmubench/smmubench.ko
ok $? "insmod smmubench.ko"
grep -q '^smmubench ' /proc/modules
ok $? "smmubench listed in /proc/modules"
taint_clean "no taint beyond out-of-tree/unsigned"

echo smmubench >"/sys/bus/pci/devices/$dev/driver_override" &&
	echo "$dev" >/sys/bus/pci/drivers_probe
drv=$(basename "$(readlink "/sys/bus/pci/devices/$dev/driver")")
is "$drv" smmubench "smmubench claims $dev via driver_override"
grp=$(readlink "/sys/bus/pci/devices/$dev/iommu_group")
test -n "$grp"
ok $? "claimed device is in IOMMU group ${grp##*/}"
type=$(cat "/sys/bus/pci/devices/$dev/iommu_group/type" 2>/dev/null)
case "$type" in
DMA | DMA-FQ) ok 0 "group domain is translated ($type)" ;;
*) ok 1 "group domain is translated (got '$type')" ;;
esac
ndev=$(ls "/sys/bus/pci/devices/$dev/iommu_group/devices" | wc -l)
is "$ndev" 1 "the device is alone in its group"

echo "$dev" >/sys/bus/pci/drivers/smmubench/unbind
ok $? "unbind $dev from smmubench"
echo >"/sys/bus/pci/devices/$dev/driver_override"
rmmod smmubench
ok $? "rmmod smmubench"
! grep -q '^smmubench ' /proc/modules
ok $? "smmubench gone from /proc/modules"
dmesg_clean "module load, claim, release, unload"
tap_done
