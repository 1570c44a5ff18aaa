// SPDX-License-Identifier: GPL-2.0
/*
 * The model of the SVA CD-write lock placements (bench/model): with a
 * fixed seed, split breaks atomicity under concurrent attach/detach and
 * injected failures and keeps a trace of it; wide and per-master do not
 * over at least 100,000 ops; syncs per bind and unbind are exactly what
 * each placement's code implies; wide holds devices_lock longer than
 * split; per-master never takes it on bind; bad parameters are refused.
 */
#include <stdlib.h>
#include <string.h>

#include "bench/model/sbmodel.h"
#include "smmubench/stats.h"
#include "tap.h"

#define SEED 20230810ULL

static struct smmubench_model params(unsigned int placement,
				     unsigned int binders,
				     unsigned int attachers, unsigned long long ops,
				     double fail)
{
	struct smmubench_model p = {
		.abi_version = SMMUBENCH_ABI_VERSION,
		.placement = placement,
		.binders = binders,
		.attachers = attachers,
		.processes = 4,
		.devices = 4,
		.ops = ops,
		.fail_ppm = fail * 1e6,
		.seed = SEED,
		.cmd_ns = 50,
		.sync_ns = 300,
		.observe_ns = 100000,
	};
	return p;
}

static unsigned long long total(const struct smmubench_model *p)
{
	unsigned long long v = 0;
	unsigned int k;

	for (k = 0; k < SMMUBENCH_MODEL_V__MAX; k++)
		v += p->violations[k];
	return v;
}

/* Runs @p; keeps the model in *@out (if given) for its traces. */
static int run(struct smmubench_model *p, struct sbm **out)
{
	char reason[SMMUBENCH_REASON_LEN];
	struct sbm *m;
	int ret;

	ret = sbm_check_params(p, 0, reason);
	if (ret) {
		fprintf(stderr, "# bad params: %s\n", reason);
		return ret;
	}
	m = sbm_create(p, NULL, 0, 0);
	if (!m)
		return -1;
	ret = sbm_run(m);
	if (out)
		*out = m;
	else
		sbm_destroy(m);
	return ret;
}

static void print_trace(const char *t)
{
	const char *nl;

	while (t && *t) {
		nl = strchr(t, '\n');
		fprintf(stderr, "# %.*s\n", nl ? (int)(nl - t) : (int)strlen(t),
			t);
		t = nl ? nl + 1 : NULL;
	}
}

/*
 * The observer sees a stale CD only if it scans before the master that
 * kept it is attached again (which rewrites its CDs), so one run may miss
 * it however often the rollback fails: up to 5 more seeds, or the check
 * fails.
 */
static bool stale_split(const struct smmubench_model *first)
{
	struct smmubench_model p = *first;
	int tries;

	for (tries = 0; tries <= 5; tries++) {
		if (tries) {
			p = params(SMMUBENCH_MODEL_SPLIT, 2, 2, 20000, 0.05);
			p.seed = first->seed + tries;
			if (run(&p, NULL))
				return false;
		}
		if (p.violations[SMMUBENCH_MODEL_V_STALE]) {
			fprintf(stderr, "# stale_cd found in run %d\n", tries + 1);
			return true;
		}
	}
	return false;
}

static bool whole_rollback_story(const char *t)
{
	return strstr(t, "CD write FAILS") && strstr(t, "detach master") &&
	       strstr(t, "VIOLATION") && strstr(t, "bind on master");
}

/*
 * Split's failures are races: a run shows them only if an attach or a
 * detach lands between a bind's write and its rollback, and the trace of
 * one is cut from a ring of the last 1024 events, so a binder descheduled
 * long enough (a loaded machine) loses the start of its op. Up to 5 more
 * seeds for a run that shows a missed rollback and a failed bind's CD with
 * a whole trace; *@p and *@m are that run's (the last one tried if none).
 */
static int split_run(struct smmubench_model *p, struct sbm **m)
{
	int tries, ret = 0;

	for (tries = 0; tries <= 5; tries++) {
		if (tries) {
			fprintf(stderr, "# split showed too little, seed %d more\n", tries);
			sbm_destroy(*m);
			*m = NULL;
		}
		*p = params(SMMUBENCH_MODEL_SPLIT, 2, 2, 20000, 0.05);
		p->seed += tries;
		ret = run(p, m);
		if (ret || (p->violations[SMMUBENCH_MODEL_V_ROLLBACK] &&
			    p->violations[SMMUBENCH_MODEL_V_FAILED_LEFT] &&
			    whole_rollback_story(sbm_trace(*m, SMMUBENCH_MODEL_V_ROLLBACK))))
			break;
	}
	return ret;
}

static void test_split_breaks(void)
{
	struct smmubench_model p;
	struct sbm *m = NULL;
	const char *t;
	unsigned int k;

	tap_ok(!split_run(&p, &m), "split: ran");
	tap_ok(p.bind_failures > 0, "split: failures injected (%llu)",
	       (unsigned long long)p.bind_failures);
	tap_ok(p.violations[SMMUBENCH_MODEL_V_ROLLBACK] > 0,
	       "split: rollback misses a master the write reached (%llu)",
	       (unsigned long long)p.violations[SMMUBENCH_MODEL_V_ROLLBACK]);
	tap_ok(p.violations[SMMUBENCH_MODEL_V_FAILED_LEFT] > 0,
	       "split: a failed bind leaves a CD behind (%llu)",
	       (unsigned long long)p.violations[SMMUBENCH_MODEL_V_FAILED_LEFT]);
	tap_ok(stale_split(&p),
	       "split: a master keeps a CD of a PASID it is not bound to (%llu)",
	       (unsigned long long)p.violations[SMMUBENCH_MODEL_V_STALE]);
	t = m ? sbm_trace(m, SMMUBENCH_MODEL_V_ROLLBACK) : "";
	tap_ok(whole_rollback_story(t),
	       "split: the rollback trace shows the failure, the detach and the violation");
	fprintf(stderr, "# split, first rollback_missed:\n");
	print_trace(t);
	for (k = 0; m && k < SMMUBENCH_MODEL_V__MAX; k++) {
		if (p.violations[k])
			tap_ok(sbm_trace(m, k)[0] != '\0',
			       "split: a trace is kept for %s",
			       sbm_violation_name(k));
	}
	tap_ok(p.trace[0] != '\0',
	       "split: the first trace is returned in the params");
	sbm_destroy(m);
}

/* >= 100,000 ops with attachers and failures: no violation. */
static void test_atomic(unsigned int placement)
{
	struct smmubench_model p = params(placement, 2, 2, 50000, 0.05);
	const char *name = sbm_placement_name(placement);
	unsigned long long ops;

	tap_ok(!run(&p, NULL), "%s: ran", name);
	ops = p.binds + p.unbinds;
	tap_ok(ops >= 100000, "%s: %llu ops >= 100000", name, ops);
	tap_ok(p.bind_failures > 1000 && p.attaches + p.detaches > 1000,
	       "%s: %llu failed binds, %llu attaches/detaches", name,
	       (unsigned long long)p.bind_failures,
	       (unsigned long long)(p.attaches + p.detaches));
	tap_ok(p.scans > 0, "%s: the observer scanned %llu times", name,
	       (unsigned long long)p.scans);
	tap_ok(total(&p) == 0, "%s: no violation (%llu)", name, total(&p));
	if (placement == SMMUBENCH_MODEL_PER_MASTER)
		tap_ok(p.devlock_bind == 0,
		       "per-master: devices_lock never taken on bind (%llu)",
		       (unsigned long long)p.devlock_bind);
}

/*
 * Without attachers the master list is fixed at D: a domain-wide install
 * is 2 syncs per master (body, V bit), a clear 1 per master, an unbind
 * adds the TLBI ASID sync; per-master touches one master.
 */
static void test_syncs_exact(void)
{
	static const struct {
		unsigned int placement;
		unsigned long long bind, unbind;
	} want[] = {
		{ SMMUBENCH_MODEL_SPLIT, 2 * 3, 3 + 1 },
		{ SMMUBENCH_MODEL_WIDE, 2 * 3, 3 + 1 },
		{ SMMUBENCH_MODEL_PER_MASTER, 2, 1 + 1 },
	};
	struct smmubench_model p;
	unsigned int i;

	for (i = 0; i < 3; i++) {
		const char *name = sbm_placement_name(want[i].placement);

		p = params(want[i].placement, 2, 0, 5000, 0);
		p.devices = 3;
		tap_ok(!run(&p, NULL), "%s: ran without failures", name);
		tap_ok(p.syncs_bind_min == want[i].bind &&
		       p.syncs_bind_max == want[i].bind &&
		       p.syncs_bind == want[i].bind * p.binds,
		       "%s, 3 masters: syncs per bind exactly %llu (min %llu max %llu)",
		       name, want[i].bind,
		       (unsigned long long)p.syncs_bind_min,
		       (unsigned long long)p.syncs_bind_max);
		tap_ok(p.syncs_unbind_min == want[i].unbind &&
		       p.syncs_unbind_max == want[i].unbind &&
		       p.syncs_unbind == want[i].unbind * p.unbinds,
		       "%s, 3 masters: syncs per unbind exactly %llu (min %llu max %llu)",
		       name, want[i].unbind,
		       (unsigned long long)p.syncs_unbind_min,
		       (unsigned long long)p.syncs_unbind_max);
	}
}

/*
 * With failures: a per-master failed bind writes nothing (0 syncs); a
 * domain-wide one failing at the k-th master of D made k installs and D
 * clears: 2k + D syncs, k < D.
 */
static void test_syncs_failures(void)
{
	struct smmubench_model p = params(SMMUBENCH_MODEL_PER_MASTER, 2, 2,
					  20000, 0.1);
	unsigned long long d = 4, extra;

	tap_ok(!run(&p, NULL), "per-master with failures and attachers: ran");
	tap_ok(p.syncs_bind == 2 * (p.binds - p.bind_failures) &&
	       p.syncs_unbind == 2 * p.unbinds,
	       "per-master: syncs = 2 per successful bind, 0 per failed one, 2 per unbind (%llu, %llu)",
	       (unsigned long long)p.syncs_bind,
	       (unsigned long long)p.syncs_unbind);

	p = params(SMMUBENCH_MODEL_WIDE, 1, 0, 20000, 0.1);
	tap_ok(!run(&p, NULL), "wide with failures: ran");
	extra = p.syncs_bind - 2 * d * (p.binds - p.bind_failures) -
		d * p.bind_failures;
	tap_ok(p.syncs_bind_min == d && p.syncs_bind_max == 3 * d - 2 &&
	       extra % 2 == 0 && extra <= 2 * (d - 1) * p.bind_failures,
	       "wide: syncs per failed bind = 2k + D, k < D (min %llu max %llu)",
	       (unsigned long long)p.syncs_bind_min,
	       (unsigned long long)p.syncs_bind_max);
}

#define HOLD_SAMPLES	(1U << 16)	/* per series: every bind hold below */

/* The median of binder 0's devices_lock holds on bind paths, or -1. */
static double median_bind_hold(struct smmubench_model *p)
{
	const unsigned long long *v;
	uint64_t *sorted = NULL;
	double med = -1;
	unsigned long nr;
	struct sbm *m;

	m = sbm_create(p, NULL, 0, HOLD_SAMPLES);
	if (!m || sbm_run(m))
		goto out;
	v = sbm_samples(m, 0, SBM_S_DEVLOCK_BIND_HOLD, &nr);
	sorted = malloc(nr * sizeof(*sorted));
	if (!nr || !sorted)
		goto out;
	memcpy(sorted, v, nr * sizeof(*sorted));
	if (!sb_stats__sort_u64(sorted, nr))
		med = sb_stats__median(sorted, nr);
out:
	free(sorted);
	sbm_destroy(m);
	return med;
}

/*
 * One binder, no attacher: both placements see the same failures. Medians,
 * not means: on a machine shared with other work a descheduled holder
 * adds milliseconds to a few holds of microseconds, which moves a mean
 * (seen: split's above wide's with 3 CPU hogs on 2 cores) but not a
 * median.
 */
static void test_hold(void)
{
	struct smmubench_model s = params(SMMUBENCH_MODEL_SPLIT, 1, 0, 20000,
					  0.2);
	struct smmubench_model w = params(SMMUBENCH_MODEL_WIDE, 1, 0, 20000,
					  0.2);
	double ms = median_bind_hold(&s), mw = median_bind_hold(&w);

	tap_ok(ms >= 0 && mw >= 0, "split and wide: ran, with hold samples");
	tap_ok(s.binds == w.binds && s.bind_failures == w.bind_failures &&
	       s.syncs_bind == w.syncs_bind,
	       "same seed, one binder: the same binds, failures and syncs");
	tap_ok(s.devlock_bind == s.binds + s.bind_failures &&
	       w.devlock_bind == w.binds,
	       "devices_lock per bind: split 1 + 1 per failure, wide 1");
	tap_ok(s.devlock_bind_holds <= HOLD_SAMPLES &&
	       w.devlock_bind_holds <= HOLD_SAMPLES,
	       "every bind hold is sampled (%llu, %llu)",
	       (unsigned long long)s.devlock_bind_holds,
	       (unsigned long long)w.devlock_bind_holds);
	tap_ok(mw > ms, "wide holds devices_lock longer than split on bind (median %.0f ns > %.0f ns)",
	       mw, ms);
}

static void test_deterministic(void)
{
	struct smmubench_model a = params(SMMUBENCH_MODEL_SPLIT, 1, 0, 10000,
					  0.1);
	struct smmubench_model b = a;
	int ret;

	tap_ok(!run(&a, NULL) && !run(&b, NULL), "two seeded runs");
	tap_ok(a.binds == b.binds && a.bind_failures == b.bind_failures &&
	       a.syncs_bind == b.syncs_bind &&
	       a.syncs_unbind == b.syncs_unbind,
	       "one binder, no attacher: the same seed gives the same counts");
	b = a;
	b.seed++;
	ret = run(&b, NULL);
	tap_ok(!ret && b.bind_failures != a.bind_failures,
	       "another seed, other failures (%llu vs %llu)",
	       (unsigned long long)b.bind_failures,
	       (unsigned long long)a.bind_failures);
}

static void test_bad_params(void)
{
	static const struct {
		const char *field;
		const char *want;
	} cases[] = {
		{ "binders", "binders 0: want 1..16" },
		{ "devices", "devices 17: want 1..16" },
		{ "processes", "want 1..63 PASIDs" },
		{ "placement", "placement 3: no such placement" },
		{ "fail_ppm", "fail_ppm 1000001" },
		{ "ops", "ops 0" },
		{ "observe_ns", "observe_ns 10" },
		{ "reserved", "reserved_in[0] is not zero" },
		{ "abi", "abi_version 0" },
		{ "sync_table", "set both or neither" },
		{ "nr_sync_table", "nr_sync_table 1048577: want 0..1048576" },
		{ "pad", "pad is not zero" },
	};
	char reason[SMMUBENCH_REASON_LEN];
	struct smmubench_model p;
	unsigned int i;
	int ret;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		p = params(SMMUBENCH_MODEL_WIDE, 2, 2, 10, 0);
		switch (i) {
		case 0:
			p.binders = 0;
			break;
		case 1:
			p.devices = 17;
			break;
		case 2:
			p.processes = 32;
			break;
		case 3:
			p.placement = 3;
			break;
		case 4:
			p.fail_ppm = 1000001;
			break;
		case 5:
			p.ops = 0;
			break;
		case 6:
			p.observe_ns = 10;
			break;
		case 7:
			p.reserved_in[0] = 1;
			break;
		case 8:
			p.abi_version = 0;
			break;
		case 9:
			p.nr_sync_table = 5;
			break;
		case 10:
			p.sync_table = 1;
			p.nr_sync_table = SMMUBENCH_MODEL_MAX_SYNC_TABLE + 1;
			break;
		case 11:
			p.pad = 1;
			break;
		}
		ret = sbm_check_params(&p, 0, reason);
		tap_ok(ret < 0 && strstr(reason, cases[i].want),
		       "bad %s refused: '%s'", cases[i].field, reason);
	}
	tap_ok(sbm_placement_lookup("per-master") == SMMUBENCH_MODEL_PER_MASTER &&
	       sbm_placement_lookup("narrow") < 0,
	       "placements are looked up by name");
}

int main(void)
{
	test_bad_params();
	test_syncs_exact();
	test_syncs_failures();
	test_hold();
	test_deterministic();
	test_split_breaks();
	test_atomic(SMMUBENCH_MODEL_WIDE);
	test_atomic(SMMUBENCH_MODEL_PER_MASTER);
	return tap_done();
}
