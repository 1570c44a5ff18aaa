// SPDX-License-Identifier: GPL-2.0
/*
 * smmubench: measure the Arm SMMUv3 SVA and CD-write paths.
 * One front end, perf-style subcommands: smmubench run|report|compare|...
 */
#include <stdio.h>
#include <string.h>

#include "cmd_util.h"
#include "smmubench/cmds.h"

struct cmd_struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

static const struct cmd_struct commands[] = {
	{ "run", cmd_run, "Run a workload through the SMMU driver (root)" },
	{ "trace", cmd_trace, "Trace SMMU driver functions, commands and locks" },
	{ "report", cmd_report, "Summarise a results file" },
	{ "compare", cmd_compare, "Compare runs with significance tests" },
	{ "plot", cmd_plot, "Draw gnuplot figures from results files" },
	{ "import", cmd_import, "Turn a list of latencies into a results file" },
	{ "model", cmd_model, "Model the SVA CD-write lock placements" },
};

static void usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: smmubench [--version] [--help] COMMAND [ARGS]\n\n");
	fprintf(out, "The commands are:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "   %-10s %s\n", commands[i].name,
			commands[i].help);
	fprintf(out, "\nSee 'smmubench COMMAND --help' for more on a command.\n");
}

int main(int argc, char **argv)
{
	const char *name;
	size_t i;

	/* a usage error, as in every subcommand */
	if (argc < 2) {
		usage(stderr);
		return SB_EXIT_USAGE;
	}
	name = argv[1];
	if (!strcmp(name, "--help") || !strcmp(name, "-h") ||
	    !strcmp(name, "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(name, "--version") || !strcmp(name, "version")) {
		printf("smmubench %s\n", SMMUBENCH_VERSION);
		return 0;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (!strcmp(name, commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	}
	fprintf(stderr, "smmubench: '%s' is not a smmubench command. See 'smmubench --help'.\n",
		name);
	return SB_EXIT_USAGE;
}
