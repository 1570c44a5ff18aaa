#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# safety.sh: what `smmubench run` will and will not take, inside the test
# bed guest (TAP), booted with --disk (a partitioned disk: ext4 on vda1,
# room for swap on vda2) and --nic. Covers: the host bridge, always
# refused; the 9p share's device, the mounted disk, the disk with active
# swap and the NIC that is up, refused with and without --unbind-driver
# while they keep working; the disk and the NIC taken from virtio-pci with
# the flag and given back with their data; runs started at once on one
# device (exactly one runs; binds share); a killed run's device given back
# by --release and by the next run.
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/guest/tap.sh
. "$here/tap.sh"

KO=${SMMUBENCH_KO:-/opt/smmubench/smmubench.ko}
W=/tmp/safety-test
ROUNDS=${SAFETY_ROUNDS:-20}
mkdir -p "$W" /mnt/d
# shellcheck disable=SC2046
set -- $(echo "$SMMUBENCH_DEVICES" | tr ',' ' ')
D1=$1 D2=$2
BRIDGE=0000:00:00.0 SHARE=0000:00:05.0 NIC=0000:00:06.0 DISK=0000:00:07.0

drv() {
	l=$(readlink "/sys/bus/pci/devices/$1/driver") && basename "$l"
}

# refuse DEV WHAT WANT [RUN-OPTION...]: a map run on DEV exits 1 with WANT
# in its message, writes no results, and DEV keeps its driver.
refuse() {
	dev=$1 what=$2 want=$3
	shift 3
	before=$(drv "$dev")
	rm -f "$W/x.results"
	smmubench run -q -w map -d "$dev" -n 5 -o "$W/x.results" "$@" >"$W/out" 2>&1
	rc=$?
	grep -qF -- "$want" "$W/out"
	ok $((rc != 1 || $?)) "$what: refused, '$want': $(head -n 1 "$W/out")"
	[ ! -e "$W/x.results" ]
	ok $? "$what: no results written"
	is "$(drv "$dev")" "$before" "$what: still on ${before:-no driver}"
}

insmod "$KO"
ok $? "insmod smmubench.ko ($SMMUBENCH_KERNEL)"

# --- bridges -------------------------------------------------------------
refuse $BRIDGE "host bridge" "it is a bridge, root port or host bridge"
refuse $BRIDGE "host bridge, --unbind-driver" "it is a bridge" --unbind-driver

# --- the 9p share that carries /mnt/host ----------------------------------
refuse $SHARE "9p share's device" "9p file system 'host' is mounted at /mnt/host"
grep -q "driver virtio-pci, known as 9p mount tag 'host'" "$W/out"
ok $? "the message names the driver and what the device is: $(head -n 1 "$W/out")"
refuse $SHARE "9p share's device, --unbind-driver" \
	"9p file system 'host' is mounted at /mnt/host" --unbind-driver
ls /mnt/host >/dev/null
ok $? "the 9p share still works"

# --- the disk --------------------------------------------------------------
refuse $DISK "disk without the flag" "it is bound to virtio-pci"
grep -q "known as block device vda" "$W/out"
ok $? "the message names the block device: $(head -n 1 "$W/out")"
mount -t ext4 /dev/vda1 /mnt/d && echo "kept $$" >/mnt/d/mark && sync
ok $? "ext4 on vda1 mounted, a file written"
refuse $DISK "mounted disk without the flag" "block device vda1 is mounted at /mnt/d"
refuse $DISK "mounted disk, --unbind-driver" \
	"block device vda1 is mounted at /mnt/d" --unbind-driver
is "$(cat /mnt/d/mark)" "kept $$" "the mounted file system still works"
umount /mnt/d
mkswap /dev/vda2 >/dev/null 2>&1 && swapon /dev/vda2
ok $? "swap on vda2"
refuse $DISK "disk with active swap, --unbind-driver" \
	"block device vda2 is active swap" --unbind-driver
swapoff /dev/vda2
ok $? "swapoff"
smmubench run -q -w map -d $DISK -n 5 --unbind-driver -o "$W/disk.results" >"$W/out" 2>&1
ok $? "the unused disk is taken with --unbind-driver: $(head -n 1 "$W/out")"
is "$(drv $DISK)" virtio-pci "and given back to virtio-pci"
i=0
while [ ! -b /dev/vda1 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
mount -t ext4 /dev/vda1 /mnt/d && grep -q "kept $$" /mnt/d/mark
ok $? "the disk's file system and data are back"
umount /mnt/d

# --- the NIC ----------------------------------------------------------------
ifconfig eth0 up
refuse $NIC "NIC that is up" "network interface eth0 is up"
refuse $NIC "NIC that is up, --unbind-driver" \
	"network interface eth0 is up" --unbind-driver
ifconfig eth0 | grep -q UP
ok $? "eth0 is still up"
ifconfig eth0 down
smmubench run -q -w map -d $NIC -n 5 --unbind-driver -o "$W/nic.results" >"$W/out" 2>&1
ok $? "the NIC that is down is taken with --unbind-driver: $(head -n 1 "$W/out")"
is "$(drv $NIC)" virtio-pci "and given back to virtio-pci"
[ -e /sys/class/net/eth0 ]
ok $? "eth0 is back"

# --- runs started at once ---------------------------------------------------
# start_at_once N WORKLOAD-ARGS...: N runs at once on $D1; sets good (how
# many succeeded) and bad (failures other than a clean busy refusal).
start_at_once() {
	n=$1
	shift
	j=0 pids=
	while [ $j -lt "$n" ]; do
		smmubench run -q "$@" -o "$W/race$j.results" >"$W/race$j.out" 2>&1 &
		pids="$pids $!"
		j=$((j + 1))
	done
	good=0 bad=
	j=0
	for p in $pids; do
		wait "$p"
		rc=$?
		if [ $rc = 0 ]; then
			good=$((good + 1))
		elif ! grep -q "busy: another smmubench run is using it" "$W/race$j.out" ||
			[ $rc != 1 ]; then
			bad="$bad [$rc: $(head -n 1 "$W/race$j.out")]"
		fi
		j=$((j + 1))
	done
}

r=0 fails=
while [ $r -lt "$ROUNDS" ]; do
	start_at_once 3 -w map -d "$D1" -D 1
	[ "$good" = 1 ] && [ -z "$bad" ] || fails="$fails round $r: $good ran$bad;"
	r=$((r + 1))
done
is "$fails" "" "$ROUNDS rounds of 3 map runs at once on $D1: one runs, the others are refused busy"
start_at_once 8 -w map -d "$D1" -D 1
is "$good/$bad" "1/" "8 map runs at once: one runs, 7 refused busy"
is "$(drv "$D1")" "" "$D1 is back to no driver"
is "$(cat "/sys/bus/pci/devices/$D1/driver_override")" "(null)" "$D1 driver_override cleared"

case "$SMMUBENCH_KERNEL" in
*-sva)
	r=0 fails=
	while [ $r -lt 5 ]; do
		start_at_once 3 -w bind -d "$D1" -n 20
		[ "$good" = 3 ] || fails="$fails round $r: $good ran$bad;"
		r=$((r + 1))
	done
	is "$fails" "" "5 rounds of 3 bind runs at once on $D1: all run, sharing it"
	is "$(drv "$D1")" "" "$D1 is back to no driver after the binds"
	;;
esac

# --- a killed run -------------------------------------------------------------
smmubench run -q -w map -d "$D2" -D 30 -o "$W/k.results" >"$W/log" 2>&1 &
pid=$!
wait_busy "$D2"
smmubench run -q -w attach -d "$D2" -n 5 -o "$W/x.results" >"$W/out" 2>&1
grep -q "$D2 busy: another smmubench run is using it (pid $pid)" "$W/out"
ok $? "a second run is refused, naming the run that holds $D2: $(head -n 1 "$W/out")"
kill -9 $pid
wait $pid
is $? 137 "kill -9 ends a run on $D2"
is "$(drv "$D2")" smmubench "$D2 is left on smmubench"
smmubench run --release >"$W/out" 2>&1
ok $? "run --release: $(cat "$W/out")"
grep -q "$D2: given back to no driver" "$W/out"
ok $? "--release names what it gave back"
is "$(drv "$D2")" "" "$D2 is back to no driver"
smmubench run --release >"$W/out" 2>&1
grep -q "nothing to give back" "$W/out"
ok $? "a second --release has nothing to do: $(cat "$W/out")"

smmubench run -q -w map -d $NIC -D 30 --unbind-driver -o "$W/k.results" >"$W/log" 2>&1 &
pid=$!
wait_busy $NIC
kill -9 $pid
wait $pid
is "$(drv $NIC)" smmubench "a killed run leaves the NIC on smmubench"
smmubench run -q -w map -d $NIC -n 5 -o "$W/n.results" >"$W/out" 2>&1
ok $? "the next run takes it over: $(head -n 1 "$W/out")"
grep -q "it goes back to virtio-pci afterwards" "$W/out"
ok $? "and says where it goes back"
is "$(drv $NIC)" virtio-pci "the NIC is back on virtio-pci"

rmmod smmubench
ok $? "rmmod at the end"
dmesg_clean "whole run"
taint_clean "whole run"
tap_done
