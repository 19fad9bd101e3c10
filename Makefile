# SPDX-License-Identifier: GPL-2.0
#
# kcg: kernel module (Kbuild), userland library and CLI, tests.
#
#   make                    module for KDIR (the running kernel) and the tools
#   make install            module (modules_install) and tools into PREFIX
#   make check              everything, host unit tests, VM suite on 6.1 and 6.12
#   make check-debug        VM suite on the debug kernel (KASAN, lockdep, kmemleak, UBSAN)
#   make debug-kernel       build (once, cached in ~/.cache/kcg) the debug kernel line
#   make test-tools         the C helpers the VM suite runs (build/test)
#   make demo               boot the VM and show kcg at work
#   make bench              benchmarks in the VM, table into docs/bench.md
#   make fuzz               the netlink fuzzer, a long run in the VM (FUZZ_KERNEL, FUZZ_COUNT, FUZZ_RELOAD)
#   make vm-shell           interactive shell in the VM (KERNEL=6.1|6.12)

KDIR	?= /lib/modules/$(shell uname -r)/build
PREFIX	?= /usr/local
KERNEL	?= 6.1
LINES	:= 6.1 6.12
B	:= build

CC	?= gcc
CFLAGS	?= -O2 -g
NL_CFLAGS := $(shell pkg-config --cflags libnl-genl-3.0 2>/dev/null)
NL_LIBS	  := $(shell pkg-config --libs libnl-genl-3.0 2>/dev/null)
KCG_CFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror \
	      -Iinclude/uapi -Iuser/include $(NL_CFLAGS)

LIB_SRCS := $(wildcard user/lib/*.c)
CLI_SRCS := $(wildcard user/cli/*.c)
LIB_OBJS := $(LIB_SRCS:%.c=$(B)/obj/%.o)
CLI_OBJS := $(CLI_SRCS:%.c=$(B)/obj/%.o)

.PHONY: all module tools bench-tools test-tools fuzz-tools modules install uninstall clean check \
	unit demo bench fuzz vm-prep vm-shell dkms-install checkpatch \
	check-debug debug-kernel

all: module tools

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

tools: $(B)/bin/kcg

$(B)/obj/%.o: %.c $(wildcard include/uapi/linux/*.h user/include/*.h user/*/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(KCG_CFLAGS) -Iuser/lib -Iuser/cli -c -o $@ $<

$(B)/lib/libkcg.a: $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(AR) rcs $@ $^

$(B)/bin/kcg: $(CLI_OBJS) $(B)/lib/libkcg.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $(CLI_OBJS) $(B)/lib/libkcg.a $(NL_LIBS)

# The host half of the benchmarks (the BPF half is built in the VM).
BENCH_SRCS := $(addprefix tests/bench/,kcgbench.c bench.c groups.c stats.c pingpong.c events.c)

bench-tools: $(B)/bench/kcgbench

$(B)/bench/kcgbench: $(BENCH_SRCS) tests/bench/bench.h $(B)/lib/libkcg.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(KCG_CFLAGS) -o $@ $(BENCH_SRCS) $(B)/lib/libkcg.a $(NL_LIBS) -pthread

# Helpers of the in-VM suite (tests/suite/helpers), into build/test.
TEST_HELPERS := $(B)/test/procfill $(B)/test/kcglat

test-tools: $(TEST_HELPERS)

$(B)/test/procfill: tests/suite/helpers/procfill.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(KCG_CFLAGS) -o $@ $<

$(B)/test/kcglat: tests/suite/helpers/kcglat.c $(B)/lib/libkcg.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(KCG_CFLAGS) -o $@ $< $(B)/lib/libkcg.a $(NL_LIBS)

# The netlink fuzzer. Its tables are generated from the YNL spec at build
# time, so the spec stays the single source of what it knows.
FUZZ_SRCS := $(wildcard tests/fuzz/*.c)
FUZZ_KERNEL ?= 6.12
FUZZ_COUNT ?= 400000
FUZZ_RELOAD ?= 20

fuzz-tools: $(B)/fuzz/kcg-fuzz

$(B)/fuzz/spec.c: docs/netlink/kcg.yaml tests/fuzz/gen-spec
	@mkdir -p $(dir $@)
	tests/fuzz/gen-spec $< > $@.tmp && mv $@.tmp $@

$(B)/fuzz/kcg-fuzz: $(FUZZ_SRCS) $(wildcard tests/fuzz/*.h) $(B)/fuzz/spec.c
	$(CC) $(CFLAGS) -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Itests/fuzz -o $@ \
		$(FUZZ_SRCS) $(B)/fuzz/spec.c

# The four-role run of tests/suite/29-fuzz.sh, longer, on one kernel, with
# the module reloaded every FUZZ_RELOAD seconds under it (on one TCG thread:
# see tests/vm/run --tcg-single).
fuzz: tools fuzz-tools
	scripts/build-module $(FUZZ_KERNEL)
	@[ -f $(B)/kernels/$(FUZZ_KERNEL)/initramfs.gz ] || $(MAKE) vm-prep
	tests/vm/run --kernel $(FUZZ_KERNEL) --timeout 14400 --tcg-single tests/suite/29-fuzz.sh \
		--count $(FUZZ_COUNT) --reload $(FUZZ_RELOAD)

# kcg.ko for each test kernel, W=1 and sparse, into build/ko/LINE.
modules:
	@for l in $(LINES); do scripts/build-module $$l || exit 1; done

# Kernel images and initramfs for the VM.
vm-prep:
	@for l in $(LINES); do \
		scripts/fetch-kernel $$l >/dev/null && \
		tests/vm/mkinitramfs $(B)/kernels/$$l $(B)/kernels/$$l/initramfs.gz || exit 1; \
	done

unit:
	tests/unit/run

check:
	tests/check

# The debug kernel line: not in `make check`, as a fresh machine would first
# spend about an hour building the kernel. Run it before every submission
# that touches kmod/.
debug-kernel:
	scripts/build-debug-kernel

check-debug:
	tests/check-debug

demo: tools modules vm-prep
	tests/vm/run --kernel $(KERNEL) tests/demo.sh

bench: tools bench-tools modules vm-prep
	tests/bench/run

vm-shell: tools modules vm-prep
	tests/vm/run --kernel $(KERNEL) --shell

install: all
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install
	install -D -m 755 $(B)/bin/kcg $(DESTDIR)$(PREFIX)/sbin/kcg
	install -D -m 644 docs/man/kcg.8 $(DESTDIR)$(PREFIX)/share/man/man8/kcg.8
	install -D -m 644 include/uapi/linux/kcg.h $(DESTDIR)$(PREFIX)/include/linux/kcg.h
	install -D -m 644 user/include/libkcg.h $(DESTDIR)$(PREFIX)/include/libkcg.h
	install -D -m 644 $(B)/lib/libkcg.a $(DESTDIR)$(PREFIX)/lib/libkcg.a

# Register this tree with DKMS and build + install for the running kernel.
dkms-install:
	scripts/dkms-install

checkpatch:
	scripts/checkpatch

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null
	rm -rf $(B)/obj $(B)/lib $(B)/bin $(B)/ko $(B)/vm $(B)/unit $(B)/test $(B)/fuzz
