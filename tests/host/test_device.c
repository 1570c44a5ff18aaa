// SPDX-License-Identifier: GPL-2.0
/*
 * What smmubench run finds a device backs, on made-up sysfs and procfs
 * trees shaped as the kernel lays them out: bridges, a disk with
 * partitions (mounted, swap, by a stacked dm device, by a btrfs-style
 * anonymous device number), an interface up and down, a 9p share and the
 * console. The test bed tests do the same on the guest's real devices.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "smmubench/device.h"
#include "tap.h"

static char root[] = "/tmp/sb-test-device.XXXXXX";

static void __attribute__((format(printf, 2, 3)))
put(const char *text, const char *fmt, ...)
{
	char path[PATH_MAX], cmd[PATH_MAX + 32];
	va_list ap;
	FILE *f;
	int n;

	n = snprintf(path, sizeof(path), "%s/", root);
	va_start(ap, fmt);
	vsnprintf(path + n, sizeof(path) - n, fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", path);
	if (system(cmd))
		exit(2);
	f = fopen(path, "w");
	if (!f || fputs(text, f) < 0 || fclose(f))
		exit(2);
}

/* A folder (for holders/) or a link (@target non-NULL) at @path. */
static void node(const char *path, const char *target)
{
	char full[PATH_MAX], cmd[PATH_MAX * 4];

	snprintf(full, sizeof(full), "%s/%s", root, path);
	if (target)
		snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\" && ln -s '%s' '%s'",
			 full, target, full);
	else
		snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", full);
	if (system(cmd))
		exit(2);
}

#define PCI "sys/devices/pci0000:00"

static void pci_dev(const char *bdf, const char *class, const char *vendor,
		    const char *device, const char *driver)
{
	char dir[128], link[256], target[256];

	snprintf(dir, sizeof(dir), PCI "/%s", bdf);
	put(class, "%s/class", dir);
	put(vendor, "%s/vendor", dir);
	put(device, "%s/device", dir);
	snprintf(link, sizeof(link), "sys/bus/pci/devices/%s", bdf);
	snprintf(target, sizeof(target), "../../../devices/pci0000:00/%s", bdf);
	node(link, target);
	if (driver) {
		snprintf(link, sizeof(link), "%s/driver", dir);
		snprintf(target, sizeof(target), "../../../bus/pci/drivers/%s",
			 driver);
		node(link, target);
	}
}

/* A block device (partition if @part) under @dir, with /sys/class/block. */
static void block(const char *dir, const char *name, const char *devno,
		  bool part)
{
	char path[256], target[256];

	put(devno, "%s/%s/dev", dir, name);
	if (part)
		put("1\n", "%s/%s/partition", dir, name);
	snprintf(path, sizeof(path), "%s/%s/subsystem", dir, name);
	node(path, "/sys/class/block");
	snprintf(path, sizeof(path), "%s/%s/holders", dir, name);
	node(path, NULL);
	snprintf(path, sizeof(path), "sys/class/block/%s", name);
	snprintf(target, sizeof(target), "%s/%s/%s", root, dir, name);
	node(path, target);
}

static void tree(void)
{
	pci_dev("0000:00:00.0", "0x060000\n", "0x1b36\n", "0x0008\n", NULL);
	pci_dev("0000:00:01.0", "0x020000\n", "0x8086\n", "0x10d3\n", NULL);
	node(PCI "/0000:00:01.0/pci_bus/0000:01", NULL);
	/* A virtio disk: PCI device -> virtio2 -> block/vda -> vda1, vda2. */
	pci_dev("0000:00:07.0", "0x010000\n", "0x1af4\n", "0x1042\n",
		"virtio-pci");
	node(PCI "/0000:00:07.0/virtio2/subsystem", "../../../../bus/virtio");
	block(PCI "/0000:00:07.0/virtio2/block", "vda", "254:0\n", false);
	block(PCI "/0000:00:07.0/virtio2/block/vda", "vda1", "254:1\n", true);
	block(PCI "/0000:00:07.0/virtio2/block/vda", "vda2", "254:2\n", true);
	/* dm-0 is stacked on vda1. */
	block("sys/devices/virtual/block", "dm-0", "253:0\n", false);
	node(PCI "/0000:00:07.0/virtio2/block/vda/vda1/holders/dm-0",
	     "../../../../../../../virtual/block/dm-0");
	/* A NIC. */
	pci_dev("0000:00:06.0", "0x020000\n", "0x1af4\n", "0x1041\n",
		"virtio-pci");
	put("0x1002\n", PCI "/0000:00:06.0/virtio3/net/eth0/flags");
	node(PCI "/0000:00:06.0/virtio3/net/eth0/subsystem", "/sys/class/net");
	/* A 9p share. */
	pci_dev("0000:00:05.0", "0x000200\n", "0x1af4\n", "0x1049\n",
		"virtio-pci");
	put("host\n", PCI "/0000:00:05.0/virtio1/mount_tag");
	node(PCI "/0000:00:05.0/virtio1/subsystem", "../../../../bus/virtio");
	/* A serial port on the platform bus. */
	put("", "sys/devices/platform/serial8250/uevent");
	node("sys/bus/platform/devices/serial8250",
	     "../../../devices/platform/serial8250");
	node("sys/devices/platform/serial8250/tty/ttyS0/subsystem",
	     "/sys/class/tty");
	put("tty0 ttyS1\n", "sys/class/tty/console/active");
	put("22 27 0:21 / /proc rw - proc proc rw\n", "proc/self/mountinfo");
	put("Filename Type Size Used Priority\n", "proc/swaps");
}

static void inspect(const char *name, struct sb_devinfo *di)
{
	int ret = sb_dev_inspect(root, name, di);

	tap_ok(!ret, "%s: inspected (%s)", name, strerror(-ret));
}

static void mounts(const char *extra)
{
	char text[1024];

	snprintf(text, sizeof(text), "22 27 0:21 / /proc rw - proc proc rw\n%s",
		 extra);
	put(text, "proc/self/mountinfo");
}

static void test_bridges(void)
{
	struct sb_devinfo di;

	inspect("0000:00:00.0", &di);
	tap_ok(di.bridge && di.pci && di.class == 0x060000,
	       "a host bridge (class 0x060000) is a bridge");
	inspect("0000:00:01.0", &di);
	tap_ok(di.bridge, "a device with a bus behind it is a bridge, whatever its class");
	tap_ok(sb_dev_inspect(root, "0000:00:1f.0", &di) == -ENODEV,
	       "a device on no bus: -ENODEV");
}

static void test_disk(void)
{
	struct sb_devinfo di;

	inspect("0000:00:07.0", &di);
	tap_ok(!di.bridge && !strcmp(di.driver, "virtio-pci"),
	       "the disk is on virtio-pci, no bridge");
	tap_ok(!strcmp(di.what, "PCI device 1af4:1042, class 0x010000 (mass storage)"),
	       "what it is: %s", di.what);
	tap_ok(!strcmp(di.known_as, "block device vda"),
	       "known as its disk, not each partition: '%s'", di.known_as);
	tap_ok(!di.in_use[0], "nothing mounted: not in use ('%s')", di.in_use);

	mounts("40 22 254:1 / /mnt/d rw - ext4 /dev/vda1 rw\n");
	inspect("0000:00:07.0", &di);
	tap_ok(strstr(di.in_use, "block device vda1 is mounted at /mnt/d") != NULL,
	       "a mounted partition: '%s'", di.in_use);

	mounts("41 22 0:45 / /srv rw - btrfs /dev/vda2 rw\n");
	inspect("0000:00:07.0", &di);
	tap_ok(strstr(di.in_use, "vda2 is mounted at /srv") != NULL,
	       "found by its source where the device number is anonymous: '%s'",
	       di.in_use);

	mounts("");
	put("Filename Type Size Used Priority\n/dev/vda2 partition 1020 0 -2\n",
	    "proc/swaps");
	inspect("0000:00:07.0", &di);
	tap_ok(strstr(di.in_use, "block device vda2 is active swap") != NULL,
	       "active swap on a partition: '%s'", di.in_use);
	put("Filename Type Size Used Priority\n", "proc/swaps");

	mounts("42 22 253:0 / / rw - ext4 /dev/mapper/root rw\n");
	inspect("0000:00:07.0", &di);
	tap_ok(!strcmp(di.in_use, "block device dm-0 (stacked on vda1) is mounted at /"),
	       "mounted through dm on a partition: '%s'", di.in_use);
	mounts("");
}

static void test_nic_9p_console(void)
{
	struct sb_devinfo di;

	inspect("0000:00:06.0", &di);
	tap_ok(!strcmp(di.known_as, "network interface eth0") && !di.in_use[0],
	       "an interface that is down: known, not in use ('%s')", di.in_use);
	put("0x1003\n", PCI "/0000:00:06.0/virtio3/net/eth0/flags");
	inspect("0000:00:06.0", &di);
	tap_ok(!strcmp(di.in_use, "network interface eth0 is up"),
	       "an interface that is up: '%s'", di.in_use);

	inspect("0000:00:05.0", &di);
	tap_ok(strstr(di.known_as, "9p mount tag 'host'") && !di.in_use[0],
	       "a 9p tag not mounted: '%s' / '%s'", di.known_as, di.in_use);
	mounts("30 22 0:33 / /mnt/host rw - 9p host rw,trans=virtio\n");
	inspect("0000:00:05.0", &di);
	tap_ok(!strcmp(di.in_use, "9p file system 'host' is mounted at /mnt/host"),
	       "a mounted 9p share: '%s'", di.in_use);

	inspect("serial8250", &di);
	tap_ok(!strcmp(di.bus, "platform") && !di.in_use[0],
	       "ttyS0 is no console while ttyS1 is ('%s')", di.in_use);
	put("tty0 ttyS0\n", "sys/class/tty/console/active");
	inspect("serial8250", &di);
	tap_ok(!strcmp(di.in_use, "tty ttyS0 is the console"),
	       "the console's port: '%s'", di.in_use);
}

int main(void)
{
	if (!mkdtemp(root))
		return 2;
	tree();
	test_bridges();
	test_disk();
	test_nic_9p_console();
	tap_rm_tmpdir(root);
	return tap_done();
}
