/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the subcommands' front ends (not a public API). */
#ifndef SMMUBENCH_CLI_CMD_UTIL_H
#define SMMUBENCH_CLI_CMD_UTIL_H

#include <argp.h>
#include <stddef.h>
#include <stdint.h>

#include "smmubench/num.h"

/* Exit codes of every subcommand. */
#define SB_EXIT_OK 0
#define SB_EXIT_RUNTIME 1
#define SB_EXIT_USAGE 2
#define SB_EXIT_REGRESSION 3

/*
 * Runs argp on a subcommand's argv with "smmubench NAME" as the program
 * name in usage and error lines, and usage errors exiting with 2.
 */
int sb_argp_parse(const struct argp *argp, int argc, char **argv,
		  const char *name, void *input);

/*
 * The first line of a small sysfs or procfs file at @path, without its
 * newline; 0, or -errno (-ENODATA for an empty file).
 */
int sb_read_line(const char *path, char *buf, size_t len);

#endif /* SMMUBENCH_CLI_CMD_UTIL_H */
