// SPDX-License-Identifier: GPL-2.0
/* The one number parser (smmubench/num.h). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "smmubench/num.h"
#include "smmubench/results.h"

static int digit(char c, unsigned int base)
{
	int d;

	if (c >= '0' && c <= '9')
		d = c - '0';
	else if (c >= 'a' && c <= 'f')
		d = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		d = c - 'A' + 10;
	else
		return -1;
	return d < (int)base ? d : -1;
}

int sb_parse_u64n(const char *s, size_t len, unsigned int flags,
		  uint64_t *out)
{
	unsigned int base = 10, shift = 0;
	uint64_t v = 0;
	size_t i = 0;
	int d;

	if ((flags & SB_NUM_HEX) && len > 2 && s[0] == '0' &&
	    (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	/* at least one digit, and a digit first: no sign, no blank */
	if (i == len || digit(s[i], base) < 0)
		return -EINVAL;
	if ((flags & SB_NUM_SUFFIX) && base == 10 && s[len - 1] &&
	    strchr("kKmMgG", s[len - 1])) {
		shift = 10 * (1 + (strchr("kKmMgG", s[len - 1]) - "kKmMgG") / 2);
		len--;
	}
	for (; i < len; i++) {
		d = digit(s[i], base);
		if (d < 0)
			return -EINVAL;
		if (v > (UINT64_MAX - d) / base)
			return -ERANGE;
		v = v * base + d;
	}
	if (shift && v > UINT64_MAX >> shift)
		return -ERANGE;
	*out = v << shift;
	return 0;
}

int sb_parse_u64(const char *s, unsigned int flags, uint64_t *out)
{
	return sb_parse_u64n(s, strlen(s), flags, out);
}

int sb_parse_range(const char *s, unsigned int flags, uint64_t *lo,
		   uint64_t *hi)
{
	const char *dash = strchr(s, '-');
	int err;

	if (!dash) {
		err = sb_parse_u64(s, flags, lo);
		*hi = *lo;
		return err;
	}
	err = sb_parse_u64n(s, dash - s, flags, lo);
	err = err ?: sb_parse_u64(dash + 1, flags, hi);
	if (!err && *hi < *lo)
		return -EINVAL;
	return err;
}

int sb_parse_double(const char *s, double *out)
{
	char *end;
	double v;

	if (!*s || isspace((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (*end || end == s)
		return -EINVAL;
	if (errno == ERANGE || !isfinite(v))
		return -ERANGE;
	*out = v;
	return 0;
}

int sb_parse_time_ns(const char *s, uint64_t *ns)
{
	static const struct {
		const char *unit;
		double mult;
	} units[] = {
		{ "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 }, { "", 1e6 },
	};
	char num[64];
	size_t i, len;
	double v;

	len = strspn(s, "0123456789.");
	if (!len || len >= sizeof(num))
		return -EINVAL;
	memcpy(num, s, len);
	num[len] = '\0';
	if (sb_parse_double(num, &v))
		return -EINVAL;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(s + len, units[i].unit))
			continue;
		v *= units[i].mult;
		if (!isfinite(v) || v > SB_MAX_VALUE_NS)
			return -ERANGE;
		*ns = (uint64_t)(v + 0.5);
		return 0;
	}
	return -EINVAL;
}
