// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the results reader. Beyond "no crash", an accepted
 * input must survive write -> parse unchanged in size: the writer never
 * produces what the reader rejects.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "smmubench/results.h"

static void round_trip(const struct sb_results *r)
{
	struct sb_results *again = NULL;
	char err[512], *buf = NULL;
	size_t len = 0, i;
	FILE *f;

	f = open_memstream(&buf, &len);
	if (!f)
		return;
	if (sb_results__write_stream(r, f)) {
		fclose(f);
		free(buf);
		return;
	}
	fclose(f);
	if (sb_results__parse(buf, len, "rewritten", &again, err,
			      sizeof(err))) {
		fprintf(stderr, "reader rejects the writer's output: %s\n", err);
		abort();
	}
	if (again->nr_series != r->nr_series || again->nr_meta != r->nr_meta)
		abort();
	for (i = 0; i < r->nr_series; i++)
		if (again->series[i].nr_samples != r->series[i].nr_samples)
			abort();
	sb_results__free(again);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sb_results *r = NULL;
	char err[512];

	if (!sb_results__parse((const char *)data, size, "fuzz", &r, err,
			       sizeof(err))) {
		round_trip(r);
		sb_results__free(r);
	} else if (!err[0]) {
		abort();	/* every rejection must say why */
	}
	return 0;
}
