#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/machine/arm64.t: the acceptance test of the README's "On an Arm
# server" section and of the LAVA test definition, on an emulated Debian
# 12 arm64 machine (scripts/build-machine: debootstrap, Debian's arm64
# kernel and headers and the README's packages from Debian's registry, no
# network in the guest) booted by scripts/testbed --machine under
# qemu-system-aarch64 -M virt,iommu=smmuv3, with a spare pci-testdev at
# 0000:01:00.0 as the README's device. Two boots, each from the machine
# as built (tests/machine/guest.sh does the guest's part):
#  1. from a clean copy of the source, the README's command lines as it
#     prints them (read from it here): apt install, the module built in
#     place, make (native), insmod, run, report, make install, man, DKMS,
#     make deb;
#  2. a fresh machine: the README's apt install of those packages, the same
#     run with the installed tool, the man pages, the perf sessions of
#     scripts/perf with Debian's linux-perf, the LAVA definition's install
#     and run steps with LAVA's own test-shell helpers (lava-dispatcher's
#     package), then apt remove. Here, LAVA's parser reads the run step's
#     signals from the console and checks them against this host's report
#     of the results files; the example jobs validate in tests/host/lava.t.
# The machine is built once and cached (about 10 minutes the first time;
# make check starts that build in the background at its beginning, and
# tb_built here then waits for it). What each step takes: docs/testbed.md.
. "$(dirname "$0")/../testbed/lib.sh"
# shellcheck source=tests/host/lava_lib.sh
. "$top/tests/host/lava_lib.sh"
# shellcheck source=scripts/lib.sh
. "$top/scripts/lib.sh"
sb=$top/build/host/smmubench
# It runs beside the test bed tests (tests/run), whose timings under load
# are the ones that matter: it takes the CPU they leave.
renice -n 10 $$ >/dev/null

tb_built build-machine machine kernel "the emulated Debian arm64 machine is built"
if ! lava_ready || [ ! -x "$sb" ]; then
	tb_result 1 "LAVA's packages and the host tool: run make deps && make host"
	tb_done
	exit
fi

share=$(mktemp -d)
trap 'rm -rf "$share"' EXIT
chmod 777 "$share"
# A clean copy of the source, as a fresh clone has it (with what is not
# committed yet, so that the test checks the tree it runs in).
(cd "$top" && git ls-files -z --cached --others --exclude-standard |
	xargs -0 tar -cf "$share/src.tar" --no-recursion --)
readme_commands "On an Arm server" >"$share/readme.txt"
cp "$top/tests/guest/tap.sh" "$top/tests/machine/guest.sh" "$share/"
grep -q '^apt install ' "$share/readme.txt" && grep -q '^make -C ' "$share/readme.txt"
tb_result $? "the README's Arm-server section has its command lines ($(wc -l <"$share/readme.txt"))"

export TB_TIMEOUT=2400
tb_guest machine --machine --mem 2048 --share "$share" -- \
	bash /mnt/host/guest.sh source /mnt/host
f=$share/out/source-map.results
"$sb" report "$f" >/dev/null 2>&1
tb_result $? "this host reads the machine's results file ($(basename "$f"))"

# The LAVA definition's steps for the second boot: install from the
# packages of the first, on the shared folder; the default suite on the
# README's device.
lava_helpers "$share/lava/bin"
debs=$(cd "$share/deb" 2>/dev/null && ls smmubench*.deb | sed 's|^|file:///mnt/host/deb/|' | tr '\n' ' ')
lava_steps install "$share/lava/install.sh" INSTALL=deb DEB_URLS="${debs% }"
lava_steps run "$share/lava/run.sh" DEVICE=0000:01:00.0 OUTPUT=/root/lava-out
tb_guest machine --machine --mem 2048 --share "$share" -- \
	bash /mnt/host/guest.sh deb /mnt/host
sed -n '/^@@LAVA-RUN-START@@/,/^@@LAVA-RUN-END@@/p' "$tb_out" >"$share/lava.log"
grep -c '<LAVA_SIGNAL_TESTCASE' "$share/lava.log" >/dev/null
tb_result $? "the run step printed LAVA signals ($(grep -c '<LAVA_SIGNAL_TESTCASE' "$share/lava.log"))"
out=$(lava_check_signals "$sb" "$share/lava.log" "$share"/out/lava/*.results 2>&1)
rc=$?
echo "$out" | tail -n 3 | sed 's/^/# /'
tb_result "$rc" "LAVA's parser: a test case per series' p50 and p99 of the machine's runs, as this host's report computes them, and each workload's run passed"
tb_done
