// SPDX-License-Identifier: GPL-2.0
/* Placeholder until 'smmubench run' lands; replaced by the real command. */
#include <stdio.h>

#include "smmubench/cmds.h"

int cmd_run(int argc, char **argv)
{
	fprintf(stderr, "smmubench run: not implemented yet\n");
	return 2;
}
