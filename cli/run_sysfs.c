// SPDX-License-Identifier: GPL-2.0
/*
 * Moving devices between their driver and smmubench.ko through sysfs:
 * driver_override picks the driver, drivers_probe makes the bus try it.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "run_sysfs.h"

static int write_file(const char *path, const char *val)
{
	ssize_t n;
	int fd, err = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	if (n < 0)
		err = -errno;
	else if ((size_t)n != strlen(val))
		err = -EIO;
	close(fd);
	return err;
}

/* The name of the driver bound to the device, "" if none. */
static int current_driver(const struct sb_claim *c, char *out, size_t len)
{
	char path[PATH_MAX], target[PATH_MAX];
	const char *base;
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/%s/devices/%s/driver", c->bus,
		 c->name);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0) {
		if (errno != ENOENT)
			return -errno;
		out[0] = '\0';
		return 0;
	}
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(base) >= len)
		return -ENAMETOOLONG;
	memcpy(out, base, strlen(base) + 1);
	return 0;
}

static int find_bus(struct sb_claim *c)
{
	static const char *const buses[] = { "pci", "platform" };
	char path[PATH_MAX];
	size_t i;

	for (i = 0; i < sizeof(buses) / sizeof(buses[0]); i++) {
		snprintf(path, sizeof(path), "/sys/bus/%s/devices/%s", buses[i],
			 c->name);
		if (!access(path, F_OK)) {
			c->bus = buses[i];
			return 0;
		}
	}
	return -ENODEV;
}

static int set_override(const struct sb_claim *c, const char *drv)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/bus/%s/devices/%s/driver_override",
		 c->bus, c->name);
	return write_file(path, drv);
}

static int unbind(const struct sb_claim *c, const char *drv)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/bus/%s/drivers/%s/unbind", c->bus,
		 drv);
	return write_file(path, c->name);
}

static int probe(const struct sb_claim *c)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "/sys/bus/%s/drivers_probe", c->bus);
	return write_file(path, c->name);
}

int sb_claim__bind(struct sb_claim *c, char *err, size_t errlen)
{
	char now[64];
	int ret;

	c->bound_by_us = false;
	if (find_bus(c)) {
		snprintf(err, errlen, "no such device '%s' on the PCI or platform bus",
			 c->name);
		return -ENODEV;
	}
	ret = current_driver(c, c->prev_driver, sizeof(c->prev_driver));
	if (ret) {
		snprintf(err, errlen, "%s: cannot read its driver: %s", c->name,
			 strerror(-ret));
		return ret;
	}
	if (!strcmp(c->prev_driver, SB_DRIVER_NAME))
		return 0;
	ret = set_override(c, SB_DRIVER_NAME);
	if (ret) {
		snprintf(err, errlen, "%s: cannot set driver_override: %s",
			 c->name, strerror(-ret));
		return ret;
	}
	/* From here on, restoring is needed even if binding fails. */
	c->bound_by_us = true;
	if (c->prev_driver[0]) {
		ret = unbind(c, c->prev_driver);
		if (ret) {
			snprintf(err, errlen, "%s: cannot unbind it from %s: %s",
				 c->name, c->prev_driver, strerror(-ret));
			return ret;
		}
	}
	ret = probe(c);
	if (!ret)
		ret = current_driver(c, now, sizeof(now));
	if (!ret && strcmp(now, SB_DRIVER_NAME))
		ret = -ENXIO;
	if (ret) {
		snprintf(err, errlen, "%s: smmubench did not bind to it (%s); see dmesg",
			 c->name, strerror(-ret));
		return ret;
	}
	return 0;
}

int sb_claim__restore(struct sb_claim *c, char *err, size_t errlen)
{
	char now[64];
	int ret, first = 0;

	if (!c->bound_by_us)
		return 0;
	c->bound_by_us = false;
	ret = current_driver(c, now, sizeof(now));
	if (!ret && !strcmp(now, SB_DRIVER_NAME))
		ret = unbind(c, SB_DRIVER_NAME);
	first = ret;
	/* An empty write clears driver_override. */
	ret = set_override(c, "\n");
	if (!first)
		first = ret;
	if (c->prev_driver[0]) {
		ret = probe(c);
		if (!ret)
			ret = current_driver(c, now, sizeof(now));
		if (!ret && strcmp(now, c->prev_driver))
			ret = -ENXIO;
		if (!first)
			first = ret;
	}
	if (first)
		snprintf(err, errlen, "%s: could not give it back to %s: %s",
			 c->name, c->prev_driver[0] ? c->prev_driver : "no driver",
			 strerror(-first));
	return first;
}
