# SPDX-License-Identifier: GPL-2.0
# libFuzzer target for the results reader; tests/host/fuzz.t builds and
# runs it. Not part of `make host`: it needs clang with compiler-rt.
FUZZ_CC ?= clang
FUZZ_CFLAGS := -g -O1 -std=gnu11 -D_GNU_SOURCE -Iinclude \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

.PHONY: fuzz
fuzz: $(B)/fuzz/fuzz_results

FUZZ_LIB_SRCS := analysis/results.c analysis/results_write.c analysis/num.c

$(B)/fuzz/fuzz_results: tests/fuzz/fuzz_results.c $(FUZZ_LIB_SRCS) \
		include/smmubench/results.h include/smmubench/cmds.h \
		include/smmubench/num.h
	$(call msg,FUZZCC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ tests/fuzz/fuzz_results.c \
		$(FUZZ_LIB_SRCS) $(LDLIBS)
