#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# report, compare and import from the command line: exit codes (2 usage,
# 1 runtime, 3 --fail-on), error messages naming the file and line, and
# verdicts on seeded synthetic runs.
. "$(dirname "$0")/lib.sh"
data=$top/tests/data

for cmd in report compare plot import; do
	if run 0 $cmd --help && out_has "Usage: smmubench $cmd" &&
	   out_has "EXAMPLES:" && out_has " # "; then
		ok "$cmd --help: usage and examples, exit 0"
	else
		not_ok "$cmd --help: usage and examples, exit 0"
	fi
	if run 2 $cmd --no-such-flag && err_has "smmubench $cmd"; then
		ok "$cmd --no-such-flag: usage error, exit 2"
	else
		not_ok "$cmd --no-such-flag: usage error, exit 2"
	fi
done

check "no command: usage on stderr, exit 2" \
	eval 'run 2 && err_has "usage: smmubench"'
check "an unknown command: exit 2, names it" \
	eval 'run 2 no-such-command && err_has "'"'no-such-command'"' is not a smmubench command"'
check "report without FILE: exit 2" run 2 report
check "report -f xml: exit 2, names the option" \
	eval 'run 2 report -f xml "$data/sample-a.sbr" && err_has "--format: '"'xml'"'"'
check "report on a missing file: exit 1, names it" \
	eval 'run 1 report "$work/none.sbr" && err_has "$work/none.sbr: No such file"'
check "report on a malformed file: exit 1, file, line and field" \
	eval 'run 1 report "$data/bad/nan.sbr" && err_has "nan.sbr:3: field '"'value'"'"'
check "report text: series and human units" \
	eval 'run 0 report "$data/sample-a.sbr" && out_has "op.map" && out_has "300 ns" && out_has "unsupported"'
check "report --series filters" \
	eval 'run 0 report -f csv -s "lock.*" "$data/sample-a.sbr" && ! grep -q "^op.map," "$work/out" && out_has "lock.asid_lock.hold,"'
check "report json is valid JSON" \
	eval 'run 0 report -f json "$data/sample-a.sbr" && python3 -m json.tool "$work/out" >/dev/null'
# Published runs are kept gzip-compressed (results/): every reader takes them.
gzip -nc "$data/sample-a.sbr" >"$work/a.sbr.gz"
check "report reads a gzip-compressed file: the same report" \
	eval 'run 0 report -f csv "$data/sample-a.sbr" && mv "$work/out" "$work/plain" &&
	 run 0 report -f csv "$work/a.sbr.gz" && cmp -s "$work/plain" "$work/out"'
head -c 100 "$work/a.sbr.gz" >"$work/cut.sbr.gz"
check "a truncated gzip file: exit 1, file named" \
	eval 'run 1 report "$work/cut.sbr.gz" && err_has "cut.sbr.gz: gzip: truncated"'

# import: plain numbers, units, CSV columns, and located errors.
printf '1.5\n2\n\n# comment\n2.25\n' >"$work/us.txt"
check "import -u us: 1.5 us becomes 1500 ns" \
	eval 'run 0 import -u us -l x -o "$work/us.sbr" "$work/us.txt" && run 0 report -f csv "$work/us.sbr" && out_has "op.latency,op,ns,samples,3,1500,2000,"'
printf 'op,lat_ns,cpu\nmap,100,0\nmap,"300",1\nmap,200,0\n' >"$work/t.csv"
check "import -c NAME reads a CSV column by header" \
	eval 'run 0 import -c lat_ns -m map -o "$work/c1.sbr" "$work/t.csv" && run 0 report -f csv "$work/c1.sbr" && out_has "op.map,op,ns,samples,3,100,200,"'
check "import -c 2 reads a CSV column by number, skipping the header" \
	eval 'run 0 import -c 2 -o "$work/c2.sbr" "$work/t.csv" && run 0 report -f csv "$work/c2.sbr" && out_has ",3,100,200,"'
printf 'op,note,lat_ns\nmap,"a, b",100\nmap,"say ""hi"", twice",300\nmap, plain ,200\n' >"$work/q.csv"
check "import -c NAME: quoted fields may hold commas and quotes" \
	eval 'run 0 import -c lat_ns -m map -o "$work/q.sbr" "$work/q.csv" && run 0 report -f csv "$work/q.sbr" && out_has "op.map,op,ns,samples,3,100,200,"'
check "import -c NAME: a quoted header name is found" \
	eval 'printf "\"a,b\",x\n5,7\n" >"$work/q2.csv" && run 0 import -c "a,b" -o "$work/q2.sbr" "$work/q2.csv" && run 0 report -f csv "$work/q2.sbr" && out_has ",1,5,5,"'
check "import -c nope: names the missing column" \
	eval 'run 1 import -c nope -o "$work/c3.sbr" "$work/t.csv" && err_has "no column named '"'nope'"'"'
printf '10\n20\nabc\n' >"$work/bad.txt"
check "import: a bad line is an error naming file and line" \
	eval 'run 1 import -o "$work/b.sbr" "$work/bad.txt" && err_has "bad.txt:3: '"'abc'"' is not a number" && [ ! -e "$work/b.sbr" ]'
check "import from stdin: negative value named with its line" \
	eval 'printf "5\n-3\n" | { "$sb" import -o "$work/s.sbr" - >"$work/out" 2>"$work/err"; [ $? = 1 ]; } && err_has "<stdin>:2: negative latency"'
check "import: nan is refused" \
	eval 'printf "nan\n" | { "$sb" import - >"$work/out" 2>"$work/err"; [ $? = 1 ]; } && err_has "not a finite number"'
check "import: absurd value is refused" \
	eval 'printf "3600001\n" | { "$sb" import -u ms - >"$work/out" 2>"$work/err"; [ $? = 1 ]; } && err_has "absurd"'
check "import --unit parsec: exit 2" run 2 import -u parsec "$work/us.txt"
check "import of an empty list: exit 1" \
	eval 'printf "# nothing\n" | { "$sb" import - >"$work/out" 2>"$work/err"; [ $? = 1 ]; } && err_has "no values"'

# compare on seeded synthetic runs.
gen 1 300 1.0 | "$sb" import -l base -M kernel_release=6.1 -M emulated=1 -o "$work/a.sbr" -
gen 2 300 1.0 | "$sb" import -l same -M kernel_release=6.1 -M emulated=1 -o "$work/b.sbr" -
gen 3 300 1.2 | "$sb" import -l slower -M kernel_release=6.12 -M emulated=1 -o "$work/c.sbr" -
gen 4 300 1.0 | "$sb" import -l base2 -M kernel_release=6.1 -M emulated=1 -o "$work/a2.sbr" -
printf '100\n200\n' | "$sb" import -l tiny -M kernel_release=6.1 -M emulated=1 -o "$work/tiny.sbr" -

check "compare with one side: exit 2" run 2 compare "$work/a.sbr"
check "compare --alpha 1.5: exit 2" run 2 compare --alpha 1.5 "$work/a.sbr" "$work/b.sbr"
check "compare --alpha 0.05x: exit 2" run 2 compare --alpha 0.05x "$work/a.sbr" "$work/b.sbr"
check "compare --fail-on without PCT: exit 2" run 2 compare --fail-on op.latency "$work/a.sbr" "$work/b.sbr"
check "compare on a missing file: exit 1, names it" \
	eval 'run 1 compare "$work/a.sbr" "$work/zz.sbr" && err_has "zz.sbr: No such file"'
check "compare: one distribution is ~" \
	eval 'run 0 compare "$work/a.sbr" "$work/b.sbr" && grep -Eq "^op.latency .* ~ " "$work/out"'
check "compare: a 20% shift is significant, delta near +20%" \
	eval 'run 0 compare -f csv "$work/a.sbr" "$work/c.sbr" && awk -F, '"'"'$1 == "op.latency" { exit !($15 == "yes" && $9 > 12 && $9 < 28) }'"'"' "$work/out"'
check "compare: runs on different kernels pooled in one side are flagged" \
	eval 'run 0 compare "$work/a.sbr,$work/c.sbr" "$work/b.sbr" && err_has "differ in meta kernel_release: '"'6.1'"' ($work/a.sbr); '"'6.12'"' ($work/c.sbr)"'
check "compare: fewer than 3 samples gives no verdict" \
	eval 'run 0 compare "$work/a.sbr" "$work/tiny.sbr" && err_has "fewer than 3 samples" && out_has "n<3"'
check "compare: repeated runs per side are pooled" \
	eval 'run 0 compare -f csv "$work/a.sbr,$work/a2.sbr" "$work/c.sbr" && grep -q "^op.latency,ns,\"base\",\"slower\",600,300," "$work/out"'
check "compare -f json is valid JSON with a geomean" \
	eval 'run 0 compare -f json "$work/a.sbr" "$work/b.sbr" "$work/c.sbr" && python3 -m json.tool "$work/out" >/dev/null && out_has "geomean_ratio"'
# mk_sbr FILE EMPTY_NS: op.map of 100..500 ns and five op.empty of EMPTY_NS.
mk_sbr() {
	{
		printf 'smmubench-results\t1\nmeta\ttool_version\t0.1.0\nmeta\tlabel\te%s\n' "$2"
		printf 'series\top.map\top\tns\t5\t0\n'
		for v in 100 200 300 400 500; do printf 'sample\top.map\t%s\t-\t-\t0\n' $v; done
		printf 'series\top.empty\top\tns\t5\t0\n'
		for v in 1 2 3 4 5; do printf 'sample\top.empty\t%s\t-\t-\t0\n' "$2"; done
		printf 'end\t14\n'
	} >"$1"
}
mk_sbr "$work/e1.sbr" 10
mk_sbr "$work/e2.sbr" 100
check "compare: the geomean leaves out op.empty, the timing-overhead probe" \
	eval 'run 0 compare -f json "$work/e1.sbr" "$work/e2.sbr" && out_has "\"geomean_ratio\": 1,"'
check "compare --fail-on: significant 20% regression exits 3" \
	eval 'run 3 compare --fail-on "op.*:10" "$work/a.sbr" "$work/c.sbr" && err_has "slower"'
check "compare --fail-on: threshold above the regression exits 0" \
	run 0 compare --fail-on "op.*:40" "$work/a.sbr" "$work/c.sbr"
check "compare --fail-on: no regression when not significant" \
	run 0 compare --fail-on "op.*:0" "$work/a.sbr" "$work/b.sbr"
check "compare --fail-on: unknown series is an error" \
	eval 'run 1 compare --fail-on "nope:5" "$work/a.sbr" "$work/c.sbr" && err_has "no series in common matches"'

check "compare -f markdown: a significant 20% regression reads slower, with its CI" \
	eval 'run 0 compare -f markdown "$work/a.sbr" "$work/c.sbr" && grep -q "^| \`op.latency\` | 300 | 300 | .* | +[0-9.]*% | \[+[0-9.]*%, +[0-9.]*%\] | [<0-9.]* | \*\*slower\*\* |$" "$work/out"'
check "compare -f markdown: one distribution on both sides reads no significant difference" \
	eval 'run 0 compare -f markdown "$work/a.sbr" "$work/b.sbr" && out_has "| no significant difference |" && ! out_has "slower" && ! out_has "faster"'
check "compare -f yaml: exit 2, names the formats" \
	eval 'run 2 compare -f yaml "$work/a.sbr" "$work/b.sbr" && err_has "not text, csv, json or markdown"'

# run --threads LIST (a sweep): refused before anything is claimed.
four=0000:00:0a.0,0000:00:0b.0,0000:00:0c.0,0000:00:0d.0
for bad in "1,,2" "1," ",1" "2,2" "0,1" "1,x"; do
	check "run --threads '$bad': exit 2, names --threads" \
		eval 'run 2 run -w map -d $four -t "$bad" -n 1 && err_has "--threads"'
done
check "run --threads 1,8 with 4 devices: exit 2, names the devices needed" \
	eval 'run 2 run -w map -d $four -t 1,8 -n 1 && err_has "8 threads x 1 masters need 8 devices, 4 given"'
check "run --threads 1,2 --trace: exit 2, one run per trace" \
	eval 'run 2 run --trace -w map -d $four -t 1,2 -n 1 && err_has "--trace traces one run"'

done_testing
