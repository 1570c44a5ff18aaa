#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The CD-update atomicity test in the guest (host side:
# tests/testbed/atomicity.t). Device A binds and unbinds PASIDs BINDS times
# while device B joins and leaves A's domain (tests/guest/atomicity.c);
# on kernels with a domain-wide SVA CD write (kernel/placements/VERSION/)
# every EVERY-th write that reaches B's successor in the list fails, and
# split's rollback waits DELAY_US with devices_lock dropped. Then, with
# every PASID unbound and the domain gone, the masters' CD tables are read
# back (debugfs, kernel/placements/VERSION/cd-dump.patch): every valid CD of
# a non-zero substream ID is a leak.
# Prints "# stat KEY VALUE" (workload and driver counts) and
# "# stale MASTER ssid SSID asid ASID" lines for the host to judge.
# Usage: atomicity.sh BINDS EVERY DELAY_US
. /opt/smmubench/tests/tap.sh
n=${1:-200}
every=${2:-8}
delay=${3:-2000}
P=/sys/module/arm_smmu_v3/parameters
D=/sys/kernel/debug/arm_smmu_v3
# shellcheck disable=SC2046
set -- $(echo "$SMMUBENCH_DEVICES" | tr ',' ' ')
A=$1 B=$2

bind_dev() {
	echo smmubench >"/sys/bus/pci/devices/$1/driver_override" &&
		echo "$1" >/sys/bus/pci/drivers_probe
}

release_dev() {
	[ -e "/sys/bus/pci/drivers/smmubench/$1" ] &&
		echo "$1" >/sys/bus/pci/drivers/smmubench/unbind
	echo >"/sys/bus/pci/devices/$1/driver_override"
}

ls $D/*/cd_tables >/dev/null 2>&1
ok $? "the kernel dumps its CD tables in debugfs"
if [ -r $D/sva_domain_wide ]; then
	placement=$(sed -n 's/^placement //p' $D/sva_domain_wide)
	echo "$every" >$P/cd_fault_every && echo 2 >$P/cd_fault_master
	ok $? "fault injection: every $every-th write reaching master 2 fails"
	if [ -w $P/cd_fault_delay_us ]; then
		echo "$delay" >$P/cd_fault_delay_us
		ok $? "split's rollback window widened by $delay us"
	fi
else
	placement=per-master
fi
echo "# stat placement $placement"

insmod /opt/smmubench/smmubench.ko
ok $? "insmod smmubench.ko"
bind_dev "$A" && bind_dev "$B"
ok $? "smmubench claims $A and $B"

start=$(date +%s)
atomicity -a "$A" -b "$B" -n "$n" >/tmp/atomicity.out
ok $? "workload: $n binds on $A while $B joins and leaves its domain"
echo "# stat seconds $(($(date +%s) - start))"
sed 's/^/# stat /' /tmp/atomicity.out
[ -r $D/sva_domain_wide ] && sed '/^placement/d; s/^/# stat driver_/' $D/sva_domain_wide

release_dev "$A"
release_dev "$B"
rmmod smmubench
ok $? "rmmod smmubench"

cat $D/*/cd_tables >/tmp/cd_tables
ok $? "read the CD tables"
grep '^master' /tmp/cd_tables | sed 's/^/# /'
# Both devices are back on their default (stage-1) domains: their SSID 0
# CDs show that the dump reads the tables it should.
for d in "$A" "$B"; do
	grep -q "^cd $d ssid 0 " /tmp/cd_tables
	ok $? "the dump shows $d's SSID 0 CD (its default domain)"
done
awk '$1 == "cd" && $4 != 0 { print "# stale", $2, "ssid", $4, "asid", $6 }' /tmp/cd_tables
echo "# stat stale_cds $(awk '$1 == "cd" && $4 != 0' /tmp/cd_tables | wc -l)"
dmesg_clean "atomicity run on $placement"
tap_done
