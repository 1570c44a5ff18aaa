// SPDX-License-Identifier: GPL-2.0
/* Placeholder until 'smmubench trace' lands; replaced by the real command. */
#include <stdio.h>

#include "smmubench/cmds.h"

int cmd_trace(int argc, char **argv)
{
	fprintf(stderr, "smmubench trace: not implemented yet\n");
	return 2;
}
