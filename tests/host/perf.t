#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# perf counters in report and compare from the command line, and the perf
# sessions of scripts/perf on the host: --help, usage errors, and exit 3
# with the reason where the machine lacks what a session needs.
. "$(dirname "$0")/lib.sh"

# results COUNTER-LINES...: a results file with one op series and the
# given counter records (NAME<TAB>VALUE).
results() {
	f=$1
	shift
	{
		printf 'smmubench-results\t1\n'
		printf 'meta\tlabel\t%s\n' "$(basename "$f" .results)"
		for c in "$@"; do printf 'counter\t%s\n' "$c"; done
		printf 'series\top.map\top\tns\t5\t0\n'
		for v in 100 110 120 130 140; do
			printf 'sample\top.map\t%s\t-\t-\t-\n' "$v"
		done
		printf 'end\t%d\n' $(($# + 7))
	} >"$f"
}
tab=$(printf '\t')
results "$work/base.results" "perf.instructions${tab}unsupported" \
	"perf.iommu:map${tab}0" "perf.cycles${tab}1000"
results "$work/new.results" "perf.instructions${tab}5000" \
	"perf.iommu:map${tab}0" "perf.cycles${tab}1500"

check "report: an unsupported counter reads unsupported" eval \
	'run 0 report "$work/base.results" && grep -qE "^  perf\.instructions +unsupported$" "$work/out"'
check "report: a counted 0 reads 0" eval \
	'run 0 report "$work/base.results" && grep -qE "^  perf\.iommu:map +0$" "$work/out"'
check "compare: unsupported on the base side, counted on the new" eval \
	'run 0 compare "$work/base.results" "$work/new.results" &&
	 grep -qE "^perf\.instructions +unsupported +5000 *$" "$work/out"'
check "compare: a delta between counted values" eval \
	'grep -qE "^perf\.cycles +1000 +1500 +\+50\.00%$" "$work/out"'
check "compare: 0 on both sides is named on the zero line, not a row" eval \
	'grep -qx "1 counter zero on both sides: perf.iommu:map" "$work/out" &&
	 ! grep -qE "^perf\.iommu:map " "$work/out"'
check "compare -f json: unsupported is a string, not a number" eval \
	'run 0 compare -f json "$work/base.results" "$work/new.results" &&
	 grep -qF "{\"counter\": \"perf.instructions\", \"base\": \"unsupported\", \"new\": 5000}" "$work/out"'
check "compare -f markdown: a counters table, unsupported named" eval \
	'run 0 compare -f markdown "$work/base.results" "$work/new.results" &&
	 grep -qF "| \`perf.instructions\` | unsupported | 5000 |  |" "$work/out" &&
	 grep -qF "| \`perf.cycles\` | 1000 | 1500 | +50.00% |" "$work/out"'
check "compare -f csv: one row per counter, unsupported kept" eval \
	'run 0 compare -f csv "$work/base.results" "$work/new.results" &&
	 grep -qx "perf.instructions,counter,\"base\",\"new\",1,1,unsupported,5000,,,,,,counter," "$work/out" &&
	 grep -qx "perf.cycles,counter,\"base\",\"new\",1,1,1000,1500,50,,,,,counter," "$work/out" &&
	 [ "$(awk -F, "NR > 1 { print NF }" "$work/out" | sort -u)" = 15 ]'
# Pooled runs: one run that could not count makes the side unsupported.
check "compare: a side is unsupported if any of its runs is" eval \
	'run 0 compare "$work/new.results,$work/base.results" "$work/new.results" &&
	 grep -qE "^perf\.instructions +unsupported +5000 *$" "$work/out"'

for s in stat-pmcg record-contention lock-contention trace-sva; do
	p=$top/scripts/perf/$s
	check "$s --help: usage, exit 0" eval \
		'"$p" --help >"$work/out" 2>&1 && grep -q "^usage: $s " "$work/out" && grep -q "Exit status" "$work/out"'
	check "$s without COMMAND: exit 2, says so" eval \
		'"$p" >"$work/out" 2>&1; [ $? = 2 ] && grep -q "no COMMAND given" "$work/out"'
	check "$s --bogus: exit 2, names it" eval \
		'"$p" --bogus -- true >"$work/out" 2>&1; [ $? = 2 ] && grep -q "unknown option .--bogus." "$work/out"'
done
if ! ls -d /sys/bus/event_source/devices/smmuv3_pmcg_* >/dev/null 2>&1; then
	check "stat-pmcg without a PMCG: exit 3, says what to enable" eval \
		'"$top/scripts/perf/stat-pmcg" -- true >"$work/out" 2>&1; [ $? = 3 ] &&
		 grep -q "cannot run here: no SMMUv3 PMCG" "$work/out" &&
		 grep -q "to enable: CONFIG_ARM_SMMU_V3_PMU" "$work/out"'
fi
# lock-contention looks for perf right after root (no tracefs needed yet).
if [ "$(id -u)" = 0 ]; then
	check "PERF set to something that is not perf: exit 3, names it" eval \
		'PERF=/bin/false "$top/scripts/perf/lock-contention" -- true >"$work/out" 2>&1
		 [ $? = 3 ] && grep -q "cannot run here: PERF=/bin/false does not run" "$work/out"'
fi
done_testing
