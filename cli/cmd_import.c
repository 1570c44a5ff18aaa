// SPDX-License-Identifier: GPL-2.0
/*
 * smmubench import: turn latencies measured by another tool (one number a
 * line, or a CSV column) into a results file that report, compare and plot
 * read like any run.
 */
#include <argp.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_util.h"
#include "smmubench/cmds.h"
#include "smmubench/results.h"

#define MAX_META 32

struct import_env {
	const char *in;
	const char *out;
	const char *label;
	const char *metric;
	const char *column;	/* NULL: plain numbers */
	enum sb_series_kind kind;
	double mult;		/* input unit -> ns */
	const char *meta[MAX_META];
	size_t nr_meta;
};

static const char import_doc[] =
"Turn a list of latencies into a results file: plain numbers, one a line,\n"
"or one column of a CSV file. Blank lines and lines starting with '#' are\n"
"skipped; anything else that is not a non-negative number is an error\n"
"naming the line. Values are rounded to whole nanoseconds.\n"
"\v"
"EXAMPLES:\n"
"    smmubench import -l vendor -o v.results lat.txt    # ns, one a line\n"
"    smmubench import -u us -m map -o m.results -       # us, from stdin\n"
"    smmubench import -c lat_ns -o x.results t.csv      # CSV column\n"
"    smmubench import -c 3 -M kernel_release=6.1 t.csv  # to stdout\n";

static const struct argp_option import_opts[] = {
	{ "label", 'l', "LABEL", 0, "Label of the run (default: the file name)", 0 },
	{ "metric", 'm', "NAME", 0, "Series op.NAME, or NAME with --kind (default op.latency)", 0 },
	{ "kind", 'k', "KIND", 0, "op (default), func, lock_hold, lock_wait, sync, other", 0 },
	{ "unit", 'u', "UNIT", 0, "Unit of the input: ns (default), us or ms", 0 },
	{ "column", 'c', "N|NAME", 0, "Read CSV column N (from 1) or the column headed NAME", 0 },
	{ "meta", 'M', "KEY=VALUE", 0, "Add a meta record, e.g. kernel_release=6.1 (repeatable)", 0 },
	{ "output", 'o', "OUT", 0, "Results file to write (default: stdout)", 0 },
	{ NULL, 'h', NULL, OPTION_HIDDEN, "Show the full help", 0 },
	{},
};

static int parse_unit(const char *s, double *mult)
{
	if (!strcmp(s, "ns"))
		*mult = 1;
	else if (!strcmp(s, "us"))
		*mult = 1e3;
	else if (!strcmp(s, "ms"))
		*mult = 1e6;
	else
		return -EINVAL;
	return 0;
}

static error_t import_parse(int key, char *arg, struct argp_state *state)
{
	struct import_env *env = state->input;

	switch (key) {
	case 'h':
		argp_state_help(state, stdout, ARGP_HELP_STD_HELP);
		break;
	case 'l':
		env->label = arg;
		break;
	case 'm':
		env->metric = arg;
		break;
	case 'k':
		if (sb_series_kind__parse(arg, &env->kind) ||
		    env->kind == SB_KIND_COUNT)
			argp_error(state, "--kind: '%s' is not a time series kind",
				   arg);
		break;
	case 'u':
		if (parse_unit(arg, &env->mult))
			argp_error(state, "--unit: '%s' is not ns, us or ms", arg);
		break;
	case 'c':
		if (!*arg)
			argp_error(state, "--column: empty");
		env->column = arg;
		break;
	case 'M':
		if (env->nr_meta >= MAX_META || !strchr(arg, '=') ||
		    arg[0] == '=')
			argp_error(state, "--meta: '%s' is not KEY=VALUE (at most %d)",
				   arg, MAX_META);
		env->meta[env->nr_meta++] = arg;
		break;
	case 'o':
		env->out = arg;
		break;
	case ARGP_KEY_ARG:
		if (env->in)
			argp_error(state, "one input only");
		env->in = arg;
		break;
	case ARGP_KEY_END:
		if (!env->in)
			argp_error(state, "missing FILE (or - for stdin)");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/*
 * Field @col (0-based) of a CSV line, unquoted in place (RFC 4180: a field
 * in double quotes may hold commas, and "" stands for a quote); blanks
 * around a field are dropped. NULL if the line has fewer fields, or a
 * quote that does not close or is followed by more than blanks.
 */
static char *csv_field(char *line, long col)
{
	char *p = line, *f, *out;
	long i;

	for (i = 0;; i++) {
		while (*p == ' ' || *p == '\t')
			p++;
		f = out = p;
		if (*p == '"') {
			for (p++; *p != '"' || p[1] == '"'; p++) {
				if (!*p)
					return NULL;
				if (*p == '"')	/* "" */
					p++;
				*out++ = *p;
			}
			for (p++; *p == ' ' || *p == '\t'; p++)
				;
			if (*p && *p != ',')
				return NULL;
		} else {
			p += strcspn(p, ",");
			for (out = p; out > f && isspace((unsigned char)out[-1]);)
				out--;
		}
		if (i == col) {
			*out = '\0';
			return f;
		}
		if (*p != ',')
			return NULL;
		p++;
	}
}

struct reader {
	const struct import_env *env;
	const char *name;
	unsigned long line;
	long col;		/* CSV column, -1 for plain numbers */
	bool header_done;
};

/* Finds --column NAME or N in the first line; 1: header line, skip it. */
static int resolve_column(struct reader *rd, char *line)
{
	char *copy, *f, *end;
	uint64_t n;
	long i;

	rd->header_done = true;
	if (!sb_parse_u64(rd->env->column, 0, &n)) {
		if (n < 1 || n > 100000) {
			fprintf(stderr, "smmubench import: --column %s: columns count from 1\n",
				rd->env->column);
			return -EINVAL;
		}
		rd->col = n - 1;
		copy = strdup(line);
		f = copy ? csv_field(copy, rd->col) : NULL;
		/* A first row that is not a number is a header. */
		i = f && (strtod(f, &end), end == f);
		free(copy);
		return i;
	}
	for (i = 0; i < 100000; i++) {
		copy = strdup(line);
		if (!copy)
			return -ENOMEM;
		f = csv_field(copy, i);
		if (!f) {
			free(copy);
			break;
		}
		if (!strcmp(f, rd->env->column)) {
			free(copy);
			rd->col = i;
			return 1;
		}
		free(copy);
	}
	fprintf(stderr, "smmubench import: %s:1: no column named '%s' in the header\n",
		rd->name, rd->env->column);
	return -EINVAL;
}

static int parse_value(struct reader *rd, char *s, uint64_t *ns)
{
	double v, scaled;
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	if (!*s || isspace((unsigned char)*s))
		goto bad;
	errno = 0;
	v = strtod(s, &end);
	while (isspace((unsigned char)*end))
		end++;
	if (end == s || *end)
		goto bad;
	if (isnan(v) || isinf(v) || errno == ERANGE) {
		fprintf(stderr, "smmubench import: %s:%lu: '%s' is not a finite number\n",
			rd->name, rd->line, s);
		return -EINVAL;
	}
	if (v < 0) {
		fprintf(stderr, "smmubench import: %s:%lu: negative latency '%s'\n",
			rd->name, rd->line, s);
		return -EINVAL;
	}
	scaled = round(v * rd->env->mult);
	if (scaled > SB_MAX_VALUE_NS) {
		fprintf(stderr, "smmubench import: %s:%lu: '%s' is above an hour: absurd latency\n",
			rd->name, rd->line, s);
		return -EINVAL;
	}
	*ns = (uint64_t)scaled;
	return 0;

bad:
	fprintf(stderr, "smmubench import: %s:%lu: '%s' is not a number\n",
		rd->name, rd->line, s);
	return -EINVAL;
}

/* Reads @f into @s; returns 0 or -errno after printing why. */
static int import_lines(struct reader *rd, FILE *f, struct sb_series *s)
{
	char *line = NULL, *v;
	size_t cap = 0;
	ssize_t len;
	uint64_t ns;
	int err = 0;

	while ((len = getline(&line, &cap, f)) >= 0) {
		rd->line++;
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[strspn(line, " \t")] || line[0] == '#')
			continue;
		if (rd->env->column && !rd->header_done) {
			err = resolve_column(rd, line);
			if (err < 0)
				break;
			if (err == 1) {
				err = 0;
				continue;
			}
		}
		v = rd->col < 0 ? line : csv_field(line, rd->col);
		if (!v) {
			fprintf(stderr, "smmubench import: %s:%lu: no column %ld\n",
				rd->name, rd->line, rd->col + 1);
			err = -EINVAL;
			break;
		}
		err = parse_value(rd, v, &ns);
		if (err)
			break;
		err = sb_series__add_value(s, ns);
		if (err) {
			fprintf(stderr, "smmubench import: %s:%lu: %s\n",
				rd->name, rd->line, strerror(-err));
			break;
		}
	}
	if (!err && ferror(f)) {
		fprintf(stderr, "smmubench import: %s: read error\n", rd->name);
		err = -EIO;
	}
	free(line);
	return err;
}

static int set_meta(struct sb_results *r, const struct import_env *env)
{
	const char *label = env->label ? env->label :
			    strcmp(env->in, "-") ? env->in : "stdin";
	size_t i;
	int err;

	err = sb_results__set_host_meta(r);
	/* The data was measured elsewhere: the importing host says nothing. */
	if (!err)
		err = sb_results__set_meta(r, "kernel_release", "unknown");
	if (!err)
		err = sb_results__set_meta(r, "machine", "unknown");
	if (!err)
		err = sb_results__set_meta(r, "cpu", "unknown");
	if (!err)
		err = sb_results__set_meta(r, "label", "%s", label);
	if (!err)
		err = sb_results__set_meta(r, "source", "import:%s", env->in);
	for (i = 0; !err && i < env->nr_meta; i++) {
		char key[SB_NAME_MAX + 1];
		const char *eq = strchr(env->meta[i], '=');
		size_t klen = eq - env->meta[i];

		if (klen > SB_NAME_MAX)
			return -EINVAL;
		memcpy(key, env->meta[i], klen);
		key[klen] = '\0';
		err = sb_results__set_meta(r, key, "%s", eq + 1);
	}
	return err;
}

static int write_out(const struct sb_results *r, const char *out)
{
	int err;

	if (out && strcmp(out, "-"))
		return sb_results__write(r, out);
	err = sb_results__write_stream(r, stdout);
	return err ? err : (fflush(stdout) ? -EIO : 0);
}

int cmd_import(int argc, char **argv)
{
	static const struct argp argp = {
		.options = import_opts,
		.parser = import_parse,
		.args_doc = "FILE|-",
		.doc = import_doc,
	};
	struct import_env env = { .metric = "latency", .mult = 1,
				  .kind = SB_KIND_OP };
	struct reader rd = { .env = &env, .col = -1 };
	char name[SB_NAME_MAX + 2];
	struct sb_results *r = NULL;
	struct sb_series *s;
	FILE *f = NULL;
	int ret = SB_EXIT_RUNTIME, err;

	if (sb_argp_parse(&argp, argc, argv, "import", &env))
		return SB_EXIT_USAGE;
	snprintf(name, sizeof(name), "op.%s", env.metric);
	if (env.kind != SB_KIND_OP)
		snprintf(name, sizeof(name), "%s", env.metric);
	rd.name = strcmp(env.in, "-") ? env.in : "<stdin>";
	r = sb_results__new();
	if (!r)
		goto free_results;
	s = sb_results__series(r, name, "ns", env.kind);
	if (!s) {
		fprintf(stderr, "smmubench import: --metric: '%s' is not a valid series name\n",
			env.metric);
		ret = SB_EXIT_USAGE;
		goto free_results;
	}
	if (set_meta(r, &env)) {
		fprintf(stderr, "smmubench import: --label/--meta: invalid key or value too long\n");
		ret = SB_EXIT_USAGE;
		goto free_results;
	}
	f = strcmp(env.in, "-") ? fopen(env.in, "r") : stdin;
	if (!f) {
		fprintf(stderr, "smmubench import: %s: %s\n", env.in,
			strerror(errno));
		goto free_results;
	}
	if (import_lines(&rd, f, s))
		goto close_input;
	if (!s->nr_samples) {
		fprintf(stderr, "smmubench import: %s: no values\n", rd.name);
		goto close_input;
	}
	err = write_out(r, env.out);
	if (err) {
		fprintf(stderr, "smmubench import: writing %s: %s\n",
			env.out ? env.out : "stdout", strerror(-err));
		goto close_input;
	}
	ret = SB_EXIT_OK;

close_input:
	if (f != stdin)
		fclose(f);
free_results:
	sb_results__free(r);
	return ret;
}
