// SPDX-License-Identifier: GPL-2.0
/*
 * smmubench plot: gnuplot figures from results files, drawn by the plot
 * engine of the results library (analysis/plot.c): the options here.
 */
#include <argp.h>
#include <stdio.h>

#include "cmd_util.h"
#include "smmubench/cmds.h"
#include "smmubench/plot.h"

static const char plot_doc[] =
"Draw gnuplot figures (PNG and SVG) from results files: a latency CDF per\n"
"op, function and lock series across runs, histograms on a log axis, and\n"
"the CMD_SYNC times of all sync series together; for a thread sweep\n"
"(the files of run --threads N,N,...), ops per second per thread and the\n"
"main op's p50 and p99 against threads. Each image has its gnuplot script\n"
"next to it; the plotted data is in DIR/data.\n"
"\v"
"EXAMPLES:\n"
"    smmubench plot -o figs 6.1.results 6.12.results  # runs overlaid\n"
"    smmubench plot -o figs s.t*.results  # threads-map.png: the sweep's curve\n"
"    cd figs && gnuplot cdf-op.attach.gp              # redraw one figure\n";

static const struct argp_option plot_opts[] = {
	{ "output", 'o', "DIR", 0, "Directory for images, scripts and data (required)", 0 },
	{ NULL, 'h', NULL, OPTION_HIDDEN, "Show the full help", 0 },
	{},
};

static error_t plot_parse(int key, char *arg, struct argp_state *state)
{
	struct sb_plot *env = state->input;

	switch (key) {
	case 'h':
		argp_state_help(state, stdout, ARGP_HELP_STD_HELP);
		break;
	case 'o':
		env->dir = arg;
		break;
	case ARGP_KEY_ARG:
		if (env->nr_runs >= SB_PLOT_MAX_RUNS)
			argp_error(state, "at most %d files", SB_PLOT_MAX_RUNS);
		env->runs[env->nr_runs++].path = arg;
		break;
	case ARGP_KEY_END:
		if (!env->nr_runs)
			argp_error(state, "missing FILE");
		if (!env->dir)
			argp_error(state, "missing -o DIR");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

int cmd_plot(int argc, char **argv)
{
	static const struct argp argp = {
		.options = plot_opts,
		.parser = plot_parse,
		.args_doc = "FILE...",
		.doc = plot_doc,
	};
	struct sb_plot env = { 0 };
	int ret = SB_EXIT_RUNTIME;

	if (sb_argp_parse(&argp, argc, argv, "plot", &env))
		return SB_EXIT_USAGE;
	if (sb_plot__probe_gnuplot(&env) || sb_plot__load_runs(&env))
		goto free_runs;
	if (sb_plot__draw(&env))
		goto free_runs;
	if (!env.nr_images) {
		fprintf(stderr, "smmubench plot: no time series with samples to plot\n");
		goto free_runs;
	}
	printf("smmubench plot: %u images, scripts and data in %s\n",
	       env.nr_images, env.dir);
	ret = SB_EXIT_OK;

free_runs:
	sb_plot__free(&env);
	return ret;
}
