/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the parts of smmubench compare share (not a public API): a side,
 * and the counter table (compare_counters.c) of each output format.
 */
#ifndef SMMUBENCH_CLI_COMPARE_H
#define SMMUBENCH_CLI_COMPARE_H

#include <stdbool.h>
#include <stdio.h>

#include "smmubench/results.h"

#define MAX_SIDES 64

/* One side of a comparison: one run, repeated runs pooled, or a fleet. */
struct side {
	const char *spec;	/* the argument: FILE[,FILE...] */
	char *files;		/* copy of spec, split at commas */
	struct sb_results *runs[MAX_SIDES];
	const char *paths[MAX_SIDES];
	size_t nr_runs;
	char label[SB_VALUE_MAX + 1];
	bool fleet;		/* a run per machine, not pooled */
};

/*
 * Calls @fn (one of the compare_*_counter() below: a counter's row in one
 * format) for each counter of either side, base's first; @first is true
 * for the first call.
 */
void compare_each_counter(const struct side *a, const struct side *b,
			  void (*fn)(FILE *, const char *, const struct side *,
				     const struct side *, bool),
			  FILE *out);

void compare_text_counter(FILE *out, const char *name, const struct side *a,
			  const struct side *b, bool first);
void compare_json_counter(FILE *out, const char *name, const struct side *a,
			  const struct side *b, bool first);
void compare_md_counter(FILE *out, const char *name, const struct side *a,
			const struct side *b, bool first);
void compare_csv_counter(FILE *out, const char *name, const struct side *a,
			 const struct side *b, bool first);

/* The counters a text row would say nothing about, one line each. */
void compare_text_dull_counters(FILE *out, const struct side *a,
				const struct side *b);

/* @s as a quoted CSV field (RFC 4180), with its trailing comma. */
void compare_csv_str(FILE *out, const char *s);

#endif /* SMMUBENCH_CLI_COMPARE_H */
