// SPDX-License-Identifier: GPL-2.0
/* Placeholder until 'smmubench report' lands; replaced by the real command. */
#include <stdio.h>

#include "smmubench/cmds.h"

int cmd_report(int argc, char **argv)
{
	fprintf(stderr, "smmubench report: not implemented yet\n");
	return 2;
}
