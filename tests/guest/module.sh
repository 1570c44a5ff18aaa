#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# module.sh: smmubench.ko and `smmubench run` end to end, inside the test
# bed guest (TAP). Needs root, SMMUBENCH_DEVICES (four claimable devices),
# tracefs with kprobes; loads and unloads the module itself.
#
# Covers: exact sample counts for attach (1/2 threads x 1/2 masters) and
# map (two sizes); kprobe counts proving the arm-smmu-v3 driver ran for
# every op; bind, pasid-attach and sva-munmap refused up front; bad input;
# two runs at once; kill -9, rmmod and driver unbind mid-run; an ioctl
# fuzz; and that afterwards no domain is left and every device is back
# where it was.
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/guest/tap.sh
. "$here/tap.sh"

KO=${SMMUBENCH_KO:-/opt/smmubench/smmubench.ko}
T=/sys/kernel/tracing
W=/tmp/module-test
SEED=${SMMUBENCH_FUZZ_SEED:-$(date +%s)}
N=20
mkdir -p "$W"
# shellcheck disable=SC2046
set -- $(echo "$SMMUBENCH_DEVICES" | tr ',' ' ')
D1=$1 D2=$2 D3=$3 D4=$4

# count FILE SERIES: the number of samples of SERIES in a results file.
count() {
	smmubench report -f csv "$1" | awk -F, -v s="$2" '$1 == s { print $5 }'
}

meta() {
	smmubench report -f csv "$1" | sed -n "s/^# meta $2=//p"
}

# hits EVENT: kprobe hits recorded from the module's kthreads.
hits() {
	grep -c " $1:" "$T/trace"
}

bind_dev() {
	echo smmubench >"/sys/bus/pci/devices/$1/driver_override"
	echo "$1" >/sys/bus/pci/drivers_probe
}

release_dev() {
	[ -e "/sys/bus/pci/drivers/smmubench/$1" ] &&
		echo "$1" >/sys/bus/pci/drivers/smmubench/unbind
	echo >"/sys/bus/pci/devices/$1/driver_override"
}

no_leftovers() {
	live=$(sbinfo | sed -n 's/^live_domains //p')
	is "$live" 0 "$1: no module domain alive"
	bad=$(sbinfo | grep '^device' | grep -v 'busy 0 unmanaged 0')
	is "$bad" "" "$1: no device busy or on an unmanaged domain"
}

# --- load ---------------------------------------------------------------
insmod "$KO"
ok $? "insmod smmubench.ko ($SMMUBENCH_KERNEL)"
mode=$(ls -l /dev/smmubench 2>/dev/null | cut -c1-10)
is "$mode" "crw-------" "/dev/smmubench is a root-only character device"

echo 8192 >"$T/buffer_size_kb"
echo 'p:sb/cmdlist arm_smmu_cmdq_issue_cmdlist' >>"$T/kprobe_events"
ok $? "kprobe on arm_smmu_cmdq_issue_cmdlist (v3 only)"
ste=
if grep -q ' arm_smmu_install_ste_for_dev$' /proc/kallsyms &&
	echo 'p:sb/ste arm_smmu_install_ste_for_dev' >>"$T/kprobe_events"; then
	ste=ste
fi
for e in cmdlist $ste; do
	echo 'comm ~ "smmubench/*"' >"$T/events/sb/$e/filter"
	echo 1 >"$T/events/sb/$e/enable"
done

# --- attach: exact counts, driver reached -------------------------------
for tm in 1x1 2x1 1x2 2x2; do
	t=${tm%x*}
	m=${tm#*x}
	f=$W/attach-$tm.results
	echo >"$T/trace"
	smmubench run -q -w attach -d "$SMMUBENCH_DEVICES" -t "$t" -m "$m" \
		-n $N -o "$f" >"$W/log" 2>&1
	ok $? "attach $t threads x $m masters runs" || cat "$W/log"
	is "$(count "$f" op.attach)" $((t * m * N)) "attach $tm: op.attach samples"
	is "$(count "$f" op.detach)" $((t * m * N)) "attach $tm: op.detach samples"
	is "$(count "$f" op.empty)" $((t * N)) "attach $tm: op.empty samples"
	h=$(hits cmdlist)
	[ "$h" -ge $((2 * t * m * N)) ]
	ok $? "attach $tm: arm_smmu_cmdq_issue_cmdlist hit $h times for $((2 * t * m * N)) attach+detach"
	if [ -n "$ste" ]; then
		h=$(hits ste)
		[ "$h" -ge $((2 * t * m * N)) ]
		ok $? "attach $tm: arm_smmu_install_ste_for_dev hit $h times"
	fi
done
f=$W/attach-2x2.results
is "$(meta "$f" timing)" emulated "results say timing=emulated on QEMU"
idr1=$(dmesg | sed -n 's/.*smmubench .*claimed: .* IDR1 \(0x[0-9a-f]*\)$/\1/p' | head -n 1)
is "$(($(meta "$f" smmu_idr1)))" "$((idr1))" "results carry the SMMU's IDR1 ($idr1)"

# --- map: two sizes -----------------------------------------------------
for size in 4K 2M; do
	f=$W/map-$size.results
	echo >"$T/trace"
	smmubench run -q -w map -d "$D1" -s $size -g 4K -n $N -o "$f" \
		>"$W/log" 2>&1
	ok $? "map $size runs" || cat "$W/log"
	for s in op.map op.unmap op.iotlb_sync op.empty; do
		is "$(count "$f" $s)" $N "map $size: $s samples"
	done
	h=$(hits cmdlist)
	[ "$h" -ge $N ]
	ok $? "map $size: arm_smmu_cmdq_issue_cmdlist hit $h times for $N unmaps"
done
for e in cmdlist $ste; do
	echo 0 >"$T/events/sb/$e/enable"
done
echo >"$T/kprobe_events"

# --- refused up front ---------------------------------------------------
for wl in bind pasid-attach sva-munmap; do
	smmubench run -q -w $wl -d "$D1" -n 5 -o "$W/$wl.results" >"$W/log" 2>&1
	rc=$?
	is $rc 1 "$wl fails (exit 1)"
	grep -q 'no substream support (IDR1.SSIDSIZE=0)' "$W/log"
	ok $? "$wl: reason names IDR1.SSIDSIZE=0: $(tail -n 1 "$W/log")"
	[ ! -e "$W/$wl.results" ]
	ok $? "$wl: no results file"
done
# bind with 2 masters: the shared domain is made and ended around binds
# that fail here for the same reasons.
smmubench run -q -w bind -d "$D1,$D2" -m 2 -n 5 -o "$W/bm2.results" >"$W/log" 2>&1
rc=$?
is $rc 1 "bind with 2 masters fails (exit 1)"
grep -q 'no substream support (IDR1.SSIDSIZE=0)' "$W/log"
ok $? "bind with 2 masters: reason names IDR1.SSIDSIZE=0"
no_leftovers "after the 2-master bind"
is "$(cat /sys/bus/pci/devices/"$D1"/driver_override)" "(null)" \
	"driver_override cleared after the runs"
[ ! -e "/sys/bus/pci/devices/$D1/driver" ]
ok $? "$D1 has no driver again, as before"

# --- bad input ----------------------------------------------------------
expect() {
	# expect STATUS PATTERN DESCRIPTION -- ARGS...
	want=$1 pat=$2 what=$3
	shift 4
	smmubench run -q "$@" >"$W/log" 2>&1
	rc=$?
	grep -q -- "$pat" "$W/log"
	ok $((rc != want || $?)) "$what: exit $rc, '$(head -n 1 "$W/log")'"
}
expect 1 "no such device" "unknown BDF" -- -w attach -d 0000:00:1f.7 -n 5
expect 1 "not behind an IOMMU" "platform device without an IOMMU" -- \
	-w attach -d 9020000.fw-cfg -n 5
[ ! -e /sys/bus/platform/devices/9020000.fw-cfg/driver ]
ok $? "9020000.fw-cfg given back (no driver, as before)"
expect 2 "threads" "1000 threads" -- -w attach -d "$D1" -t 1000 -n 5
expect 2 "iterations" "99999999999 iterations" -- -w attach -d "$D1" -n 99999999999
expect 2 "need 3 devices" "3 threads, 2 devices" -- -w attach -d "$D1,$D2" -t 3
expect 2 "size" "size 3000" -- -w map -d "$D1" -s 3000
expect 2 "not a number" "garbage count" -- -w attach -d "$D1" -n 12abc
expect 2 "needs 2 devices" "bind, 2 masters, 1 device" -- -w bind -d "$D1" -m 2
expect 2 "attach, map, bind and sva-munmap workloads only" "pasid-attach with 2 masters" -- \
	-w pasid-attach -d "$D1,$D2" -m 2
expect 2 "map and sva-munmap workloads only" "size on attach" -- -w attach -d "$D1" -s 8K
expect 2 "multiple of 4K" "sva-munmap of 6000 bytes" -- -w sva-munmap -d "$D1" -s 6000

# --- progress on a long run ---------------------------------------------
smmubench run --progress -w attach -d "$D1" -D 2 -o "$W/p.results" >"$W/out" 2>"$W/log"
rc=$?
grep -q 'smmubench run: [0-9]* iterations, [0-9.]*/2.0 s' "$W/log"
ok $((rc || $?)) "--progress shows iterations and time on stderr"
grep -q '^op.attach ' "$W/out"
ok $? "the summary table is printed"

# --- two runs at once, and Ctrl-C ---------------------------------------
smmubench run -q -w attach -d "$D1" -D 30 -o "$W/long.results" >"$W/long" 2>&1 &
pid=$!
wait_busy "$D1"
ok $? "a long run holds $D1"
expect 1 "busy" "second run on the same device" -- -w attach -d "$D1" -n 5
kill -INT $pid
wait $pid
is $? 0 "Ctrl-C stops the long run cleanly"
is "$(meta "$W/long.results" stop_reason)" interrupted "its results are kept, stop_reason=interrupted"
no_leftovers "after two runs at once"

# --- kill -9 mid-run ----------------------------------------------------
smmubench run -q -w attach -d "$D1,$D2" -t 2 -D 30 -o "$W/k.results" >"$W/log" 2>&1 &
pid=$!
wait_busy "$D2"
ok $? "attach run with 2 threads started"
sleep 1
kill -9 $pid
wait $pid
is $? 137 "kill -9 ends the run"
no_leftovers "after kill -9"
smmubench run -q -w attach -d "$D1,$D2" -t 2 -n 5 -o "$W/after.results" >"$W/log" 2>&1
ok $? "the devices work again after kill -9"

# --- rmmod mid-run ------------------------------------------------------
smmubench run -q -w map -d "$D3" -s 64K -D 30 -o "$W/r.results" >"$W/log" 2>&1 &
pid=$!
wait_busy "$D3"
ok $? "map run started"
rmmod smmubench 2>"$W/rmmod"
[ $? != 0 ] && grep -q smmubench /proc/modules
ok $? "rmmod refused while a run is open: $(cat "$W/rmmod")"
kill -INT $pid
wait $pid
is $? 0 "the run still ends cleanly"
rmmod smmubench
ok $? "rmmod succeeds after the run"
! grep -q '^smmubench ' /proc/modules
ok $? "module gone"
[ ! -e "/sys/bus/pci/devices/$D1/driver" ] && [ ! -e "/sys/bus/pci/devices/$D2/driver" ]
ok $? "rmmod released the devices left bound by kill -9"
release_dev "$D1"
release_dev "$D2"
smmubench run -q -w attach -d "$D1" -n 5 >"$W/log" 2>&1
rc=$?
grep -q "module not loaded: insmod smmubench.ko" "$W/log"
ok $((rc != 1 || $?)) "run without the module says so: $(cat "$W/log")"
insmod "$KO"
ok $? "insmod again"

# --- driver unbind mid-run ----------------------------------------------
smmubench run -q -w attach -d "$D4" -D 30 -o "$W/u.results" >"$W/log" 2>&1 &
pid=$!
wait_busy "$D4"
ok $? "attach run on $D4 started"
echo "$D4" >/sys/bus/pci/drivers/smmubench/unbind
ok $? "unbinding $D4 from smmubench mid-run returns"
wait $pid
is $? 1 "the run fails (exit 1)"
grep -q "unbound from smmubench during the run" "$W/log"
ok $? "with the reason: $(head -n 1 "$W/log")"
no_leftovers "after unbind mid-run"
is "$(cat /sys/bus/pci/devices/"$D4"/driver_override)" "(null)" \
	"$D4 driver_override cleared"

# --- fuzz ---------------------------------------------------------------
bind_dev "$D1"
bind_dev "$D2"
ioctl_fuzz -s "$SEED" -n 10000 "$D1" "$D2" >"$W/fuzz" 2>&1
ok $? "ioctl fuzz, seed $SEED, 10000 calls: $(tail -n 2 "$W/fuzz" | head -n 1)"
grep '^FAIL' "$W/fuzz" | head -n 5
no_leftovers "after the fuzz"
release_dev "$D1"
release_dev "$D2"

# --- the end ------------------------------------------------------------
no_leftovers "at the end"
left=
for d in $D1 $D2 $D3 $D4; do
	[ -e "/sys/bus/pci/devices/$d/driver" ] && left="$left $d"
	[ "$(cat "/sys/bus/pci/devices/$d/driver_override")" = "(null)" ] ||
		left="$left $d(override)"
done
is "$left" "" "every test device is back to no driver"
rmmod smmubench
ok $? "rmmod at the end"
dmesg_clean "whole run"
taint_clean "whole run"
tap_done
