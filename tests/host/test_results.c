// SPDX-License-Identifier: GPL-2.0
/*
 * The results file: round trip, atomic write, writer validation, and the
 * reader's specific error for every malformed file in tests/data/bad (each
 * NAME.sbr has NAME.err holding the message it must produce).
 */
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "smmubench/report.h"
#include "smmubench/results.h"
#include "smmubench/stats.h"
#include "tap.h"

static char tmpdir[] = "/tmp/sb-test-results.XXXXXX";

/* tests/data of the repository. */
static const char *data_dir(void)
{
	static char dir[1100];

	snprintf(dir, sizeof(dir), "%s/tests/data", tap_top());
	return dir;
}

static struct sb_results *make_results(size_t n)
{
	struct sb_results *r = sb_results__new();
	struct sb_series *s, *h, *c;
	size_t i;

	sb_results__set_host_meta(r);
	sb_results__set_meta(r, "label", "tab\there, newline\nthere, back\\slash");
	sb_results__set_param(r, "threads", "%d", 2);
	sb_results__set_counter(r, "dropped_events", 3);
	sb_results__set_counter_unsupported(r, "pmu.l2d_tlb_refill");
	s = sb_results__series(r, "op.map", "ns", SB_KIND_OP);
	h = sb_results__series(r, "lock.asid_lock.hold", "ns",
			       SB_KIND_LOCK_HOLD);
	c = sb_results__series(r, "sync.per_op", "1", SB_KIND_COUNT);
	for (i = 0; i < n; i++) {
		struct sb_sample sm = {
			.value = 1000 + i * 7 % 333,
			.op_id = i,
			.start_ns = i % 5 ? 1000000 + i : SB_NONE,
			.thread = i % 2,
		};

		sb_series__add(s, &sm);
		sb_series__add_value(c, i % 4);
	}
	sb_series__add_bucket(h, 0, 100, 4);
	sb_series__add_bucket(h, 100, 1000, 6);
	sb_series__add_bucket(h, 5000, 6000, 0);
	return r;
}

static bool same_series(const struct sb_series *a, const struct sb_series *b)
{
	return !strcmp(a->name, b->name) && !strcmp(a->unit, b->unit) &&
	       a->kind == b->kind && a->nr_samples == b->nr_samples &&
	       a->nr_buckets == b->nr_buckets &&
	       (!a->nr_samples || !memcmp(a->samples, b->samples,
				a->nr_samples * sizeof(*a->samples))) &&
	       (!a->nr_buckets || !memcmp(a->buckets, b->buckets,
				a->nr_buckets * sizeof(*a->buckets)));
}

static bool same_results(const struct sb_results *a,
			 const struct sb_results *b)
{
	size_t i;

	if (a->nr_meta != b->nr_meta || a->nr_params != b->nr_params ||
	    a->nr_series != b->nr_series || a->nr_counters != b->nr_counters)
		return false;
	for (i = 0; i < a->nr_meta; i++)
		if (strcmp(a->meta[i].key, b->meta[i].key) ||
		    strcmp(a->meta[i].value, b->meta[i].value))
			return false;
	for (i = 0; i < a->nr_params; i++)
		if (strcmp(a->params[i].value, b->params[i].value))
			return false;
	for (i = 0; i < a->nr_series; i++)
		if (!same_series(&a->series[i], &b->series[i]))
			return false;
	for (i = 0; i < a->nr_counters; i++)
		if (strcmp(a->counters[i].name, b->counters[i].name) ||
		    a->counters[i].value != b->counters[i].value ||
		    a->counters[i].supported != b->counters[i].supported)
			return false;
	return true;
}

static int count_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static void test_round_trip(void)
{
	struct sb_results *r = make_results(10000), *back = NULL;
	char path[PATH_MAX], err[512];
	int ret;

	snprintf(path, sizeof(path), "%s/rt.sbr", tmpdir);
	ret = sb_results__write(r, path);
	tap_ok(!ret, "write %s (%d)", path, ret);
	tap_ok(count_files(tmpdir) == 1, "atomic write leaves no temporary file");
	ret = sb_results__read(path, &back, err, sizeof(err));
	tap_ok(!ret, "read back (%s)", ret ? err : "ok");
	tap_ok(back && same_results(r, back), "round trip keeps meta, params, counters, samples, buckets");
	tap_ok(back && !strcmp(sb_results__meta(back, "label"),
			       "tab\there, newline\nthere, back\\slash"),
	       "tabs, newlines and backslashes in values survive");
	tap_ok(back && !sb_results__counter(back, "pmu.l2d_tlb_refill")->supported,
	       "an unsupported counter stays unsupported, not 0");
	sb_results__free(back);
	/* Overwriting replaces the file whole. */
	sb_results__set_meta(r, "label", "second");
	ret = sb_results__write(r, path);
	sb_results__read(path, &back, err, sizeof(err));
	tap_ok(!ret && back && !strcmp(sb_results__meta(back, "label"), "second"),
	       "rewrite replaces the file");
	sb_results__free(back);
	snprintf(path, sizeof(path), "%s/no/such/dir.sbr", tmpdir);
	tap_ok(sb_results__write(r, path) == -ENOENT, "write into a missing directory fails with -ENOENT");
	tap_ok(count_files(tmpdir) == 1, "and leaves nothing behind");
	sb_results__free(r);
	sb_results__free(NULL);
	tap_ok(1, "sb_results__free(NULL) is a no-op");
}

static void test_writer_rejects(void)
{
	struct sb_results *r = sb_results__new();
	struct sb_series *s, *again;
	char big[SB_VALUE_MAX + 2];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	tap_ok(!sb_results__series(r, "op\tmap", "ns", SB_KIND_OP) && errno == EINVAL,
	       "series name with a tab is rejected");
	tap_ok(!sb_results__series(r, "op.map", "us", SB_KIND_OP), "unknown unit is rejected");
	tap_ok(sb_results__set_meta(r, "bad key", "v") == -EINVAL, "meta key with a blank is rejected");
	tap_ok(sb_results__set_meta(r, "label", "%s", big) == -EINVAL, "meta value over SB_VALUE_MAX is rejected");
	s = sb_results__series(r, "op.map", "ns", SB_KIND_OP);
	tap_ok(sb_series__add_value(s, SB_MAX_VALUE_NS + 1) == -ERANGE, "absurd ns value is rejected");
	tap_ok(!sb_series__add_value(s, SB_MAX_VALUE_NS), "SB_MAX_VALUE_NS itself is accepted");
	tap_ok(sb_series__add_bucket(s, 10, 10, 1) == -ERANGE, "empty bucket is rejected");
	sb_series__add_bucket(s, 10, 20, 1);
	tap_ok(sb_series__add_bucket(s, 15, 30, 1) == -EINVAL, "overlapping bucket is rejected");
	again = sb_results__series(r, "op.map", "ns", SB_KIND_OP);
	tap_ok(again == s, "asking again returns the same series");
	tap_ok(!sb_results__series(r, "op.map", "1", SB_KIND_COUNT) && errno == EEXIST,
	       "same name with another unit fails with EEXIST");
	sb_results__series(r, "op.unmap", "ns", SB_KIND_OP);
	tap_ok(sb_results__find_series(r, "op.map") == s, "pointers stay valid as series are added");
	sb_results__free(r);
}

static bool slurp(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return false;
	n = fread(buf, 1, size - 1, f);
	fclose(f);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return n > 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_bad_files(const char *dir)
{
	char bad[1100], path[PATH_MAX], want[1024], err[1024];
	struct sb_results *r;
	char *names[256];
	struct dirent *e;
	size_t n = 0, i;
	DIR *d;
	int ret;

	snprintf(bad, sizeof(bad), "%s/bad", dir);
	d = opendir(bad);
	tap_ok(d != NULL, "open %s", bad);
	if (!d)
		return;
	while ((e = readdir(d)) && n < 256) {
		size_t len = strlen(e->d_name);

		if (len > 4 && !strcmp(e->d_name + len - 4, ".sbr"))
			names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_str);
	tap_ok(n >= 30, "%zu malformed files", n);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", bad, names[i]);
		strcpy(path + strlen(path) - 4, ".err");
		if (!slurp(path, want, sizeof(want))) {
			tap_ok(0, "%s: no .err file saying what error it must give",
			       names[i]);
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", bad, names[i]);
		ret = sb_results__read(path, &r, err, sizeof(err));
		tap_ok(ret == -EINVAL && !r && strstr(err, want),
		       "%s: \"%s\"%s%s", names[i], want,
		       strstr(err, want) ? "" : " but got: ", strstr(err, want) ? "" : err);
		free(names[i]);
	}
}

/* Cutting a valid file anywhere must give an error, never a crash or 0. */
static void test_truncation(const char *dir)
{
	char path[PATH_MAX], err[512], *buf = NULL;
	struct sb_results *r;
	size_t len = 0, cut, ok = 0, total = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/sample-a.sbr", dir);
	f = fopen(path, "r");
	if (f) {
		buf = malloc(1 << 16);
		len = fread(buf, 1, 1 << 16, f);
		fclose(f);
	}
	tap_ok(buf && len > 100, "read %s", path);
	if (!buf)
		return;
	tap_ok(!sb_results__parse(buf, len, "sample-a.sbr", &r, err, sizeof(err)),
	       "the sample file itself is valid (%s)", err[0] ? err : "ok");
	sb_results__free(r);
	for (cut = 0; cut < len; cut++) {
		total++;
		if (sb_results__parse(buf, cut, "cut", &r, err, sizeof(err)) ==
		    -EINVAL && !r && strstr(err, "cut:"))
			ok++;
		sb_results__free(r);
	}
	tap_ok(ok == total, "every one of %zu truncations is rejected with a located error",
	       total);
	free(buf);
}

static void test_report(const char *dir)
{
	char path[PATH_MAX], err[512], *out = NULL;
	struct sb_results *r = NULL;
	size_t len = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/sample-a.sbr", dir);
	if (sb_results__read(path, &r, err, sizeof(err))) {
		tap_ok(0, "read %s: %s", path, err);
		return;
	}
	f = open_memstream(&out, &len);
	sb_report__print(r, f, SB_FORMAT_CSV);
	fclose(f);
	tap_ok(strstr(out, "\nop.map,op,ns,samples,5,100,300,460,496,499.6") != NULL,
	       "csv report: op.map count 5, min 100, p50 300, p90 460, p99 496, p99.9 499.6");
	tap_ok(strstr(out, "lock.asid_lock.hold,lock_hold,ns,hist,10,0,") != NULL,
	       "csv report: histogram series summarised from its buckets");
	tap_ok(strstr(out, "# counter pmu.l2d_tlb_refill=unsupported") != NULL,
	       "csv report: unsupported counter shown as such");
	free(out);
	out = NULL;
	f = open_memstream(&out, &len);
	sb_report__print(r, f, SB_FORMAT_TEXT);
	fclose(f);
	tap_ok(strstr(out, "300 ns") && strstr(out, "sync.per_op") &&
	       strstr(out, "2.000 per op"),
	       "text report: human units and syncs per op");
	free(out);
	sb_results__free(r);
}

int main(void)
{
	const char *dir = data_dir();

	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	test_round_trip();
	test_writer_rejects();
	test_bad_files(dir);
	test_truncation(dir);
	test_report(dir);
	tap_rm_tmpdir(tmpdir);
	return tap_done();
}
