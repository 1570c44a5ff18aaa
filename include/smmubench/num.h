/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one number parser of smmubench: option values of every subcommand,
 * sysfs values (PMU formats, tracepoint ids) and the fields of results
 * files. A number is the whole string: no sign, no blanks, no junk.
 * All return 0, -EINVAL (not such a number) or -ERANGE (too large).
 */
#ifndef SMMUBENCH_NUM_H
#define SMMUBENCH_NUM_H

#include <stddef.h>
#include <stdint.h>

#define SB_NUM_SUFFIX	(1U << 0)	/* a binary K, M or G suffix: 4K = 4096 */
#define SB_NUM_HEX	(1U << 1)	/* 0x... hexadecimal too (sysfs) */

/* @len bytes of @s, which need not be NUL-terminated. */
int sb_parse_u64n(const char *s, size_t len, unsigned int flags,
		  uint64_t *out);
int sb_parse_u64(const char *s, unsigned int flags, uint64_t *out);
/* "N" (@lo = @hi = N) or "N-M" with N <= M, e.g. a PMU format's bits. */
int sb_parse_range(const char *s, unsigned int flags, uint64_t *lo,
		   uint64_t *hi);
/* Finite, whole-string strtod(). */
int sb_parse_double(const char *s, double *out);
/*
 * A time: "800ns", "50us", "1.5ms", "2s"; a bare number is milliseconds
 * (as in perf trace --duration). -ERANGE above SB_MAX_VALUE_NS (an hour).
 */
int sb_parse_time_ns(const char *s, uint64_t *ns);

#endif /* SMMUBENCH_NUM_H */
