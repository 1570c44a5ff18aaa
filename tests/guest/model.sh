#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# model.sh: the model of the SVA CD-write lock placements inside
# smmubench.ko (SMMUBENCH_IOC_MODEL_RUN, kernel mutexes and spinlocks),
# in the test bed guest (TAP). Same verdicts as the host build: split
# breaks atomicity under attach/detach and failures, wide and per-master
# do not; syncs per bind/unbind are exact; per-master never takes
# devices_lock on bind. Loads the module itself.
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/guest/tap.sh
. "$here/tap.sh"

KO=${SMMUBENCH_KO:-/opt/smmubench/smmubench.ko}
W=/tmp/model-test
mkdir -p "$W"

# counter FILE NAME: a counter of a results file.
counter() {
	smmubench report -f csv "$1" | sed -n "s/^# counter $2=//p"
}

grep -q '^smmubench ' /proc/modules || insmod "$KO"
ok $? "smmubench.ko loaded"

smmubench model --kernel -P split -t 2 -a 2 -n 4000 -p 0.2 -s 1 \
	-o "$W/split.results" >"$W/split.out" 2>&1
ok $? "split in the module: ran"
v=$(counter "$W/split.results" violations.total)
ok "$([ "${v:-0}" -gt 0 ]; echo $?)" "split in the module: violations found ($v)"
grep -q 'VIOLATION' "$W/split.out"
ok $? "split in the module: a violation trace is printed"
sed -n '/one trace, from the module/,/VIOLATION/p' "$W/split.out" | head -n 30

# One binder, no attacher, the same seed: split and wide see the same
# failures and do the same work, but split takes devices_lock twice for a
# failed bind and wide once, so wide's mean hold is about (1 + p) times
# split's. CMD_SYNCs of 50 us make that work dominate the emulated CPU's
# noise (with 300 ns ones the two means were within noise under TCG).
smmubench model --kernel -P split,wide -t 1 -a 0 -n 1000 -p 0.5 -s 1 \
	--sync-ns 50000 --cmd-ns 1000 -o "$W/h.results" >"$W/h.out" 2>&1
ok $? "hold comparison run in the module"
mean() {
	echo $(($(counter "$1" devices_lock.bind.hold.sum_ns) / $(counter "$1" devices_lock.bind.holds)))
}
hs=$(mean "$W/h-split.results") hw=$(mean "$W/h-wide.results")
ok "$([ "$hw" -gt "$hs" ]; echo $?)" \
	"wide holds devices_lock longer than split on bind in the module (mean $hw ns > $hs ns)"

for p in wide per-master; do
	smmubench model --kernel -P $p -t 2 -a 2 -n 4000 -p 0.2 -s 1 \
		-o "$W/$p.results" >"$W/$p.out" 2>&1
	ok $? "$p in the module: ran"
	is "$(counter "$W/$p.results" violations.total)" 0 \
		"$p in the module: no violation over $(counter "$W/$p.results" model.binds) binds, $(counter "$W/$p.results" model.detaches) detaches"
done
is "$(counter "$W/per-master.results" devices_lock.bind.acquisitions)" 0 \
	"per-master in the module: devices_lock never taken on bind"

# No attacher, no failure, 3 masters: split/wide 6 syncs per bind and
# 4 per unbind, per-master 2 and 2 (docs/model.md says why).
smmubench model --kernel -t 2 -a 0 -p 0 -d 3 -n 1000 -o "$W/x.results" \
	>"$W/x.out" 2>&1
ok $? "exact syncs run in the module"
for pw in split:6:4 wide:6:4 per-master:2:2; do
	p=${pw%%:*} b=${pw#*:} b=${b%:*} u=${pw##*:}
	f=$W/x-$p.results
	is "$(counter "$f" syncs.bind.min)/$(counter "$f" syncs.bind.max)" "$b/$b" \
		"$p in the module: exactly $b syncs per bind"
	is "$(counter "$f" syncs.unbind.min)/$(counter "$f" syncs.unbind.max)" "$u/$u" \
		"$p in the module: exactly $u syncs per unbind"
done

smmubench model --kernel --devices 17 >"$W/bad.out" 2>&1
is $? 2 "bad parameter: usage error before the ioctl"
rmmod smmubench
ok $? "rmmod after the model runs"
dmesg_clean "model runs"
taint_clean "model runs"
tap_done
