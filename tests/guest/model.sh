#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# model.sh: the model of the SVA CD-write lock placements inside
# smmubench.ko (SMMUBENCH_IOC_MODEL_RUN, kernel mutexes and spinlocks),
# in the test bed guest (TAP). Same verdicts as the host build: split
# breaks atomicity under attach/detach and failures, wide and per-master
# do not; syncs per bind/unbind are exact; per-master never takes
# devices_lock on bind; CMD_SYNC times from a results file. On the -sva
# kernels (spinlocks are functions there) also `smmubench trace` of the
# module's model: its hold counts of the model's locks equal the model's
# own. Loads the module itself.
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/guest/tap.sh
. "$here/tap.sh"

KO=${SMMUBENCH_KO:-/opt/smmubench/smmubench.ko}
W=/tmp/model-test
mkdir -p "$W"

counter() {
	results_counter "$@"
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

# --sync-from: CMD_SYNC times from a results file, copied into the module.
# One master, one binder, wide: each bind holds devices_lock over its 2
# syncs, each waited for at least its 20 us (the default is 300 ns).
printf '20000\n20000\n20000\n' | smmubench import -o "$W/s.results" - 2>/dev/null
smmubench model --kernel -P wide -t 1 -a 0 -d 1 -p 0 -n 200 \
	--sync-from "$W/s.results:op.latency" -o "$W/f.results" >"$W/f.out" 2>&1
ok $? "--sync-from in the module: ran"
h=$(counter "$W/f.results" devices_lock.bind.holds)
hs=$(counter "$W/f.results" devices_lock.bind.hold.sum_ns)
ok "$([ "$h" -gt 0 ] && [ "$hs" -ge $((40000 * h)) ]; echo $?)" \
	"--sync-from in the module: $h bind holds of devices_lock, each over 2 x 20 us syncs ($((hs / (h + (h == 0)))) ns mean)"

# The tracer and the module's model: the model publishes where its
# (per-run, kmalloc'ed) locks are, as --lock-at rules on its op functions;
# tracing those functions marks exactly the model's lock takes (the
# checker's and the observer's are outside them). Needs spinlock
# functions for devices_lock: the -sva kernels (LOCK_STAT).
case $SMMUBENCH_KERNEL in
*-sva)
	rules=$(cat /sys/module/smmubench/parameters/model_locks)
	ok $? "the module publishes the model's lock rules"
	echo "$rules" | sed 's/^/# /'
	funcs=$(echo "$rules" | cut -d: -f1 | sort -u | tr '\n' , | sed 's/,$//')
	set --
	for r in $rules; do
		set -- "$@" --lock-at "$r"
	done
	for p in split wide per-master; do
		t=$W/t-$p.sbr m=$W/tm-$p.results
		smmubench trace -o "$t" -f "$funcs" "$@" -- smmubench model --kernel \
			-P $p -t 2 -a 2 -n 1000 -p 0.2 -s 1 -q -o "$m" >"$W/t-$p.out" 2>&1
		ok $? "$p traced: trace -- model --kernel exits 0"
		sed -n '/^LOCK /,/^$/p' "$W/t-$p.out" | sed 's/^/# /'
		# the module's own lock calls, reached through its PLT veneers
		# or directly, are probed: nothing on the lock functions
		grep -qE '^\(mutex probes\) +call-site kprobes: [1-9][0-9]* lock sites, .* in sbm_' "$W/t-$p.out" &&
			grep -qE '^\(spinlock probes\) +call-site kprobes: [1-9][0-9]* lock sites, .* in sbm_' "$W/t-$p.out"
		ok $? "$p traced: the model's mutex and spinlock calls have call-site kprobes"
		is "$(counter "$t" count.func.sbm_bind_op)" "$(counter "$m" model.binds)" \
			"$p traced: a sbm_bind_op call per bind"
		for l in devices_lock:devices_lock sva_lock:sva_lock arm_smmu_asid_lock:asid_lock; do
			is "$(counter "$t" lock.${l%%:*}.holds)" "$(counter "$m" ${l#*:}.holds)" \
				"$p traced: the tracer's ${l%%:*} holds equal the model's ${l#*:} holds"
		done
		is "$(counter "$t" lock.devices_lock.in.sbm_bind_op.holds)" \
			"$(counter "$m" devices_lock.bind.acquisitions)" \
			"$p traced: devices_lock holds taken in sbm_bind_op equal the model's on bind"
		# the model's hold is timed inside the lock, the tracer's around it
		ok "$([ "$(counter "$t" lock.devices_lock.hold_ns)" -ge "$(counter "$m" devices_lock.hold.sum_ns)" ]; echo $?)" \
			"$p traced: the tracer's devices_lock hold total >= the model's own"
		is "$(counter "$t" drops.lock_try_stale)/$(counter "$t" drops.lock_state)" 0/0 \
			"$p traced: no lock event lost"
	done
	is "$(counter "$W/t-per-master.sbr" lock.devices_lock.in.sbm_bind_op.holds)" 0 \
		"per-master traced: the trace shows no devices_lock hold on bind"
	ok "$([ "$(counter "$W/t-per-master.sbr" lock.devices_lock.in.sbm_attach_op.holds)" -gt 0 ]; echo $?)" \
		"per-master traced: ... while it sees the attachers' devices_lock holds"
	;;
esac

smmubench model --kernel --devices 17 >"$W/bad.out" 2>&1
is $? 2 "bad parameter: usage error before the ioctl"
rmmod smmubench
ok $? "rmmod after the model runs"
dmesg_clean "model runs"
taint_clean "model runs"
tap_done
