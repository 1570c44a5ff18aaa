// SPDX-License-Identifier: GPL-2.0
/*
 * The counter table of smmubench compare: per counter, the mean per run
 * of each side, and the delta when both sides count it, in each format.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "smmubench/report.h"

/*
 * A counter over a side's runs: their mean, or unsupported if a run could
 * not count it (an unsupported count is never averaged in as 0).
 */
enum counter_state { COUNTER_ABSENT, COUNTER_UNSUPPORTED, COUNTER_VALUE };

static enum counter_state side__counter(const struct side *sd,
					const char *name, double *mean)
{
	const struct sb_counter *c;
	double sum = 0;
	size_t i;

	for (i = 0; i < sd->nr_runs; i++) {
		c = sb_results__counter(sd->runs[i], name);
		if (!c)
			return COUNTER_ABSENT;
		if (!c->supported)
			return COUNTER_UNSUPPORTED;
		sum += c->value;
	}
	*mean = sum / sd->nr_runs;
	return COUNTER_VALUE;
}

static void fmt_counter(enum counter_state st, double v, char *buf,
			size_t len)
{
	if (st == COUNTER_VALUE)
		snprintf(buf, len, "%.15g", v);
	else
		snprintf(buf, len, st == COUNTER_ABSENT ? "-" : "unsupported");
}

/* A counter's row: both sides' means as text, and the delta if both count. */
struct counter_cmp {
	enum counter_state sa, sb;
	double ma, mb;
	char va[32], vb[32];
	bool has_delta;
	double delta_pct;
};

static void counter_cmp(const struct side *a, const struct side *b,
			const char *name, struct counter_cmp *c)
{
	c->ma = c->mb = 0;
	c->sa = side__counter(a, name, &c->ma);
	c->sb = side__counter(b, name, &c->mb);
	fmt_counter(c->sa, c->ma, c->va, sizeof(c->va));
	fmt_counter(c->sb, c->mb, c->vb, sizeof(c->vb));
	c->has_delta = c->sa == COUNTER_VALUE && c->sb == COUNTER_VALUE &&
		       c->ma > 0;
	c->delta_pct = c->has_delta ? (c->mb / c->ma - 1) * 100 : 0;
}

/* Counters whose row would say nothing: the text table lists them. */
static bool counter_unsupported(const struct counter_cmp *c)
{
	return c->sa == COUNTER_UNSUPPORTED && c->sb == COUNTER_UNSUPPORTED;
}

static bool counter_zero(const struct counter_cmp *c)
{
	return c->sa == COUNTER_VALUE && c->sb == COUNTER_VALUE && !c->ma &&
	       !c->mb;
}

void compare_each_counter(const struct side *a, const struct side *b,
			  void (*fn)(FILE *, const char *, const struct side *,
				     const struct side *, bool),
			  FILE *out)
{
	const struct sb_results *ra = a->runs[0], *rb = b->runs[0];
	bool first = true;
	size_t i;

	for (i = 0; i < ra->nr_counters; i++, first = false)
		fn(out, ra->counters[i].name, a, b, first);
	for (i = 0; i < rb->nr_counters; i++) {
		if (sb_results__counter(ra, rb->counters[i].name))
			continue;
		fn(out, rb->counters[i].name, a, b, first);
		first = false;
	}
}

void compare_text_counter(FILE *out, const char *name, const struct side *a,
			 const struct side *b, bool first)
{
	struct counter_cmp c;
	char d[32] = "";

	counter_cmp(a, b, name, &c);
	if (counter_unsupported(&c) || counter_zero(&c))
		return;
	if (c.has_delta)
		snprintf(d, sizeof(d), "%+.2f%%", c.delta_pct);
	fprintf(out, "%-40s %16s %16s %9s\n", name, c.va, c.vb, d);
}

/* Lists a counter whose row would say nothing: "u NAME" or "z NAME". */
static void text_dull(FILE *list, const char *name, const struct side *a,
		      const struct side *b, bool first)
{
	struct counter_cmp c;

	counter_cmp(a, b, name, &c);
	if (counter_unsupported(&c))
		fprintf(list, "u %s\n", name);
	else if (counter_zero(&c))
		fprintf(list, "z %s\n", name);
}

/* The names of @list's lines tagged @tag, on one line after @what. */
static void text_dull_line(FILE *out, const char *list, char tag,
			   const char *what)
{
	const char *p, *nl;
	size_t n = 0;

	for (p = list; (nl = strchr(p, '\n')); p = nl + 1)
		n += *p == tag;
	if (!n)
		return;
	fprintf(out, "%zu counter%s %s:", n, n == 1 ? "" : "s", what);
	for (p = list, n = 0; (nl = strchr(p, '\n')); p = nl + 1)
		if (*p == tag)
			fprintf(out, "%s %.*s", n++ ? "," : "",
				(int)(nl - p - 2), p + 2);
	fputc('\n', out);
}

/*
 * Counters unsupported on both sides, and counters zero on both, one line
 * each: a row each would fill a screen with "unsupported" and zeros.
 */
void compare_text_dull_counters(FILE *out, const struct side *a,
			       const struct side *b)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *list = open_memstream(&buf, &size);

	if (!list)
		return;
	compare_each_counter(a, b, text_dull, list);
	if (!fclose(list)) {
		text_dull_line(out, buf, 'z', "zero on both sides");
		text_dull_line(out, buf, 'u', "unsupported on both sides");
	}
	free(buf);
}

void compare_json_counter(FILE *out, const char *name, const struct side *a,
			 const struct side *b, bool first)
{
	const struct side *sides[2] = { a, b };
	static const char *const keys[2] = { "base", "new" };
	enum counter_state st;
	double m = 0;
	int k;

	fprintf(out, "%s\n      {\"counter\": \"%s\"", first ? "" : ",", name);
	for (k = 0; k < 2; k++) {
		st = side__counter(sides[k], name, &m);
		fprintf(out, ", \"%s\": ", keys[k]);
		if (st == COUNTER_VALUE)
			fprintf(out, "%.17g", m);
		else
			fputs(st == COUNTER_ABSENT ? "null" : "\"unsupported\"",
			      out);
	}
	fputc('}', out);
}

/* Labels are free text: quote them, doubling quotes (RFC 4180). */
void compare_csv_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s == '\n' ? ' ' : *s, out);
	}
	fputs("\",", out);
}

void compare_md_counter(FILE *out, const char *name, const struct side *a,
		       const struct side *b, bool first)
{
	struct counter_cmp c;
	char d[32] = "";

	if (first)
		fputs("| counter (mean per run) | base | new | delta |\n|---|--:|--:|--:|\n",
		      out);
	counter_cmp(a, b, name, &c);
	if (c.has_delta)
		snprintf(d, sizeof(d), "%+.2f%%", c.delta_pct);
	fprintf(out, "| `%s` | %s | %s | %s |\n", name, c.va, c.vb, d);
}

/*
 * A counter in the CSV table: unit "counter", the mean per run in the
 * median columns (or "unsupported"), "counter" in the test column.
 */
void compare_csv_counter(FILE *out, const char *name, const struct side *a,
			const struct side *b, bool first)
{
	struct counter_cmp c;
	char d[32] = "";

	counter_cmp(a, b, name, &c);
	if (c.has_delta)
		snprintf(d, sizeof(d), "%.17g", c.delta_pct);
	fprintf(out, "%s,counter,", name);
	compare_csv_str(out, a->label);
	compare_csv_str(out, b->label);
	fprintf(out, "%zu,%zu,%s,%s,%s,,,,,counter,\n", a->nr_runs,
		b->nr_runs, c.sa == COUNTER_ABSENT ? "" : c.va,
		c.sb == COUNTER_ABSENT ? "" : c.vb, d);
}
