// SPDX-License-Identifier: GPL-2.0
/* Placeholder until 'smmubench import' lands; replaced by the real command. */
#include <stdio.h>

#include "smmubench/cmds.h"

int cmd_import(int argc, char **argv)
{
	fprintf(stderr, "smmubench import: not implemented yet\n");
	return 2;
}
