/* SPDX-License-Identifier: GPL-2.0 */
/* Handing devices to smmubench.ko and back (not a public API). */
#ifndef SMMUBENCH_CLI_RUN_SYSFS_H
#define SMMUBENCH_CLI_RUN_SYSFS_H

#include <stdbool.h>
#include <stddef.h>

#define SB_DRIVER_NAME "smmubench"

/* One device a run uses, and what it was bound to before. */
struct sb_claim {
	char name[64];		/* BDF or platform device name */
	const char *bus;	/* "pci" or "platform" */
	char prev_driver[64];	/* "" if none */
	bool bound_by_us;	/* we moved it to smmubench: move it back */
};

/*
 * Binds @c->name to smmubench with driver_override (nothing to do if it
 * already is). Returns 0, or -errno with a message in @err.
 */
int sb_claim__bind(struct sb_claim *c, char *err, size_t errlen);

/* Undoes sb_claim__bind: clears driver_override, reprobes the old driver. */
int sb_claim__restore(struct sb_claim *c, char *err, size_t errlen);

#endif /* SMMUBENCH_CLI_RUN_SYSFS_H */
