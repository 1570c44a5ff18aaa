#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The experiment scripts' command lines: --help, and bad input refused with
# a message naming it, before anything is built or booted.
. "$(dirname "$0")/lib.sh"

# script EXPECTED_STATUS SCRIPT ARGS...: like run, for scripts/SCRIPT.
script() {
	want=$1
	name=$2
	shift 2
	"$top/scripts/$name" "$@" >"$work/out" 2>"$work/err"
	got=$?
	[ "$got" = "$want" ] || { echo "# scripts/$name $*: exit $got, want $want"; return 1; }
}

for s in experiment build-variant build-kernel build-qemu build-machine testbed; do
	check "$s --help: usage, exit 0" \
		eval 'script 0 $s --help && out_has "usage: scripts/$s"'
	check "$s --no-such-flag: exit 1 or 2, names the option" \
		eval '{ script 2 $s --no-such-flag || script 1 $s --no-such-flag; } && err_has "--no-such-flag"'
done

check "build-machine --background with --while that is not a PID: refused, names it" \
	eval 'script 1 build-machine --background "$work/bg.log" --while abc && err_has "--while abc: not a PID" && [ ! -e "$work/bg.log" ]'
check "testbed --machine --disk: refused, the machine's root is the disk" \
	eval ': >"$work/disk" && script 2 testbed --machine --disk "$work/disk" -- true && err_has "the machine'"'"'s root is the disk"'
check "experiment without kernels: usage, exit 2" \
	eval 'script 2 experiment seed 6.1-sva && grep -q "usage:" "$work/err"'
check "experiment --iterations 0: refused, names the value" \
	eval 'script 1 experiment --iterations 0 x 6.1-sva 6.12-sva && err_has "'"'0'"' is not a positive number"'
check "experiment --suite nope: refused, names the suites" \
	eval 'script 1 experiment --suite nope x 6.1-sva 6.12-sva && err_has "want bind or inval"'
check "experiment with a bad name: refused" \
	eval 'script 1 experiment "a/b" 6.1-sva 6.12-sva && err_has "experiment name"'
check "experiment with an unknown kernel: refused, names it" \
	eval 'script 1 experiment x 6.1-sva no-such-kernel && err_has "kernel '"'no-such-kernel'"': not under build/kernels"'
check "experiment with a missing patch: refused, names it" \
	eval 'script 1 experiment x 6.1-sva 6.1-sva+/nonexistent.patch && err_has "patch /nonexistent.patch: no such file"'
# --chain on the committed three-kernel run: each kernel against the one
# before it, never against the first; the run's record (summary.md) kept.
seed3=$work/seed3
cp -r "$top/results/experiments/seed-6.1-6.12-7.x" "$seed3"
check "experiment --no-run --chain: 6.1-sva -> 6.12-sva -> 7.x-sva, summary kept" \
	eval 'script 0 experiment --no-run --chain --out "$seed3" seed3 6.1-sva 6.12-sva 7.x-sva &&
	 [ -s "$seed3/compare-6.1-sva-vs-6.12-sva.md" ] && [ -s "$seed3/compare-6.12-sva-vs-7.x-sva.md" ] &&
	 [ ! -e "$seed3/compare-6.1-sva-vs-7.x-sva.md" ] &&
	 cmp -s "$seed3/summary.md" "$top/results/experiments/seed-6.1-6.12-7.x/summary.md"'
check "the three-kernel summary: one counts table, a column per kernel" \
	eval 'grep -q "^| per bind+unbind (trace-bind-2p, 200 binds) | 6.1-sva | 6.12-sva | 7.x-sva |$" "$seed3/summary.md" &&
	 grep -q "^| \`lock.arm_smmu_asid_lock.sync_calls\` | 0.00 | 4.00 | 5.00 |$" "$seed3/summary.md" &&
	 grep -q "^## 7.x-sva against 6.12-sva$" "$seed3/summary.md"'
check "build-variant with a missing patch: refused before building" \
	eval 'script 1 build-variant 6.1-sva /nonexistent.patch && err_has "patch /nonexistent.patch: no such file"'
check "build-variant without a patch: usage, exit 2" \
	eval 'script 2 build-variant 6.1-sva && grep -q "usage:" "$work/err"'
check "testbed --icount 11: refused, names the value" \
	eval 'script 2 testbed --icount 11 -- true && err_has "--icount '"'11'"'"'
# --smmu-latency is checked before QEMU or the kernel is looked for.
for spec in "" "sync" "sync=-1" "sync=1000001" "sync=1.5" "cfgi=10,cfgi=20" \
	"nope=1" "sev=2"; do
	check "testbed --smmu-latency '$spec': refused, exit 2, names the spec" \
		eval 'script 2 testbed --smmu-latency "$spec" -- true && err_has "--smmu-latency"'
done
check "testbed --smmu-latency sync=1000001: names the range" \
	eval 'script 2 testbed --smmu-latency sync=1000001 -- true && err_has "from 0 to 1000000"'
check "testbed --test-devices 9: refused, exit 2, names the range" \
	eval 'script 2 testbed --test-devices 9 -- true && err_has "want 1 to 8"'
check "build-qemu -j 0: refused, exit 2" \
	eval 'script 2 build-qemu -j 0 && err_has "-j '"'0'"'"'
check "the placement patch applies to linux-source-6.1 after the flavour's own" \
	eval '(d=$(readlink -f "$top/build/src/6.1") && [ -f "$d/Makefile" ] && cp -r "$d/drivers/iommu/arm/arm-smmu-v3" "$work/smmu" && mkdir -p "$work/t/drivers/iommu/arm" "$work/t/drivers/iommu" && cp "$d/drivers/iommu/Kconfig" "$work/t/drivers/iommu/" && mv "$work/smmu" "$work/t/drivers/iommu/arm/arm-smmu-v3" && for p in "$top"/kernel/patches/6.1/*.patch "$top"/kernel/placements/6.1/*.patch; do patch -d "$work/t" -p1 -s --dry-run <"$p" >/dev/null && patch -d "$work/t" -p1 -s <"$p" >/dev/null || exit 1; done)'

# applies SERIES PATCH: the SERIES flavour's own patches, then PATCH,
# apply to build/src/SERIES (Debian's linux-source), in a copy of the files
# they touch. The placement patches are alternatives, each on the flavour
# alone.
applies() {
	d=$(readlink -f "$top/build/src/$1") && [ -f "$d/Makefile" ] || return 1
	rm -rf "$work/tree" && mkdir -p "$work/tree/drivers/iommu/arm" &&
		cp "$d/drivers/iommu/Kconfig" "$work/tree/drivers/iommu/" &&
		{ [ ! -f "$d/drivers/iommu/arm/Kconfig" ] ||	# 7.x has one, 6.12 not
			cp "$d/drivers/iommu/arm/Kconfig" "$work/tree/drivers/iommu/arm/"; } &&
		cp -r "$d/drivers/iommu/arm/arm-smmu-v3" "$work/tree/drivers/iommu/arm/" || return 1
	for q in "$top"/kernel/patches/"$1"/*.patch "$2"; do
		patch -d "$work/tree" -p1 -s --dry-run <"$q" >/dev/null &&
			patch -d "$work/tree" -p1 -s <"$q" >/dev/null || return 1
	done
}
for v in 6.12 7.x; do
	for p in cd-dump split wide; do
		check "the $v $p placement patch applies to the $v source after the flavour's own" \
			applies $v "$top/kernel/placements/$v/$p.patch"
	done
done

done_testing
