// SPDX-License-Identifier: GPL-2.0
/* Argument parsing shared by report, compare, plot and import. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

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

int sb_parse_double(const char *s, double *out)
{
	char *end;
	double v;

	if (!*s || isspace((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (*end || end == s)
		return -EINVAL;
	if (errno == ERANGE || !isfinite(v))
		return -ERANGE;
	*out = v;
	return 0;
}

int sb_parse_u64(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;

	/* strtoull accepts "-1" and leading blanks; we do not. */
	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end)
		return -EINVAL;
	if (errno == ERANGE)
		return -ERANGE;
	*out = v;
	return 0;
}
