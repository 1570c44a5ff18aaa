#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# tests/host/lava.t: the LAVA test definition (lava/smmubench.yaml) and
# the example jobs (lava/jobs/) against LAVA's own code, from Debian's
# lava-common and lava-dispatcher packages that scripts/deps unpacks
# (never installed): the jobs validate with lava-common's job schema and
# the definition with its test definition schema; the definition's run
# step runs with LAVA's test-shell helper lava-test-case, and the
# <LAVA_SIGNAL_TESTCASE ...> lines it prints, parsed by lava-dispatcher's
# own parser, carry the p50 and p99 that 'smmubench report' computes.
. "$(dirname "$0")/lib.sh"
cd "$top" || exit 1

# shellcheck source=tests/host/lava_lib.sh
. "$top/tests/host/lava_lib.sh"
py=$lava_py
pypath=$lava_pypath
if ! lava_ready; then
	echo "Bail out! no LAVA packages under build/lava: run scripts/deps --host-only"
	exit 1
fi

# validate KIND FILE: LAVA's schema for a job or a test definition.
validate() {
	PYTHONPATH=$pypath "$py" - "$1" "$2" >"$work/out" 2>"$work/err" <<'EOF'
import sys, yaml
from lava_common.schemas import validate as job
from lava_common.schemas.test.testdef import validate as testdef
data = yaml.safe_load(open(sys.argv[2]))
if sys.argv[1] == "job":
    job(data, strict=True)
else:
    testdef(data)
EOF
}

for j in lava/jobs/*.yaml; do
	validate job "$j"
	check "$j validates against lava-common's job schema" test $? = 0
done
# The schema is not a rubber stamp: a job without visibility is refused.
sed '/^visibility:/d' lava/jobs/qemu.yaml >"$work/bad.yaml"
validate job "$work/bad.yaml"
check "a job without visibility does not validate" test $? != 0
validate testdef lava/smmubench.yaml
check "lava/smmubench.yaml validates against LAVA's test definition schema" test $? = 0

# Every job names this definition and only parameters it declares.
"$py" - lava/smmubench.yaml lava/jobs/*.yaml >"$work/out" 2>"$work/err" <<'EOF'
import sys, yaml
params = yaml.safe_load(open(sys.argv[1]))["params"]
for j in sys.argv[2:]:
    for a in yaml.safe_load(open(j))["actions"]:
        for d in a.get("test", {}).get("definitions", []):
            assert d["path"] == "lava/smmubench.yaml", (j, d["path"])
            extra = set(d.get("parameters", {})) - set(params)
            assert not extra, (j, "undeclared parameters", extra)
EOF
check "the jobs run lava/smmubench.yaml with parameters it declares" test $? = 0

# LAVA's helpers as lava-test-shell lays them out on a device.
bin=$work/lava-bin
lava_helpers "$bin"
mkdir -p "$work/lava-results"
export LAVA_RESULT_DIR=$work/lava-results

check_signals() {
	lava_check_signals "$sb" "$@" >"$work/out" 2>"$work/err"
}

# 1. The run script on a sample results file.
sample=tests/data/sample-a.sbr
PATH=$bin:$PATH lava/smmubench-lava.sh --results "$sample" --output "$work/out1" \
	>"$work/log1" 2>"$work/err"
check "smmubench-lava.sh --results exits 0" test $? = 0
check "lava-test-case printed LAVA_SIGNAL_TESTCASE lines" \
	grep -q '^<LAVA_SIGNAL_TESTCASE TEST_CASE_ID=sample-a.op.map.p50 RESULT=pass UNITS=ns MEASUREMENT=' "$work/log1"
check_signals "$work/log1" "$sample"
rc=$?
sed 's/^/# /' "$work/out" "$work/err" | tail -n 3
check "LAVA's parser: each series' p50 and p99 equal report's" test "$rc" = 0
check "lava-test-case kept the measurement in LAVA_RESULT_DIR" \
	test "$(cat "$LAVA_RESULT_DIR/results/sample-a.op.map.p99/measurement" 2>/dev/null)" = \
	"$("$sb" report -f csv "$sample" | awk -F, '$1 == "op.map" { print $9 }')"
check "the results file is kept in --output" cmp -s "$sample" "$work/out1/sample-a.sbr"

# 2. The definition's run step as LAVA runs it (run.sh: the parameters as
# shell variables, then the steps, from the repository's top), on a
# stand-in smmubench whose 'run' writes a results file made of seeded
# latencies and whose other commands are the real tool's.
for w in attach map; do
	gen "$(printf '%d' "'$w")" 400 1 | "$sb" import -m "$w" -o "$work/$w.src" - 2>"$work/err"
done
cat >"$work/smmubench" <<EOF
#!/bin/sh
[ "\$1" = run ] || exec "$sb" "\$@"
w= o=
while [ \$# -gt 0 ]; do
	case "\$1" in --workload) w=\$2 ;; -o) o=\$2 ;; esac
	shift
done
cp "$work/\$w.src" "\$o"
EOF
chmod +x "$work/smmubench"
lava_steps run "$work/run.sh" SUITE=attach,map DEVICE=0000:00:0a.0 \
	ITERATIONS=400 OUTPUT="$work/run.sh.out"
(PATH=$bin:$PATH SMMUBENCH=$work/smmubench sh -e "$work/run.sh") >"$work/log2" 2>"$work/err"
check "the definition's run step exits 0" test $? = 0
check "the suite's runs are test cases that pass" \
	bash -c "grep -q 'TEST_CASE_ID=attach.run RESULT=pass' '$work/log2' && grep -q 'TEST_CASE_ID=map.run RESULT=pass' '$work/log2'"
check_signals "$work/log2" "$work/run.sh.out/attach.results" "$work/run.sh.out/map.results"
rc=$?
sed 's/^/# /' "$work/out" "$work/err" | tail -n 3
check "LAVA's parser: the suite's p50 and p99 equal report's" test "$rc" = 0

# Usage errors are errors, not test cases.
lava/smmubench-lava.sh --suite map >/dev/null 2>"$work/err"
check "no --device: usage error (exit 2)" test $? = 2
lava/smmubench-lava.sh --install nothing >/dev/null 2>"$work/err"
check "--install with an unknown method: usage error (exit 2)" test $? = 2

done_testing
