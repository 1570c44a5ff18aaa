// SPDX-License-Identifier: GPL-2.0
/*
 * The results file's atomic writer (the model and the reader are
 * results.c). docs/results-format.md describes the format; keep them in
 * step.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "smmubench/results.h"

/* ---- writer ----------------------------------------------------------- */

static char *fmt_u64(char *p, uint64_t v)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = '0' + v % 10;
		v /= 10;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

/* SB_NONE is written as "-": gnuplot then sees a missing value. */
static char *fmt_opt(char *p, uint64_t v)
{
	if (v == SB_NONE) {
		*p++ = '-';
		return p;
	}
	return fmt_u64(p, v);
}

/* Values may hold anything; tabs, newlines and backslashes are escaped. */
static void put_escaped(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '\\':
			fputs("\\\\", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		default:
			if ((unsigned char)*s < 0x20 || *s == 0x7f)
				fprintf(f, "\\x%02x", (unsigned char)*s);
			else
				fputc(*s, f);
		}
	}
}

static void write_kvs(FILE *f, const char *tag, const struct sb_kv *kv,
		      size_t nr, uint64_t *records)
{
	size_t i;

	for (i = 0; i < nr; i++) {
		fprintf(f, "%s\t%s\t", tag, kv[i].key);
		put_escaped(f, kv[i].value);
		fputc('\n', f);
		(*records)++;
	}
}

static int series_valid(const struct sb_series *s)
{
	uint64_t max = sb_unit__max_value(s->unit);
	size_t i;

	if (!sb_name__valid(s->name, strlen(s->name)) || !max ||
	    (unsigned int)s->kind >= SB_KIND__MAX ||
	    s->nr_samples > SB_MAX_SAMPLES || s->nr_buckets > SB_MAX_BUCKETS)
		return -EINVAL;
	for (i = 0; i < s->nr_samples; i++)
		if (s->samples[i].value > max)
			return -ERANGE;
	return 0;
}

static void write_series(FILE *f, const struct sb_series *s,
			 uint64_t *records)
{
	char line[256], *p;
	size_t i;

	fprintf(f, "series\t%s\t%s\t%s\t%zu\t%zu\n", s->name,
		sb_series_kind__name(s->kind), s->unit, s->nr_samples,
		s->nr_buckets);
	for (i = 0; i < s->nr_samples; i++) {
		const struct sb_sample *sm = &s->samples[i];

		p = line + sprintf(line, "sample\t%s\t", s->name);
		p = fmt_u64(p, sm->value);
		*p++ = '\t';
		p = fmt_opt(p, sm->op_id);
		*p++ = '\t';
		p = fmt_opt(p, sm->start_ns);
		*p++ = '\t';
		p = fmt_opt(p, sm->thread);
		*p++ = '\n';
		fwrite(line, 1, p - line, f);
	}
	for (i = 0; i < s->nr_buckets; i++)
		fprintf(f, "bucket\t%s\t%llu\t%llu\t%llu\n", s->name,
			(unsigned long long)s->buckets[i].lo,
			(unsigned long long)s->buckets[i].hi,
			(unsigned long long)s->buckets[i].count);
	*records += 1 + s->nr_samples + s->nr_buckets;
}

int sb_results__write_stream(const struct sb_results *r, FILE *f)
{
	uint64_t records = 0;
	size_t i;
	int err;

	for (i = 0; i < r->nr_series; i++) {
		err = series_valid(&r->series[i]);
		if (err)
			return err;
	}
	fprintf(f, "%s\t%d\n", SB_RESULTS_MAGIC, SB_RESULTS_VERSION);
	write_kvs(f, "meta", r->meta, r->nr_meta, &records);
	write_kvs(f, "param", r->params, r->nr_params, &records);
	for (i = 0; i < r->nr_counters; i++) {
		const struct sb_counter *c = &r->counters[i];

		if (c->supported)
			fprintf(f, "counter\t%s\t%llu\n", c->name,
				(unsigned long long)c->value);
		else
			fprintf(f, "counter\t%s\tunsupported\n", c->name);
		records++;
	}
	for (i = 0; i < r->nr_series; i++)
		write_series(f, &r->series[i], &records);
	fprintf(f, "end\t%llu\n", (unsigned long long)records);
	if (fflush(f) || ferror(f))
		return -EIO;
	return 0;
}

/* fsync the directory so that the rename itself survives a crash. */
static void sync_dir_of(const char *path)
{
	char *dir = strdup(path), *slash;
	int fd;

	if (!dir)
		return;
	slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';
	else if (slash)
		*slash = '\0';
	else
		strcpy(dir, ".");
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

int sb_results__write(const struct sb_results *r, const char *path)
{
	char *tmp = NULL;
	FILE *f = NULL;
	int fd, err;

	if (asprintf(&tmp, "%s.tmpXXXXXX", path) < 0)
		return -ENOMEM;
	/* Same directory as @path, so that rename() is atomic. */
	fd = mkstemp(tmp);
	if (fd < 0) {
		err = -errno;
		goto free_name;
	}
	fchmod(fd, 0644);
	f = fdopen(fd, "w");
	if (!f) {
		err = -errno;
		close(fd);
		goto unlink_tmp;
	}
	setvbuf(f, NULL, _IOFBF, 1 << 20);
	err = sb_results__write_stream(r, f);
	if (err)
		goto close_file;
	if (fsync(fileno(f))) {
		err = -errno;
		goto close_file;
	}
	if (fclose(f)) {
		f = NULL;
		err = -errno;
		goto unlink_tmp;
	}
	f = NULL;
	if (rename(tmp, path)) {
		err = -errno;
		goto unlink_tmp;
	}
	sync_dir_of(path);
	free(tmp);
	return 0;

close_file:
	fclose(f);
unlink_tmp:
	unlink(tmp);
free_name:
	free(tmp);
	return err;
}
