# SPDX-License-Identifier: GPL-2.0
# Seeded synthetic latencies, shared by the host tests and the benches.

# gen SEED N SCALE: N log-normal latencies in ns (seeded, reproducible).
gen() {
	awk -v seed="$1" -v n="$2" -v scale="$3" 'BEGIN {
		srand(seed)
		for (i = 0; i < n; i++) {
			u1 = rand(); u2 = rand(); if (u1 < 1e-12) u1 = 1e-12
			z = sqrt(-2 * log(u1)) * cos(6.283185307179586 * u2)
			printf "%d\n", scale * exp(7 + 0.5 * z)
		}
	}'
}
