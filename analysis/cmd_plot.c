// SPDX-License-Identifier: GPL-2.0
/* Placeholder until 'smmubench plot' lands; replaced by the real command. */
#include <stdio.h>

#include "smmubench/cmds.h"

int cmd_plot(int argc, char **argv)
{
	fprintf(stderr, "smmubench plot: not implemented yet\n");
	return 2;
}
