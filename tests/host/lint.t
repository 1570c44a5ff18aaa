#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Every C file and every kernel patch passes scripts/lint (checkpatch:
# kernel and BPF code without errors or warnings, user space without errors).
cd "$(dirname "$0")/../.." || exit 1
if [ ! -x build/src/6.12/scripts/checkpatch.pl ]; then
	echo "1..0 # SKIP no checkpatch.pl: run 'make deps'"
	exit 0
fi
n=0
fail=0
for f in bench/*.[ch] bpf/*.[ch] include/uapi/*.h include/smmubench/*.h \
	cli/*.[ch] analysis/*.[ch] tests/host/*.c tests/guest/*.c \
	kernel/patches/*/*.patch kernel/placements/*/*.patch; do
	[ -f "$f" ] || continue
	n=$((n + 1))
	if out=$(scripts/lint "$f"); then
		echo "ok $n - checkpatch: $f"
	else
		echo "not ok $n - checkpatch: $f"
		echo "$out" | sed 's/^/# /'
		fail=1
	fi
done
echo "1..$n"
exit $fail
