// SPDX-License-Identifier: GPL-2.0
/*
 * perf counters around one `smmubench run`, counted with libperf on every
 * CPU and for every task. The module's work runs in kernel threads (bind:
 * in forked processes) that do not exist before the run starts, so
 * counting per task would miss it; the price is that the counts include
 * whatever else the machine did during the run (docs/perf.md).
 *
 * A counter the machine lacks (no PMU event, no tracepoint, no tracefs,
 * no SMMUv3 PMCG) stays in the list as unsupported, with the reason, so
 * that the results say "unsupported" rather than 0.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/perf_event.h>
#include <perf/core.h>
#include <perf/cpumap.h>
#include <perf/evsel.h>
#include <perf/threadmap.h>

#include "cmd_util.h"
#include "perf_counters.h"
#include "smmubench/num.h"

#define PMU_DEVICES "/sys/bus/event_source/devices"
#define PMCG_PREFIX "smmuv3_pmcg"
#define COUNTER_PREFIX "perf."
#define WHY_MAX 192

/* Core PMU and software events, by perf's names for them. */
static const struct {
	const char *name;
	__u32 type;
	__u64 config;
} generic_events[] = {
	{ "cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES },
	{ "instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS },
	{ "context-switches", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES },
	{ "page-faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS },
};

/*
 * include/trace/events/iommu.h (6.1 and 6.12: detach_device_from_domain
 * is gone in 6.12) and the lock contention tracepoints of 5.19+.
 */
static const char *const tracepoints[] = {
	"iommu:map", "iommu:unmap",
	"iommu:attach_device_to_domain", "iommu:detach_device_from_domain",
	"iommu:add_device_to_group", "iommu:remove_device_from_group",
	"iommu:io_page_fault",
	"lock:contention_begin", "lock:contention_end",
};

/* drivers/perf/arm_smmuv3_pmu.c: the architected PMCG events. */
static const char *const pmcg_events[] = {
	"cycles", "transaction", "tlb_miss", "config_cache_miss",
	"trans_table_walk_access", "config_struct_access",
	"pcie_ats_trans_rq", "pcie_ats_trans_passed",
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct counter {
	char name[SB_NAME_MAX + 1];	/* without COUNTER_PREFIX */
	struct perf_evsel *evsel;	/* NULL: unsupported */
	struct perf_cpu_map *cpus;	/* where it counts (own reference) */
	char why[WHY_MAX];		/* why unsupported */
};

struct sb_perf {
	char root[PATH_MAX / 2];
	char tracefs[PATH_MAX];		/* "" when none is mounted */
	struct perf_thread_map *threads;	/* pid -1: every task */
	struct perf_cpu_map *online;
	struct counter *c;
	size_t nr, cap;
};

/* libperf's own messages would repeat what the reasons below say. */
static int quiet(enum libperf_print_level level, const char *fmt,
		 va_list ap)
{
	return 0;
}

static void pathf(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A path too long for @buf becomes "", a path that does not exist. */
static void pathf(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len)
		buf[0] = '\0';
}

/* sysfs numbers: decimal or 0x hex (PMU event terms), and nothing else. */
static int parse_u64(const char *s, __u64 *out)
{
	uint64_t v;
	int err = sb_parse_u64(s, SB_NUM_HEX, &v);

	if (!err)
		*out = v;
	return err;
}

int sb_perf__cpu_list(const char *list, uint64_t *mask, unsigned int max_cpus)
{
	struct perf_cpu_map *map;
	struct perf_cpu cpu;
	const char *tok;
	uint64_t lo, hi;
	char *dash;
	size_t len;
	int idx;

	/*
	 * libperf takes a list up to its first bad token ("1,x" is CPU 1):
	 * every token must be N or N-M first, so that nothing is dropped.
	 */
	for (tok = list;; tok += len + 1) {
		char buf[32];

		len = strcspn(tok, ",");
		if (!len || len >= sizeof(buf))
			return -EINVAL;
		memcpy(buf, tok, len);
		buf[len] = '\0';
		dash = strchr(buf, '-');
		/* libperf reads 010 as octal: no leading zeros */
		if (sb_parse_range(buf, 0, &lo, &hi) ||
		    (buf[0] == '0' && isdigit((unsigned char)buf[1])) ||
		    (dash && dash[1] == '0' && isdigit((unsigned char)dash[2])))
			return -EINVAL;
		if (hi >= max_cpus)
			return -ERANGE;
		if (!tok[len])
			break;
	}
	map = perf_cpu_map__new(list);
	if (!map)
		return -EINVAL;
	perf_cpu_map__for_each_cpu(cpu, idx, map)
		mask[cpu.cpu / 64] |= 1ULL << (cpu.cpu % 64);
	perf_cpu_map__put(map);
	return 0;
}

/* What an open failure means here, in the words a user can act on. */
static const char *open_error(int err)
{
	switch (err) {
	case ENOENT:
		return "the PMU has no such event";
	case EOPNOTSUPP:
		return "the PMU does not support this event";
	case ENODEV:
		return "no PMU for this event";
	case EACCES:
	case EPERM:
		return "not permitted: run as root (kernel.perf_event_paranoid)";
	case ENOSYS:
		return "the kernel has no perf events (CONFIG_PERF_EVENTS)";
	default:
		return strerror(err);
	}
}

static struct counter *add(struct sb_perf *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A new unsupported counter named from @fmt, or NULL on ENOMEM. */
static struct counter *add(struct sb_perf *p, const char *fmt, ...)
{
	struct counter *c;
	va_list ap;

	if (p->nr == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 32;

		c = realloc(p->c, cap * sizeof(*c));
		if (!c)
			return NULL;
		p->c = c;
		p->cap = cap;
	}
	c = &p->c[p->nr];
	memset(c, 0, sizeof(*c));
	/* Room for the prefix: a longer sysfs name is cut, not refused. */
	va_start(ap, fmt);
	vsnprintf(c->name, sizeof(c->name) - strlen(COUNTER_PREFIX), fmt, ap);
	va_end(ap);
	p->nr++;
	return c;
}

static void why(struct counter *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void why(struct counter *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->why, sizeof(c->why), fmt, ap);
	va_end(ap);
}

/* Makes @c unsupported (again). */
static void drop(struct counter *c)
{
	if (!c->evsel)
		return;
	perf_evsel__close(c->evsel);
	perf_evsel__delete(c->evsel);
	perf_cpu_map__put(c->cpus);
	c->evsel = NULL;
	c->cpus = NULL;
}

/* Opens @c on @cpus for every task; on failure @c stays unsupported. */
static int open_counter(struct sb_perf *p, struct counter *c,
			struct perf_event_attr *attr, struct perf_cpu_map *cpus)
{
	int err;

	attr->size = sizeof(*attr);
	attr->disabled = 1;
	attr->read_format = PERF_FORMAT_TOTAL_TIME_ENABLED |
			    PERF_FORMAT_TOTAL_TIME_RUNNING;
	c->evsel = perf_evsel__new(attr);
	if (!c->evsel)
		return -ENOMEM;
	c->cpus = perf_cpu_map__get(cpus);
	err = perf_evsel__open(c->evsel, cpus, p->threads);
	if (err) {
		drop(c);
		if (err == -ENOMEM)
			return err;
		why(c, "perf_event_open: %s", open_error(-err));
	}
	return 0;
}

static int open_generic(struct sb_perf *p)
{
	struct perf_event_attr attr;
	struct counter *c;
	size_t i;
	int err;

	for (i = 0; i < ARRAY_SIZE(generic_events); i++) {
		c = add(p, "%s", generic_events[i].name);
		if (!c)
			return -ENOMEM;
		memset(&attr, 0, sizeof(attr));
		attr.type = generic_events[i].type;
		attr.config = generic_events[i].config;
		err = open_counter(p, c, &attr, p->online);
		if (err)
			return err;
	}
	return 0;
}

static void find_tracefs(struct sb_perf *p)
{
	static const char *const where[] = {
		"/sys/kernel/tracing", "/sys/kernel/debug/tracing",
	};
	char path[PATH_MAX];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(where); i++) {
		pathf(path, sizeof(path), "%s%s/events", p->root, where[i]);
		if (!access(path, F_OK)) {
			pathf(p->tracefs, sizeof(p->tracefs), "%s%s",
				 p->root, where[i]);
			return;
		}
	}
	p->tracefs[0] = '\0';
}

static int open_tracepoints(struct sb_perf *p)
{
	struct perf_event_attr attr;
	char path[PATH_MAX + 64], id[32];
	struct counter *c;
	size_t i, sys;
	int err;

	find_tracefs(p);
	for (i = 0; i < ARRAY_SIZE(tracepoints); i++) {
		c = add(p, "%s", tracepoints[i]);
		if (!c)
			return -ENOMEM;
		if (!p->tracefs[0]) {
			why(c, "no tracefs mounted (mount -t tracefs nodev /sys/kernel/tracing)");
			continue;
		}
		sys = strcspn(tracepoints[i], ":");
		pathf(path, sizeof(path), "%s/events/%.*s/%s/id", p->tracefs,
			 (int)sys, tracepoints[i], tracepoints[i] + sys + 1);
		err = sb_read_line(path, id, sizeof(id));
		if (err == -ENOENT) {
			why(c, "the kernel has no such tracepoint");
			continue;
		}
		memset(&attr, 0, sizeof(attr));
		attr.type = PERF_TYPE_TRACEPOINT;
		if (err || parse_u64(id, &attr.config)) {
			why(c, "%s: %s", path, err ? strerror(-err) :
			    "not a tracepoint id");
			continue;
		}
		err = open_counter(p, c, &attr, p->online);
		if (err)
			return err;
	}
	return 0;
}

/* format/TERM is "config:lo-hi", "config1:bit" or ranges separated by ",". */
static int apply_format(const char *pmu_dir, const char *term, __u64 value,
			struct perf_event_attr *attr, char *why, size_t len)
{
	char path[PATH_MAX], fmt[128], *colon, *tok, *save = NULL;
	__u64 *field, lo, hi, bit;
	uint64_t r_lo, r_hi;
	int err;

	pathf(path, sizeof(path), "%s/format/%s", pmu_dir, term);
	err = sb_read_line(path, fmt, sizeof(fmt));
	if (err) {
		snprintf(why, len, "%s: %s", path, strerror(-err));
		return err;
	}
	colon = strchr(fmt, ':');
	if (!colon)
		goto bad;
	*colon = '\0';
	if (!strcmp(fmt, "config"))
		field = &attr->config;
	else if (!strcmp(fmt, "config1"))
		field = &attr->config1;
	else if (!strcmp(fmt, "config2"))
		field = &attr->config2;
	else
		goto bad;
	for (tok = strtok_r(colon + 1, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (sb_parse_range(tok, 0, &r_lo, &r_hi) || r_hi > 63)
			goto bad;
		lo = r_lo;
		hi = r_hi;
		/* The value's bits fill the format's bits from the lowest. */
		for (bit = lo; bit <= hi; bit++, value >>= 1)
			*field = (*field & ~(1ULL << bit)) |
				 ((value & 1ULL) << bit);
	}
	if (value) {
		snprintf(why, len, "%s: value too wide for the format", path);
		return -ERANGE;
	}
	return 0;
bad:
	snprintf(why, len, "%s: not a format like config:0-15", path);
	return -EINVAL;
}

int sb_perf__pmu_event(const char *pmu_dir, const char *event,
		       struct perf_event_attr *attr, char *why, size_t len)
{
	char path[PATH_MAX], spec[256], *tok, *save = NULL;
	__u64 type, value;
	int err;

	pathf(path, sizeof(path), "%s/type", pmu_dir);
	err = sb_read_line(path, spec, sizeof(spec));
	if (err || parse_u64(spec, &type) || type > UINT32_MAX) {
		snprintf(why, len, "%s: %s", path,
			 err ? strerror(-err) : "not a PMU type");
		return err ?: -EINVAL;
	}
	memset(attr, 0, sizeof(*attr));
	attr->type = type;
	pathf(path, sizeof(path), "%s/events/%s", pmu_dir, event);
	err = sb_read_line(path, spec, sizeof(spec));
	if (err == -ENOENT)
		snprintf(why, len, "the PMU does not list this event");
	else if (err)
		snprintf(why, len, "%s: %s", path, strerror(-err));
	if (err)
		return err;
	for (tok = strtok_r(spec, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');

		value = 1;
		if (eq) {
			*eq = '\0';
			if (parse_u64(eq + 1, &value)) {
				snprintf(why, len, "%s: '%s' is not a number",
					 path, eq + 1);
				return -EINVAL;
			}
		}
		if (!*tok || strchr(tok, '/') || strstr(tok, "..")) {
			snprintf(why, len, "%s: bad term '%s'", path, tok);
			return -EINVAL;
		}
		err = apply_format(pmu_dir, tok, value, attr, why, len);
		if (err)
			return err;
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_list(char **v, size_t n)
{
	while (n--)
		free(v[n]);
	free(v);
}

/* Sorted names in @dir with @prefix (NULL: any without a dot). */
static int list_dir(const char *dir, const char *prefix, char ***out,
		    size_t *nr)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **v = NULL, **tmp;
	size_t n = 0;

	*out = NULL;
	*nr = 0;
	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' ||
		    (prefix && strncmp(e->d_name, prefix, strlen(prefix))) ||
		    (!prefix && strchr(e->d_name, '.')))
			continue;
		tmp = realloc(v, (n + 1) * sizeof(*v));
		if (tmp) {
			v = tmp;
			v[n] = strdup(e->d_name);
		}
		if (!tmp || !v[n]) {
			free_list(v, n);
			closedir(d);
			return -ENOMEM;
		}
		n++;
	}
	closedir(d);
	if (n)
		qsort(v, n, sizeof(*v), cmp_str);
	*out = v;
	*nr = n;
	return 0;
}

static int open_pmcg_event(struct sb_perf *p, const char *pmu_dir,
			   const char *pmu, const char *event,
			   struct perf_cpu_map *cpus)
{
	struct perf_event_attr attr;
	struct counter *c = add(p, "%s.%s", pmu, event);

	if (!c)
		return -ENOMEM;
	if (sb_perf__pmu_event(pmu_dir, event, &attr, c->why, sizeof(c->why)))
		return 0;
	if (!cpus) {
		why(c, "%s/cpumask: no CPU to count on", pmu_dir);
		return 0;
	}
	return open_counter(p, c, &attr, cpus);
}

/* One PMCG: the architected events, and any other it lists. */
static int open_pmcg(struct sb_perf *p, const char *devices, const char *pmu)
{
	char dir[PATH_MAX], path[PATH_MAX + 16], mask[256];
	struct perf_cpu_map *cpus = NULL;
	char **events;
	size_t i, nr;
	int err;

	pathf(dir, sizeof(dir), "%s/%s", devices, pmu);
	/* An uncore PMU counts on the CPUs of its cpumask only. */
	pathf(path, sizeof(path), "%s/cpumask", dir);
	if (!sb_read_line(path, mask, sizeof(mask)) && mask[0])
		cpus = perf_cpu_map__new(mask);
	pathf(path, sizeof(path), "%s/events", dir);
	err = list_dir(path, NULL, &events, &nr);
	if (err == -ENOMEM)
		goto out;
	err = 0;
	for (i = 0; i < ARRAY_SIZE(pmcg_events) && !err; i++)
		err = open_pmcg_event(p, dir, pmu, pmcg_events[i], cpus);
	for (i = 0; i < nr && !err; i++) {
		size_t k;

		for (k = 0; k < ARRAY_SIZE(pmcg_events); k++)
			if (!strcmp(events[i], pmcg_events[k]))
				break;
		if (k == ARRAY_SIZE(pmcg_events))
			err = open_pmcg_event(p, dir, pmu, events[i], cpus);
	}
	free_list(events, nr);
out:
	perf_cpu_map__put(cpus);
	return err;
}

static int open_pmcgs(struct sb_perf *p)
{
	char devices[PATH_MAX];
	struct counter *c;
	char **pmus;
	size_t i, nr;
	int err;

	pathf(devices, sizeof(devices), "%s%s", p->root, PMU_DEVICES);
	err = list_dir(devices, PMCG_PREFIX, &pmus, &nr);
	if (err == -ENOMEM)
		return err;
	err = 0;	/* no folder: no PMCG */
	for (i = 0; i < nr && !err; i++)
		err = open_pmcg(p, devices, pmus[i]);
	free_list(pmus, nr);
	if (nr || err)
		return err;
	/* Named after the PMU family, so that runs on any machine compare. */
	for (i = 0; i < ARRAY_SIZE(pmcg_events); i++) {
		c = add(p, PMCG_PREFIX ".%s", pmcg_events[i]);
		if (!c)
			return -ENOMEM;
		why(c, "no SMMUv3 PMCG (" PMCG_PREFIX "_*) in " PMU_DEVICES);
	}
	return 0;
}

int sb_perf__open(struct sb_perf **out, const char *root)
{
	struct sb_perf *p;
	int err;

	*out = NULL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	libperf_init(quiet);
	snprintf(p->root, sizeof(p->root), "%s", root);
	p->threads = perf_thread_map__new_dummy();
	/*
	 * The online CPUs: perf_cpu_map__new_online_cpus() says so since 6.9,
	 * but Debian 12's libperf (linux-source-6.1) has only this form.
	 */
	p->online = perf_cpu_map__new(NULL);
	if (!p->threads || !p->online) {
		sb_perf__close(p);
		return -ENOMEM;
	}
	err = open_generic(p);
	err = err ?: open_tracepoints(p);
	err = err ?: open_pmcgs(p);
	if (err) {
		sb_perf__close(p);
		return err;
	}
	*out = p;
	return 0;
}

void sb_perf__enable(struct sb_perf *p)
{
	size_t i;

	for (i = 0; p && i < p->nr; i++)
		if (p->c[i].evsel)
			perf_evsel__enable(p->c[i].evsel);
}

void sb_perf__disable(struct sb_perf *p)
{
	size_t i;

	for (i = 0; p && i < p->nr; i++)
		if (p->c[i].evsel)
			perf_evsel__disable(p->c[i].evsel);
}

/*
 * The count over all CPUs. A counter the PMU multiplexed is scaled up by
 * enabled/running time as perf stat does (*scaled), one that never ran is
 * not a count (-EAGAIN), so it goes down as unsupported.
 */
static int read_counter(struct counter *c, __u64 *value, bool *scaled)
{
	struct perf_counts_values v;
	int idx, n = perf_cpu_map__nr(c->cpus);
	__s8 how;

	*value = 0;
	*scaled = false;
	for (idx = 0; idx < n; idx++) {
		memset(&v, 0, sizeof(v));
		if (perf_evsel__read(c->evsel, idx, 0, &v)) {
			why(c, "reading it failed");
			return -EIO;
		}
		if (v.ena && !v.run) {
			why(c, "never on the PMU during the run (too many events)");
			return -EAGAIN;
		}
		/* perf stat's scaling: val * ena / run when run < ena */
		perf_counts_values__scale(&v, v.run != 0, &how);
		*scaled |= how > 0;
		*value += v.val;
	}
	return 0;
}

/* Appends "NAME" to @buf, after @sep when it is not empty. */
static void append(char *buf, size_t len, const char *sep, const char *s)
{
	size_t off = strlen(buf);

	if (off + strlen(sep) + strlen(s) + 5 >= len) {
		if (!strstr(buf, " ..."))
			snprintf(buf + off, len - off, " ...");
		return;
	}
	snprintf(buf + off, len - off, "%s%s", off ? sep : "", s);
}

/*
 * "a b (REASON); c (REASON2)" with each reason once, in the order first
 * met; at most SB_VALUE_MAX bytes.
 */
static void unsupported_meta(const struct sb_perf *p, char *buf, size_t len)
{
	char group[SB_VALUE_MAX];
	size_t i, k, n;

	buf[0] = '\0';
	for (i = 0; i < p->nr; i++) {
		const struct counter *c = &p->c[i];

		if (c->evsel)
			continue;
		for (k = 0; k < i; k++)
			if (!p->c[k].evsel && !strcmp(p->c[k].why, c->why))
				break;
		if (k < i)
			continue;	/* reason already listed */
		group[0] = '\0';
		for (k = i; k < p->nr; k++)
			if (!p->c[k].evsel && !strcmp(p->c[k].why, c->why))
				append(group, sizeof(group), " ", p->c[k].name);
		n = strlen(group);
		snprintf(group + n, sizeof(group) - n, " (%s)", c->why);
		append(buf, len, "; ", group);
	}
}

int sb_perf__record(struct sb_perf *p, struct sb_results *r)
{
	char scaled_names[SB_VALUE_MAX] = "", unsup[SB_VALUE_MAX];
	char name[sizeof(COUNTER_PREFIX) + SB_NAME_MAX];	/* fits SB_NAME_MAX: see add() */
	size_t i;
	int err = 0;

	if (!p)
		return sb_results__set_meta(r, "perf_scope",
					    "not counted (run --no-perf)");
	for (i = 0; i < p->nr && !err; i++) {
		struct counter *c = &p->c[i];
		bool scaled;
		__u64 v;

		snprintf(name, sizeof(name), COUNTER_PREFIX "%s", c->name);
		if (c->evsel && read_counter(c, &v, &scaled))
			drop(c);
		if (!c->evsel) {
			err = sb_results__set_counter_unsupported(r, name);
			continue;
		}
		if (scaled)
			append(scaled_names, sizeof(scaled_names), " ", c->name);
		err = sb_results__set_counter(r, name, v);
	}
	err = err ?: sb_results__set_meta(r, "perf_scope",
					  "all CPUs, all tasks, while the workload ran (libperf)");
	unsupported_meta(p, unsup, sizeof(unsup));
	if (unsup[0])
		err = err ?: sb_results__set_meta(r, "perf_unsupported", "%s",
						  unsup);
	if (scaled_names[0])
		err = err ?: sb_results__set_meta(r, "perf_scaled",
						  "multiplexed, scaled by enabled/running time: %s",
						  scaled_names);
	return err;
}

void sb_perf__close(struct sb_perf *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->nr; i++)
		drop(&p->c[i]);
	free(p->c);
	perf_cpu_map__put(p->online);
	perf_thread_map__put(p->threads);
	free(p);
}
