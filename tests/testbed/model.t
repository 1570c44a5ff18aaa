#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# model.t: the model of the SVA CD-write lock placements built into
# smmubench.ko, one boot of a source-built kernel (6.12-sva: spinlocks are
# functions there, so the tracer can follow the model's devices_lock):
# the same verdicts as the host build (tests/host/test_model.c), and
# `smmubench trace` reporting the model's locks with the model's own hold
# counts. See tests/guest/model.sh.
. "$(dirname "$0")/lib.sh"

for k in ${SMMUBENCH_MODEL_KERNELS:-6.12-sva}; do
	if [ ! -f "$top/build/kernels/$k/Image" ]; then
		tb_result 1 "[$k] kernel not built (scripts/build-kernel $k)"
		continue
	fi
	for f in "$top/build/module/$k/smmubench.ko" "$top/build/arm64/smmubench"; do
		[ -e "$f" ] || { tb_result 1 "[$k] $f missing: run make"; continue 2; }
	done
	share=$(mktemp -d)
	tb_guest "$k" --share "$share" -- sh /opt/smmubench/tests/model.sh
	rm -rf "$share" "$tb_out"
done
tb_done
