// SPDX-License-Identifier: GPL-2.0
/*
 * analysis/fleet.c against values worked out by hand: each machine's
 * median as one observation (half-integer medians, histogram-only
 * machines, machines without the series), the smallest p that m and n
 * machines allow, the normal approximation held to it, and the check that
 * a fleet is one kernel on one device type.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "smmubench/fleet.h"
#include "tap.h"

/* A machine's results file: @n samples of op.x (none if @v is NULL). */
static struct sb_results *machine(const char *kernel, const uint64_t *v,
				  size_t n)
{
	struct sb_results *r = sb_results__new();
	struct sb_series *s;
	size_t i;

	if (!r)
		return NULL;
	sb_results__set_meta(r, "kernel_release", "%s", kernel);
	sb_results__set_meta(r, "cpu", "neoverse-n1");
	s = sb_results__series(r, v ? "op.x" : "op.other", "ns", SB_KIND_OP);
	for (i = 0; s && i < n; i++)
		sb_series__add_value(s, v ? v[i] : 1);
	return r;
}

static void test_min_p(void)
{
	char msg[512];

	tap_near(sb_fleet__min_p(2, 2), 1.0 / 3, 1e-12, "2 vs 2 machines: p >= 1/3");
	tap_near(sb_fleet__min_p(3, 3), 0.1, 1e-12, "3 vs 3 machines: p >= 2/20");
	tap_near(sb_fleet__min_p(4, 4), 2.0 / 70, 1e-12, "4 vs 4 machines: p >= 2/70");
	tap_near(sb_fleet__min_p(3, 5), 2.0 / 56, 1e-12, "3 vs 5 machines: p >= 2/56");
	tap_near(sb_fleet__min_p(1, 1), 1, 0, "1 vs 1 machine: p = 1");
	tap_near(sb_fleet__min_p(0, 4), 1, 0, "no machine on a side: p = 1");
	tap_ok(!sb_fleet__too_few(4, 4, 0.05, msg, sizeof(msg)),
	       "4 vs 4 machines can reach alpha 0.05");
	tap_ok(sb_fleet__too_few(2, 2, 0.05, msg, sizeof(msg)) &&
	       strstr(msg, "smallest possible p is 0.333") &&
	       strstr(msg, "takes 4 machines per side"),
	       "2 vs 2 machines cannot reach alpha 0.05, and 4 a side can: %s",
	       msg);
	tap_ok(sb_fleet__too_few(4, 4, 0.01, msg, sizeof(msg)) &&
	       strstr(msg, "takes 5 machines per side"),
	       "alpha 0.01 takes 5 machines a side (2/252 < 0.01 <= 2/70)");
	tap_ok(!strcmp(sb_fleet__describe(3, 3, msg, sizeof(msg)),
		       "fleet: 3 machines per side, each machine's median is one observation"),
	       "describe: 3 machines per side");
	tap_ok(!strcmp(sb_fleet__describe(2, 5, msg, sizeof(msg)),
		       "fleet: 2 base machines, 5 new machines, each machine's median is one observation"),
	       "describe: unequal fleets name both sizes");
}

static void test_compare(void)
{
	static const uint64_t a1[] = { 4, 5 }, a2[] = { 10, 10, 10 },
			      a3[] = { 3 }, b1[] = { 4 }, b2[] = { 20 },
			      b3[] = { 30, 30, 31 };
	struct sb_results *a[4] = {
		machine("6.12", a1, 2), machine("6.12", a2, 3),
		machine("6.12", a3, 1), machine("6.12", NULL, 3),
	};
	struct sb_results *b[3] = {
		machine("6.12", b1, 1), machine("6.12", b2, 1),
		machine("6.12", b3, 3),
	};
	struct sb_series *h;
	struct sb_fleet_cmp c;
	size_t i;
	int err;

	/* A machine with buckets only: its median from them, 40 here. */
	h = sb_results__find_series(b[1], "op.x");
	h->nr_samples = 0;
	sb_series__add_bucket(h, 30, 50, 10);
	err = sb_fleet__compare((const struct sb_results *const *)a, 4,
				(const struct sb_results *const *)b, 3, "op.x",
				&c);
	tap_ok(!err && c.tested, "a fleet comparison is made (%d)", err);
	tap_ok(c.na == 3 && c.nb == 3,
	       "a machine without the series is left out (%zu, %zu)", c.na,
	       c.nb);
	/* Base medians 4.5, 10, 3; new 4, 40 (buckets), 30. */
	tap_near(c.ma, 4.5, 0, "base: the median of the machines' medians");
	tap_near(c.mb, 30, 0, "new: the median of the machines' medians");
	/*
	 * Pairs base > new: 4.5 > 4 and 10 > 4, so U = 2 (4.5 rounded to 4
	 * would be a tie); exact p = 2 P(U <= 2) = 2 * 4/20.
	 */
	tap_near(c.mwu.u, 2, 0, "U counts machine pairs, a half median kept");
	tap_ok(c.mwu.exact, "3 vs 3 machines without ties: exact test");
	tap_near(c.mwu.p, 0.4, 1e-12, "p of 3 vs 3 machines with U = 2");
	tap_near(c.min_p, 0.1, 1e-12, "the smallest p of 3 vs 3 machines");
	tap_ok(isnan(c.ci_lo) && isnan(c.ci_hi),
	       "no CI with fewer than %d machines a side", SB_FLEET_CI_MIN);
	err = sb_fleet__compare((const struct sb_results *const *)a, 4,
				(const struct sb_results *const *)b, 3,
				"op.none", &c);
	tap_ok(!err && !c.tested && !c.na && !c.nb,
	       "a series no machine has: not tested");
	for (i = 0; i < 4; i++)
		sb_results__free(a[i]);
	for (i = 0; i < 3; i++)
		sb_results__free(b[i]);
}

/*
 * 2 vs 2 machines with ties: the normal approximation alone would give
 * p = 0.194 (U = 0, sigma^2 = 4/3), below the 1/3 that any arrangement of
 * four machines allows.
 */
static void test_ties(void)
{
	static const uint64_t lo[] = { 100 }, hi[] = { 200 };
	struct sb_results *a[2] = { machine("6.12", lo, 1),
				    machine("6.12", lo, 1) };
	struct sb_results *b[2] = { machine("6.12", hi, 1),
				    machine("6.12", hi, 1) };
	struct sb_fleet_cmp c;

	sb_fleet__compare((const struct sb_results *const *)a, 2,
			  (const struct sb_results *const *)b, 2, "op.x", &c);
	tap_ok(!c.mwu.exact && c.mwu.ties, "tied machines: normal approximation");
	tap_near(c.mwu.p, 1.0 / 3, 1e-12,
		 "tied 2 vs 2 machines: p held to the exact bound 1/3");
	sb_results__free(a[0]);
	sb_results__free(a[1]);
	sb_results__free(b[0]);
	sb_results__free(b[1]);
}

static void test_check(void)
{
	static const uint64_t v[] = { 1 };
	struct sb_results *r[3] = { machine("6.12.1", v, 1),
				    machine("6.12.1", v, 1),
				    machine("6.12.9", v, 1) };
	const char *paths[3] = { "m1.results", "m2.results", "m3.results" };
	char err[512] = "";
	size_t i;

	tap_ok(!sb_fleet__check((const struct sb_results *const *)r, paths, 2,
				err, sizeof(err)),
	       "machines on one kernel and CPU make a fleet");
	tap_ok(sb_fleet__check((const struct sb_results *const *)r, paths, 3,
			       err, sizeof(err)) == -EINVAL &&
	       strstr(err, "m3.results: meta kernel_release is '6.12.9' where m1.results has '6.12.1'"),
	       "another kernel: refused, naming the file and the key: %s",
	       err);
	sb_results__set_meta(r[2], "kernel_release", "6.12.1");
	sb_results__set_meta(r[1], "platform", "ampere,mtjade");
	tap_ok(sb_fleet__check((const struct sb_results *const *)r, paths, 3,
			       err, sizeof(err)) == -EINVAL &&
	       strstr(err, "m2.results: meta platform is 'ampere,mtjade' where m1.results has '(unset)'"),
	       "a device type set on one machine only: refused: %s", err);
	for (i = 0; i < 3; i++)
		sb_results__free(r[i]);
}

int main(void)
{
	test_min_p();
	test_compare();
	test_ties();
	test_check();
	return tap_done();
}
