# SPDX-License-Identifier: GPL-2.0
#
# smmubench: one Makefile for the host tools, the static arm64 tools, the
# kernel module for each test bed kernel, the tests and the runs.
#
#   make            host + arm64 tools and the module for every test bed kernel
#                   (on arm64: the native tool only, README "On an Arm server")
#   make deps       install packages, unpack the test bed kernels (cached)
#   make kernels    build the source-built test bed kernels (cached)
#   make qemu       build the test bed's QEMU with the SMMU latency model
#                   (cached; scripts/testbed --smmu-latency, docs/testbed.md)
#   make machine    build the emulated Debian arm64 machine (cached;
#                   scripts/build-machine, tests/machine/arm64.t)
#   make check      deps, kernels, build, host and test bed tests
#   make run        deps, build, the default suite on the test bed kernels,
#                   into build/run, ending with its summary
#   make publish-results  the last make run becomes the reference run
#                   in results/testbed (to be committed)
#   make plots      the reports, comparisons and plots of results/ remade
#                   from its results files (they are not kept in git)
#   make bench      overhead ratios measured in one run
#   make experiments  the seed's comparison and the placement experiments
#   make install    tool, man pages, perf sessions, docs (PREFIX, DESTDIR)
#   make deb        Debian packages: smmubench, smmubench-dkms
#   make V=1        show the commands
#
# Everything built goes under build/ (git-ignored); downloaded and unpacked
# packages live outside the clone (scripts/deps says where).

.DELETE_ON_ERROR:
# Objects of test programs are chained intermediates; keep them so that a
# second make does nothing.
.SECONDARY:
.SUFFIXES:

V ?= 0
Q := $(if $(filter 1,$(V)),,@)
msg = $(if $(filter 1,$(V)),,@printf '  %-8s %s\n' '$(1)' '$(2)';)

TOP := $(CURDIR)
B := build
# Debian's kernels come from scripts/deps, the -sva ones from
# scripts/build-kernel; the module is built for every one that is set up.
DEB_KERNELS := 6.1 6.12 7.x
SVA_KERNELS := 6.1-sva 6.12-sva 7.x-sva
KERNELS ?= $(sort $(patsubst $(B)/kernels/%/headers/Makefile,%,$(wildcard $(B)/kernels/*/headers/Makefile)))
CROSS_COMPILE ?= aarch64-linux-gnu-
SYSROOT := $(B)/arm64-sysroot
# On an arm64 machine (an Arm server) the tools build natively from the
# distribution's packages: no cross tools, no test bed (README, "On an Arm
# server"). NATIVE=1 forces that path elsewhere, NATIVE=0 the test bed's.
NATIVE ?= $(if $(filter aarch64 arm64,$(shell uname -m)),1,0)

CC ?= cc
ifeq ($(origin CC),default)
CC := cc
endif
CFLAGS ?= -O2 -g
WERROR ?= -Werror
SB_CFLAGS := $(CFLAGS) -std=gnu11 -Wall -Wextra $(WERROR) -Werror=undef \
	-Wno-unused-parameter -Wno-missing-field-initializers \
	-D_GNU_SOURCE -Iinclude -I. -MMD -MP
LDLIBS := -lm -lpthread -lz

# Every cli/ and analysis/ source except main() goes into one library, so
# that host unit tests link the same objects the tool runs. Sources outside
# the tree's top include path (include/) are named from the top (-I.), as
# perf names "util/evsel.h": never by ../.
LIB_SRCS := $(sort $(filter-out cli/smmubench.c,$(wildcard cli/*.c analysis/*.c)))
HOST_LIB := $(B)/host/libsmmubench.a
ARM64_LIB := $(B)/arm64/libsmmubench.a
HOST_TESTS := $(patsubst tests/host/%.c,$(B)/host/tests/%,$(wildcard tests/host/test_*.c))
GUEST_PROGS := $(patsubst tests/guest/%.c,$(B)/arm64/tests/%,$(wildcard tests/guest/*.c))

# Parts of the tree add their own rules in a fragment (the BPF tracer, fuzz
# targets): objects and libraries they add to the tool go into these.
EXTRA_HOST_OBJS :=
EXTRA_ARM64_OBJS :=
EXTRA_HOST_LDLIBS :=
EXTRA_ARM64_LDLIBS :=
# Fragments define targets of their own; plain make still builds all.
.DEFAULT_GOAL := all
include $(sort $(wildcard */*.mk */*/*.mk))

# Natively (an Arm server), the tool only: its unit tests are the test
# bed's (make check), and building them costs a server's user minutes.
all: $(if $(filter 1,$(NATIVE)),$(B)/host/smmubench,host arm64) modules
host: $(B)/host/smmubench $(HOST_TESTS)
arm64: $(B)/arm64/smmubench $(GUEST_PROGS)
.PHONY: all host arm64 modules deps kernels qemu machine check run publish-results plots \
	bench experiments lint clean distclean help

help:
	@sed -n '3,/make V=1 /p' Makefile | sed 's/^# \{0,1\}//'

deps:
	$(Q)scripts/deps

kernels: deps
	$(Q)for k in $(SVA_KERNELS); do scripts/build-kernel $$k >/dev/null || exit 1; done

# The test bed's QEMU with the SMMU latency model (about 6 minutes on 2
# idle cores the first time): boot.t, sva.t and latency.t boot on it.
qemu: deps
	$(Q)scripts/build-qemu

machine: deps
	$(Q)scripts/build-machine

lint: deps
	$(Q)scripts/lint

# --- host ---------------------------------------------------------------
$(B)/host/%.o: %.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(SB_CFLAGS) -c -o $@ $<

$(HOST_LIB): $(LIB_SRCS:%.c=$(B)/host/%.o)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(B)/host/smmubench: $(B)/host/cli/smmubench.o $(EXTRA_HOST_OBJS) $(HOST_LIB)
	$(call msg,LD,$@)
	$(Q)$(CC) -o $@ $^ $(EXTRA_HOST_LDLIBS) $(LDLIBS)

$(B)/host/tests/%: $(B)/host/tests/host/%.o $(EXTRA_HOST_OBJS) $(HOST_LIB)
	$(call msg,LD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) -o $@ $^ $(EXTRA_HOST_LDLIBS) $(LDLIBS)

# --- arm64 (static, for the guest and for Arm servers) ------------------
ARM64_CFLAGS := $(SB_CFLAGS) -isystem $(SYSROOT)/usr/include \
	-isystem $(SYSROOT)/usr/include/aarch64-linux-gnu
ARM64_LDFLAGS := -static -L$(SYSROOT)/usr/lib/aarch64-linux-gnu $(EXTRA_LDFLAGS)

$(B)/arm64/%.o: %.c
	$(call msg,CC64,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CROSS_COMPILE)gcc $(ARM64_CFLAGS) -c -o $@ $<

$(ARM64_LIB): $(LIB_SRCS:%.c=$(B)/arm64/%.o)
	$(call msg,AR64,$@)
	$(Q)rm -f $@ && $(CROSS_COMPILE)ar rcs $@ $^

$(B)/arm64/smmubench: $(B)/arm64/cli/smmubench.o $(EXTRA_ARM64_OBJS) $(ARM64_LIB)
	$(call msg,LD64,$@)
	$(Q)$(CROSS_COMPILE)gcc $(ARM64_LDFLAGS) -o $@ $^ $(EXTRA_ARM64_LDLIBS) $(LDLIBS)

$(B)/arm64/tests/%: $(B)/arm64/tests/guest/%.o $(EXTRA_ARM64_OBJS) $(ARM64_LIB)
	$(call msg,LD64,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CROSS_COMPILE)gcc $(ARM64_LDFLAGS) -o $@ $^ $(EXTRA_ARM64_LDLIBS) $(LDLIBS)

# --- the kernel module, once per test bed kernel ------------------------
# kbuild builds an external module in the folder M= names; linking the
# sources into one folder per kernel keeps the builds apart.
# (Not the .mod.c kbuild leaves in bench/ after the README's in-place build.)
MODULE_SRCS := $(filter-out %.mod.c,$(wildcard bench/*.c bench/*.h)) bench/Kbuild
MODULE_HDRS := $(wildcard include/uapi/*.h)
modules: $(KERNELS:%=$(B)/module/%/smmubench.ko)

# A rebuilt kernel (new release, new vermagic) rebuilds the module.
$(B)/module/%/smmubench.ko: $(MODULE_SRCS) $(MODULE_HDRS) $(B)/kernels/%/release
	@test -d $(B)/kernels/$*/headers || \
		{ echo "no headers for kernel $*: run 'make deps'" >&2; exit 1; }
	$(call msg,KBUILD,$@)
	$(Q)mkdir -p $(@D)
	$(Q)for f in $(MODULE_SRCS); do ln -sf $(TOP)/$$f $(@D)/; done
	$(Q)$(MAKE) -s -C $(B)/kernels/$*/headers M=$(TOP)/$(@D) ARCH=arm64 \
		CROSS_COMPILE=$(CROSS_COMPILE) SMMUBENCH_INCLUDE=$(TOP)/include \
		modules 2>&1 | { grep -v 'Skipping BTF generation' || true; }
	$(Q)test -f $@

# --- tests and runs -----------------------------------------------------
# The acceptance test's emulated arm64 machine, when it is not cached yet,
# builds from the start in the background at the idle scheduling class
# (scripts/build-machine --background): on a fresh machine it takes the
# core that the downloads and the kernels' serial steps leave, instead of
# lengthening the acceptance test's lane by 10 to 14 minutes.
check:
	$(Q)scripts/deps --host-only
	$(Q)scripts/build-machine --background $(B)/build-machine.bg.log --while $$PPID
	$(Q)$(MAKE) --no-print-directory kernels qemu
	$(Q)$(MAKE) --no-print-directory all
	$(Q)tests/run

# make run writes into build/run only; results/ changes only when a run is
# published on purpose.
run: kernels
	$(Q)$(MAKE) --no-print-directory all
	$(Q)scripts/run-suite

publish-results:
	$(Q)scripts/run-suite --publish

bench: kernels
	$(Q)$(MAKE) --no-print-directory all
	$(Q)scripts/bench

# The seed's comparisons, the placement experiments, the 6.12 and 7.x
# atomicity experiments and the invalidation paths (docs/experiments.md):
# NAME and its kernels, BASE first; EXPOPT_NAME, options of
# scripts/experiment (before the name).
EXPERIMENTS := seed-6.1-vs-6.12 seed-6.1-6.12-7.x placement-6.1-wide \
	placement-6.12 placement-7.x inval-6.12-vs-7.x \
	seed-6.1-vs-6.12-hw seed-6.1-vs-6.12-sync5000 placement-6.12-hw \
	placement-6.12-sync5000
EXP_seed-6.1-vs-6.12 := 6.1-sva 6.12-sva
EXP_seed-6.1-6.12-7.x := 6.1-sva 6.12-sva 7.x-sva
EXPOPT_seed-6.1-6.12-7.x := --chain
EXP_placement-6.1-wide := 6.1-sva 6.1-sva+kernel/placements/6.1/wide.patch
EXP_placement-6.12 := 6.12-sva+kernel/placements/6.12/cd-dump.patch \
	6.12-sva+kernel/placements/6.12/split.patch \
	6.12-sva+kernel/placements/6.12/wide.patch
EXP_placement-7.x := 7.x-sva+kernel/placements/7.x/cd-dump.patch \
	7.x-sva+kernel/placements/7.x/split.patch \
	7.x-sva+kernel/placements/7.x/wide.patch
EXP_inval-6.12-vs-7.x := 6.12-sva 7.x-sva
EXPOPT_inval-6.12-vs-7.x := --suite inval
# The seed and the 6.12 placements again on an SMMU that takes time: the
# hardware model, and a CMD_SYNC of 5 us to make its share plain.
EXP_seed-6.1-vs-6.12-hw := $(EXP_seed-6.1-vs-6.12)
EXPOPT_seed-6.1-vs-6.12-hw := --smmu-latency hw
EXP_seed-6.1-vs-6.12-sync5000 := $(EXP_seed-6.1-vs-6.12)
EXPOPT_seed-6.1-vs-6.12-sync5000 := --smmu-latency sync=5000
EXP_placement-6.12-hw := $(EXP_placement-6.12)
EXPOPT_placement-6.12-hw := --smmu-latency hw
EXP_placement-6.12-sync5000 := $(EXP_placement-6.12)
EXPOPT_placement-6.12-sync5000 := --smmu-latency sync=5000

experiments: kernels
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(foreach e,$(EXPERIMENTS),scripts/experiment $(EXPOPT_$(e)) $(e) $(EXP_$(e)) &&) true
	$(Q)ATOMICITY_SUMMARY=results/experiments/atomicity-6.12/summary.md tests/testbed/atomicity.t
	$(Q)ATOMICITY_SUMMARY=results/experiments/atomicity-7.x/summary.md \
		SMMUBENCH_TEST_KERNELS=7.x-sva tests/testbed/atomicity.t

# results/ keeps what a run wrote (results files, the guest's texts,
# summary.md); everything made from them is remade here, git-ignored.
plots: deps
	$(Q)$(MAKE) --no-print-directory $(B)/host/smmubench
	$(Q)scripts/run-suite --no-run --out results/testbed
	$(Q)$(foreach e,$(EXPERIMENTS),scripts/experiment --no-run $(EXPOPT_$(e)) $(e) $(EXP_$(e)) &&) true

clean:
	rm -rf $(B)/host $(B)/arm64 $(B)/module $(B)/testbed

distclean:
	rm -rf $(B)

-include $(shell find $(B)/host $(B)/arm64 -name '*.d' 2>/dev/null)
