// SPDX-License-Identifier: GPL-2.0
/*
 * Per-series summaries of one results file in text, CSV or JSON. The
 * columns are data (as in perf lock's struct lock_key), so the three
 * formats cannot drift apart.
 */
#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "smmubench/report.h"
#include "smmubench/stats.h"

struct column {
	const char *header;	/* text and JSON */
	const char *csv;	/* CSV header */
	size_t off;		/* double in struct sb_summary */
};

#define COL(h, c, f) { h, c, offsetof(struct sb_summary, f) }

static const struct column columns[] = {
	COL("min", "min", min),
	COL("p50", "p50", p50),
	COL("p90", "p90", p90),
	COL("p99", "p99", p99),
	COL("p99.9", "p99_9", p999),
	COL("max", "max", max),
	COL("mean", "mean", mean),
	COL("stddev", "stddev", stddev),
};

#define NR_COLUMNS (sizeof(columns) / sizeof(columns[0]))

static double col_value(const struct sb_summary *s, const struct column *c)
{
	return *(const double *)((const char *)s + c->off);
}

int sb_format__parse(const char *s, enum sb_format *fmt)
{
	if (!strcmp(s, "text"))
		*fmt = SB_FORMAT_TEXT;
	else if (!strcmp(s, "csv"))
		*fmt = SB_FORMAT_CSV;
	else if (!strcmp(s, "json"))
		*fmt = SB_FORMAT_JSON;
	else
		return -EINVAL;
	return 0;
}

char *sb_fmt_time(double ns, char *buf, size_t size)
{
	static const struct { double div; const char *unit; } units[] = {
		{ 1e9, "s" }, { 1e6, "ms" }, { 1e3, "us" },
	};
	size_t i;

	if (isnan(ns)) {
		snprintf(buf, size, "-");
		return buf;
	}
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (fabs(ns) >= units[i].div) {
			snprintf(buf, size, "%.2f %s", ns / units[i].div,
				 units[i].unit);
			return buf;
		}
	}
	snprintf(buf, size, "%.0f ns", ns);
	return buf;
}

/* A value in the series' unit, for people. */
static char *fmt_value(const struct sb_series *s, double v, char *buf,
		       size_t size)
{
	if (!strcmp(s->unit, "ns"))
		return sb_fmt_time(v, buf, size);
	snprintf(buf, size, "%.4g", v);
	return buf;
}

void sb_json_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c == '\t')
			fputs("\\t", out);
		else if (c < 0x20 || c == 0x7f)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

/* JSON has no NaN; a missing figure is null. */
static void json_num(FILE *out, double v)
{
	if (isnan(v) || isinf(v))
		fputs("null", out);
	else
		fprintf(out, "%.17g", v);
}

/* Meta values may hold anything; one line per value for people and CSV. */
static void put_clean(FILE *out, const char *s)
{
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '\t')
			fputs("\\t", out);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c < 0x20 || c == 0x7f)
			fputc('?', out);
		else
			fputc(c, out);
	}
}

static bool selected(const struct sb_series *s,
		     const struct sb_report_opts *o)
{
	return !o->series_glob || !fnmatch(o->series_glob, s->name, 0);
}

/* Summaries of the selected series; entries with n == 0 are empty ones. */
static struct sb_summary *summarize_all(const struct sb_results *r,
					const struct sb_report_opts *o)
{
	struct sb_summary *sum = calloc(r->nr_series + 1, sizeof(*sum));
	size_t i;
	int err;

	if (!sum)
		return NULL;
	for (i = 0; i < r->nr_series; i++) {
		if (!selected(&r->series[i], o))
			continue;
		err = sb_series__summarize(&r->series[i], &sum[i]);
		if (err && err != -ENODATA) {
			free(sum);
			return NULL;
		}
	}
	return sum;
}

static void text_header(const struct sb_results *r, FILE *out,
			const struct sb_report_opts *o)
{
	size_t i, w = 6;

	fprintf(out, "smmubench report%s%s\n\n", o->file ? ": " : "",
		o->file ? o->file : "");
	for (i = 0; i < r->nr_meta; i++)
		if (strlen(r->meta[i].key) > w)
			w = strlen(r->meta[i].key);
	for (i = 0; i < r->nr_meta; i++) {
		fprintf(out, "  %-*s  ", (int)w, r->meta[i].key);
		put_clean(out, r->meta[i].value);
		fputc('\n', out);
	}
	if (r->nr_params) {
		fprintf(out, "  %-*s ", (int)w, "params");
		for (i = 0; i < r->nr_params; i++) {
			fprintf(out, " %s=", r->params[i].key);
			put_clean(out, r->params[i].value);
		}
		fputc('\n', out);
	}
	fputc('\n', out);
}

static void text_series(const struct sb_results *r, FILE *out,
			const struct sb_summary *sum,
			const struct sb_report_opts *o)
{
	size_t i, c, w = 6;
	bool any_hist = false;
	char buf[32];

	for (i = 0; i < r->nr_series; i++)
		if (selected(&r->series[i], o) && strlen(r->series[i].name) > w)
			w = strlen(r->series[i].name);
	fprintf(out, "%-*s %-10s %9s", (int)w, "series", "kind", "count");
	for (c = 0; c < NR_COLUMNS; c++)
		fprintf(out, " %10s", columns[c].header);
	fputc('\n', out);
	for (i = 0; i < r->nr_series; i++) {
		const struct sb_series *s = &r->series[i];

		if (!selected(s, o))
			continue;
		snprintf(buf, sizeof(buf), "%s%s", sb_series_kind__name(s->kind),
			 sum[i].from_hist ? "*" : "");
		any_hist |= sum[i].from_hist;
		fprintf(out, "%-*s %-10s %9llu", (int)w, s->name, buf,
			(unsigned long long)sum[i].n);
		for (c = 0; c < NR_COLUMNS && sum[i].n; c++)
			fprintf(out, " %10s", fmt_value(s, col_value(&sum[i],
				&columns[c]), buf, sizeof(buf)));
		fputs(sum[i].n ? "\n" : "  (no samples)\n", out);
	}
	if (any_hist)
		fprintf(out, "* estimated from histogram buckets (docs/statistics.md)\n");
}

/* Count series (unit "1", e.g. CMD_SYNCs per op) read better as a mean. */
static void text_counts(const struct sb_results *r, FILE *out,
			const struct sb_summary *sum,
			const struct sb_report_opts *o)
{
	bool first = true;
	size_t i;

	for (i = 0; i < r->nr_series; i++) {
		const struct sb_series *s = &r->series[i];

		if (s->kind != SB_KIND_COUNT || !selected(s, o) || !sum[i].n)
			continue;
		if (first)
			fprintf(out, "\nper op:\n");
		first = false;
		fprintf(out, "  %-30s %.3f per op (p50 %.4g, max %.4g)\n",
			s->name, sum[i].mean, sum[i].p50, sum[i].max);
	}
}

/* Dropped or lost events mean every figure above undercounts. */
static bool is_loss(const struct sb_counter *c)
{
	return c->supported && c->value &&
	       (strstr(c->name, "drop") || strstr(c->name, "lost"));
}

static void text_counters(const struct sb_results *r, FILE *out)
{
	size_t i, w = 6;

	if (!r->nr_counters)
		return;
	for (i = 0; i < r->nr_counters; i++)
		if (strlen(r->counters[i].name) > w)
			w = strlen(r->counters[i].name);
	fprintf(out, "\ncounters:\n");
	for (i = 0; i < r->nr_counters; i++) {
		const struct sb_counter *c = &r->counters[i];

		if (c->supported)
			fprintf(out, "  %-*s %llu%s\n", (int)w, c->name,
				(unsigned long long)c->value,
				is_loss(c) ? "  (events lost: figures are incomplete)" : "");
		else
			fprintf(out, "  %-*s unsupported\n", (int)w,
				r->counters[i].name);
	}
}

static void csv_print(const struct sb_results *r, FILE *out,
		      const struct sb_summary *sum,
		      const struct sb_report_opts *o)
{
	size_t i, c;

	for (i = 0; i < r->nr_meta; i++) {
		fprintf(out, "# meta %s=", r->meta[i].key);
		put_clean(out, r->meta[i].value);
		fputc('\n', out);
	}
	for (i = 0; i < r->nr_params; i++) {
		fprintf(out, "# param %s=", r->params[i].key);
		put_clean(out, r->params[i].value);
		fputc('\n', out);
	}
	for (i = 0; i < r->nr_counters; i++) {
		if (r->counters[i].supported)
			fprintf(out, "# counter %s=%llu\n", r->counters[i].name,
				(unsigned long long)r->counters[i].value);
		else
			fprintf(out, "# counter %s=unsupported\n",
				r->counters[i].name);
	}
	fprintf(out, "series,kind,unit,source,count");
	for (c = 0; c < NR_COLUMNS; c++)
		fprintf(out, ",%s", columns[c].csv);
	fputc('\n', out);
	for (i = 0; i < r->nr_series; i++) {
		const struct sb_series *s = &r->series[i];

		if (!selected(s, o))
			continue;
		fprintf(out, "%s,%s,%s,%s,%llu", s->name,
			sb_series_kind__name(s->kind), s->unit,
			sum[i].from_hist ? "hist" : "samples",
			(unsigned long long)sum[i].n);
		for (c = 0; c < NR_COLUMNS; c++) {
			if (sum[i].n)
				fprintf(out, ",%.17g", col_value(&sum[i],
								 &columns[c]));
			else
				fputc(',', out);
		}
		fputc('\n', out);
	}
}

static void json_kvs(FILE *out, const char *name, const struct sb_kv *kv,
		     size_t nr)
{
	size_t i;

	fprintf(out, "  \"%s\": {", name);
	for (i = 0; i < nr; i++) {
		fputs(i ? ", " : "", out);
		sb_json_str(out, kv[i].key);
		fputs(": ", out);
		sb_json_str(out, kv[i].value);
	}
	fputs("},\n", out);
}

static void json_print(const struct sb_results *r, FILE *out,
		       const struct sb_summary *sum,
		       const struct sb_report_opts *o)
{
	bool first = true;
	size_t i, c;

	fprintf(out, "{\n  \"schema\": \"smmubench-report\",\n  \"version\": 1,\n  \"file\": ");
	if (o->file)
		sb_json_str(out, o->file);
	else
		fputs("null", out);
	fputs(",\n", out);
	json_kvs(out, "meta", r->meta, r->nr_meta);
	json_kvs(out, "params", r->params, r->nr_params);
	fputs("  \"series\": [", out);
	for (i = 0; i < r->nr_series; i++) {
		const struct sb_series *s = &r->series[i];

		if (!selected(s, o))
			continue;
		fprintf(out, "%s\n    {\"name\": \"%s\", \"kind\": \"%s\", \"unit\": \"%s\", \"source\": \"%s\", \"count\": %llu",
			first ? "" : ",", s->name,
			sb_series_kind__name(s->kind), s->unit,
			sum[i].from_hist ? "hist" : "samples",
			(unsigned long long)sum[i].n);
		first = false;
		for (c = 0; c < NR_COLUMNS; c++) {
			fprintf(out, ", \"%s\": ", columns[c].csv);
			json_num(out, sum[i].n ? col_value(&sum[i],
						 &columns[c]) : NAN);
		}
		fputc('}', out);
	}
	fputs("\n  ],\n  \"counters\": [", out);
	for (i = 0; i < r->nr_counters; i++) {
		fprintf(out, "%s\n    {\"name\": \"%s\", \"supported\": %s, \"value\": ",
			i ? "," : "", r->counters[i].name,
			r->counters[i].supported ? "true" : "false");
		if (r->counters[i].supported)
			fprintf(out, "%llu}",
				(unsigned long long)r->counters[i].value);
		else
			fputs("null}", out);
	}
	fputs("\n  ]\n}\n", out);
}

int sb_report__print_opts(const struct sb_results *r, FILE *out,
			  enum sb_format fmt,
			  const struct sb_report_opts *opts)
{
	static const struct sb_report_opts none;
	const struct sb_report_opts *o = opts ? opts : &none;
	struct sb_summary *sum = summarize_all(r, o);

	if (!sum)
		return -ENOMEM;
	switch (fmt) {
	case SB_FORMAT_TEXT:
		text_header(r, out, o);
		text_series(r, out, sum, o);
		text_counts(r, out, sum, o);
		text_counters(r, out);
		break;
	case SB_FORMAT_CSV:
		csv_print(r, out, sum, o);
		break;
	case SB_FORMAT_JSON:
		json_print(r, out, sum, o);
		break;
	}
	free(sum);
	return ferror(out) ? -EIO : 0;
}

int sb_report__print(const struct sb_results *r, FILE *out,
		     enum sb_format fmt)
{
	return sb_report__print_opts(r, out, fmt, NULL);
}

/* The first word of meta method.@func: how the tracer attached it. */
static void func_method(const struct sb_results *r, const char *func,
			char *buf, size_t len)
{
	char key[SB_NAME_MAX];
	const char *m;

	snprintf(key, sizeof(key), "method.%s", func);
	m = sb_results__meta(r, key);
	snprintf(buf, len, "%.*s", m ? (int)strcspn(m, " ") : 1, m ? m : "-");
}

int sb_report__print_funcs(const struct sb_results *r, FILE *out)
{
	char method[32], key[SB_NAME_MAX], v[3][32];
	const struct sb_counter *c;
	struct sb_summary sum;
	bool any_hist = false;
	uint64_t count;
	size_t i;
	int err;

	fprintf(out, "%-34s %-11s %8s %10s %10s %10s\n", "FUNCTION", "METHOD",
		"COUNT", "P50", "P99", "MAX");
	for (i = 0; i < r->nr_series; i++) {
		const struct sb_series *s = &r->series[i];
		const char *func = s->name + 5;

		if (s->kind != SB_KIND_FUNC || strncmp(s->name, "func.", 5))
			continue;
		err = sb_series__summarize(s, &sum);
		if (err && err != -ENODATA)
			return err;
		if (err)
			sum.n = 0;
		snprintf(key, sizeof(key), "count.func.%s", func);
		c = sb_results__counter(r, key);
		count = c && c->supported ? c->value : sum.n;
		func_method(r, func, method, sizeof(method));
		sb_fmt_time(sum.p50, v[0], sizeof(v[0]));
		sb_fmt_time(sum.p99, v[1], sizeof(v[1]));
		sb_fmt_time(sum.max, v[2], sizeof(v[2]));
		fprintf(out, "%-34s %-11s %8llu %10s %10s %10s\n", func, method,
			(unsigned long long)count, sum.n ? v[0] : "-",
			sum.n ? v[1] : "-", sum.n ? v[2] : "-");
		any_hist |= sum.n && sum.from_hist;
	}
	if (any_hist)
		fprintf(out, "(percentiles from in-kernel histograms, interpolated in their buckets as report does: docs/statistics.md)\n");
	return 0;
}
