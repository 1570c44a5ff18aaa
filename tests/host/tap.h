/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal TAP for host unit tests (tests/run reads it). Results are held
 * back so that the plan line "1..N" comes first even when N depends on the
 * data files found; diagnostics ("# ...") go to stderr at once.
 */
#ifndef SMMUBENCH_TESTS_TAP_H
#define SMMUBENCH_TESTS_TAP_H

#include <libgen.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int tap_n, tap_failed;
static char *tap_buf;
static size_t tap_len;
static FILE *tap_out;

static void __attribute__((format(printf, 2, 3)))
tap_ok(int cond, const char *fmt, ...)
{
	va_list ap;

	if (!tap_out)
		tap_out = open_memstream(&tap_buf, &tap_len);
	fprintf(tap_out, "%sok %d - ", cond ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vfprintf(tap_out, fmt, ap);
	va_end(ap);
	fputc('\n', tap_out);
	if (!cond) {
		tap_failed++;
		fprintf(stderr, "# failed: test %d\n", tap_n);
	}
}

/* |got - want| <= tol, printing both. */
#define tap_near(got, want, tol, what)					\
	do {								\
		double g_ = (got), w_ = (want);				\
		tap_ok(fabs(g_ - w_) <= (tol),				\
		       "%s (got %.10g, want %.10g)", what, g_, w_);	\
	} while (0)

/*
 * The repository's top folder: "." when run from there (tests/run), else
 * found from this binary, build/host/tests/NAME.
 */
static inline const char *tap_top(void)
{
	static char dir[1024];
	char exe[1000];
	ssize_t n;

	if (!access("tests/host", R_OK))
		return ".";
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n < 0)
		return ".";
	exe[n] = '\0';
	snprintf(dir, sizeof(dir), "%s/../../..", dirname(exe));
	return dir;
}

/* Removes a test's scratch folder (made with mkdtemp()) and all in it. */
static inline void tap_rm_tmpdir(const char *dir)
{
	char cmd[4200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		fprintf(stderr, "# could not remove %s\n", dir);
}

static int tap_done(void)
{
	printf("1..%d\n", tap_n);
	if (tap_out) {
		fclose(tap_out);
		fwrite(tap_buf, 1, tap_len, stdout);
		free(tap_buf);
	}
	return tap_failed || !tap_n ? 1 : 0;
}

#endif /* SMMUBENCH_TESTS_TAP_H */
