/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a device is and what it backs, read from sysfs and procfs the way
 * the kernel exposes them: smmubench run asks before it takes a device
 * (not a public API).
 */
#ifndef SMMUBENCH_DEVICE_H
#define SMMUBENCH_DEVICE_H

#include <stdbool.h>

struct sb_devinfo {
	char bus[16];		/* "pci" or "platform" */
	char driver[64];	/* "" if none */
	unsigned int class;	/* PCI class code (0xBBSSPP) */
	unsigned int vendor, device;
	bool pci;
	bool bridge;		/* a bridge, root port or host bridge */
	char what[160];		/* "PCI device 1af4:1042, class 0x010000 (mass storage)" */
	char known_as[256];	/* "block device vda, network interface eth0" */
	char in_use[512];	/* why taking it would break something; "" if nothing */
};

/*
 * Fills @di for the device @name on the PCI or platform bus. @root is
 * prepended to /sys and /proc ("" on a live system; a folder holding a
 * made-up sys/ and proc/ in the unit tests). Returns 0, -ENODEV when no
 * bus has the device, or another -errno when sysfs cannot be read.
 */
int sb_dev_inspect(const char *root, const char *name, struct sb_devinfo *di);

/* "pci" or "platform", the bus that has @name (under @root), or NULL. */
const char *sb_dev_bus(const char *root, const char *name);

#endif /* SMMUBENCH_DEVICE_H */
