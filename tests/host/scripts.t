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

for s in experiment build-variant build-kernel build-qemu testbed; do
	check "$s --help: usage, exit 0" \
		eval 'script 0 $s --help && out_has "usage: scripts/$s"'
	check "$s --no-such-flag: exit 1 or 2, names the option" \
		eval '{ script 2 $s --no-such-flag || script 1 $s --no-such-flag; } && err_has "--no-such-flag"'
done

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

# applies612 PATCH: the 6.12 flavour's own patches, then PATCH, apply to
# linux-source-6.12's arm-smmu-v3 driver and Kconfig. The placement
# patches are alternatives, each on the flavour alone.
applies612() {
	d=$(readlink -f "$top/build/src/6.12") && [ -f "$d/Makefile" ] || return 1
	rm -rf "$work/t612" && mkdir -p "$work/t612/drivers/iommu/arm" &&
		cp "$d/drivers/iommu/Kconfig" "$work/t612/drivers/iommu/" &&
		cp -r "$d/drivers/iommu/arm/arm-smmu-v3" "$work/t612/drivers/iommu/arm/" || return 1
	for q in "$top"/kernel/patches/6.12/*.patch "$1"; do
		patch -d "$work/t612" -p1 -s --dry-run <"$q" >/dev/null &&
			patch -d "$work/t612" -p1 -s <"$q" >/dev/null || return 1
	done
}
for p in cd-dump split wide; do
	check "the 6.12 $p placement patch applies to linux-source-6.12 after the flavour's own" \
		applies612 "$top/kernel/placements/6.12/$p.patch"
done

done_testing
