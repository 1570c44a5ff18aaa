// SPDX-License-Identifier: GPL-2.0
/*
 * The tracer's kallsyms reader (bpf/trace_helpers.c) on a file in
 * /proc/kallsyms's format: the image's symbols only, in address order even
 * when the file is not, names as long as the kernel allows, and lines that
 * are not symbols skipped rather than misread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpf/trace_helpers.h"
#include "tap.h"

int main(void)
{
	char path[] = "/tmp/smmubench-ksyms-XXXXXX", longname[512];
	const struct ksym *s;
	struct ksyms *ks;
	FILE *f;
	int fd;

	memset(longname, 'r', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	fd = mkstemp(path);
	f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		tap_ok(0, "a temporary kallsyms file");
		return tap_done();
	}
	fprintf(f, "ffff800080010000 T _stext\n"
		   "ffff800080020000 t arm_smmu_write_cd_entry\n"
		   "ffff800080030000 d arm_smmu_asid_lock\n"
		   "ffff800080028000 T %s\n"	/* out of order */
		   "garbage line\n"
		   "ffff80008003zzzz t bad_address\n"
		   "ffff800080040000 t smmubench_run\t[smmubench]\n"
		   "ffff800080050000 T _etext\n", longname);
	fclose(f);

	ks = ksyms__load_file(path);
	unlink(path);
	tap_ok(ks != NULL, "the file loads");
	if (!ks)
		return tap_done();
	tap_ok(ks->nr == 5, "5 image symbols: module and malformed lines skipped (%zu)",
	       ks->nr);
	s = ksyms__get_symbol(ks, "arm_smmu_asid_lock");
	tap_ok(s && s->addr == 0xffff800080030000ULL && s->type == 'd',
	       "a data symbol: address and type");
	tap_ok(!ksyms__get_symbol(ks, "smmubench_run"), "a module's symbol is not the image's");
	tap_ok(!ksyms__get_symbol(ks, "bad_address"), "a line with a bad address is skipped");
	s = ksyms__get_symbol(ks, longname);
	tap_ok(s && s->addr == 0xffff800080028000ULL, "a 511-character name is kept whole");
	s = ksyms__map_addr(ks, 0xffff80008002c000ULL);
	tap_ok(s && !strcmp(s->name, longname),
	       "an address maps to the symbol below it once sorted");
	s = ksyms__map_addr(ks, 0xffff800080024000ULL);
	tap_ok(s && !strcmp(s->name, "arm_smmu_write_cd_entry"),
	       "the symbol before an out-of-order one");
	tap_ok(!ksyms__map_addr(ks, 0xffff800080000000ULL), "below the first symbol: none");
	ksyms__free(ks);
	return tap_done();
}
