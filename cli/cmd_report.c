// SPDX-License-Identifier: GPL-2.0
/* smmubench report: summarise one results file. */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_util.h"
#include "smmubench/cmds.h"
#include "smmubench/report.h"
#include "smmubench/results.h"

struct report_env {
	const char *file;
	const char *glob;
	enum sb_format fmt;
};

static const char report_doc[] =
"Summarise a results file: per op, function and lock series the count,\n"
"min, p50, p90, p99, p99.9, max, mean and stddev; counters; metadata.\n"
"\v"
"EXAMPLES:\n"
"    smmubench report a.results                      # text, human units\n"
"    smmubench report -f csv a.results               # raw ns, per series\n"
"    smmubench report -f json -s 'lock.*' a.results  # locks, as JSON\n";

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
		if (env->file)
			argp_error(state, "one FILE only (use compare for several)");
		env->file = arg;
		break;
	case ARGP_KEY_END:
		if (!env->file)
			argp_error(state, "missing FILE");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

int cmd_report(int argc, char **argv)
{
	static const struct argp argp = {
		.options = report_opts,
		.parser = report_parse,
		.args_doc = "FILE",
		.doc = report_doc,
	};
	struct report_env env = { .fmt = SB_FORMAT_TEXT };
	struct sb_report_opts o = { 0 };
	struct sb_results *r = NULL;
	char err[512];
	int ret;

	if (sb_argp_parse(&argp, argc, argv, "report", &env))
		return SB_EXIT_USAGE;
	ret = sb_results__read(env.file, &r, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "smmubench report: %s\n", err);
		return SB_EXIT_RUNTIME;
	}
	o.file = env.file;
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
