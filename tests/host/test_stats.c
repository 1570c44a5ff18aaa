// SPDX-License-Identifier: GPL-2.0
/*
 * analysis/stats.c against known values: quantiles (Hyndman-Fan type 7,
 * as numpy and R compute them), textbook Mann-Whitney examples and table
 * critical values, brute-force enumeration, and seeded simulations.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "smmubench/stats.h"
#include "tap.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static void test_sort(void)
{
	struct sb_rng rng = { .s = 42 };
	size_t n = 200000, i;
	uint64_t *a = malloc(n * sizeof(*a)), *b = malloc(n * sizeof(*b));
	int same;

	for (i = 0; i < n; i++) {
		/* Mix of small latencies, large values and duplicates. */
		a[i] = i % 3 ? sb_rng__next(&rng) % 100000 :
			       sb_rng__next(&rng) >> (i % 64);
		b[i] = a[i];
	}
	sb_stats__sort_u64(a, n);
	qsort(b, n, sizeof(*b), cmp_u64);
	same = !memcmp(a, b, n * sizeof(*a));
	tap_ok(same, "radix sort of %zu values equals qsort", n);
	free(a);
	free(b);
}

static void test_quantiles(void)
{
	static const uint64_t v4[] = { 1, 2, 3, 4 };
	static const uint64_t v10[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	static const uint64_t one[] = { 7 };
	static const uint64_t v8[] = { 2, 4, 4, 4, 5, 5, 7, 9 };
	struct sb_summary s;

	/* numpy.quantile(x, q) (method "linear" = type 7) gives these. */
	tap_near(sb_stats__quantile(v4, 4, 0.5), 2.5, 1e-12, "type 7 median of 1..4");
	tap_near(sb_stats__quantile(v4, 4, 0.25), 1.75, 1e-12, "type 7 q0.25 of 1..4");
	tap_near(sb_stats__quantile(v4, 4, 0.9), 3.7, 1e-12, "type 7 q0.9 of 1..4");
	tap_near(sb_stats__quantile(v10, 10, 0.9), 9.1, 1e-12, "type 7 q0.9 of 1..10");
	tap_near(sb_stats__quantile(v10, 10, 0.99), 9.91, 1e-12, "type 7 q0.99 of 1..10");
	tap_near(sb_stats__quantile(v10, 10, 0.999), 9.991, 1e-12, "type 7 q0.999 of 1..10");
	tap_near(sb_stats__quantile(one, 1, 0.99), 7, 0, "any quantile of one value is the value");
	/* The classic example: mean 5, population sd 2, sample sd sqrt(32/7). */
	sb_stats__summarize(v8, 8, &s);
	tap_near(s.mean, 5, 1e-12, "mean of 2,4,4,4,5,5,7,9");
	tap_near(s.stddev, sqrt(32.0 / 7), 1e-12, "sample stddev of 2,4,4,4,5,5,7,9");
	tap_ok(s.min == 2 && s.max == 9 && s.n == 8, "min, max and count");
}

static void test_hist_summary(void)
{
	static const struct sb_hist_bucket b[] = {
		{ 0, 10, 10 }, { 10, 20, 10 }, { 40, 80, 0 }, { 80, 100, 20 },
	};
	struct sb_summary s;

	sb_stats__summarize_hist(b, 4, &s);
	tap_ok(s.n == 40 && s.from_hist, "hist: count is the sum of buckets");
	tap_near(s.p50, 20, 1e-9, "hist: median interpolated at a bucket edge");
	tap_near(s.p90, 80 + 20 * (16.0 / 20), 1e-9, "hist: p90 interpolated inside a bucket");
	tap_near(s.mean, (10 * 5 + 10 * 15 + 20 * 90) / 40.0, 1e-9, "hist: mean from bucket midpoints");
	tap_ok(s.min == 0 && s.max == 100, "hist: min and max are the outer bucket edges");
}

/* P(U <= u) by enumerating all subsets: an independent check of the DP. */
static double brute_cdf(unsigned int m, unsigned int n, double u)
{
	unsigned int N = m + n, mask, below = 0, total = 0;

	for (mask = 0; mask < (1u << N); mask++) {
		unsigned int k, ones = 0, U = 0;

		if ((unsigned int)__builtin_popcount(mask) != m)
			continue;
		/* Positions with bit set are sample a; U counts a above b. */
		for (k = 0; k < N; k++) {
			if (mask & (1u << k))
				U += k - ones++;
		}
		total++;
		below += U <= u;
	}
	return (double)below / total;
}

static void test_mwu_exact(void)
{
	/* R: wilcox.test(x, y, alternative = "g") gives W = 35, p = 0.1272. */
	static const double x[] = { 0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91,
				    1.64, 0.73, 1.46 };
	static const double y[] = { 1.15, 0.88, 0.90, 0.74, 1.21 };
	uint64_t a[10], b[5];
	struct sb_mwu t;
	int i, bad = 0;

	for (i = 0; i < 10; i++)
		a[i] = llround(x[i] * 100);
	for (i = 0; i < 5; i++)
		b[i] = llround(y[i] * 100);
	sb_stats__sort_u64(a, 10);
	sb_stats__sort_u64(b, 5);
	sb_stats__mann_whitney(a, 10, b, 5, &t);
	tap_near(t.u, 35, 0, "R wilcox.test example: U (W) = 35");
	tap_ok(t.exact && !t.ties, "R example: exact test, no ties");
	tap_near(t.p, 0.2544, 5e-5, "R example: two-sided p = 2 x 0.1272");
	sb_stats__mann_whitney(b, 5, a, 10, &t);
	tap_near(t.u, 15, 0, "R example reversed: U = 50 - 35");
	tap_near(t.p, 0.2544, 5e-5, "R example reversed: same p");

	/* Smallest possible p for 3 vs 3 and 4 vs 4: 2 / C(6,3), 2 / C(8,4). */
	tap_near(sb_stats__mwu_cdf(3, 3, 0), 1.0 / 20, 1e-15, "P(U <= 0), m = n = 3");
	tap_near(sb_stats__mwu_cdf(4, 4, 0), 1.0 / 70, 1e-15, "P(U <= 0), m = n = 4");
	/*
	 * Critical values of two-sided tables at alpha 0.05: the largest u
	 * with P(U <= u) <= 0.025.
	 */
	tap_ok(sb_stats__mwu_cdf(5, 5, 2) <= 0.025 && sb_stats__mwu_cdf(5, 5, 3) > 0.025,
	       "table: critical U for 5 vs 5 is 2");
	tap_ok(sb_stats__mwu_cdf(8, 8, 13) <= 0.025 && sb_stats__mwu_cdf(8, 8, 14) > 0.025,
	       "table: critical U for 8 vs 8 is 13");
	tap_ok(sb_stats__mwu_cdf(10, 10, 23) <= 0.025 && sb_stats__mwu_cdf(10, 10, 24) > 0.025,
	       "table: critical U for 10 vs 10 is 23");
	tap_ok(sb_stats__mwu_cdf(20, 20, 127) <= 0.025 && sb_stats__mwu_cdf(20, 20, 128) > 0.025,
	       "table: critical U for 20 vs 20 is 127");
	tap_near(sb_stats__mwu_cdf(50, 50, 2500), 1, 1e-12, "50 vs 50: the distribution sums to 1");
	tap_near(sb_stats__mwu_cdf(50, 50, 1249) + sb_stats__mwu_cdf(50, 50, 1250), 1, 1e-12,
		 "50 vs 50: symmetric about mn/2");
	for (i = 0; i < 200; i++) {
		unsigned int m = 1 + i % 7, n = 1 + (i / 7) % 8;
		double u = (i * 7919) % (m * n + 1);

		if (fabs(sb_stats__mwu_cdf(m, n, u) - brute_cdf(m, n, u)) > 1e-12)
			bad++;
	}
	tap_ok(!bad, "exact CDF equals enumeration for 200 (m, n, u), m, n <= 8");
}

/* U by counting pairs, p by the tie-corrected normal formula. */
static void test_mwu_ties(void)
{
	static const uint64_t a[] = { 1, 2, 2, 3, 3, 3, 4, 5, 5, 6, 7, 7 };
	static const uint64_t b[] = { 2, 3, 4, 4, 5, 6, 6, 7, 8, 8, 9, 9, 9 };
	size_t na = 12, nb = 13, i, j;
	double u = 0, ties = 0, N = na + nb, var, z;
	uint64_t v;
	struct sb_mwu t;

	for (i = 0; i < na; i++)
		for (j = 0; j < nb; j++)
			u += a[i] > b[j] ? 1 : a[i] == b[j] ? 0.5 : 0;
	for (v = 0; v < 10; v++) {
		double c = 0;

		for (i = 0; i < na; i++)
			c += a[i] == v;
		for (j = 0; j < nb; j++)
			c += b[j] == v;
		ties += c * c * c - c;
	}
	var = na * nb / 12.0 * ((N + 1) - ties / (N * (N - 1)));
	z = (fabs(u - na * nb / 2.0) - 0.5) / sqrt(var);
	sb_stats__mann_whitney(a, na, b, nb, &t);
	tap_near(t.u, u, 1e-9, "ties: U from midranks equals pair counting");
	tap_ok(t.ties && !t.exact, "ties: normal approximation used");
	tap_near(t.p, erfc(z / M_SQRT2), 1e-12, "ties: tie-corrected p with continuity correction");
	tap_ok(t.p > 0.01 && t.p < 0.1, "ties: b is shifted up, p = %.4f", t.p);
}

static void lognormal(struct sb_rng *rng, uint64_t *v, size_t n, double mu,
		      double scale)
{
	size_t i;

	for (i = 0; i < n; i++)
		v[i] = (uint64_t)(scale * exp(mu + 0.5 * sb_rng__normal(rng)));
	sb_stats__sort_u64(v, n);
}

/* Fraction of trials where two samples of one distribution are "~". */
static double null_rate(uint64_t seed, int trials, size_t n, int *covered)
{
	struct sb_rng rng = { .s = seed };
	uint64_t *a = malloc(n * sizeof(*a)), *b = malloc(n * sizeof(*b));
	struct sb_mwu t;
	int i, same = 0;
	double lo, hi;

	*covered = 0;
	for (i = 0; i < trials; i++) {
		lognormal(&rng, a, n, 7, 1);
		lognormal(&rng, b, n, 7, 1);
		sb_stats__mann_whitney(a, n, b, n, &t);
		same += t.p >= 0.05;
		sb_stats__median_ratio_ci(a, n, b, n, 0.95, i, 1000, &lo, &hi);
		*covered += lo <= 1 && 1 <= hi;
	}
	free(a);
	free(b);
	return (double)same / trials;
}

static void test_simulation(void)
{
	struct sb_rng rng = { .s = 7 };
	size_t n = 1000;
	uint64_t *a = malloc(n * sizeof(*a)), *b = malloc(n * sizeof(*b));
	struct sb_mwu t;
	double rate, lo, hi;
	int covered, i, found = 0;

	rate = null_rate(1, 200, 100, &covered);
	tap_ok(rate >= 0.95, "200 seeded trials, one distribution, n = 100: '~' in %.1f%% (>= 95%%)",
	       rate * 100);
	tap_ok(covered >= 0.93 * 200, "same trials: the 95%% CI of the ratio covers 1 in %d of 200",
	       covered);
	/*
	 * A calibrated test says "~" in 1 - alpha of null trials; the bounds
	 * are 3 binomial standard deviations for 1000 trials, and the upper
	 * one catches a test that never finds anything.
	 */
	rate = null_rate(2, 1000, 20, &covered);
	tap_ok(rate >= 0.929 && rate <= 0.99, "1000 null trials, n = 20 (exact): '~' in %.1f%%",
	       rate * 100);
	rate = null_rate(3, 1000, 300, &covered);
	tap_ok(rate >= 0.929 && rate <= 0.99, "1000 null trials, n = 300 (normal): '~' in %.1f%%",
	       rate * 100);

	lognormal(&rng, a, n, 7, 1);
	lognormal(&rng, b, n, 7, 1.10);
	sb_stats__mann_whitney(a, n, b, n, &t);
	sb_stats__median_ratio_ci(a, n, b, n, 0.95, SB_CI_SEED, SB_CI_REPS, &lo, &hi);
	tap_ok(t.p < 0.05, "10%% shift, n = 1000: significant (p = %.2g)", t.p);
	tap_ok(lo > 1 && lo <= 1.10 && hi >= 1.10, "10%% shift: CI of the ratio [%.3f, %.3f] holds 1.10, not 1",
	       lo, hi);
	for (i = 0; i < 50; i++) {
		lognormal(&rng, a, n, 7, 1);
		lognormal(&rng, b, n, 7, 1.10);
		sb_stats__mann_whitney(a, n, b, n, &t);
		found += t.p < 0.05;
	}
	tap_ok(found >= 48, "10%% shift, n = 1000: significant in %d of 50 trials", found);
	free(a);
	free(b);
}

static void test_ci_and_geomean(void)
{
	static const double x[] = { 2, 8 };
	static const double y[] = { 1.1, 1.1, 1.1 };
	uint64_t a[1001], b[1001];
	double lo, hi;
	int i;

	tap_near(sb_stats__geomean(x, 2), 4, 1e-12, "geomean of 2 and 8 is 4");
	tap_near(sb_stats__geomean(y, 3), 1.1, 1e-12, "geomean of equal ratios");
	/* Identical samples: every bootstrap ratio is near 1. */
	for (i = 0; i < 1001; i++)
		a[i] = b[i] = 1000 + i;
	sb_stats__median_ratio_ci(a, 1001, b, 1001, 0.95, 1, 2000, &lo, &hi);
	tap_ok(lo < 1 && hi > 1 && hi - lo < 0.2, "identical samples: CI [%.3f, %.3f] around 1",
	       lo, hi);
	a[0] = 0;
	tap_ok(!sb_stats__median_ratio_ci(a, 1001, b, 1001, 0.95, 1, 100, &lo, &hi),
	       "one zero in the base leaves the ratio defined");
	for (i = 0; i < 600; i++)
		a[i] = 0;
	tap_ok(sb_stats__median_ratio_ci(a, 1001, b, 1001, 0.95, 1, 100, &lo, &hi) == -EDOM,
	       "a zero base median makes the ratio undefined (-EDOM)");
}

int main(void)
{
	test_sort();
	test_quantiles();
	test_hist_summary();
	test_mwu_exact();
	test_mwu_ties();
	test_simulation();
	test_ci_and_geomean();
	return tap_done();
}
