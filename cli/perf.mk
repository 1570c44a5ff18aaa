# SPDX-License-Identifier: GPL-2.0
#
# cli/perf.mk: libperf, perf's own library, for the counters `smmubench run`
# takes around every run (cli/perf_counters.c). It is built from
# tools/lib/perf of Debian's linux-source-6.12, which scripts/deps unpacks
# under build/src/6.12, once for the host and once for arm64 (static), and
# never copied into the tree. Included by the top Makefile.
#
#   build/libperf/<source package>/host/   libperf.a, libapi.a, include/perf
#   build/libperf/<source package>/arm64/  the same, cross-built
#
# The folder is keyed by the unpacked source package (its cache folder's
# name holds the version), so a new linux-source builds anew and make
# clean keeps it.

# Built natively (NATIVE=1: an Arm server), libperf comes from the first
# of: LIBPERF_SRC=<a kernel source tree>; the distribution's libperf
# (pkg-config libperf: Fedora's libperf-devel); the newest
# /usr/src/linux-source-*.tar.xz (Debian's linux-source-X.Y, as Debian
# has no libperf package; LINUX_SOURCE_TAR= names another), whose tools/
# is unpacked under build/src/native/.
ifeq ($(NATIVE),1)
LIBPERF_HINT := install Debian's linux-source-X.Y (or Fedora's libperf-devel), or give LIBPERF_SRC=<kernel source tree>
LIBPERF_PC := $(if $(LIBPERF_SRC),,$(shell pkg-config --exists libperf 2>/dev/null && echo yes))
ifeq ($(LIBPERF_SRC)$(LIBPERF_PC),)
ifeq ($(origin LINUX_SOURCE_TAR),undefined)
LINUX_SOURCE_TAR := $(shell ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n 1)
endif
LIBPERF_SRC := $(B)/src/native/$(or $(patsubst %.tar.xz,%,$(notdir $(LINUX_SOURCE_TAR))),none)
LIBPERF_KEY := native-$(notdir $(LIBPERF_SRC))
endif
endif
LIBPERF_SRC ?= $(B)/src/6.12
LIBPERF_KEY ?= $(notdir $(realpath $(LIBPERF_SRC)))
LIBPERF_HINT ?= run 'make deps'
LIBPERF_DIR := $(B)/libperf/$(or $(LIBPERF_KEY),no-source)
LIBPERF_USERS := cli/perf_counters.c

# $(1): host or arm64; $(2): the compiler and archiver for it. libapi.a
# (tools/lib/api) holds helpers libperf.a calls, so both are linked.
define libperf_rules
$(LIBPERF_DIR)/$(1)/.built:
	@test -f $(LIBPERF_SRC)/tools/lib/perf/Makefile || \
		{ echo "no libperf source in $(LIBPERF_SRC)/tools/lib/perf: $(LIBPERF_HINT)" >&2; exit 1; }
	$$(call msg,LIBPERF,$$(@D))
	$(Q)rm -rf $$(@D) && mkdir -p $$(@D)/out
	$(Q)$$(MAKE) -C $(LIBPERF_SRC)/tools/lib/perf $(2) \
		O=$$(abspath $$(@D))/out DESTDIR=$$(abspath $$(@D)) prefix= \
		install_headers $$(abspath $$(@D))/out/libperf.a \
		$$(abspath $$(@D))/out/libapi.a >$$(@D)/build.log 2>&1 || \
		{ cat $$(@D)/build.log >&2; exit 1; }
	$(Q)touch $$@

$(LIBPERF_USERS:%.c=$(B)/$(1)/%.o): $(LIBPERF_DIR)/$(1)/.built
endef

ifeq ($(LIBPERF_PC),yes)
$(LIBPERF_USERS:%.c=$(B)/host/%.o): SB_CFLAGS += $(patsubst -I%,-isystem %,$(shell pkg-config --cflags libperf))
EXTRA_HOST_LDLIBS += $(shell pkg-config --libs libperf)
else
$(eval $(call libperf_rules,host,CC="$(CC)" AR=ar))
# -isystem: libperf's headers are not ours to hold to -Wextra -Werror.
$(LIBPERF_USERS:%.c=$(B)/host/%.o): SB_CFLAGS += -isystem $(LIBPERF_DIR)/host/include
EXTRA_HOST_LDLIBS += $(LIBPERF_DIR)/host/out/libperf.a $(LIBPERF_DIR)/host/out/libapi.a
# Everything linked against libsmmubench.a may pull the counters in.
$(B)/host/smmubench $(HOST_TESTS): | $(LIBPERF_DIR)/host/.built
endif
$(eval $(call libperf_rules,arm64,ARCH=arm64 CROSS_COMPILE=$(CROSS_COMPILE) \
	CC=$(CROSS_COMPILE)gcc AR=$(CROSS_COMPILE)ar LD=$(CROSS_COMPILE)ld))

$(LIBPERF_USERS:%.c=$(B)/arm64/%.o): ARM64_CFLAGS += -isystem $(LIBPERF_DIR)/arm64/include
EXTRA_ARM64_LDLIBS += $(LIBPERF_DIR)/arm64/out/libperf.a $(LIBPERF_DIR)/arm64/out/libapi.a
$(B)/arm64/smmubench $(GUEST_PROGS): | $(LIBPERF_DIR)/arm64/.built

# Natively from Debian's linux-source: its tools/ (libperf, libapi and
# what they build with) is all libperf needs; a newer tarball unpacks and
# builds anew.
ifneq ($(LINUX_SOURCE_TAR),)
$(LIBPERF_SRC)/.unpacked: $(LINUX_SOURCE_TAR)
	$(call msg,UNPACK,$(LIBPERF_SRC))
	$(Q)rm -rf $(@D) && mkdir -p $(@D)
	$(Q)tar -xJf $< -C $(@D) --strip-components=1 --wildcards '*/tools/*'
	$(Q)touch $@
$(LIBPERF_DIR)/host/.built: $(LIBPERF_SRC)/.unpacked
endif
