/* SPDX-License-Identifier: GPL-2.0 */
/* smmubench run's samples and overhead (not a public API). */
#ifndef SMMUBENCH_CLI_RUN_SAMPLES_H
#define SMMUBENCH_CLI_RUN_SAMPLES_H

#include <stddef.h>
#include <stdint.h>

struct sb_results;
struct smmubench_sample;

/* Adds @n samples the module or a binder thread took, by their op. */
int sb_run_add_samples(struct sb_results *r, const struct smmubench_sample *s,
		       size_t n);

/* Reads the run's @total samples from the module into one series per op. */
int sb_run_read_samples(int fd, struct sb_results *r, uint64_t total);

/*
 * The module's own cost: counter overhead_ns (the median empty op) and
 * meta overhead_ratio (against @main_op's median).
 */
int sb_run_set_overhead(struct sb_results *r, const char *main_op);

#endif /* SMMUBENCH_CLI_RUN_SAMPLES_H */
