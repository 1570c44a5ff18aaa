/* SPDX-License-Identifier: GPL-2.0 */
/* Handing devices to smmubench.ko and back (not a public API). */
#ifndef SMMUBENCH_CLI_RUN_SYSFS_H
#define SMMUBENCH_CLI_RUN_SYSFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define SB_DRIVER_NAME "smmubench"
/*
 * Claims between runs: per device, NAME.lock serialises the moves between
 * drivers, NAME.users is held by every run using the device (shared or
 * exclusive), NAME.state records the driver a run took the device from
 * until it is given back. tmpfs: a reboot forgets them with the bindings.
 */
#define SB_CLAIM_DIR "/run/smmubench"

/* One device a run uses, and what it was bound to before. */
struct sb_claim {
	char name[64];		/* BDF or platform device name */
	bool shared;		/* in: other runs may use it too (binds) */
	bool unbind_driver;	/* in: --unbind-driver: take it from its driver */
	const char *bus;	/* "pci" or "platform" */
	char prev_driver[64];	/* "" if none */
	bool give_back;		/* the last user moves it back to prev_driver */
	int users_fd;		/* open with its lock held while claimed */
	bool held;
};

/*
 * Makes @c->name usable by this run: refuses bridges, devices that back a
 * mounted file system, swap, an up interface or the console, and devices
 * of another driver without --unbind-driver; refuses a device that another
 * run holds (unless both share it) without touching it; otherwise binds it
 * to smmubench with driver_override. Returns 0, or -errno with a message
 * in @err; on error the device is as it was.
 */
int sb_claim__bind(struct sb_claim *c, char *err, size_t errlen);

/*
 * Ends this run's use of the device; the last user gives it back to the
 * driver it was taken from. Returns 0, or -errno with a message in @err.
 */
int sb_claim__restore(struct sb_claim *c, char *err, size_t errlen);

/*
 * smmubench run --release: gives back every device (or the one named
 * @name) that a killed run left bound to smmubench; devices in use by a
 * live run are left alone. Reports each on @out; returns 0 or -errno.
 */
int sb_claim__release_left(const char *name, FILE *out);

#endif /* SMMUBENCH_CLI_RUN_SYSFS_H */
