# SPDX-License-Identifier: GPL-2.0
#
# bpf/: the CO-RE tracer behind `smmubench trace` (libbpf-tools layout).
# Included by the top Makefile before its link rules.
#
#   vmlinux.h  <- bpftool btf dump of Debian's 6.12 arm64 vmlinux (CO-RE
#                 relocates against the running kernel's BTF, 6.1 included);
#                 built natively (NATIVE=1), of the running kernel's BTF
#   *.bpf.o    <- clang -target bpf, then llvm-strip -g
#   *.skel.h   <- bpftool gen skeleton
#   the user side, once for the host (libbpf-dev, dynamic) and once for
#   arm64 (static libbpf.a 1.1 from the arm64 sysroot); its front end
#   (options) is cli/cmd_trace.c

BPF_B := $(B)/bpf
ifeq ($(NATIVE),1)
BPF_VMLINUX ?= /sys/kernel/btf/vmlinux
BPF_VMLINUX_HINT := the running kernel has no BTF (CONFIG_DEBUG_INFO_BTF): give BPF_VMLINUX=<a vmlinux with BTF>
else
BPF_VMLINUX ?= $(B)/kernels/6.12/headers/vmlinux
BPF_VMLINUX_HINT := run 'make deps'
endif
BPF_CLANG ?= clang
BPF_STRIP ?= llvm-strip
BPFTOOL ?= bpftool
BPF_ARCH := arm64

# smmutrace: the tracer; ktext: the kernel-text reader of its call-site
# scan, a skeleton of its own so that `trace -l` reads code without
# loading the tracer. The user side is every other bpf/*.c (tracer.h).
BPF_APPS := smmutrace ktext
BPF_USER_SRCS := $(filter-out %.bpf.c,$(wildcard bpf/*.c))

# clang's own system include dirs, after ours (as libbpf-bootstrap does),
# so that -target bpf still finds e.g. <stdbool.h> without host headers.
BPF_CLANG_SYS_INCLUDES := $(shell $(BPF_CLANG) -v -E - </dev/null 2>&1 | \
	sed -n '/<...> search starts here:/,/End of search list./{ s| \(/.*\)|-idirafter \1|p }')

# -mcpu=v3: atomic fetch-and-add whose result is used (kernel >= 5.12).
BPF_CFLAGS := -O2 -g -Wall -Werror -target bpf -mcpu=v3 -D__TARGET_ARCH_$(BPF_ARCH) \
	-I$(BPF_B) -Ibpf $(BPF_CLANG_SYS_INCLUDES)

# (A missing BTF file is said in words, not as "no rule to make target".)
$(BPF_B)/vmlinux.h: $(wildcard $(BPF_VMLINUX))
	@test -f $(BPF_VMLINUX) || { echo "no $(BPF_VMLINUX): $(BPF_VMLINUX_HINT)" >&2; exit 1; }
	$(call msg,BTF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(BPFTOOL) btf dump file $(BPF_VMLINUX) format c >$@.tmp && mv $@.tmp $@

$(BPF_B)/%.bpf.o: bpf/%.bpf.c bpf/%.h $(BPF_B)/vmlinux.h bpf/bpf.mk
	$(call msg,BPF,$@)
	$(Q)$(BPF_CLANG) $(BPF_CFLAGS) -c $< -o $@.tmp
	$(Q)$(BPF_STRIP) -g $@.tmp && mv $@.tmp $@

$(BPF_B)/%.skel.h: $(BPF_B)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $* >$@.tmp && mv $@.tmp $@

BPF_SKELS := $(BPF_APPS:%=$(BPF_B)/%.skel.h)
BPF_HOST_OBJS := $(BPF_USER_SRCS:%.c=$(B)/host/%.o)
BPF_ARM64_OBJS := $(BPF_USER_SRCS:%.c=$(B)/arm64/%.o)

# Front-end objects include the skeleton: build it first. The host build
# uses the host's libbpf headers (/usr/include/bpf), the arm64 build the
# sysroot's (ARM64_CFLAGS puts them first with -isystem).
$(BPF_HOST_OBJS): $(BPF_SKELS)
$(BPF_ARM64_OBJS): $(BPF_SKELS)
$(BPF_HOST_OBJS): SB_CFLAGS += -I$(BPF_B) -Ibpf
$(BPF_ARM64_OBJS): ARM64_CFLAGS += -I$(BPF_B) -Ibpf

EXTRA_HOST_OBJS += $(BPF_HOST_OBJS)
EXTRA_ARM64_OBJS += $(BPF_ARM64_OBJS)
EXTRA_HOST_LDLIBS += -lbpf -lelf -lz
EXTRA_ARM64_LDLIBS += -lbpf -lelf -lz -lzstd

# Keep the BPF object: the skeleton embeds it, and a rebuild should not redo
# clang when only the front end changed.
.SECONDARY: $(BPF_APPS:%=$(BPF_B)/%.bpf.o)
