# SPDX-License-Identifier: GPL-2.0
#
# bench/model: the model of the SVA CD-write lock placements, one source
# (sbmodel.c) built twice:
#  - into the front end: cli/cmd_model.c includes sbmodel.c (as the
#    kernel's tools/testing/radix-tree/idr.c includes lib/idr.c), so the
#    host and arm64 libraries carry it with no rule of their own;
#  - into smmubench.ko: bench/Kbuild lists model/*.o and links the sources
#    into each kernel's build folder.
# What is left for make is to rebuild the module when the model changes.
# (The top Makefile includes */*.mk; this file is picked up once that
# pattern also covers bench/*/*.mk.)

MODEL_KFILES := $(wildcard bench/model/*.c bench/model/*.h)
$(KERNELS:%=$(B)/module/%/smmubench.ko): $(MODEL_KFILES)
