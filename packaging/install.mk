# SPDX-License-Identifier: GPL-2.0
#
# packaging/install.mk: make install, the manual pages, the DKMS source
# tree and the Debian packages. Included by the top Makefile.
#
#   make man           build/man/*.1 from the tool's --help (packaging/gen-man)
#   make install       the tool, the man pages, the perf sessions, the docs
#   make install-dkms  the module's sources and dkms.conf under /usr/src
#   make deb           build/deb/smmubench_*.deb and smmubench-dkms_*.deb
#   make version       print the version (include/smmubench/cmds.h)
#
# PREFIX (default /usr/local) and DESTDIR as usual. The tool installed is
# the one built for this machine (build/host/smmubench: native on an Arm
# server).

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DOCDIR ?= $(PREFIX)/share/doc/smmubench
PERFDIR ?= $(PREFIX)/libexec/smmubench/perf
# DKMS looks for sources in /usr/src only, whatever the PREFIX.
DKMS_SRCDIR ?= /usr/src
INSTALL ?= install

SB_VERSION := $(shell sed -n 's/^\#define SMMUBENCH_VERSION "\(.*\)"/\1/p' include/smmubench/cmds.h)
SB_TOOL := $(B)/host/smmubench
MAN_B := $(B)/man
SB_DOCS := README.md $(wildcard docs/*.md)
PERF_SESSIONS := $(filter-out %.sh,$(wildcard scripts/perf/*))
DKMS_TREE := $(DESTDIR)$(DKMS_SRCDIR)/smmubench-$(SB_VERSION)

.PHONY: man install install-dkms deb version

version:
	@echo $(SB_VERSION)

# One page per command the tool lists, so the set of pages follows the
# tool; the stamp stands for all of them.
$(MAN_B)/.built: $(SB_TOOL) packaging/gen-man $(wildcard packaging/man/*.h2m)
	$(call msg,MAN,$(MAN_B))
	$(Q)rm -rf $(MAN_B) && packaging/gen-man $(SB_TOOL) $(MAN_B)
	$(Q)touch $@

man: $(MAN_B)/.built

install: $(SB_TOOL) $(MAN_B)/.built
	$(call msg,INSTALL,$(DESTDIR)$(PREFIX))
	$(Q)$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(DOCDIR)/docs $(DESTDIR)$(PERFDIR)
	$(Q)$(INSTALL) -m 0755 $(SB_TOOL) $(DESTDIR)$(BINDIR)/smmubench
	$(Q)$(INSTALL) -m 0644 $(MAN_B)/*.1 $(DESTDIR)$(MANDIR)/man1/
	$(Q)$(INSTALL) -m 0644 README.md $(DESTDIR)$(DOCDIR)/
	$(Q)$(INSTALL) -m 0644 $(wildcard docs/*.md) $(DESTDIR)$(DOCDIR)/docs/
	$(Q)$(INSTALL) -m 0755 $(PERF_SESSIONS) $(DESTDIR)$(PERFDIR)/
	$(Q)$(INSTALL) -m 0644 scripts/perf/lib.sh $(DESTDIR)$(PERFDIR)/

# The module's sources in the repo's own layout (bench/, bench/model/,
# include/uapi/), so that dkms.conf runs the README's in-place build.
install-dkms:
	$(call msg,INSTALL,$(DKMS_TREE))
	$(Q)rm -rf $(DKMS_TREE)
	$(Q)$(INSTALL) -d $(DKMS_TREE)/bench/model $(DKMS_TREE)/include/uapi
	$(Q)$(INSTALL) -m 0644 $(MODULE_SRCS) $(DKMS_TREE)/bench/
	$(Q)$(INSTALL) -m 0644 $(filter %.c %.h,$(MODEL_KFILES)) $(DKMS_TREE)/bench/model/
	$(Q)$(INSTALL) -m 0644 $(MODULE_HDRS) $(DKMS_TREE)/include/uapi/
	$(Q)sed 's/@VERSION@/$(SB_VERSION)/' packaging/dkms.conf >$(DKMS_TREE)/dkms.conf

# Debian packages for this machine's architecture (packaging/build-deb),
# from a make install and a make install-dkms into build/deb/root/.
DEB_ROOTS := $(B)/deb/root
deb: $(SB_TOOL) $(MAN_B)/.built
	$(Q)rm -rf $(DEB_ROOTS)
	$(Q)$(MAKE) --no-print-directory install PREFIX=/usr \
		DESTDIR=$(abspath $(DEB_ROOTS))/smmubench
	$(Q)$(MAKE) --no-print-directory install-dkms DKMS_SRCDIR=/usr/src \
		DESTDIR=$(abspath $(DEB_ROOTS))/smmubench-dkms
	$(call msg,DEB,$(B)/deb)
	$(Q)packaging/build-deb $(SB_VERSION) $(DEB_ROOTS) $(B)/deb

clean: clean-packaging
.PHONY: clean-packaging
clean-packaging:
	rm -rf $(MAN_B) $(B)/deb
