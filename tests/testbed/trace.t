#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `smmubench trace` on each test bed kernel, one boot each: probe family
# chosen by probing, v3 copies of duplicate names, absent and inlined
# functions, the exact command sequence of a fresh-domain attach checked
# against the driver source and ftrace, the attach path's mutex holds,
# `smmubench run --trace`, the filters, and the latency medians against
# ftrace's function_graph. See tests/guest/trace.sh and
# tests/guest/trace_ftrace.sh for the checks and docs/tracer.md for the
# counts.
. "$(dirname "$0")/lib.sh"

for k in $(tb_kernels "6.1 6.12 7.x"); do
	# pci-stub binds a test device, which attaches it to a fresh DMA
	# domain. The kernel's own module lives outside the shared folder
	# (and is xz-compressed on 6.12): stage it under build/.
	stage="$top/build/trace-test/$k"
	mkdir -p "$stage"
	ko=$(find -L "$top/build/kernels/$k/modules/" -name 'pci-stub.ko*' 2>/dev/null | head -n1)
	case "$ko" in
	*.xz) xz -dc "$ko" >"$stage/pci-stub.ko" ;;
	*.zst) zstd -qdc "$ko" >"$stage/pci-stub.ko" ;;
	"") ;;
	*) cp "$ko" "$stage/pci-stub.ko" ;;
	esac
	if [ ! -s "$stage/pci-stub.ko" ]; then
		tb_result 1 "[$k] pci-stub.ko found in the kernel's modules"
		continue
	fi
	tb_guest "$k" -- sh /opt/smmubench/tests/trace.sh /mnt/host/build/trace-test/$k/pci-stub.ko
	# The latency cross-check in a boot of its own on QEMU's instruction
	# clock (-icount): with the host's clock a probe's cost under TCG
	# follows the host's load (6.1's kprobe pair measured 12 to 240 us).
	tb_guest "$k" --icount 0 -- sh /opt/smmubench/tests/trace_ftrace.sh
done
tb_done
