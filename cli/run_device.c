// SPDX-License-Identifier: GPL-2.0
/*
 * What a device is and what it backs. Everything comes from the device's
 * own sysfs subtree, the way the kernel links things to the hardware that
 * carries them: block devices (and their partitions and holders: dm, md),
 * network interfaces, ttys, framebuffers and virtio 9p tags appear as
 * children of the device that backs them. Those are then looked up in
 * /proc/self/mountinfo, /proc/swaps and the interface flags, so no list of
 * driver or device names is needed: an NVMe drive holding / is refused the
 * same way as the test bed's virtio disk.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd_util.h"
#include "smmubench/device.h"

/* Deep enough for PCI device -> virtio -> block -> disk -> partition. */
#define WALK_DEPTH	8
#define HOLDER_DEPTH	4

struct inspect {
	const char *root;
	struct sb_devinfo *di;
	char consoles[256];	/* /sys/class/tty/console/active */
};

static void __attribute__((format(printf, 3, 4)))
append(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	if (used + 3 >= len)
		return;
	if (used) {
		strcpy(buf + used, "; ");
		used += 2;
	}
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

/*
 * A path of at most PATH_MAX - 1 bytes; a longer one is cut, and then
 * names nothing, which every caller takes as "not there".
 */
static void __attribute__((format(printf, 2, 3)))
pathf(char *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out, PATH_MAX, fmt, ap);
	va_end(ap);
}

static int read_hex(const char *path, unsigned int *out)
{
	char buf[32], *end;
	unsigned long v;
	int ret = sb_read_line(path, buf, sizeof(buf));

	if (ret)
		return ret;
	errno = 0;
	v = strtoul(buf, &end, 0);
	if (errno || end == buf)
		return -EINVAL;
	*out = v;
	return 0;
}

/* The basename of what @dir/@link points to, "" if it is no link. */
static void link_base(const char *dir, const char *link, char *out, size_t len)
{
	char path[PATH_MAX], target[PATH_MAX];
	const char *base;
	ssize_t n;

	out[0] = '\0';
	pathf(path, "%s/%s", dir, link);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(base) < len)
		strcpy(out, base);
}

static const char *pci_class_name(unsigned int class)
{
	static const char *const names[] = {
		"unclassified", "mass storage", "network", "display",
		"multimedia", "memory", "bridge", "communication",
		"system peripheral", "input", "docking station", "processor",
		"serial bus", "wireless", "intelligent I/O", "satellite",
		"encryption", "signal processing", "processing accelerator",
	};
	unsigned int base = class >> 16;

	return base < sizeof(names) / sizeof(names[0]) ? names[base] : "other";
}

/* One line of /proc/self/mountinfo, the fields smmubench looks at. */
struct mount_entry {
	char devno[32];		/* major:minor */
	char point[1024];
	char type[64];
	char src[1024];
};

static FILE *open_mounts(const struct inspect *in)
{
	char path[PATH_MAX];

	pathf(path, "%s/proc/self/mountinfo", in->root);
	return fopen(path, "re");
}

static bool next_mount(FILE *f, struct mount_entry *m)
{
	char line[4096], *sep;

	while (fgets(line, sizeof(line), f)) {
		/* Optional fields end at " - ", before the type and source. */
		sep = strstr(line, " - ");
		if (sep && sscanf(line, "%*s %*s %31s %*s %1023s", m->devno,
				  m->point) == 2 &&
		    sscanf(sep + 3, "%63s %1023s", m->type, m->src) == 2)
			return true;
	}
	return false;
}

/*
 * Where a block device is mounted, by its device number or by the source
 * naming it (btrfs and others report an anonymous device number).
 */
static bool mounted_at(const struct inspect *in, const char *blk,
		       const char *devno, char *mnt, size_t len)
{
	struct mount_entry m;
	bool found = false;
	FILE *f = open_mounts(in);
	const char *base;

	while (f && !found && next_mount(f, &m)) {
		base = strrchr(m.src, '/');
		found = !strcmp(m.devno, devno) || (base && !strcmp(base + 1, blk));
		if (found)
			snprintf(mnt, len, "%s", m.point);
	}
	if (f)
		fclose(f);
	return found;
}

/* True if /proc/swaps lists the block device @blk as active swap. */
static bool swap_on(const struct inspect *in, const char *blk)
{
	char path[PATH_MAX], line[1024], name[PATH_MAX], real[PATH_MAX];
	bool found = false;
	FILE *f;

	pathf(path, "%s/proc/swaps", in->root);
	f = fopen(path, "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		const char *base;

		if (sscanf(line, "%1023s", name) != 1 || name[0] != '/')
			continue;
		/* /dev/mapper/x is a link to /dev/dm-N: compare what it names. */
		pathf(path, "%s%s", in->root, name);
		if (realpath(path, real))
			snprintf(name, sizeof(name), "%s", real);
		base = strrchr(name, '/');
		found = base && !strcmp(base + 1, blk);
	}
	fclose(f);
	return found;
}

/*
 * Why the block device in @dir (named @blk) must stay where it is: mounted,
 * active swap, or either of those for a device stacked on it (its holders:
 * dm, md, bcache).
 */
static void block_in_use(struct inspect *in, const char *dir, const char *blk,
			 const char *via, int depth)
{
	char path[PATH_MAX], devno[32], mnt[1024], stacked[128];
	struct dirent *e;
	DIR *d;

	pathf(path, "%s/dev", dir);
	if (sb_read_line(path, devno, sizeof(devno)))
		devno[0] = '\0';
	if (mounted_at(in, blk, devno, mnt, sizeof(mnt)))
		append(in->di->in_use, sizeof(in->di->in_use),
		       "block device %s%s is mounted at %s", blk, via, mnt);
	if (swap_on(in, blk))
		append(in->di->in_use, sizeof(in->di->in_use),
		       "block device %s%s is active swap", blk, via);
	if (depth >= HOLDER_DEPTH)
		return;
	pathf(path, "%s/holders", dir);
	d = opendir(path);
	if (!d)
		return;
	snprintf(stacked, sizeof(stacked), " (stacked on %.32s%s)", blk,
		 depth ? ", ..." : "");
	while ((e = readdir(d))) {
		char holder[PATH_MAX];

		if (e->d_name[0] == '.')
			continue;
		pathf(path, "%s/sys/class/block/%s", in->root, e->d_name);
		if (realpath(path, holder))
			block_in_use(in, holder, e->d_name, stacked, depth + 1);
	}
	closedir(d);
}

static bool is_console(const struct inspect *in, const char *tty)
{
	size_t n = strlen(tty);
	const char *p;

	for (p = strstr(in->consoles, tty); p; p = strstr(p + 1, tty))
		if ((p == in->consoles || p[-1] == ' ') &&
		    (p[n] == ' ' || !p[n]))
			return true;
	return false;
}

/* A 9p share is known by its mount tag, which the virtio device shows. */
static void virtio_9p(struct inspect *in, const char *dir)
{
	char path[PATH_MAX], tag[256];
	struct mount_entry m;
	FILE *f;

	pathf(path, "%s/mount_tag", dir);
	if (sb_read_line(path, tag, sizeof(tag)))
		return;
	append(in->di->known_as, sizeof(in->di->known_as),
	       "9p mount tag '%s'", tag);
	f = open_mounts(in);
	while (f && next_mount(f, &m))
		if (!strcmp(m.type, "9p") && !strcmp(m.src, tag))
			append(in->di->in_use, sizeof(in->di->in_use),
			       "9p file system '%s' is mounted at %s", tag,
			       m.point);
	if (f)
		fclose(f);
}

/* Classifies one child device folder by its subsystem. */
static void child(struct inspect *in, const char *dir, const char *name)
{
	struct sb_devinfo *di = in->di;
	char subsys[64], path[PATH_MAX];
	unsigned int flags;

	link_base(dir, "subsystem", subsys, sizeof(subsys));
	if (!strcmp(subsys, "block")) {
		/* Partitions are named in what is in use, not here. */
		pathf(path, "%s/partition", dir);
		if (access(path, F_OK))
			append(di->known_as, sizeof(di->known_as),
			       "block device %s", name);
		block_in_use(in, dir, name, "", 0);
	} else if (!strcmp(subsys, "net")) {
		append(di->known_as, sizeof(di->known_as),
		       "network interface %s", name);
		pathf(path, "%s/flags", dir);
		/* IFF_UP: the administrator's "up", whatever the link does. */
		if (!read_hex(path, &flags) && (flags & 0x1))
			append(di->in_use, sizeof(di->in_use),
			       "network interface %s is up", name);
	} else if (!strcmp(subsys, "tty")) {
		append(di->known_as, sizeof(di->known_as), "tty %s", name);
		if (is_console(in, name))
			append(di->in_use, sizeof(di->in_use),
			       "tty %s is the console", name);
	} else if (!strcmp(subsys, "graphics") || !strcmp(subsys, "drm")) {
		append(di->known_as, sizeof(di->known_as), "display %s", name);
		/* tty0 is the virtual terminal that fbcon draws on a display. */
		if (is_console(in, "tty0"))
			append(di->in_use, sizeof(di->in_use),
			       "display %s may carry the console (tty0)",
			       name);
	} else if (!strcmp(subsys, "virtio")) {
		virtio_9p(in, dir);
	}
}

/*
 * Children are real folders; links (driver, subsystem, iommu_group, ...)
 * lead out of the subtree and are not followed.
 */
static void walk(struct inspect *in, const char *dir, int depth)
{
	char path[PATH_MAX];
	struct dirent *e;
	struct stat st;
	DIR *d;

	if (depth > WALK_DEPTH)
		return;
	d = opendir(dir);
	if (!d)
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || !strcmp(e->d_name, "holders") ||
		    !strcmp(e->d_name, "slaves"))
			continue;
		pathf(path, "%s/%s", dir, e->d_name);
		if (lstat(path, &st) || !S_ISDIR(st.st_mode))
			continue;
		child(in, path, e->d_name);
		walk(in, path, depth + 1);
	}
	closedir(d);
}

const char *sb_dev_bus(const char *root, const char *name)
{
	static const char *const buses[] = { "pci", "platform" };
	char path[PATH_MAX];
	size_t i;

	for (i = 0; i < sizeof(buses) / sizeof(buses[0]); i++) {
		pathf(path, "%s/sys/bus/%s/devices/%s", root, buses[i], name);
		if (!access(path, F_OK))
			return buses[i];
	}
	return NULL;
}

/* @dir gets the device's own folder under /sys/devices (PATH_MAX). */
static int find_device(const char *root, const char *name,
		       struct sb_devinfo *di, char *dir)
{
	const char *bus = sb_dev_bus(root, name);
	char path[PATH_MAX];

	if (!bus)
		return -ENODEV;
	pathf(path, "%s/sys/bus/%s/devices/%s", root, bus, name);
	if (!realpath(path, dir))
		return -errno;
	snprintf(di->bus, sizeof(di->bus), "%s", bus);
	return 0;
}

static void pci_identity(const char *dir, struct sb_devinfo *di)
{
	char path[PATH_MAX], sub[PATH_MAX];
	struct stat st;

	di->pci = true;
	pathf(path, "%s/class", dir);
	read_hex(path, &di->class);
	pathf(path, "%s/vendor", dir);
	read_hex(path, &di->vendor);
	pathf(path, "%s/device", dir);
	read_hex(path, &di->device);
	/* A device with a bus of its own behind it is a bridge, whatever its class says. */
	pathf(sub, "%s/pci_bus", dir);
	di->bridge = (di->class >> 16) == 0x06 || !stat(sub, &st);
	snprintf(di->what, sizeof(di->what),
		 "PCI device %04x:%04x, class %#08x (%s)", di->vendor,
		 di->device, di->class, pci_class_name(di->class));
}

int sb_dev_inspect(const char *root, const char *name, struct sb_devinfo *di)
{
	struct inspect in = { .root = root, .di = di };
	char dir[PATH_MAX], path[PATH_MAX];
	int ret;

	memset(di, 0, sizeof(*di));
	ret = find_device(root, name, di, dir);
	if (ret)
		return ret;
	link_base(dir, "driver", di->driver, sizeof(di->driver));
	if (!strcmp(di->bus, "pci"))
		pci_identity(dir, di);
	else
		snprintf(di->what, sizeof(di->what), "platform device");
	pathf(path, "%s/sys/class/tty/console/active", root);
	if (sb_read_line(path, in.consoles, sizeof(in.consoles)))
		in.consoles[0] = '\0';
	walk(&in, dir, 0);
	return 0;
}
