#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# smmubench model from the command line: help, usage errors naming the
# option, the comparison, results files that report and compare read,
# service times from a results file. tests/host/test_model.c covers the
# model's verdicts and counts.
. "$(dirname "$0")/lib.sh"

if run 0 model --help && out_has "Usage: smmubench model" &&
   out_has "EXAMPLES:" && out_has " # " && out_has "deterministic"; then
	ok "model --help: usage, examples, what is deterministic"
else
	not_ok "model --help: usage, examples, what is deterministic"
fi
check "model --no-such-flag: exit 2" \
	eval 'run 2 model --no-such-flag && err_has "smmubench model"'
check "model --placement narrow: exit 2, names it" \
	eval 'run 2 model --placement narrow && err_has "'"'narrow'"' is not split, wide or per-master"'
check "model --placement split,split: exit 2" \
	eval 'run 2 model -P split,split && err_has "given twice"'
check "model --devices 0: exit 2, names the option and range" \
	eval 'run 2 model --devices 0 && err_has "--devices: '"'0'"' is not an integer in 1..16"'
check "model --fail 1.5: exit 2" \
	eval 'run 2 model --fail 1.5 && err_has "--fail: '"'1.5'"' is not a probability"'
check "model --ops 10x: exit 2" \
	eval 'run 2 model --ops 10x && err_has "--ops"'
check "model: too many PASIDs is a usage error with the reason" \
	eval 'run 2 model -t 16 -m 4 && err_has "want 1..63 PASIDs in all"'
check "model --dist normal: exit 2" \
	eval 'run 2 model --dist normal && err_has "not const or uniform"'
check "model --sync-from a missing file: exit 1, names it" \
	eval 'run 1 model --sync-from "$work/none.results" && err_has "none.results"'
check "model --kernel --sync-from a missing file: exit 1 before the module is asked, names it" \
	eval 'run 1 model --kernel --sync-from "$work/none.results" && err_has "none.results" && ! err_has "smmubench.ko"'

# All three placements, one results file each, then report and compare.
# Split's failure is a race that a run of 2000 binds may miss on a loaded
# machine: up to 6 seeds, as tests/host/test_model.c does.
split_shows() {
	for s in 3 4 5 6 7 8; do
		run 0 model -n 2000 -p 0.1 -s $s -q -o "$work/m.results" || return 1
		out_has "split: NOT atomic" && return 0
		echo "# split atomic with seed $s: another seed"
	done
	return 1
}
check "model: all placements, comparison printed" \
	eval 'split_shows && out_has "wide: atomic" && out_has "per-master: atomic"'
check "model -o: one results file per placement" \
	test -s "$work/m-split.results" -a -s "$work/m-wide.results" -a -s "$work/m-per-master.results"
check "report reads a model file: op, lock, count series, violations" \
	eval 'run 0 report -f csv "$work/m-split.results" && out_has "op.bind,op,ns" && out_has "lock.devices_lock.hold,lock_hold,ns" && out_has "count.syncs.bind,count,1" && out_has "# counter violations.total=" && out_has "# meta emulated=1"'
check "report: per-master has zero devices_lock acquisitions on bind" \
	eval 'run 0 report -f csv "$work/m-per-master.results" && out_has "# counter devices_lock.bind.acquisitions=0"'
check "compare reads two model files" \
	eval 'run 0 compare "$work/m-split.results" "$work/m-wide.results" && out_has "lock.devices_lock.hold_bind"'

# CMD_SYNC times from a results file (here: imported numbers, as a sync
# series of the tracer would be).
printf '1000\n1000\n1000\n' | "$sb" import -o "$work/s.results" - 2>/dev/null
check "model --sync-from FILE:SERIES draws CMD_SYNC times from it (404 syncs, each >= 1000 + 50 ns)" \
	eval 'run 0 model -P per-master -a 0 -t 1 -n 200 --sync-from "$work/s.results:op.latency" -o "$work/f.results" && run 0 report -f csv "$work/f.results" && awk -F, '"'"'$1 == "sync.cmdq" && $5 == 404 && $6 >= 1050 { f = 1 } END { exit !f }'"'"' "$work/out"'
check "model --sync-from FILE without a sync series: exit 1, says so" \
	eval 'run 1 model --sync-from "$work/s.results" && err_has "has no sync series"'
done_testing
