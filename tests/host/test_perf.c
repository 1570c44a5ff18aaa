// SPDX-License-Identifier: GPL-2.0
/*
 * The perf counters of `smmubench run` (cli/perf_counters.c) on the host,
 * against folders laid out like sysfs and tracefs: PMU event strings are
 * turned into perf_event_attr as perf does, a machine without tracefs or
 * PMCG gets "unsupported" counters (never 0), and "unsupported" and 0 stay
 * apart through the results writer, the reader and the report.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/perf_event.h>

#include "cli/perf_counters.h"
#include "smmubench/report.h"
#include "smmubench/results.h"
#include "tap.h"

static char tmpdir[] = "/tmp/sb-test-perf.XXXXXX";

/* Writes @text to tmpdir/@rel, making the folders on the way. */
static void put(const char *rel, const char *text)
{
	char path[PATH_MAX], *slash;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	for (slash = strchr(path + strlen(tmpdir) + 1, '/'); slash;
	     slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0755);
		*slash = '/';
	}
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(1);
	}
	fputs(text, f);
	fclose(f);
}

static void test_pmu_event(void)
{
	char dir[PATH_MAX], why[256];
	struct perf_event_attr attr;
	int err;

	/* As drivers/perf/arm_smmuv3_pmu.c lays out a PMCG. */
	put("pmu/type", "42\n");
	put("pmu/format/event", "config:0-15\n");
	put("pmu/format/filter_stream_id", "config1:0-31\n");
	put("pmu/format/filter_enable", "config1:33\n");
	put("pmu/format/split", "config2:0-3,8-11\n");
	put("pmu/format/odd", "cfg:0-3\n");
	put("pmu/events/transaction", "event=0x01\n");
	put("pmu/events/filtered", "event=0x05,filter_enable,filter_stream_id=7\n");
	put("pmu/events/split", "split=0xab\n");
	put("pmu/events/wide", "event=0x10000\n");
	put("pmu/events/nan", "event=zz\n");
	put("pmu/events/oddformat", "odd=1\n");
	snprintf(dir, sizeof(dir), "%s/pmu", tmpdir);

	err = sb_perf__pmu_event(dir, "transaction", &attr, why, sizeof(why));
	tap_ok(!err && attr.type == 42 && attr.config == 1 && !attr.config1,
	       "event=0x01 gives type 42, config 0x1 (err %d)", err);
	err = sb_perf__pmu_event(dir, "filtered", &attr, why, sizeof(why));
	tap_ok(!err && attr.config == 5 && attr.config1 == ((1ULL << 33) | 7),
	       "terms go to their config fields; a bare term means 1 (config1 0x%llx)",
	       (unsigned long long)attr.config1);
	err = sb_perf__pmu_event(dir, "split", &attr, why, sizeof(why));
	tap_ok(!err && attr.config2 == (0xbULL | (0xaULL << 8)),
	       "a value fills a split format from its lowest bit (config2 0x%llx)",
	       (unsigned long long)attr.config2);
	err = sb_perf__pmu_event(dir, "wide", &attr, why, sizeof(why));
	tap_ok(err == -ERANGE && strstr(why, "too wide"),
	       "a value wider than the format is refused: %s", why);
	err = sb_perf__pmu_event(dir, "nan", &attr, why, sizeof(why));
	tap_ok(err == -EINVAL && strstr(why, "events/nan") && strstr(why, "'zz'"),
	       "a bad value names the file and the value: %s", why);
	err = sb_perf__pmu_event(dir, "oddformat", &attr, why, sizeof(why));
	tap_ok(err == -EINVAL && strstr(why, "format/odd"),
	       "a format that is not configN:lo-hi is refused: %s", why);
	err = sb_perf__pmu_event(dir, "tlb_miss", &attr, why, sizeof(why));
	tap_ok(err == -ENOENT && strstr(why, "does not list"),
	       "an event the PMU does not list: %s", why);
}

static const struct sb_counter *counter(const struct sb_results *r,
					const char *name)
{
	const struct sb_counter *c = sb_results__counter(r, name);

	if (!c)
		fprintf(stderr, "# no counter %s\n", name);
	return c;
}

/* Passes when @name is in @r and unsupported. */
static void is_unsupported(const struct sb_results *r, const char *name,
			   const char *what)
{
	const struct sb_counter *c = counter(r, name);

	tap_ok(c && !c->supported, "%s is unsupported: %s", name, what);
}

/* A machine with neither tracefs nor PMCG: those counters are unsupported. */
static void test_bare_machine(void)
{
	struct sb_results *r = sb_results__new(), *back = NULL;
	const struct sb_counter *c;
	struct sb_perf *p = NULL;
	char root[PATH_MAX], path[PATH_MAX], err[512];
	const char *why;
	int ret;

	snprintf(root, sizeof(root), "%s/bare", tmpdir);
	mkdir(root, 0755);
	ret = sb_perf__open(&p, root);
	tap_ok(!ret && p, "opens on a machine without tracefs or PMCG (%d)", ret);
	if (!p)
		return;
	sb_perf__enable(p);
	sb_perf__disable(p);
	sb_results__set_host_meta(r);
	ret = sb_perf__record(p, r);
	sb_perf__close(p);
	tap_ok(!ret, "records into a results file (%d)", ret);

	is_unsupported(r, "perf.iommu:map", "no tracefs");
	is_unsupported(r, "perf.lock:contention_begin", "no tracefs");
	is_unsupported(r, "perf.smmuv3_pmcg.transaction", "no PMCG");
	tap_ok(counter(r, "perf.cycles") && counter(r, "perf.context-switches"),
	       "cycles and context-switches are recorded, counted or unsupported");
	why = sb_results__meta(r, "perf_unsupported");
	tap_ok(why && strstr(why, "iommu:map") && strstr(why, "no tracefs") &&
	       strstr(why, "no SMMUv3 PMCG"),
	       "perf_unsupported says why: %s", why ? why : "(none)");

	/* The point of "unsupported": it must not come back as 0. */
	snprintf(path, sizeof(path), "%s/bare.results", tmpdir);
	ret = sb_results__write(r, path);
	ret = ret ?: sb_results__read(path, &back, err, sizeof(err));
	tap_ok(!ret, "written and read back (%s)", ret ? err : "ok");
	if (back) {
		c = counter(back, "perf.iommu:unmap");
		tap_ok(c && !c->supported && !c->value,
		       "an unsupported counter reads back unsupported");
	}
	sb_results__free(back);
	sb_results__free(r);
}

/*
 * A PMCG and tracepoints the kernel does not know (made-up type and id):
 * each event is listed under the PMCG's own name, and what cannot be
 * opened is unsupported, not 0.
 */
static void test_unknown_pmu(void)
{
	struct sb_results *r = sb_results__new();
	const char *why;
	struct sb_perf *p = NULL;
	char root[PATH_MAX];
	int ret;

	put("fake/sys/bus/event_source/devices/smmuv3_pmcg_fake/type", "999999\n");
	put("fake/sys/bus/event_source/devices/smmuv3_pmcg_fake/cpumask", "0\n");
	put("fake/sys/bus/event_source/devices/smmuv3_pmcg_fake/format/event",
	    "config:0-15\n");
	put("fake/sys/bus/event_source/devices/smmuv3_pmcg_fake/events/transaction",
	    "event=0x01\n");
	put("fake/sys/bus/event_source/devices/smmuv3_pmcg_fake/events/vendor_x",
	    "event=0x80\n");
	put("fake/sys/kernel/tracing/events/iommu/map/id", "999999\n");
	put("fake/sys/kernel/tracing/events/iommu/unmap/id", "not-a-number\n");
	snprintf(root, sizeof(root), "%s/fake", tmpdir);
	ret = sb_perf__open(&p, root);
	tap_ok(!ret && p, "opens with a made-up PMCG and tracepoints (%d)", ret);
	if (!p)
		return;
	ret = sb_perf__record(p, r);
	sb_perf__close(p);
	tap_ok(!ret, "records (%d)", ret);
	is_unsupported(r, "perf.smmuv3_pmcg_fake.transaction",
		       "a PMCG event the kernel cannot open");
	is_unsupported(r, "perf.smmuv3_pmcg_fake.tlb_miss",
		       "an architected event the PMCG lacks");
	is_unsupported(r, "perf.smmuv3_pmcg_fake.vendor_x",
		       "an event beyond the architected ones, listed too");
	tap_ok(!sb_results__counter(r, "perf.smmuv3_pmcg.transaction"),
	       "with a PMCG present, no family-named placeholder");
	is_unsupported(r, "perf.iommu:map",
		       "a tracepoint id the kernel does not know");
	is_unsupported(r, "perf.iommu:unmap", "a bad id file");
	is_unsupported(r, "perf.iommu:attach_device_to_domain",
		       "a tracepoint missing from tracefs");
	why = sb_results__meta(r, "perf_unsupported");
	tap_ok(why && strstr(why, "not a tracepoint id") &&
	       strstr(why, "no such tracepoint"),
	       "perf_unsupported gives both reasons: %s", why ? why : "(none)");
	sb_results__free(r);
}

/* 0 and unsupported stay apart in the report's text and CSV. */
static void test_report(void)
{
	struct sb_results *r = sb_results__new();
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	sb_results__set_host_meta(r);
	sb_results__set_counter(r, "perf.lock:contention_begin", 0);
	sb_results__set_counter_unsupported(r, "perf.instructions");
	f = open_memstream(&buf, &len);
	sb_report__print(r, f, SB_FORMAT_TEXT);
	fclose(f);
	tap_ok(buf && strstr(buf, "perf.instructions") &&
	       strstr(strstr(buf, "perf.instructions"), "unsupported"),
	       "text report: an unsupported counter says unsupported");
	tap_ok(buf && strstr(buf, "perf.lock:contention_begin") &&
	       !strncmp(strstr(buf, "perf.lock:contention_begin") +
			strlen("perf.lock:contention_begin") +
			strspn(strstr(buf, "perf.lock:contention_begin") +
			       strlen("perf.lock:contention_begin"), " "), "0\n", 2),
	       "text report: a counted 0 says 0");
	free(buf);
	buf = NULL;
	f = open_memstream(&buf, &len);
	sb_report__print(r, f, SB_FORMAT_CSV);
	fclose(f);
	tap_ok(buf && strstr(buf, "# counter perf.instructions=unsupported") &&
	       strstr(buf, "# counter perf.lock:contention_begin=0"),
	       "csv report: unsupported and 0 apart");
	free(buf);
	sb_results__free(r);
}

int main(void)
{
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	test_pmu_event();
	test_bare_machine();
	test_unknown_pmu();
	test_report();
	tap_rm_tmpdir(tmpdir);
	return tap_done();
}
