// SPDX-License-Identifier: GPL-2.0
/*
 * The results file: in-memory model and strict reader (the atomic writer
 * is results_write.c). docs/results-format.md describes the format; keep
 * them in step.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "smmubench/cmds.h"
#include "smmubench/num.h"
#include "smmubench/results.h"

static const char *const kind_names[SB_KIND__MAX] = {
	[SB_KIND_OP] = "op",
	[SB_KIND_FUNC] = "func",
	[SB_KIND_LOCK_HOLD] = "lock_hold",
	[SB_KIND_LOCK_WAIT] = "lock_wait",
	[SB_KIND_SYNC] = "sync",
	[SB_KIND_COUNT] = "count",
	[SB_KIND_OTHER] = "other",
};

const char *sb_series_kind__name(enum sb_series_kind kind)
{
	if ((unsigned int)kind >= SB_KIND__MAX)
		return "?";
	return kind_names[kind];
}

int sb_series_kind__parse(const char *name, enum sb_series_kind *kind)
{
	int i;

	for (i = 0; i < SB_KIND__MAX; i++) {
		if (!strcmp(name, kind_names[i])) {
			*kind = i;
			return 0;
		}
	}
	return -EINVAL;
}

uint64_t sb_unit__max_value(const char *unit)
{
	if (!strcmp(unit, "ns"))
		return SB_MAX_VALUE_NS;
	if (!strcmp(unit, "1"))
		return SB_MAX_VALUE_COUNT;
	return 0;
}

/*
 * Names appear unquoted in tab-separated records, in CSV, JSON and gnuplot
 * titles, so they are restricted to printable ASCII without blanks or
 * quoting characters.
 */
static bool name_char_ok(int c)
{
	return c > 0x20 && c < 0x7f && c != '\\' && c != '"' && c != '\'' &&
	       c != '`' && c != ',';
}

bool sb_name__valid(const char *s, size_t len)
{
	size_t i;

	if (!len || len > SB_NAME_MAX)
		return false;
	for (i = 0; i < len; i++)
		if (!name_char_ok((unsigned char)s[i]))
			return false;
	return true;
}

struct sb_results *sb_results__new(void)
{
	return calloc(1, sizeof(struct sb_results));
}

static void kv_free(struct sb_kv *kv, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++) {
		free(kv[i].key);
		free(kv[i].value);
	}
	free(kv);
}

void sb_results__free(struct sb_results *r)
{
	size_t i;

	if (!r)
		return;
	kv_free(r->meta, r->nr_meta);
	kv_free(r->params, r->nr_params);
	for (i = 0; i < r->nr_series; i++) {
		free(r->series[i].name);
		free(r->series[i].unit);
		free(r->series[i].samples);
		free(r->series[i].buckets);
	}
	free(r->series);
	for (i = 0; i < r->nr_counters; i++)
		free(r->counters[i].name);
	free(r->counters);
	free(r);
}

static struct sb_kv *kv_find(struct sb_kv *kv, size_t nr, const char *key)
{
	size_t i;

	for (i = 0; i < nr; i++)
		if (!strcmp(kv[i].key, key))
			return &kv[i];
	return NULL;
}

/* Takes ownership of @value (even on failure). */
static int kv_set(struct sb_kv **kv, size_t *nr, const char *key, char *value)
{
	struct sb_kv *e, *tmp;

	if (!value)
		return -ENOMEM;
	if (!sb_name__valid(key, strlen(key)) || strlen(value) > SB_VALUE_MAX) {
		free(value);
		return -EINVAL;
	}
	e = kv_find(*kv, *nr, key);
	if (e) {
		free(e->value);
		e->value = value;
		return 0;
	}
	tmp = realloc(*kv, (*nr + 1) * sizeof(**kv));
	if (!tmp)
		goto free_value;
	*kv = tmp;
	e = &tmp[*nr];
	e->key = strdup(key);
	if (!e->key)
		goto free_value;
	e->value = value;
	(*nr)++;
	return 0;

free_value:
	free(value);
	return -ENOMEM;
}

static char *vformat(const char *fmt, va_list ap)
{
	char *s;

	if (vasprintf(&s, fmt, ap) < 0)
		return NULL;
	return s;
}

int sb_results__set_meta(struct sb_results *r, const char *key,
			 const char *fmt, ...)
{
	va_list ap;
	char *v;

	va_start(ap, fmt);
	v = vformat(fmt, ap);
	va_end(ap);
	return kv_set(&r->meta, &r->nr_meta, key, v);
}

int sb_results__set_param(struct sb_results *r, const char *key,
			  const char *fmt, ...)
{
	va_list ap;
	char *v;

	va_start(ap, fmt);
	v = vformat(fmt, ap);
	va_end(ap);
	return kv_set(&r->params, &r->nr_params, key, v);
}

const char *sb_results__meta(const struct sb_results *r, const char *key)
{
	struct sb_kv *e = kv_find(r->meta, r->nr_meta, key);

	return e ? e->value : NULL;
}

const char *sb_results__param(const struct sb_results *r, const char *key)
{
	struct sb_kv *e = kv_find(r->params, r->nr_params, key);

	return e ? e->value : NULL;
}

struct sb_series *sb_results__find_series(const struct sb_results *r,
					  const char *name)
{
	size_t i;

	for (i = 0; i < r->nr_series; i++)
		if (!strcmp(r->series[i].name, name))
			return &r->series[i];
	return NULL;
}

/* Returns NULL with errno set: EEXIST if @name exists with another shape. */
struct sb_series *sb_results__series(struct sb_results *r, const char *name,
				     const char *unit,
				     enum sb_series_kind kind)
{
	struct sb_series *s = sb_results__find_series(r, name);

	if (s) {
		if (strcmp(s->unit, unit) || s->kind != kind) {
			errno = EEXIST;
			return NULL;
		}
		return s;
	}
	if (!sb_name__valid(name, strlen(name)) || !sb_unit__max_value(unit) ||
	    (unsigned int)kind >= SB_KIND__MAX) {
		errno = EINVAL;
		return NULL;
	}
	if (r->nr_series >= SB_MAX_SERIES) {
		errno = E2BIG;
		return NULL;
	}
	/* Sized once so that returned pointers never move; see results.h. */
	if (!r->series) {
		r->series = calloc(SB_MAX_SERIES, sizeof(*r->series));
		if (!r->series)
			return NULL;
	}
	s = &r->series[r->nr_series];
	memset(s, 0, sizeof(*s));
	s->name = strdup(name);
	s->unit = strdup(unit);
	if (!s->name || !s->unit) {
		free(s->name);
		free(s->unit);
		s->name = s->unit = NULL;
		errno = ENOMEM;
		return NULL;
	}
	s->kind = kind;
	r->nr_series++;
	return s;
}

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t ncap = *cap ? *cap : 64;
	void *tmp;

	if (need <= *cap)
		return 0;
	while (ncap < need)
		ncap *= 2;
	tmp = realloc(*p, ncap * size);
	if (!tmp)
		return -ENOMEM;
	*p = tmp;
	*cap = ncap;
	return 0;
}

int sb_series__add(struct sb_series *s, const struct sb_sample *sample)
{
	if (sample->value > sb_unit__max_value(s->unit))
		return -ERANGE;
	if (s->nr_samples >= SB_MAX_SAMPLES)
		return -E2BIG;
	if (grow((void **)&s->samples, &s->cap_samples, s->nr_samples + 1,
		 sizeof(*s->samples)))
		return -ENOMEM;
	s->samples[s->nr_samples++] = *sample;
	return 0;
}

int sb_series__add_value(struct sb_series *s, uint64_t value)
{
	struct sb_sample sm = {
		.value = value,
		.op_id = SB_NONE,
		.start_ns = SB_NONE,
		.thread = SB_NONE,
	};

	return sb_series__add(s, &sm);
}

int sb_series__add_bucket(struct sb_series *s, uint64_t lo, uint64_t hi,
			  uint64_t count)
{
	uint64_t max = sb_unit__max_value(s->unit);

	/* Buckets are ascending and disjoint so that quantiles can walk them. */
	if (lo >= hi || hi > max + 1)
		return -ERANGE;
	if (s->nr_buckets && lo < s->buckets[s->nr_buckets - 1].hi)
		return -EINVAL;
	if (s->nr_buckets >= SB_MAX_BUCKETS)
		return -E2BIG;
	if (grow((void **)&s->buckets, &s->cap_buckets, s->nr_buckets + 1,
		 sizeof(*s->buckets)))
		return -ENOMEM;
	s->buckets[s->nr_buckets].lo = lo;
	s->buckets[s->nr_buckets].hi = hi;
	s->buckets[s->nr_buckets].count = count;
	s->nr_buckets++;
	return 0;
}

static int counter_set(struct sb_results *r, const char *name,
		       uint64_t value, bool supported)
{
	struct sb_counter *c = (struct sb_counter *)sb_results__counter(r, name);
	struct sb_counter *tmp;

	if (!c) {
		if (!sb_name__valid(name, strlen(name)))
			return -EINVAL;
		tmp = realloc(r->counters, (r->nr_counters + 1) * sizeof(*tmp));
		if (!tmp)
			return -ENOMEM;
		r->counters = tmp;
		c = &tmp[r->nr_counters];
		c->name = strdup(name);
		if (!c->name)
			return -ENOMEM;
		r->nr_counters++;
	}
	c->value = supported ? value : 0;
	c->supported = supported;
	return 0;
}

int sb_results__set_counter(struct sb_results *r, const char *name,
			    uint64_t value)
{
	return counter_set(r, name, value, true);
}

int sb_results__set_counter_unsupported(struct sb_results *r,
					const char *name)
{
	return counter_set(r, name, 0, false);
}

const struct sb_counter *sb_results__counter(const struct sb_results *r,
					     const char *name)
{
	size_t i;

	for (i = 0; i < r->nr_counters; i++)
		if (!strcmp(r->counters[i].name, name))
			return &r->counters[i];
	return NULL;
}

/* First "model name" (x86) or "CPU implementer"/"CPU part" pair (arm64). */
static int set_cpu_meta(struct sb_results *r)
{
	char line[256], impl[32] = "", part[32] = "";
	FILE *f = fopen("/proc/cpuinfo", "r");
	char *v;

	if (!f)
		return sb_results__set_meta(r, "cpu", "unknown");
	while (fgets(line, sizeof(line), f)) {
		v = strchr(line, ':');
		if (!v)
			continue;
		v += strspn(v + 1, " \t") + 1;
		v[strcspn(v, "\n")] = '\0';
		if (!strncmp(line, "model name", 10)) {
			fclose(f);
			return sb_results__set_meta(r, "cpu", "%s", v);
		}
		if (!strncmp(line, "CPU implementer", 15) && !impl[0])
			snprintf(impl, sizeof(impl), "%s", v);
		if (!strncmp(line, "CPU part", 8) && !part[0])
			snprintf(part, sizeof(part), "%s", v);
	}
	fclose(f);
	if (impl[0])
		return sb_results__set_meta(r, "cpu", "implementer %s part %s",
					    impl, part);
	return sb_results__set_meta(r, "cpu", "unknown");
}

static int set_run_id(struct sb_results *r)
{
	unsigned char b[8] = { 0 };
	struct timespec ts;
	uint64_t id;
	int fd;

	fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (read(fd, b, sizeof(b)) != (ssize_t)sizeof(b))
			memset(b, 0, sizeof(b));
		close(fd);
	}
	memcpy(&id, b, sizeof(id));
	/* Without urandom, time and pid still make ids unique enough. */
	clock_gettime(CLOCK_REALTIME, &ts);
	id ^= (uint64_t)ts.tv_sec * 1000000007ULL ^ (uint64_t)ts.tv_nsec ^
	      ((uint64_t)getpid() << 32);
	return sb_results__set_meta(r, "run_id", "%016llx",
				    (unsigned long long)id);
}

int sb_results__set_host_meta(struct sb_results *r)
{
	struct utsname u;
	char date[64];
	time_t now = time(NULL);
	struct tm tm;
	int err;

	if (uname(&u))
		return -errno;
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", &tm);
	err = sb_results__set_meta(r, "tool_version", "%s", SMMUBENCH_VERSION);
	if (!err)
		err = set_run_id(r);
	if (!err)
		err = sb_results__set_meta(r, "date", "%s", date);
	if (!err)
		err = sb_results__set_meta(r, "kernel_release", "%s", u.release);
	if (!err)
		err = sb_results__set_meta(r, "machine", "%s", u.machine);
	if (!err)
		err = set_cpu_meta(r);
	return err;
}

/* ---- reader ----------------------------------------------------------- */

#define MAX_FIELDS 8

struct field {
	const char *s;
	size_t len;
};

/* What a series declared, to check the records against at the end. */
struct decl {
	uint64_t nr_samples, nr_buckets;
	uint64_t line;
};

struct parser {
	const char *name;
	uint64_t line;
	char *err;
	size_t errlen;
	struct sb_results *r;
	struct decl *decls;
	struct sb_series *last;	/* samples come in runs of one series */
	size_t bytes_left;
	uint64_t records;
	struct field f[MAX_FIELDS];
	int nr_fields;
};

static int perr(struct parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int perr(struct parser *p, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(p->err, p->errlen, "%s:%llu: ", p->name,
		     (unsigned long long)p->line);
	if (n < 0 || (size_t)n >= p->errlen)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->errlen - n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* Quotes at most 40 bytes of a field, printable only, for messages. */
static const char *quote(const struct field *f, char *buf, size_t size)
{
	size_t i, n = 0;

	for (i = 0; i < f->len && n + 5 < size && i < 40; i++) {
		unsigned char c = f->s[i];

		buf[n++] = (c >= 0x20 && c < 0x7f) ? c : '?';
	}
	if (i < f->len && n + 4 < size) {
		memcpy(buf + n, "...", 3);
		n += 3;
	}
	buf[n] = '\0';
	return buf;
}

enum num_err { NUM_OK, NUM_EMPTY, NUM_NEG, NUM_NAN, NUM_FRAC, NUM_RANGE,
	       NUM_BAD };

/* The one number parser; a field it refuses is told apart for the message. */
static enum num_err parse_u64(const struct field *f, uint64_t *out)
{
	size_t i;
	int err;

	if (!f->len)
		return NUM_EMPTY;
	err = sb_parse_u64n(f->s, f->len, 0, out);
	if (err == -ERANGE)
		return NUM_RANGE;
	if (!err)
		return NUM_OK;
	if (f->s[0] == '-')
		return NUM_NEG;
	if ((f->len == 3 && !strncasecmp(f->s, "nan", 3)) ||
	    (f->len >= 3 && !strncasecmp(f->s, "inf", 3)))
		return NUM_NAN;
	for (i = 0; i < f->len && f->s[i] >= '0' && f->s[i] <= '9'; i++)
		;
	if (i && i < f->len &&
	    (f->s[i] == '.' || f->s[i] == 'e' || f->s[i] == 'E'))
		return NUM_FRAC;
	return NUM_BAD;
}

static const char *const num_msgs[] = {
	[NUM_EMPTY] = "empty, expected an unsigned integer",
	[NUM_NEG] = "negative value",
	[NUM_NAN] = "not a number (NaN or infinity)",
	[NUM_FRAC] = "not an integer (values are integers in the series' unit)",
	[NUM_RANGE] = "out of range",
	[NUM_BAD] = "not an unsigned integer",
};

/* Parses field @i into @out, failing above @max. */
static int field_u64(struct parser *p, int i, const char *what, uint64_t max,
		     uint64_t *out)
{
	enum num_err e = parse_u64(&p->f[i], out);
	char q[48];

	if (e != NUM_OK)
		return perr(p, "field '%s': %s: '%s'", what, num_msgs[e],
			    quote(&p->f[i], q, sizeof(q)));
	if (*out > max)
		return perr(p, "field '%s': absurd value %llu (limit %llu)",
			    what, (unsigned long long)*out,
			    (unsigned long long)max);
	return 0;
}

/* Like field_u64(), but "-" stands for SB_NONE. */
static int field_opt(struct parser *p, int i, const char *what,
		     uint64_t *out)
{
	if (p->f[i].len == 1 && p->f[i].s[0] == '-') {
		*out = SB_NONE;
		return 0;
	}
	return field_u64(p, i, what, SB_NONE - 1, out);
}

static int field_name(struct parser *p, int i, const char *what, char *out)
{
	const struct field *f = &p->f[i];
	char q[48];

	if (f->len > SB_NAME_MAX)
		return perr(p, "field '%s': name too long (%zu bytes, limit %d)",
			    what, f->len, SB_NAME_MAX);
	if (!sb_name__valid(f->s, f->len))
		return perr(p, "field '%s': invalid name '%s'", what,
			    quote(f, q, sizeof(q)));
	memcpy(out, f->s, f->len);
	out[f->len] = '\0';
	return 0;
}

static int want_fields(struct parser *p, const char *tag, int n)
{
	if (p->nr_fields != n)
		return perr(p, "record '%s' has %d fields, expected %d", tag,
			    p->nr_fields, n);
	return 0;
}

/* Undoes put_escaped(); @out has room for SB_VALUE_MAX + 1 bytes. */
static int field_value(struct parser *p, int i, char *out)
{
	const struct field *f = &p->f[i];
	size_t k, n = 0;
	unsigned int hex;

	for (k = 0; k < f->len; k++) {
		char c = f->s[k];

		if (n >= SB_VALUE_MAX)
			return perr(p, "field 'value': longer than %d bytes",
				    SB_VALUE_MAX);
		if ((unsigned char)c < 0x20 || c == 0x7f)
			return perr(p, "field 'value': raw control character 0x%02x",
				    (unsigned char)c);
		if (c != '\\') {
			out[n++] = c;
			continue;
		}
		if (++k >= f->len)
			return perr(p, "field 'value': dangling backslash");
		switch (f->s[k]) {
		case '\\':
			out[n++] = '\\';
			break;
		case 't':
			out[n++] = '\t';
			break;
		case 'n':
			out[n++] = '\n';
			break;
		case 'r':
			out[n++] = '\r';
			break;
		case 'x':
			if (k + 2 >= f->len ||
			    sscanf(f->s + k + 1, "%2x", &hex) != 1 ||
			    !isxdigit((unsigned char)f->s[k + 1]) ||
			    !isxdigit((unsigned char)f->s[k + 2]) || !hex)
				return perr(p, "field 'value': bad \\x escape");
			out[n++] = hex;
			k += 2;
			break;
		default:
			return perr(p, "field 'value': unknown escape '\\%c'",
				    (unsigned char)f->s[k] >= 0x20 ?
				    f->s[k] : '?');
		}
	}
	out[n] = '\0';
	return 0;
}

static int rec_kv(struct parser *p, bool is_meta)
{
	const char *tag = is_meta ? "meta" : "param";
	char key[SB_NAME_MAX + 1], value[SB_VALUE_MAX + 1];
	struct sb_kv **kv = is_meta ? &p->r->meta : &p->r->params;
	size_t *nr = is_meta ? &p->r->nr_meta : &p->r->nr_params;
	int err;

	err = want_fields(p, tag, 3);
	if (!err)
		err = field_name(p, 1, "key", key);
	if (!err)
		err = field_value(p, 2, value);
	if (err)
		return err;
	if (kv_find(*kv, *nr, key))
		return perr(p, "duplicate %s key '%s'", tag, key);
	if (kv_set(kv, nr, key, strdup(value)))
		return perr(p, "out of memory");
	return 0;
}

static int rec_counter(struct parser *p)
{
	char name[SB_NAME_MAX + 1];
	uint64_t v = 0;
	bool supported;
	int err;

	err = want_fields(p, "counter", 3);
	if (!err)
		err = field_name(p, 1, "name", name);
	if (err)
		return err;
	if (sb_results__counter(p->r, name))
		return perr(p, "duplicate counter '%s'", name);
	supported = !(p->f[2].len == 11 &&
		      !memcmp(p->f[2].s, "unsupported", 11));
	if (supported) {
		err = field_u64(p, 2, "value", SB_NONE, &v);
		if (err)
			return err;
	}
	if (counter_set(p->r, name, v, supported))
		return perr(p, "out of memory");
	return 0;
}

static int rec_series(struct parser *p)
{
	char name[SB_NAME_MAX + 1], buf[SB_NAME_MAX + 1], q[48];
	enum sb_series_kind kind;
	struct sb_series *s;
	struct decl *d;
	uint64_t ns, nb;
	size_t prealloc;
	int err;

	err = want_fields(p, "series", 6);
	if (!err)
		err = field_name(p, 1, "name", name);
	if (err)
		return err;
	if (sb_results__find_series(p->r, name))
		return perr(p, "duplicate series '%s'", name);
	if (p->f[2].len > SB_NAME_MAX)
		return perr(p, "field 'kind': unknown kind");
	memcpy(buf, p->f[2].s, p->f[2].len);
	buf[p->f[2].len] = '\0';
	if (sb_series_kind__parse(buf, &kind))
		return perr(p, "field 'kind': unknown kind '%s'",
			    quote(&p->f[2], q, sizeof(q)));
	if (!((p->f[3].len == 2 && !memcmp(p->f[3].s, "ns", 2)) ||
	      (p->f[3].len == 1 && p->f[3].s[0] == '1')))
		return perr(p, "field 'unit': unknown unit '%s' (expected ns or 1)",
			    quote(&p->f[3], q, sizeof(q)));
	err = field_u64(p, 4, "nr_samples", SB_MAX_SAMPLES, &ns);
	if (!err)
		err = field_u64(p, 5, "nr_buckets", SB_MAX_BUCKETS, &nb);
	if (err)
		return err;
	if (p->r->nr_series >= SB_MAX_SERIES)
		return perr(p, "more than %d series", SB_MAX_SERIES);
	s = sb_results__series(p->r, name, p->f[3].len == 2 ? "ns" : "1",
			       kind);
	if (!s)
		return perr(p, "out of memory");
	/*
	 * Preallocate what was declared, but never more than the rest of the
	 * file could hold (a sample record is at least 16 bytes), so that a
	 * lying header cannot make us allocate gigabytes.
	 */
	prealloc = ns < p->bytes_left / 16 ? ns : p->bytes_left / 16;
	if (prealloc && grow((void **)&s->samples, &s->cap_samples, prealloc,
			     sizeof(*s->samples)))
		return perr(p, "out of memory for %zu samples", prealloc);
	d = &p->decls[s - p->r->series];
	d->nr_samples = ns;
	d->nr_buckets = nb;
	d->line = p->line;
	return 0;
}

static struct sb_series *lookup(struct parser *p, const char *tag)
{
	const struct field *f = &p->f[1];
	struct sb_series *s = p->last;
	char q[48];
	size_t i;

	if (s && strlen(s->name) == f->len && !memcmp(s->name, f->s, f->len))
		return s;
	for (i = 0; i < p->r->nr_series; i++) {
		s = &p->r->series[i];
		if (strlen(s->name) == f->len &&
		    !memcmp(s->name, f->s, f->len)) {
			p->last = s;
			return s;
		}
	}
	perr(p, "%s for undeclared series '%s'", tag,
	     quote(f, q, sizeof(q)));
	return NULL;
}

static int rec_sample(struct parser *p)
{
	struct sb_series *s;
	struct sb_sample sm;
	struct decl *d;
	int err;

	err = want_fields(p, "sample", 6);
	if (err)
		return err;
	s = lookup(p, "sample");
	if (!s)
		return -EINVAL;
	d = &p->decls[s - p->r->series];
	if (s->nr_samples >= d->nr_samples)
		return perr(p, "series '%s': more samples than the %llu declared on line %llu",
			    s->name, (unsigned long long)d->nr_samples,
			    (unsigned long long)d->line);
	err = field_u64(p, 2, "value", sb_unit__max_value(s->unit),
			&sm.value);
	if (!err)
		err = field_opt(p, 3, "op_id", &sm.op_id);
	if (!err)
		err = field_opt(p, 4, "start_ns", &sm.start_ns);
	if (!err)
		err = field_opt(p, 5, "thread", &sm.thread);
	if (err)
		return err;
	if (grow((void **)&s->samples, &s->cap_samples, s->nr_samples + 1,
		 sizeof(*s->samples)))
		return perr(p, "out of memory");
	s->samples[s->nr_samples++] = sm;
	return 0;
}

static int rec_bucket(struct parser *p)
{
	uint64_t lo, hi, count, max;
	struct sb_series *s;
	struct decl *d;
	int err;

	err = want_fields(p, "bucket", 5);
	if (err)
		return err;
	s = lookup(p, "bucket");
	if (!s)
		return -EINVAL;
	d = &p->decls[s - p->r->series];
	if (s->nr_buckets >= d->nr_buckets)
		return perr(p, "series '%s': more buckets than the %llu declared on line %llu",
			    s->name, (unsigned long long)d->nr_buckets,
			    (unsigned long long)d->line);
	max = sb_unit__max_value(s->unit);
	err = field_u64(p, 2, "lo", max, &lo);
	if (!err)
		err = field_u64(p, 3, "hi", max + 1, &hi);
	if (!err)
		err = field_u64(p, 4, "count", SB_NONE - 1, &count);
	if (err)
		return err;
	if (lo >= hi)
		return perr(p, "field 'hi': bucket [%llu, %llu) is empty",
			    (unsigned long long)lo, (unsigned long long)hi);
	if (s->nr_buckets && lo < s->buckets[s->nr_buckets - 1].hi)
		return perr(p, "field 'lo': bucket [%llu, %llu) overlaps or precedes the previous one",
			    (unsigned long long)lo, (unsigned long long)hi);
	if (sb_series__add_bucket(s, lo, hi, count))
		return perr(p, "out of memory");
	return 0;
}

/* Checks the trailer and every series against its declaration. */
static int rec_end(struct parser *p)
{
	uint64_t n;
	size_t i;
	int err;

	err = want_fields(p, "end", 2);
	if (!err)
		err = field_u64(p, 1, "records", SB_NONE - 1, &n);
	if (err)
		return err;
	if (n != p->records)
		return perr(p, "field 'records': trailer counts %llu records, file has %llu (truncated or spliced file)",
			    (unsigned long long)n,
			    (unsigned long long)p->records);
	for (i = 0; i < p->r->nr_series; i++) {
		const struct sb_series *s = &p->r->series[i];
		const struct decl *d = &p->decls[i];

		if (s->nr_samples != d->nr_samples ||
		    s->nr_buckets != d->nr_buckets) {
			p->line = d->line;
			return perr(p, "series '%s' declares %llu samples and %llu buckets, file has %zu and %zu",
				    s->name,
				    (unsigned long long)d->nr_samples,
				    (unsigned long long)d->nr_buckets,
				    s->nr_samples, s->nr_buckets);
		}
	}
	return 0;
}

static int check_magic(struct parser *p)
{
	size_t mlen = strlen(SB_RESULTS_MAGIC);
	char q[48];
	uint64_t v;

	if (p->nr_fields != 2 || p->f[0].len != mlen ||
	    memcmp(p->f[0].s, SB_RESULTS_MAGIC, mlen))
		return perr(p, "bad magic '%s': not a smmubench results file",
			    quote(&p->f[0], q, sizeof(q)));
	if (parse_u64(&p->f[1], &v) != NUM_OK)
		return perr(p, "field 'version': not a version number: '%s'",
			    quote(&p->f[1], q, sizeof(q)));
	if (v != SB_RESULTS_VERSION)
		return perr(p, "field 'version': unknown format version %llu (this smmubench reads version %d)",
			    (unsigned long long)v, SB_RESULTS_VERSION);
	return 0;
}

static bool tag_is(const struct field *f, const char *tag, size_t len)
{
	return f->len == len && !memcmp(f->s, tag, len);
}

#define TAG(f, lit) tag_is(f, lit, sizeof(lit) - 1)

static int parse_record(struct parser *p, bool *ended)
{
	const struct field *t = &p->f[0];
	char q[48];
	int err;

	if (TAG(t, "sample"))
		err = rec_sample(p);
	else if (TAG(t, "bucket"))
		err = rec_bucket(p);
	else if (TAG(t, "series"))
		err = rec_series(p);
	else if (TAG(t, "meta"))
		err = rec_kv(p, true);
	else if (TAG(t, "param"))
		err = rec_kv(p, false);
	else if (TAG(t, "counter"))
		err = rec_counter(p);
	else if (TAG(t, "end"))
		return *ended = true, rec_end(p);
	else
		return perr(p, "unknown record type '%s'",
			    quote(t, q, sizeof(q)));
	p->records++;
	return err;
}

static void split(struct parser *p, const char *s, size_t len)
{
	const char *end = s + len, *tab;

	p->nr_fields = 0;
	for (;;) {
		tab = memchr(s, '\t', end - s);
		if (p->nr_fields < MAX_FIELDS) {
			p->f[p->nr_fields].s = s;
			p->f[p->nr_fields].len = (tab ? tab : end) - s;
		}
		p->nr_fields++;
		if (!tab)
			break;
		s = tab + 1;
	}
}

static int parse_lines(struct parser *p, const char *buf, size_t len)
{
	const char *nul = memchr(buf, '\0', len);
	const char *s, *end = buf + len, *nl;
	bool ended = false;
	int err;

	p->line = 1;
	if (!len)
		return perr(p, "empty file");
	if (nul) {
		for (s = buf; s < nul; s++)
			p->line += *s == '\n';
		return perr(p, "NUL byte in file: not a text results file");
	}
	for (s = buf, p->line = 1; s < end; p->line++, s = nl + 1) {
		nl = memchr(s, '\n', end - s);
		if (!nl)
			return perr(p, "last line has no newline: truncated file");
		p->bytes_left = end - nl;
		if (ended)
			return perr(p, "data after the 'end' record");
		split(p, s, nl - s);
		if (p->line == 1) {
			err = check_magic(p);
		} else if (s[0] == '#') {
			continue;	/* comments, e.g. added by hand */
		} else {
			err = parse_record(p, &ended);
		}
		if (err)
			return err;
	}
	if (!ended)
		return perr(p, "no 'end' record: truncated file");
	return 0;
}

int sb_results__parse(const char *buf, size_t len, const char *name,
		      struct sb_results **out, char *err, size_t errlen)
{
	struct parser p = {
		.name = name,
		.err = err,
		.errlen = errlen,
	};
	int ret;

	*out = NULL;
	if (errlen)
		err[0] = '\0';
	p.r = sb_results__new();
	p.decls = calloc(SB_MAX_SERIES, sizeof(*p.decls));
	if (!p.r || !p.decls) {
		ret = -ENOMEM;
		snprintf(err, errlen, "%s: out of memory", name);
		goto free_results;
	}
	ret = parse_lines(&p, buf, len);
	if (ret)
		goto free_results;
	free(p.decls);
	*out = p.r;
	return 0;

free_results:
	free(p.decls);
	sb_results__free(p.r);
	return ret;
}

static int read_all(int fd, char **buf, size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	struct stat st;
	char *b, *tmp;
	ssize_t got;

	if (!fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_size > 0)
		cap = st.st_size + 1;
	b = malloc(cap);
	if (!b)
		return -ENOMEM;
	for (;;) {
		if (n == cap) {
			tmp = realloc(b, cap * 2);
			if (!tmp)
				goto free_buf;
			b = tmp;
			cap *= 2;
		}
		got = read(fd, b + n, cap - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			free(b);
			return -errno;
		}
		if (!got)
			break;
		n += got;
	}
	*buf = b;
	*len = n;
	return 0;

free_buf:
	free(b);
	return -ENOMEM;
}

/* A decompressed results file this large is not one: a gzip bomb. */
#define SB_GZIP_MAX (1UL << 30)

/*
 * Inflates the gzip data @in (every member, as gzip -d does) into a new
 * buffer. Published reference runs are kept compressed (results/).
 */
static int gunzip(const char *in, size_t len, char **out, size_t *outlen,
		  const char **why)
{
	size_t cap = len * 8 + 4096, n = 0;
	z_stream zs = { 0 };
	char *b, *tmp;
	int zr, ret = -EINVAL;

	*why = "larger than 1 GiB decompressed";
	if (len > SB_GZIP_MAX)
		return -EFBIG;
	*why = "truncated";
	b = malloc(cap);
	if (!b || inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) {
		free(b);
		return -ENOMEM;
	}
	zs.next_in = (Bytef *)in;
	zs.avail_in = len;
	for (;;) {
		if (n == cap) {
			ret = -EFBIG;
			*why = "larger than 1 GiB decompressed";
			if (cap >= SB_GZIP_MAX)
				goto end;
			ret = -ENOMEM;
			tmp = realloc(b, cap * 2);
			if (!tmp)
				goto end;
			b = tmp;
			cap *= 2;
		}
		zs.next_out = (Bytef *)b + n;
		zs.avail_out = cap - n;
		zr = inflate(&zs, Z_NO_FLUSH);
		n = cap - zs.avail_out;
		if (zr == Z_STREAM_END && !zs.avail_in)
			break;
		if (zr == Z_STREAM_END && inflateReset(&zs) == Z_OK)
			continue;	/* another member follows */
		ret = -EINVAL;
		*why = zs.msg ? zs.msg : "truncated";
		if (zr != Z_OK && !(zr == Z_BUF_ERROR && n == cap))
			goto end;
	}
	ret = 0;
	*out = b;
	*outlen = n;
	b = NULL;
end:
	inflateEnd(&zs);
	free(b);
	return ret;
}

int sb_results__read(const char *path, struct sb_results **out, char *err,
		     size_t errlen)
{
	char *buf = NULL, *raw;
	const char *why;
	size_t len = 0;
	int fd, ret;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(-ret));
		return ret;
	}
	ret = read_all(fd, &buf, &len);
	close(fd);
	if (ret) {
		snprintf(err, errlen, "%s: read: %s", path, strerror(-ret));
		return ret;
	}
	if (len >= 2 && (unsigned char)buf[0] == 0x1f &&
	    (unsigned char)buf[1] == 0x8b) {
		raw = buf;
		ret = gunzip(raw, len, &buf, &len, &why);
		free(raw);
		if (ret) {
			snprintf(err, errlen, "%s: gzip: %s", path,
				 ret == -ENOMEM ? strerror(ENOMEM) : why);
			return ret;
		}
	}
	ret = sb_results__parse(buf, len, path, out, err, errlen);
	free(buf);
	return ret;
}
