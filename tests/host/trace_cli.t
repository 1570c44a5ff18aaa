#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# smmubench trace and run --trace on the host, before anything is traced:
# bad filter values (--lock, --min-duration, --pid, combinations) are usage
# errors (exit 2) whose message names the option and the value. The
# filters' effect is checked in the test bed (tests/guest/trace.sh).
. "$(dirname "$0")/lib.sh"

check "trace --help: the filters are documented" \
	eval 'run 0 trace --help && out_has "--lock=LOCK" && out_has "--min-duration=TIME" && out_has "--pid=PID" && out_has "--all-tasks" && out_has "--lock-probes=sites|functions"'
check "run --help: --trace is documented" \
	eval 'run 0 run --help && out_has "--trace[=OPTIONS]"'

# bad_value DESCRIPTION MESSAGE ARGS...: exit 2, MESSAGE on stderr.
bad_value() {
	desc=$1 msg=$2
	shift 2
	if run 2 "$@" && err_has "$msg"; then ok "$desc"; else not_ok "$desc"; fi
}

bad_value "--lock nope: exit 2, lists the locks" \
	"--lock: 'nope' is not a lock traced here (arm_smmu_asid_lock, init_mutex" \
	trace --lock nope
bad_value "--lock with one bad name among good ones" \
	"--lock: 'x' is not a lock" trace -L init_mutex,x
bad_value "--lock with an empty list" "--lock: no lock given" trace -L ,
bad_value "--lock and --no-locks" "--no-locks excludes --lock" \
	trace -L init_mutex --no-locks
bad_value "--all-tasks and --lock" "--all-tasks excludes --lock" \
	trace --all-tasks -L init_mutex
bad_value "--lock-probes nope: exit 2, names both values" \
	"--lock-probes: 'sites' or 'functions', not 'nope'" trace --lock-probes nope
bad_value "--lock-probes and --no-locks" "--no-locks excludes --lock-probes" \
	trace --lock-probes functions --no-locks
bad_value "--all-tasks and --lock-probes=sites" \
	"--all-tasks hooks the lock functions: it excludes --lock-probes=sites" \
	trace --all-tasks --lock-probes=sites
for v in abc -1 5parsecs 1..2 us 2h; do
	bad_value "--min-duration '$v': exit 2" \
		"--min-duration: '$v' is not a time" trace --min-duration "$v"
done
bad_value "--min-duration above an hour" "--min-duration: '3601s' is above an hour" \
	trace -m 3601s
bad_value "--pid abc: exit 2" "invalid pid: 'abc'" trace -p abc
bad_value "--pid 0: exit 2" "invalid pid: '0'" trace -p 0
# pid_max is at most 2^22: this process cannot exist.
bad_value "--pid of no process: exit 2" "--pid: no process 2147483647" \
	trace -p 2147483647
bad_value "--pid with COMMAND" "--pid and COMMAND exclude each other" \
	trace -p 1 -- true
bad_value "-o and --join on one file" "-o and --join name the same file" \
	trace -o "$work/x" --join "$work/x"

# run --trace: the trace options are checked before any device or module.
bad_value "run --trace with a bad trace option: exit 2" \
	"--min-duration: 'x' is not a time" run --trace='-m x' -w map -d 0000:00:0a.0
bad_value "run --trace with --duration" "do not go with smmubench run --trace" \
	run --trace='-d 3' -w map -d 0000:00:0a.0
bad_value "run --trace with its own --join" "--join given twice" \
	run --trace="--join $work/y" -w map -d 0000:00:0a.0
bad_value "run --trace given twice" "--trace given twice" \
	run --trace --trace -w map -d 0000:00:0a.0
bad_value "run --trace with a COMMAND" "no '--' or COMMAND in the trace options" \
	run --trace='-- ls' -w map -d 0000:00:0a.0
bad_value "run --trace still checks run's options" "--workload is required" \
	run --trace -d 0000:00:0a.0

done_testing
