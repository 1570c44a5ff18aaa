#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# model.t: the model of the SVA CD-write lock placements built into
# smmubench.ko, run in the 6.12 test bed (one boot): the same verdicts as
# the host build (tests/host/test_model.c). See tests/guest/model.sh.
. "$(dirname "$0")/lib.sh"

k=6.12
for f in "$top/build/module/$k/smmubench.ko" "$top/build/arm64/smmubench"; do
	[ -e "$f" ] || { tb_result 1 "[$k] $f missing: run make"; tb_done; exit; }
done
share=$(mktemp -d)
tb_guest "$k" --share "$share" -- sh /opt/smmubench/tests/model.sh
rm -rf "$share" "$tb_out"
tb_done
