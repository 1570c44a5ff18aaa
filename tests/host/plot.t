#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# smmubench plot on seeded synthetic runs: the images exist, PNGs have the
# PNG signature, SVGs parse as XML and carry the series and run titles, a
# gnuplot script sits next to each image, and a missing gnuplot is named.
. "$(dirname "$0")/lib.sh"
data=$top/tests/data

if ! command -v gnuplot >/dev/null 2>&1; then
	echo "1..0 # SKIP gnuplot is not installed"
	exit 0
fi

gen 1 2000 1.0 | "$sb" import -l base -m attach -M kernel_release=6.1 -o "$work/a.sbr" -
gen 2 2000 1.3 | "$sb" import -l moved -m attach -M kernel_release=6.12 -o "$work/b.sbr" -
gen 3 500 0.2 | "$sb" import -l base -k sync -m sync.asid_lock -M kernel_release=6.1 -o "$work/s.sbr" -

check "plot without -o: exit 2" run 2 plot "$work/a.sbr"
check "plot on a malformed file: exit 1, names it" \
	eval 'run 1 plot -o "$work/x" "$data/bad/truncated.sbr" && err_has "truncated.sbr:3:"'
check "plot with gnuplot missing from PATH: exit 1, says so" \
	eval 'env PATH=/nonexistent "$sb" plot -o "$work/x" "$work/a.sbr" >"$work/out" 2>"$work/err"; [ $? = 1 ] && err_has "gnuplot not found"'
check "plot three runs and the sample file: exit 0" \
	run 0 plot -o "$work/figs" "$work/a.sbr" "$work/b.sbr" "$work/s.sbr" "$data/sample-a.sbr"

png_ok() {
	[ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ]
}

svg_ok() {
	python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' "$1" 2>/dev/null ||
		{ head -c 200 "$1" | grep -q '<svg' && tail -c 20 "$1" | grep -q '</svg>'; }
}

for fig in cdf-op.attach hist-op.attach cdf-lock.asid_lock.hold \
	   hist-lock.asid_lock.hold cdf-sync.asid_lock sync; do
	check "$fig.png is a PNG image" png_ok "$work/figs/$fig.png"
	check "$fig.svg is well-formed SVG" svg_ok "$work/figs/$fig.svg"
	check "$fig.gp is next to it" test -s "$work/figs/$fig.gp"
done
check "CDF of op.attach: title has the series, labels and kernels" \
	eval 'grep -q "op.attach latency CDF" "$work/figs/cdf-op.attach.svg" && grep -q "moved (kernel 6.12)" "$work/figs/cdf-op.attach.svg" && grep -q "base (kernel 6.1)" "$work/figs/cdf-op.attach.svg"'
check "lock hold figure is titled as a lock hold time" \
	grep -q "lock.asid_lock.hold lock hold time CDF" "$work/figs/cdf-lock.asid_lock.hold.svg"
check "sync figure carries the sync series" \
	grep -q "sync.asid_lock, base (kernel 6.1)" "$work/figs/sync.svg"
check "count series (syncs per op) are not drawn as times" \
	test ! -e "$work/figs/cdf-sync.per_op.png"
check "the scripts redraw the figures from the directory alone" \
	eval 'rm "$work/figs/cdf-op.attach.png" && (cd "$work/figs" && gnuplot cdf-op.attach.gp) && png_ok "$work/figs/cdf-op.attach.png"'
check "the extracted data is plain columns gnuplot reads" \
	eval 'awk -F"\t" "!/^#/ && NF != 2 { bad = 1 } END { exit bad }" "$work/figs/data/r0-op.attach.cdf.dat"'

# A thread sweep (run --threads 1,2,4: one file per point, as run writes
# them): N threads x 10 ops in ELAPSED ns, so 10 / (ELAPSED / 1e9) ops/s
# per thread; ops of 100 * N ns, so p50 = p99 = 100 * N.
sweep_file() {	# sweep_file THREADS ELAPSED_NS
	{
		echo "meta	label	sweep"
		echo "meta	kernel_release	0.0-synthetic"
		echo "param	workload	map"
		echo "param	threads	$1"
		echo "counter	elapsed_ns	$2"
		echo "series	op.map	op	ns	$(($1 * 10))	0"
		i=0
		while [ $i -lt $(($1 * 10)) ]; do
			echo "sample	op.map	$((100 * $1))	-	-	0"
			i=$((i + 1))
		done
	} >"$work/body"
	{
		echo "smmubench-results	1"
		cat "$work/body"
		echo "end	$(wc -l <"$work/body")"
	} >"$work/sweep.t$1.results"
}
sweep_file 1 1000000
sweep_file 2 4000000
sweep_file 4 4000000
check "plot a 3-point thread sweep: exit 0" \
	run 0 plot -o "$work/sw" "$work/sweep.t4.results" "$work/sweep.t1.results" "$work/sweep.t2.results"
check "threads-map.png: the per-thread rate against threads" png_ok "$work/sw/threads-map.png"
check "threads-map-latency.png: p50 and p99 against threads" png_ok "$work/sw/threads-map-latency.png"
check "the sweep's data: threads ascending, iterations/s per thread, p50 and p99 per op (NaN: no unmap, iotlb_sync)" \
	eval 'printf "1\t10000.0\t100.0\t100.0\tNaN\tNaN\tNaN\tNaN\n2\t2500.0\t200.0\t200.0\tNaN\tNaN\tNaN\tNaN\n4\t2500.0\t400.0\t400.0\tNaN\tNaN\tNaN\tNaN\n" >"$work/want" &&
		grep -v "^#" "$work/sw/data/threads-map-r0.dat" | cmp -s - "$work/want"'
# report reads the same points as plot (one home: analysis/sweep.c).
check "report of the sweep's files: one row per point, threads ascending, rate and p50/p99 per op (csv)" \
	eval 'run 0 report -f csv "$work/sweep.t4.results" "$work/sweep.t1.results" "$work/sweep.t2.results" &&
	 printf "threads,iterations_per_s_per_thread,op.map.p50_ns,op.map.p99_ns,op.unmap.p50_ns,op.unmap.p99_ns,op.iotlb_sync.p50_ns,op.iotlb_sync.p99_ns\n1,10000.0,100,100,,,,\n2,2500.0,200,200,,,,\n4,2500.0,400,400,,,,\n" >"$work/want" &&
	 cmp -s "$work/out" "$work/want"'
check "report of the sweep, text: a title naming the workload, the rate per thread" \
	eval 'run 0 report "$work/sweep.t1.results" "$work/sweep.t2.results" &&
	 out_has "Thread sweep of map: 2 points" && grep -qE "^ +2 +2500 " "$work/out"'
check "report of the sweep, json: the points" \
	eval 'run 0 report -f json "$work/sweep.t1.results" "$work/sweep.t2.results" &&
	 out_has "\"threads\": 2, \"iterations_per_s_per_thread\": 2500.0, \"op.map\": {\"p50_ns\": 200"'
# A bind sweep point of 2 processes of 2 threads: 4 binders, 40 binds in
# 1 ms, so 10000 binds/s per binder.
{
	echo "param	workload	bind"
	echo "param	threads	2"
	echo "param	processes	2"
	echo "counter	elapsed_ns	1000000"
	echo "series	op.bind	op	ns	40	0"
	i=0
	while [ $i -lt 40 ]; do
		echo "sample	op.bind	500	-	-	0"
		i=$((i + 1))
	done
} >"$work/body"
{ echo "smmubench-results	1"; cat "$work/body"; echo "end	$(wc -l <"$work/body")"; } >"$work/bsw.t2.results"
sed 's/^param	threads	2$/param	threads	1/' "$work/bsw.t2.results" >"$work/bsw.t1.results"
check "report of a bind sweep: the rate per binder counts every process's threads" \
	eval 'run 0 report -f csv "$work/bsw.t2.results" "$work/bsw.t1.results" &&
	 grep -qx "1,20000.0,500,500,," "$work/out" && grep -qx "2,10000.0,500,500,," "$work/out"'
check "report of two files that are no sweep: exit 1, names the file" \
	eval 'run 1 report "$work/sweep.t1.results" "$top/results/testbed/6.12/attach-1t.results.gz" &&
	 err_has "attach-1t.results.gz: not a point of a thread sweep of map"'
check "report of two points with the same threads: exit 1, not one sweep" \
	eval 'run 1 report "$work/sweep.t1.results" "$work/sweep.t1.results" && err_has "both 1 threads: not one sweep"'
check "report --series with several files: usage error" \
	eval 'run 2 report -s "op.*" "$work/sweep.t1.results" "$work/sweep.t2.results" && err_has "--series applies to one FILE"'
check "runs that are no sweep draw no sweep figure" \
	eval '! [ -e "$work/figs/threads-attach.png" ] && ! [ -e "$work/figs/threads-map.png" ]'

done_testing
