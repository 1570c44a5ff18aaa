/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The project's seeded generator (splitmix64), defined in analysis/stats.c:
 * the bootstrap of compare, the tests and the user build of the model
 * (bench/model/env_user.h) draw from it, so a seed means one stream.
 */
#ifndef SMMUBENCH_RNG_H
#define SMMUBENCH_RNG_H

#include <stdint.h>

struct sb_rng {
	uint64_t s;
};
uint64_t sb_rng__next(struct sb_rng *r);
double sb_rng__uniform(struct sb_rng *r);	/* (0, 1) */
double sb_rng__normal(struct sb_rng *r);
double sb_rng__gamma(struct sb_rng *r, double shape);

#endif /* SMMUBENCH_RNG_H */
