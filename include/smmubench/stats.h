/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Statistics for report and compare. Definitions (quantile type, tests,
 * confidence intervals) are stated in docs/statistics.md.
 */
#ifndef SMMUBENCH_STATS_H
#define SMMUBENCH_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "smmubench/results.h"
#include "smmubench/rng.h"

/* Exact Mann-Whitney p-values are used when both sides have at most this. */
#define SB_MWU_EXACT_MAX 50
/* Replicates of the order-statistic bootstrap for the ratio of medians. */
#define SB_CI_REPS 4000
#define SB_CI_SEED 0x5eed5eedULL

struct sb_summary {
	uint64_t n;
	double min, p50, p90, p99, p999, max;
	double mean, stddev;	/* stddev with n - 1 */
	bool from_hist;		/* estimated from buckets, not samples */
};

struct sb_mwu {
	double u;		/* U of the first sample: pairs a > b, ties 1/2 */
	double z;		/* normal score (0 when exact) */
	double p;		/* two-sided */
	bool exact;
	bool ties;
};

/* Sorts ascending (LSD radix sort: O(n), stable). */
int sb_stats__sort_u64(uint64_t *v, size_t n);

/* Hyndman-Fan type 7 quantile of sorted @v (n > 0), 0 <= q <= 1. */
double sb_stats__quantile(const uint64_t *v, size_t n, double q);

/* The sample median (average of the middle two for even n). */
double sb_stats__median(const uint64_t *v, size_t n);

/* Returns a sorted copy of the values of @s (NULL with errno on failure). */
uint64_t *sb_series__sorted_values(const struct sb_series *s);

int sb_stats__summarize(const uint64_t *sorted, size_t n,
			struct sb_summary *out);
int sb_stats__summarize_hist(const struct sb_hist_bucket *b, size_t nr,
			     struct sb_summary *out);
/* Either from samples (preferred) or from buckets. -ENODATA if empty. */
int sb_series__summarize(const struct sb_series *s, struct sb_summary *out);

/*
 * Two-sided Mann-Whitney U test of sorted @a against sorted @b, with tie
 * correction; exact when both n <= SB_MWU_EXACT_MAX and there are no ties.
 */
int sb_stats__mann_whitney(const uint64_t *a, size_t na, const uint64_t *b,
			   size_t nb, struct sb_mwu *out);

/* P(U <= u) under H0 for sample sizes m, n without ties (m, n <= 50). */
double sb_stats__mwu_cdf(unsigned int m, unsigned int n, double u);

/*
 * Percentile bootstrap CI (@level, e.g. 0.95) of median(b) / median(a)
 * from sorted samples. -EDOM when a median can be zero.
 */
int sb_stats__median_ratio_ci(const uint64_t *a, size_t na,
			      const uint64_t *b, size_t nb, double level,
			      uint64_t seed, unsigned int reps, double *lo,
			      double *hi);

/* Geometric mean of positive @x; NAN if none. */
double sb_stats__geomean(const double *x, size_t n);

#endif /* SMMUBENCH_STATS_H */
