# SPDX-License-Identifier: GPL-2.0
#
# bench/model: the model of the SVA CD-write lock placements, one source
# (sbmodel.c) built twice:
#  - for the front end: an object of its own in the host and arm64
#    libraries, beside cli/cmd_model.c, which calls it through sbmodel.h
#    (the kernel API it needs comes from env_user.h, on pthreads);
#  - into smmubench.ko: bench/Kbuild lists model/*.o and links the sources
#    into each kernel's build folder (env_kernel.h).
# (The top Makefile includes */*/*.mk too, so this file is picked up.)

LIB_SRCS += bench/model/sbmodel.c

# A change of the model rebuilds the module.
MODEL_KFILES := $(wildcard bench/model/*.c bench/model/*.h)
$(KERNELS:%=$(B)/module/%/smmubench.ko): $(MODEL_KFILES)
