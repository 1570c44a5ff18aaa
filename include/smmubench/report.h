/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Summaries of a results file, as printed by `smmubench report` and at the
 * end of `smmubench run`.
 */
#ifndef SMMUBENCH_REPORT_H
#define SMMUBENCH_REPORT_H

#include <stdio.h>

#include "smmubench/results.h"

enum sb_format {
	SB_FORMAT_TEXT,		/* aligned, human units */
	SB_FORMAT_CSV,		/* raw ns, "# " header lines */
	SB_FORMAT_JSON,		/* raw ns, one object */
};

/* "text", "csv" or "json"; 0 or -EINVAL. */
int sb_format__parse(const char *s, enum sb_format *fmt);

struct sb_report_opts {
	const char *file;		/* shown in the header; may be NULL */
	const char *series_glob;	/* fnmatch(3) pattern; NULL: all */
};

/*
 * Per series: count, min, p50, p90, p99, p99.9, max, mean, stddev, then
 * counters. Returns 0, or -errno (-ENOMEM) with nothing useful printed.
 */
int sb_report__print(const struct sb_results *r, FILE *out,
		     enum sb_format fmt);
int sb_report__print_opts(const struct sb_results *r, FILE *out,
			  enum sb_format fmt,
			  const struct sb_report_opts *opts);

/*
 * The function table of a trace's results file (smmubench trace prints it
 * from the file it writes): per func.* series, the probe (first word of
 * meta method.NAME), the calls (counter count.func.NAME), and p50, p99 and
 * max as the per-series report computes them. 0 or -errno.
 */
int sb_report__print_funcs(const struct sb_results *r, FILE *out);

/* "812 ns", "1.25 us", "3.40 ms", "2.00 s" into @buf; returns @buf. */
char *sb_fmt_time(double ns, char *buf, size_t size);

/* Writes @s as a JSON string literal, quotes included. */
void sb_json_str(FILE *out, const char *s);

#endif /* SMMUBENCH_REPORT_H */
