// SPDX-License-Identifier: GPL-2.0
/* smmubench report: summarise a results file, or the files of a sweep. */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_util.h"
#include "smmubench/cmds.h"
#include "smmubench/report.h"
#include "smmubench/results.h"
#include "smmubench/sweep.h"

#define REPORT_MAX_FILES 64

struct report_env {
	const char *files[REPORT_MAX_FILES];
	int nr_files;
	const char *glob;
	enum sb_format fmt;
};

static const char report_doc[] =
"Summarise a results file: per op, function and lock series the count,\n"
"min, p50, p90, p99, p99.9, max, mean and stddev; counters; metadata.\n"
"Several files: the points of a thread sweep (smmubench run --threads\n"
"LIST writes one file per point), one row per point: threads, iterations\n"
"per second per thread, and each op's p50 and p99.\n"
"\v"
"EXAMPLES:\n"
"    smmubench report a.results                      # text, human units\n"
"    smmubench report -f csv a.results               # raw ns, per series\n"
"    smmubench report -f json -s 'lock.*' a.results  # locks, as JSON\n"
"    smmubench report s.t1.results s.t2.results s.t4.results\n"
"                                  # a sweep: rate per thread, p50, p99\n";

static const struct argp_option report_opts[] = {
	{ "format", 'f', "FORMAT", 0, "text (default), csv or json", 0 },
	{ "series", 's', "GLOB", 0, "Only series whose name matches GLOB", 0 },
	{ NULL, 'h', NULL, OPTION_HIDDEN, "Show the full help", 0 },
	{},
};

static error_t report_parse(int key, char *arg, struct argp_state *state)
{
	struct report_env *env = state->input;

	switch (key) {
	case 'h':
		argp_state_help(state, stdout, ARGP_HELP_STD_HELP);
		break;
	case 'f':
		if (sb_format__parse(arg, &env->fmt))
			argp_error(state, "--format: '%s' is not text, csv or json",
				   arg);
		break;
	case 's':
		env->glob = arg;
		break;
	case ARGP_KEY_ARG:
		if (env->nr_files == REPORT_MAX_FILES)
			argp_error(state, "more than %d FILEs", REPORT_MAX_FILES);
		env->files[env->nr_files++] = arg;
		break;
	case ARGP_KEY_END:
		if (!env->nr_files)
			argp_error(state, "missing FILE");
		if (env->nr_files > 1 && env->glob)
			argp_error(state, "--series applies to one FILE, not a sweep");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/*
 * Several files: each must be a point of one sweep (the same workload, a
 * threads param); the table is sorted by threads.
 */
static int report_sweep(const struct report_env *env)
{
	struct sb_results *r[REPORT_MAX_FILES] = { NULL };
	struct sb_sweep_point pts[REPORT_MAX_FILES];
	int i, w = -1, err_no, ret = SB_EXIT_RUNTIME;
	char err[512];

	for (i = 0; i < env->nr_files; i++) {
		if (sb_results__read(env->files[i], &r[i], err, sizeof(err))) {
			fprintf(stderr, "smmubench report: %s\n", err);
			goto out;
		}
		if (w < 0)
			w = sb_sweep__workload(sb_results__param(r[i], "workload"));
		if (w < 0 || sb_sweep__point(r[i], w, &pts[i])) {
			fprintf(stderr, "smmubench report: %s: not a point of a thread sweep of %s (several FILEs are the files of one `smmubench run --threads LIST`; compare compares two runs)\n",
				env->files[i], w < 0 ? "a known workload" :
				sb_sweep_workloads[w].name);
			goto out;
		}
		pts[i].run = i;
	}
	sb_sweep__sort(pts, env->nr_files);
	for (i = 1; i < env->nr_files; i++)
		if (pts[i].threads == pts[i - 1].threads) {
			fprintf(stderr, "smmubench report: %s and %s: both %lu threads: not one sweep\n",
				env->files[pts[i - 1].run], env->files[pts[i].run],
				pts[i].threads);
			goto out;
		}
	err_no = sb_sweep__print(stdout, env->fmt, w, pts, env->nr_files);
	if (err_no) {
		fprintf(stderr, "smmubench report: printing: %s\n", strerror(-err_no));
		goto out;
	}
	ret = SB_EXIT_OK;
out:
	for (i = 0; i < env->nr_files; i++)
		sb_results__free(r[i]);
	return ret;
}

int cmd_report(int argc, char **argv)
{
	static const struct argp argp = {
		.options = report_opts,
		.parser = report_parse,
		.args_doc = "FILE...",
		.doc = report_doc,
	};
	struct report_env env = { .fmt = SB_FORMAT_TEXT };
	struct sb_report_opts o = { 0 };
	struct sb_results *r = NULL;
	char err[512];
	int ret;

	if (sb_argp_parse(&argp, argc, argv, "report", &env))
		return SB_EXIT_USAGE;
	if (env.nr_files > 1)
		return report_sweep(&env);
	ret = sb_results__read(env.files[0], &r, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "smmubench report: %s\n", err);
		return SB_EXIT_RUNTIME;
	}
	o.file = env.files[0];
	o.series_glob = env.glob;
	ret = sb_report__print_opts(r, stdout, env.fmt, &o);
	sb_results__free(r);
	if (ret) {
		fprintf(stderr, "smmubench report: printing: %s\n",
			strerror(-ret));
		return SB_EXIT_RUNTIME;
	}
	return SB_EXIT_OK;
}
