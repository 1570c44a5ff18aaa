/* SPDX-License-Identifier: GPL-2.0 */
/*
 * perf counters around one `smmubench run`, with libperf (not a public
 * API). Which counters, their names in the results and what "unsupported"
 * means are in docs/results-format.md; how they are counted in docs/perf.md.
 */
#ifndef SMMUBENCH_CLI_PERF_COUNTERS_H
#define SMMUBENCH_CLI_PERF_COUNTERS_H

#include <stddef.h>
#include <stdint.h>

#include "smmubench/results.h"

struct sb_perf;
struct perf_event_attr;

/*
 * Finds and opens, disabled, every counter of the list on all CPUs.
 * @root prefixes /sys and the tracefs paths ("" on a real machine; a
 * folder laid out like them in tests). A counter the machine cannot count
 * is kept as unsupported with the reason; only -ENOMEM fails.
 */
int sb_perf__open(struct sb_perf **out, const char *root);
/* These three accept NULL: a run with no counters (--no-perf). */
void sb_perf__enable(struct sb_perf *p);
void sb_perf__disable(struct sb_perf *p);

/*
 * Reads every counter into @r as counter perf.NAME (a count, or
 * unsupported) and sets the meta keys perf_scope, perf_unsupported and
 * perf_scaled (docs/results-format.md). Returns 0 or -errno.
 */
int sb_perf__record(struct sb_perf *p, struct sb_results *r);
void sb_perf__close(struct sb_perf *p);	/* accepts NULL */

/*
 * A CPU list in perf's syntax, e.g. 0-3,6, read by libperf's
 * perf_cpu_map__new(), as a mask of u64 words for CPUs below @max_cpus.
 * 0, or -EINVAL for anything but such a list (also a CPU named twice),
 * -ERANGE for a CPU at or above @max_cpus, -ENOMEM.
 */
int sb_perf__cpu_list(const char *list, uint64_t *mask, unsigned int max_cpus);

/*
 * Sets @attr's type and config for EVENT of the sysfs PMU folder @pmu_dir
 * (events/EVENT as "term=value,...", format/TERM as "configN:lo-hi"), as
 * perf's pmu parser does. Returns 0, or -errno with the reason in @why.
 */
int sb_perf__pmu_event(const char *pmu_dir, const char *event,
		       struct perf_event_attr *attr, char *why, size_t len);

#endif /* SMMUBENCH_CLI_PERF_COUNTERS_H */
