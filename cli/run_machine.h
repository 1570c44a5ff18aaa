/* SPDX-License-Identifier: GPL-2.0 */
/* What a run records of the machine it ran on (not a public API). */
#ifndef SMMUBENCH_CLI_RUN_MACHINE_H
#define SMMUBENCH_CLI_RUN_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* First string of the device tree's root compatible, or "". */
void sb_machine_platform(char *buf, size_t len, bool *emulated);

/*
 * Substream bits the driver was told to make up (the test bed's
 * CONFIG_ARM_SMMU_V3_EMULATED_SSID patch), 0 on a normal kernel.
 */
unsigned int sb_machine_emulated_ssid_bits(void);

struct sb_results;

/*
 * Meta "clock" and "smmu_latency" from the test bed's kernel arguments
 * (smmubench_timing=, smmubench_smmu_latency=), none elsewhere.
 */
int sb_machine_testbed_meta(struct sb_results *r);

/* The SMMU_IDR0/IDR1 fields a reader of results cares about. */
void sb_machine_decode_idr(uint32_t idr0, uint32_t idr1, char *buf, size_t len);

#endif /* SMMUBENCH_CLI_RUN_MACHINE_H */
