#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `smmubench trace` on the source-built kernels (SVA, LOCK_STAT, emulated
# substreams), one boot each: the PASID bind path's functions, its commands
# per bind and per unbind, its lock holds with the CMD_SYNCs under them,
# and /proc/lock_stat as an oracle for the lock counts and hold totals;
# and the SVA munmap's notifier, its commands joined to each munmap.
# See tests/guest/trace_sva.sh for the checks and docs/tracer.md.
. "$(dirname "$0")/lib.sh"

n=${TRACE_SVA_N:-20}
for k in ${SMMUBENCH_SVA_KERNELS:-6.12-sva 6.1-sva 7.x-sva}; do
	if [ ! -f "$top/build/kernels/$k/Image" ]; then
		tb_result 1 "[$k] kernel not built (scripts/build-kernel $k)"
		continue
	fi
	tb_guest "$k" -- sh /opt/smmubench/tests/trace_sva.sh "$n"
done
tb_done
