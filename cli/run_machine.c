// SPDX-License-Identifier: GPL-2.0
/*
 * What a run records of the machine it ran on: the platform, the guest
 * clock and SMMU latency model of the test bed, the SMMU's ID registers
 * and emulated substreams.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "smmubench/results.h"
#include "run_machine.h"

/* Up to @size - 1 bytes of @path, NUL-terminated; the length, 0 if none. */
static size_t read_text(const char *path, char *buf, size_t size)
{
	size_t n;
	FILE *f;

	buf[0] = '\0';
	f = fopen(path, "r");
	if (!f)
		return 0;
	n = fread(buf, 1, size - 1, f);
	fclose(f);
	buf[n] = '\0';
	return n;
}

/* First string of the device tree's root compatible, or "". */
void sb_machine_platform(char *buf, size_t len, bool *emulated)
{
	char dt[512];
	size_t n, off;

	*emulated = false;
	n = read_text("/proc/device-tree/compatible", dt, sizeof(dt));
	snprintf(buf, len, "%s", dt);
	for (off = 0; off < n; off += strlen(dt + off) + 1)
		if (!strcmp(dt + off, "linux,dummy-virt"))
			*emulated = true;
}

/*
 * Substream bits the driver was told to make up (the test bed's
 * CONFIG_ARM_SMMU_V3_EMULATED_SSID patch), 0 on a normal kernel.
 */
unsigned int sb_machine_emulated_ssid_bits(void)
{
	unsigned int bits = 0;
	FILE *f;

	f = fopen("/sys/module/arm_smmu_v3/parameters/emulated_ssid_bits", "r");
	if (!f)
		return 0;
	if (fscanf(f, "%u", &bits) != 1)
		bits = 0;
	fclose(f);
	return bits;
}

/*
 * The value of the test bed's "smmubench_<@key>=" kernel argument in @buf,
 * "" if there is none (a value longer than @len is cut short).
 */
static void testbed_arg(const char *key, char *buf, size_t len)
{
	char cmdline[4096], tag[64];
	const char *p;
	size_t n;

	buf[0] = '\0';
	snprintf(tag, sizeof(tag), "smmubench_%s=", key);
	read_text("/proc/cmdline", cmdline, sizeof(cmdline));
	for (p = strstr(cmdline, tag); p; p = strstr(p + 1, tag))
		if (p == cmdline || p[-1] == ' ')
			break;
	if (!p)
		return;
	p += strlen(tag);
	n = strcspn(p, " \n");
	if (n >= len)
		n = len - 1;
	memcpy(buf, p, n);
	buf[n] = '\0';
}

/*
 * What the test bed puts on the guest's command line about the emulation
 * (scripts/testbed): smmubench_timing= when QEMU runs with -icount (guest
 * time then counts executed instructions, not host time) becomes meta
 * "clock", smmubench_smmu_latency= (the SMMU's command latency model)
 * becomes meta "smmu_latency". Nothing on other machines.
 */
int sb_machine_testbed_meta(struct sb_results *r)
{
	char buf[256];
	int err = 0;

	testbed_arg("timing", buf, sizeof(buf));
	if (buf[0])
		err = sb_results__set_meta(r, "clock", "%s", buf);
	testbed_arg("smmu_latency", buf, sizeof(buf));
	if (buf[0])
		err = err ?: sb_results__set_meta(r, "smmu_latency", "%s", buf);
	return err;
}

/* The SMMU_IDR0/IDR1 fields a reader of results cares about. */
void sb_machine_decode_idr(uint32_t idr0, uint32_t idr1, char *buf, size_t len)
{
	static const char *const ttf[] = { "?", "aarch32", "aarch64", "aarch32+64" };
	static const struct { int bit; const char *name; } bits[] = {
		{ 0, "s2" }, { 1, "s1" }, { 4, "coherent" }, { 5, "btm" },
		{ 10, "ats" }, { 12, "asid16" }, { 13, "msi" }, { 15, "atos" },
		{ 16, "pri" }, { 18, "vmid16" }, { 19, "cd2l" },
	};
	size_t i, off = 0;

	for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if (idr0 & (1U << bits[i].bit))
			off += snprintf(buf + off, len - off, "%s ", bits[i].name);
	snprintf(buf + off, len - off,
		 "ttf=%s st_level=%u stall_model=%u ssid_bits=%u sid_bits=%u",
		 ttf[(idr0 >> 2) & 3], (idr0 >> 27) & 3, (idr0 >> 24) & 3,
		 (idr1 >> 6) & 0x1f, idr1 & 0x3f);
}
