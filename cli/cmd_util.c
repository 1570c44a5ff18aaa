// SPDX-License-Identifier: GPL-2.0
/* Argument parsing and small-file reading shared by the subcommands. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

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

int sb_read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	int err = 0;

	if (!f)
		return -errno;
	if (!fgets(buf, len, f))
		err = ferror(f) ? -EIO : -ENODATA;
	fclose(f);
	if (!err)
		buf[strcspn(buf, "\n")] = '\0';
	return err;
}
