#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# compare's text output and warnings: counters that say nothing (unsupported
# or 0 on both sides) on one line each, and warnings that name each
# difference once, but not the kernels of the sides, which are compared.
. "$(dirname "$0")/lib.sh"

# mk FILE KERNEL CLOCK THREADS [SERIES]: a results file with one op series
# (SERIES, default op.x) and counters of every kind a row can show.
mk() {
	{
		printf 'smmubench-results\t1\n'
		printf 'meta\tlabel\t%s\n' "$(basename "$1" .results)"
		printf 'meta\tkernel_release\t%s\n' "$2"
		printf 'meta\tclock\t%s\n' "$3"
		printf 'param\tthreads\t%s\n' "$4"
		printf 'counter\tc.value\t10\n'
		printf 'counter\tc.zero1\t0\n'
		printf 'counter\tc.zero2\t0\n'
		printf 'counter\tc.unsup1\tunsupported\n'
		printf 'counter\tc.unsup2\tunsupported\n'
		printf 'counter\tc.gone\t0\n'
		printf 'series\t%s\top\tns\t5\t0\n' "${5:-op.x}"
		for v in 100 110 120 130 140; do
			printf 'sample\t%s\t%s\t-\t-\t-\n' "${5:-op.x}" "$v"
		done
		printf 'end\t16\n'
	} >"$1"
}
mk "$work/a.results" 6.1 icount 1
mk "$work/b.results" 6.12 icount 1
sed 's/^counter\tc.gone\t0$/counter\tc.gone\tunsupported/' "$work/b.results" >"$work/b2.results"
mk "$work/c.results" 6.12 host 1
mk "$work/d.results" 6.12 host 1
mk "$work/t.results" 6.1 icount 2
mk "$work/y.results" 6.1 icount 1 op.y

check "counters 0 on both sides: one line that names them, no rows" eval \
	'run 0 compare "$work/a.results" "$work/b2.results" &&
	 out_has "2 counters zero on both sides: c.zero1, c.zero2" &&
	 ! grep -q "^c\.zero" "$work/out"'
check "counters unsupported on both sides: one line that names them, no rows" eval \
	'out_has "2 counters unsupported on both sides: c.unsup1, c.unsup2" &&
	 ! grep -q "^c\.unsup" "$work/out"'
check "a counter that differs keeps its row: a value, 0 against unsupported" eval \
	'grep -qE "^c\.value +10 +10 +\+0\.00%$" "$work/out" &&
	 grep -qE "^c\.gone +0 +unsupported *$" "$work/out"'
check "markdown keeps a row per counter" eval \
	'run 0 compare -f markdown "$work/a.results" "$work/b.results" &&
	 out_has "| \`c.zero1\` | 0 | 0 |" && out_has "| \`c.unsup1\` | unsupported | unsupported |"'

# The kernel is what a comparison of kernels compares: named, not warned.
check "sides that differ only in kernel: no warning, both kernels named" eval \
	'run 0 compare "$work/a.results" "$work/b.results" && [ ! -s "$work/err" ] &&
	 out_has "kernel 6.1)" && out_has "kernel 6.12)"'
check "json: no warning for the kernels, the kernel of each side given" eval \
	'run 0 compare -f json "$work/a.results" "$work/b.results" &&
	 out_has "\"warnings\": []" && out_has "\"base_kernel\": \"6.1\"" &&
	 out_has "\"new_kernel\": \"6.12\""'
check "sides that differ in clock too: one warning, for the clock" eval \
	'run 0 compare "$work/a.results" "$work/c.results" &&
	 [ "$(wc -l <"$work/err")" = 1 ] &&
	 err_has "the sides differ in meta clock: '"'icount'"' (" && ! grep -q kernel_release "$work/err"'
check "three sides: a difference is warned once, each value once" eval \
	'run 0 compare "$work/a.results" "$work/c.results" "$work/d.results" &&
	 [ "$(wc -l <"$work/err")" = 1 ] &&
	 err_has "'"'host'"' ($work/c.results, $work/d.results)"'
check "a param that differs is warned about" eval \
	'run 0 compare "$work/a.results" "$work/t.results" &&
	 err_has "the sides differ in param threads: '"'1'"' ($work/a.results); '"'2'"' ($work/t.results)"'
check "runs pooled in one side must agree on the kernel" eval \
	'run 0 compare "$work/a.results,$work/b.results" "$work/a.results" &&
	 err_has "runs pooled in $work/a.results,$work/b.results differ in meta kernel_release"'
check "series only in the base: one warning naming them" eval \
	'run 0 compare "$work/a.results" "$work/y.results" &&
	 err_has "1 series only in $work/a.results, not in $work/y.results, not compared: op.x"'
done_testing
