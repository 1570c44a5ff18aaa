// SPDX-License-Identifier: GPL-2.0
/*
 * One statistics path: the FUNCTION table smmubench trace prints is read
 * from the results file it writes (sb_report__print_funcs()), and its P50,
 * P99 and MAX must be the p50, p99 and max smmubench report prints for the
 * same file, function by function: on the tracer's own results files of
 * the test bed (raw samples), and on a histogram-only trace (the tracer's
 * in-kernel histograms, kept when a call was lost or --no-raw).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smmubench/report.h"
#include "smmubench/results.h"
#include "tap.h"

/* One printed value: "530.88 us", "812 ns", or "-". */
struct row {
	char name[SB_NAME_MAX];
	char p50[160], p99[160], max[160];
};

static void two_words(char *dst, size_t len, const char *a, const char *b)
{
	snprintf(dst, len, "%s %s", a, b);
}

/* The tracer's rows: FUNCTION METHOD COUNT P50 P99 MAX, values of 2 words. */
static int funcs_rows(char *text, struct row *rows, int max)
{
	char w[9][64], *line, *save = NULL;
	int n = 0;

	for (line = strtok_r(text, "\n", &save); line && n < max;
	     line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '(' ||	/* the footnote */
		    sscanf(line, "%63s %63s %63s %63s %63s %63s %63s %63s %63s",
			   w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7],
			   w[8]) != 9 || !strcmp(w[0], "FUNCTION"))
			continue;
		snprintf(rows[n].name, sizeof(rows[n].name), "func.%s", w[0]);
		two_words(rows[n].p50, sizeof(rows[n].p50), w[3], w[4]);
		two_words(rows[n].p99, sizeof(rows[n].p99), w[5], w[6]);
		two_words(rows[n].max, sizeof(rows[n].max), w[7], w[8]);
		n++;
	}
	return n;
}

/* report's row of series @name: series kind count min p50 p90 p99 p99.9 max. */
static int report_row(const char *text, const char *name, struct row *r)
{
	char w[15][64], pat[SB_NAME_MAX + 8];
	const char *p;

	snprintf(pat, sizeof(pat), "\n%.*s ", SB_NAME_MAX, name);
	p = strstr(text, pat);
	if (!p || sscanf(p + 1, "%63s %63s %63s %63s %63s %63s %63s %63s %63s %63s %63s %63s %63s %63s %63s",
			 w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7], w[8],
			 w[9], w[10], w[11], w[12], w[13], w[14]) != 15)
		return -ENOENT;
	two_words(r->p50, sizeof(r->p50), w[5], w[6]);
	two_words(r->p99, sizeof(r->p99), w[9], w[10]);
	two_words(r->max, sizeof(r->max), w[13], w[14]);
	return 0;
}

/* Every function row equals report's; returns the rows compared. */
static int check(const struct sb_results *r, const char *what)
{
	char *funcs = NULL, *rep = NULL;
	size_t flen = 0, rlen = 0;
	struct row rows[64], want;
	FILE *f;
	int i, n, err;

	f = open_memstream(&funcs, &flen);
	err = sb_report__print_funcs(r, f);
	fclose(f);
	f = open_memstream(&rep, &rlen);
	err = err ?: sb_report__print(r, f, SB_FORMAT_TEXT);
	fclose(f);
	tap_ok(!err, "%s: both tables printed", what);
	n = funcs_rows(funcs, rows, 64);
	for (i = 0; i < n; i++) {
		err = report_row(rep, rows[i].name, &want);
		tap_ok(!err && !strcmp(rows[i].p50, want.p50) &&
		       !strcmp(rows[i].p99, want.p99) &&
		       !strcmp(rows[i].max, want.max),
		       "%s: %s: trace p50 %s p99 %s max %s, report %s %s %s", what,
		       rows[i].name, rows[i].p50, rows[i].p99, rows[i].max,
		       err ? "-" : want.p50, err ? "-" : want.p99,
		       err ? "-" : want.max);
	}
	free(funcs);
	free(rep);
	return n;
}

static void check_file(const char *rel, int min_rows)
{
	char path[1200], err[256];
	struct sb_results *r = NULL;
	int n;

	snprintf(path, sizeof(path), "%s/%s", tap_top(), rel);
	if (sb_results__read(path, &r, err, sizeof(err))) {
		tap_ok(0, "%s: read (%s)", rel, err);
		return;
	}
	n = check(r, rel);
	tap_ok(n >= min_rows, "%s: %d function rows (at least %d)", rel, n,
	       min_rows);
	sb_results__free(r);
}

/* A trace kept as histograms: buckets as the tracer's log-linear ones. */
static void check_hist(void)
{
	static const struct { uint64_t lo, hi, count; } b[] = {
		{ 3584, 4096, 3 }, { 4096, 4608, 40 }, { 4608, 5120, 9 },
		{ 7168, 8192, 1 }, { 49152, 57344, 2 },
	};
	struct sb_results *r = sb_results__new();
	struct sb_series *s;
	size_t i;
	int err;

	s = r ? sb_results__series(r, "func.arm_smmu_sync_cd", "ns",
				   SB_KIND_FUNC) : NULL;
	err = s ? 0 : -ENOMEM;
	for (i = 0; !err && i < sizeof(b) / sizeof(b[0]); i++)
		err = sb_series__add_bucket(s, b[i].lo, b[i].hi, b[i].count);
	err = err ?: sb_results__set_meta(r, "method.arm_smmu_sync_cd",
					  "fentry arm_smmu_sync_cd 0x1000");
	err = err ?: sb_results__set_counter(r, "count.func.arm_smmu_sync_cd", 55);
	tap_ok(!err, "histogram trace built");
	if (!err)
		tap_ok(check(r, "histogram trace") == 1, "histogram trace: one row");
	sb_results__free(r);
}

int main(void)
{
	check_file("results/testbed/6.1/trace-attach-1t.results.gz", 5);
	check_file("results/testbed/6.12/trace-attach-1t.results.gz", 5);
	check_hist();
	return tap_done();
}
