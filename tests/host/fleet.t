#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# compare --fleet: each machine of a fleet is one observation (its median),
# so that one slow machine is not taken for a change, while a shift on
# every machine is found when there are machines enough; a fleet is one
# kernel on one device type, and compare says what it did.
. "$(dirname "$0")/lib.sh"

# mk NAME SEED SCALE [KERNEL]: a machine's run, 300 log-normal latencies.
mk() {
	gen "$2" 300 "$3" | "$sb" import -l "$1" -M kernel_release="${4:-6.12.1}" \
		-M cpu=neoverse-n1 -M platform=ampere,mtjade -o "$work/$1.results" -
}
# fleet PREFIX N: "$work/PREFIX1.results,...,$work/PREFIXN.results"
fleet() {
	i=1
	list=$work/${1}1.results
	while [ "$i" -lt "$2" ]; do
		i=$((i + 1))
		list=$list,$work/$1$i.results
	done
	echo "$list"
}
# csv_col N: column N of op.latency's row in $work/out.
csv_col() {
	awk -F, '$1 == "op.latency" { print $'"$1"' }' "$work/out"
}

# Machines differ by a few percent; one machine of the new fleet is 30%
# slower, the kernel is the same: no change.
i=0
for sc in 1.00 0.97 1.03 1.01; do
	i=$((i + 1))
	mk b$i $((10 + i)) $sc
done
i=0
for sc in 1.00 0.98 1.02 1.30; do
	i=$((i + 1))
	mk n$i $((20 + i)) $sc
done
# Every machine 20% slower on the new kernel.
i=0
for sc in 1.00 0.97 1.03 1.01 0.99; do
	i=$((i + 1))
	mk s$i $((30 + i)) $sc
	mk t$i $((40 + i)) "$(awk "BEGIN { print $sc * 1.2 }")" 6.12.2
done
mk k1 51 1.0 6.12.9
mk c1 52 1.0 && sed 's/^meta\tcpu\tneoverse-n1$/meta\tcpu\tneoverse-v1/' \
	"$work/c1.results" >"$work/c2.results"
head -c 3000 "$work/s3.results" >"$work/cut.results"
B=$(fleet b 4) N=$(fleet n 4) S=$(fleet s 5) T=$(fleet t 5)

check "one slow machine, pooled: the samples call it a change (p < 0.05)" eval \
	'run 0 compare -f csv "$B" "$N" && [ "$(csv_col 15)" = yes ]'
check "one slow machine, as fleets: not a change, tested over 4 machines a side" eval \
	'run 0 compare -f csv --fleet "$B" "$N" && [ "$(csv_col 15)" = no ] &&
	 [ "$(csv_col 5),$(csv_col 6),$(csv_col 14)" = 4,4,fleet_exact ]'
check "the text says what it did: 4 machines per side, one observation each" eval \
	'run 0 compare --fleet "$B" "$N" &&
	 out_has "fleet: 4 machines per side, each machine'"'"'s median is one observation" &&
	 out_has "Mann-Whitney U of the machines'"'"' medians" &&
	 grep -Eq "^op\.latency +4 +4 .* ~ " "$work/out" && [ ! -s "$work/err" ]'
check "--fail-on: the slow machine fails the pooled runs, not the fleet" eval \
	'run 3 compare -F "op.*:5" "$B" "$N" && run 0 compare --fleet -F "op.*:5" "$B" "$N"'
check "a 20% shift on 5 machines a side is found: p = 2/252, delta near +20%" eval \
	'run 0 compare -f csv --fleet "$S" "$T" && [ "$(csv_col 15)" = yes ] &&
	 awk "BEGIN { exit !($(csv_col 13) < 0.008 && $(csv_col 9) > 12 && $(csv_col 9) < 30) }"'
check "--fail-on: the fleet's 20% shift exits 3" \
	run 3 compare --fleet -F "op.*:10" "$S" "$T"
check "the same shift on 2 machines a side cannot be significant, and the text says so" eval \
	'run 0 compare --fleet "$(fleet s 2)" "$(fleet t 2)" &&
	 out_has "Note: with 2 and 2 machines the smallest possible p is 0.333, so no difference can be significant at alpha 0.05; that takes 4 machines per side." &&
	 grep -Eq "^op\.latency +2 +2 .* ~ .*p=0\.333e" "$work/out"'
check "markdown: a verdict of too few machines" eval \
	'run 0 compare -f markdown --fleet "$(fleet s 2)" "$(fleet t 2)" &&
	 out_has "| 0.333 | too few machines to test |" && out_has "fleet: 2 machines per side"'
check "csv: too few machines is a warning on stderr, no CI" eval \
	'run 0 compare -f csv --fleet "$(fleet s 2)" "$(fleet t 2)" &&
	 err_has "smallest possible p is 0.333" && [ "$(csv_col 10)$(csv_col 11)" = "" ]'
check "json: a fleet object and the warning; valid JSON" eval \
	'run 0 compare -f json --fleet "$(fleet s 3)" "$(fleet t 2)" &&
	 python3 -m json.tool "$work/out" >/dev/null &&
	 out_has "\"fleet\": {\"base_machines\": 3, \"new_machines\": 2, \"observation\": \"median per machine\", \"min_p\": 0.2" &&
	 out_has "with 3 and 2 machines the smallest possible p is 0.2" && out_has "\"test\": \"fleet_exact\""'
check "unequal fleets: both sizes named" eval \
	'run 0 compare --fleet "$(fleet s 3)" "$T" &&
	 out_has "fleet: 3 base machines, 5 new machines, each machine"'
check "a machine on another kernel: refused, naming the file and the key" eval \
	'run 1 compare --fleet "$(fleet s 2),$work/k1.results" "$T" &&
	 err_has "fleet $(fleet s 2),$work/k1.results: $work/k1.results: meta kernel_release is '"'6.12.9'"' where $work/s1.results has '"'6.12.1'"'" &&
	 err_has "(--mixed-fleet compares them anyway)" && [ ! -s "$work/out" ]'
check "a machine of another CPU: refused" eval \
	'run 1 compare --fleet "$work/c1.results,$work/c2.results" "$T" &&
	 err_has "$work/c2.results: meta cpu is '"'neoverse-v1'"' where $work/c1.results has '"'neoverse-n1'"'"'
check "--mixed-fleet: compared, the difference warned about" eval \
	'run 0 compare --fleet --mixed-fleet "$(fleet s 2),$work/k1.results" "$T" &&
	 err_has "machines of fleet $(fleet s 2),$work/k1.results differ in meta kernel_release"'
check "a truncated file: an error naming it" eval \
	'run 1 compare --fleet "$work/s1.results,$work/cut.results" "$T" &&
	 err_has "cut.results:" && err_has "truncated file"'
check "files separated by spaces, not commas: a usage error" eval \
	'run 2 compare --fleet "$work/s1.results" "$work/s2.results" "$work/t1.results" &&
	 err_has "--fleet: '"'$work/s1.results'"' is one machine; a fleet is FILE,FILE[,FILE...]"'
check "without --fleet, no word of fleets" eval \
	'run 0 compare "$B" "$N" && ! grep -q "fleet" "$work/out" &&
	 run 0 compare -f csv "$B" "$N" && [ "$(csv_col 14)" = normal ]'
# The test bed's own runs, gzip-compressed, as two machines per kernel.
r=$top/results/testbed
check "test bed results files (gzip) as fleets" eval \
	'run 0 compare --fleet -s op.attach "$r/6.1/attach-1t.results.gz,$r/6.1/attach-1t.results.gz" \
		"$r/6.12/attach-1t.results.gz,$r/6.12/attach-1t.results.gz" &&
	 grep -Eq "^op\.attach +2 +2 " "$work/out"'
done_testing
