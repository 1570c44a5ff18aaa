// SPDX-License-Identifier: GPL-2.0
/* Placeholder until 'smmubench compare' lands; replaced by the real command. */
#include <stdio.h>

#include "smmubench/cmds.h"

int cmd_compare(int argc, char **argv)
{
	fprintf(stderr, "smmubench compare: not implemented yet\n");
	return 2;
}
