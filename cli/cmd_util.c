// SPDX-License-Identifier: GPL-2.0
/* Argument parsing shared by the subcommands. */
#include <stdio.h>

#include "cmd_util.h"
#include "smmubench/cmds.h"

int sb_argp_parse(const struct argp *argp, int argc, char **argv,
		  const char *name, void *input)
{
	char prog[64];
	char *argv0 = argv[0];
	int err;

	snprintf(prog, sizeof(prog), "smmubench %s", name);
	/*
	 * Assigned, not defined here: `smmubench run` lives in the same
	 * program and may set them too.
	 */
	argp_program_version = "smmubench " SMMUBENCH_VERSION;
	argp_program_bug_address = SMMUBENCH_BUG_ADDRESS;
	argp_err_exit_status = SB_EXIT_USAGE;
	/* argp names the program after argv[0] in usage and errors. */
	argv[0] = prog;
	err = argp_parse(argp, argc, argv, 0, NULL, input);
	argv[0] = argv0;
	return err;
}
