#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/host/native.t: the native build of an Arm server (NATIVE=1, the
# default on arm64), exercised on this host: no cross tools, no test bed;
# vmlinux.h from the running kernel's BTF; libperf from a linux-source
# tarball as Debian's linux-source-X.Y ships it, or from pkg-config
# (Fedora's libperf-devel), or a clear error naming the packages. Builds
# go to a scratch B=, so the tree's build/ is not touched.
. "$(dirname "$0")/lib.sh"
cd "$top" || exit 1

b=$work/b
mk() { make --no-print-directory NATIVE=1 B="$b" "$@"; }

# What make would run for the whole native build (a dry run reads no
# tarball: an empty one stands in). libperf's recipe runs make, which -n
# does not stop: -o keeps it out; its unpacking is looked at apart.
touch "$work/linux-source-6.12.tar.xz"
lp=$b/libperf/native-linux-source-6.12/host
mk -n -o "$lp/.built" all LINUX_SOURCE_TAR="$work/linux-source-6.12.tar.xz" \
	>"$work/out" 2>"$work/err"
check "make -n NATIVE=1 all parses" test $? = 0
check "it links the tool" grep -q -- "-o $b/host/smmubench " "$work/out"
check "the native build uses no cross compiler" \
	bash -c "! grep -q 'aarch64-linux-gnu-' '$work/out'"
check "the native build needs no test bed (kernels, sysroot, build/src)" \
	bash -c "! grep -qE 'build/kernels|arm64-sysroot|build/src/6\\.12' '$work/out'"
check "it builds no static arm64 tool" bash -c "! grep -q '$b/arm64/' '$work/out'"
check "vmlinux.h is dumped from the running kernel's BTF" \
	out_has "btf dump file /sys/kernel/btf/vmlinux format c"
mk -n "$b/src/native/linux-source-6.12/.unpacked" \
	LINUX_SOURCE_TAR="$work/linux-source-6.12.tar.xz" >"$work/out" 2>"$work/err"
check "libperf comes from the linux-source tarball" \
	out_has "tar -xJf $work/linux-source-6.12.tar.xz"
# Without the knob, the same host keeps the test bed's path.
make --no-print-directory -n NATIVE=0 B="$b" host >"$work/out" 2>&1
check "NATIVE=0 keeps the test bed's vmlinux (build/kernels/6.12)" \
	out_has "btf dump file $b/kernels/6.12/headers/vmlinux"

# vmlinux.h from the running kernel's BTF, for real where it has one.
if [ -r /sys/kernel/btf/vmlinux ]; then
	mk -s "$b/bpf/vmlinux.h" >"$work/out" 2>"$work/err"
	check "vmlinux.h from /sys/kernel/btf/vmlinux" \
		grep -q '^struct task_struct {' "$b/bpf/vmlinux.h"
else
	ok "vmlinux.h from /sys/kernel/btf/vmlinux # SKIP this kernel has no BTF"
fi
mk -s "$work/b2/bpf/vmlinux.h" B="$work/b2" BPF_VMLINUX=/nonexistent >/dev/null 2>"$work/err"
check "no BTF: an error that says so" err_has "no /nonexistent: the running kernel has no BTF"

# A linux-source tarball as Debian lays it out (linux-source-X.Y/...),
# made of the test bed's unpacked source: libperf builds from it.
src=$top/build/src/6.12
if [ -f "$src/tools/lib/perf/Makefile" ]; then
	mkdir -p "$work/ls"
	ln -s "$(realpath "$src")" "$work/ls/linux-source-6.12"
	tar -C "$work/ls" -chf - linux-source-6.12/Makefile linux-source-6.12/tools/lib \
		linux-source-6.12/tools/include linux-source-6.12/tools/build \
		linux-source-6.12/tools/scripts linux-source-6.12/tools/arch |
		xz -0 -T1 >"$work/linux-source-6.12.tar.xz"
	tarball=(LINUX_SOURCE_TAR="$work/linux-source-6.12.tar.xz")
	nice make --no-print-directory -s NATIVE=1 B="$b" "${tarball[@]}" \
		"$b/host/cli/perf_counters.o" >"$work/out" 2>"$work/err"
	check "libperf builds from the tarball, and the counters compile with it" \
		test -f "$lp/out/libperf.a" -a -f "$lp/out/libapi.a" -a -f "$b/host/cli/perf_counters.o"
	mk -n "${tarball[@]}" "$b/host/smmubench" >"$work/out" 2>&1
	check "the tool links that libperf" out_has "$lp/out/libperf.a"

	# pkg-config libperf (as Fedora's libperf-devel provides) wins.
	mkdir -p "$work/pc"
	printf 'Name: libperf\nDescription: test\nVersion: 0.0.1\nCflags: -I%s\nLibs: -L%s -lperf\n' \
		"$lp/include" "$lp/out" >"$work/pc/libperf.pc"
	rm -f "$b/host/cli/perf_counters.o"
	PKG_CONFIG_PATH=$work/pc mk -s "$b/host/cli/perf_counters.o" LINUX_SOURCE_TAR= \
		>"$work/out" 2>"$work/err"
	check "pkg-config libperf: the counters compile with its headers" \
		test -f "$b/host/cli/perf_counters.o"
	PKG_CONFIG_PATH=$work/pc mk -n "$b/host/smmubench" LINUX_SOURCE_TAR= >"$work/out" 2>&1
	check "pkg-config libperf: the tool links -lperf, no libperf of its own" \
		bash -c "grep -q -- '-L$lp/out -lperf' '$work/out' && ! grep -q 'libperf.a' '$work/out'"
else
	for t in "libperf from a tarball" "link" "pkg-config compile" "pkg-config link"; do
		ok "$t # SKIP no build/src/6.12 (make deps)"
	done
fi

# Neither: an error that names what to install.
if ! pkg-config --exists libperf 2>/dev/null; then
	mk -s "$work/b3/host/cli/perf_counters.o" B="$work/b3" LINUX_SOURCE_TAR= \
		>/dev/null 2>"$work/err"
	check "no libperf anywhere: the error names linux-source and libperf-devel" \
		err_has "install Debian's linux-source-X.Y (or Fedora's libperf-devel)"
else
	ok "no libperf anywhere # SKIP this host has pkg-config libperf"
fi

done_testing
