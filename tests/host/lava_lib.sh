# SPDX-License-Identifier: GPL-2.0
# LAVA's own code, from Debian's lava-common and lava-dispatcher packages
# that scripts/deps unpacks under build/lava (never installed), for the
# tests of the LAVA test definition: tests/host/lava.t on this host and
# tests/machine/arm64.t on the emulated Debian arm64 machine. Needs $top.

lava=$top/build/lava
lava_py=/usr/bin/python3
lava_pypath=$lava/lava-common/usr/lib/python3/dist-packages:$lava/lava-dispatcher/usr/lib/python3/dist-packages
lava_shell_dir=$lava/lava-dispatcher/usr/lib/python3/dist-packages/lava_dispatcher/lava_test_shell

# lava_ready: LAVA's packages are unpacked.
lava_ready() {
	[ -f "$lava_shell_dir/lava-test-case" ] &&
		[ -d "$lava/lava-common/usr/lib/python3/dist-packages/lava_common" ]
}

# lava_helpers DIR: LAVA's test-shell helpers in DIR as lava-test-shell
# lays them out on a device (to put on PATH): with the interpreter line
# LAVA prepends.
lava_helpers() {
	local h
	mkdir -p "$1"
	for h in lava-test-case lava-common-functions; do
		{ echo '#!/bin/sh'; cat "$lava_shell_dir/$h"; } >"$1/$h"
		chmod +x "$1/$h"
	done
}

# lava_steps PART OUT [NAME=VALUE...]: lava/smmubench.yaml's PART steps
# (install or run) as LAVA's run.sh has them: the parameters as shell
# variables (the definition's defaults, then the given ones), set -e, the
# steps; run from the repository's top.
lava_steps() {
	"$lava_py" - "$top/lava/smmubench.yaml" "$@" <<'PY'
import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
part, out = sys.argv[2], sys.argv[3]
p = dict(d["params"])
for kv in sys.argv[4:]:
    k, v = kv.split("=", 1)
    assert k in p, "not a parameter of the definition: " + k
    p[k] = v
with open(out, "w") as f:
    f.write("".join("%s='%s'\n" % kv for kv in p.items()))
    f.write("set -e\n")
    f.write("".join(s + "\n" for s in d[part]["steps"]))
PY
}

# lava_check_signals SB LOG FILE...: LAVA's parser over LOG; passes when
# every series of each results FILE is reported (p50, p99) with the
# numbers of SB's report, and nothing else but WORKLOAD.run cases, which
# must pass. Prints what it checked or what is wrong.
lava_check_signals() {
	PYTHONPATH=$lava_pypath "$lava_py" - "$@" <<'PY'
import csv, io, os, re, subprocess, sys
from lava_dispatcher.actions.test.shell import TestShellAction, handle_testcase
from lava_dispatcher.connection import SignalMatch

sb, log, files = sys.argv[1], sys.argv[2], sys.argv[3:]
action = TestShellAction()
action._reset_patterns()
pattern = re.compile(action.patterns["signal"])
got = {}
for line in open(log, errors="replace"):
    m = pattern.search(line)
    if not m or m.group(1) != "TESTCASE":
        continue
    res = SignalMatch().match(handle_testcase(m.group(2).split()))
    assert res["test_case_id"] not in got, "twice: " + res["test_case_id"]
    got[res["test_case_id"]] = res
want = {}
for f in files:
    run = os.path.splitext(os.path.basename(f))[0]
    out = subprocess.run([sb, "report", "-f", "csv", f], check=True,
                         capture_output=True, text=True).stdout
    rows = csv.DictReader(l for l in io.StringIO(out) if not l.startswith("#"))
    for r in rows:
        for q in ("p50", "p99"):
            want["%s.%s.%s" % (run, r["series"], q)] = float(r[q])
assert want, "no series in " + " ".join(files)
for case, value in want.items():
    assert case in got, "missing " + case
    g = got.pop(case)
    assert g["result"] == "pass", (case, g)
    assert g["measurement"] == value, (case, g["measurement"], value)
    assert g["units"] in ("ns", "count"), (case, g)
for case, g in got.items():
    assert case.endswith(".run") and g["result"] == "pass", ("extra", case, g)
print("%d test cases checked" % len(want))
PY
}
