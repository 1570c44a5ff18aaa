#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# perf.t: issue 9 on every test bed kernel, one boot each: the perf
# counters of `smmubench run` against the module's op counts, "unsupported"
# for what QEMU lacks (PMCG, instructions under TCG) in the results, report
# and compare, and the perf sessions of scripts/perf with Debian's arm64
# perf (or their message when there is none). See tests/guest/perf.sh.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/testbed/lib.sh
. "$here/lib.sh"

# 6.12 here: Debian's 6.1 runs the perf sessions with its own perf, and
# has its counters checked, on the emulated Debian machine (tests/machine).
for k in $(tb_kernels 6.12); do
	for f in "$top/build/module/$k/smmubench.ko" "$top/build/arm64/smmubench" \
		"$top/build/perf-arm64/bin/perf"; do
		[ -e "$f" ] || { tb_result 1 "[$k] $f missing: run make deps && make"; continue 2; }
	done
	tb_guest "$k" -- sh /opt/smmubench/tests/perf.sh /mnt/host
	rm -f "$tb_out"
done
tb_done
