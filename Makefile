# SPDX-License-Identifier: GPL-2.0
#
# kcg: kernel module (Kbuild), userland library and CLI, tests.
#
#   make                    module for KDIR (the running kernel) and the tools
#   make tools              the CLI and libkcg (static and shared), no kernel needed
#   make install            install-module + install-tools
#   make install-tools      CLI, libkcg, headers, libkcg.pc, man page, YNL spec
#                           into DESTDIR/PREFIX (no KDIR needed)
#   make install-module     kcg.ko into INSTALL_MOD_PATH/lib/modules/RELEASE/updates
#   make install-dkms       the module's sources and dkms.conf into DESTDIR/usr/src/kcg-VERSION
#   make uninstall          remove what install put there (same variables)
#   make deb                the Debian packages, into build/deb (see debian/)
#   make check              everything, host unit tests, VM suite on 6.1 and 6.12
#   make check-debug        VM suite on the debug kernel (KASAN, lockdep, kmemleak, UBSAN)
#   make debug-kernel       build (once, cached in ~/.cache/kcg) the debug kernel line
#   make test-tools         the C helpers the VM suite runs (build/test)
#   make demo               boot the VM and show kcg at work
#   make bench              benchmarks in the VM, table into docs/bench.md
#   make fuzz               the netlink fuzzer, a long run in the VM (FUZZ_KERNEL, FUZZ_COUNT, FUZZ_RELOAD)
#   make stress             racing clients and reloads under load on 6.1 and 6.12 (STRESS_MINUTES,
#                           STRESS_SEED); both write their figures into docs/reliability.md
#   make vm-shell           interactive shell in the VM (KERNEL=6.1|6.12)
#
# CC, CPPFLAGS, CFLAGS and LDFLAGS are honoured (dpkg-buildflags' hardening
# reaches every object and link). KCG_LINK=shared links the CLI against
# libkcg.so instead of libkcg.a (the Debian package does).

# The one version number of the tree: module (Kbuild reads it too), tools,
# dkms.conf, man page and debian/changelog (scripts/version check).
VERSION	:= $(shell cat VERSION)
# libkcg's ABI: the soname's number. Only an incompatible change bumps it.
SOVERSION := 0

KDIR	?= /lib/modules/$(shell uname -r)/build
KERNEL	?= 6.1
LINES	:= 6.1 6.12
B	:= build

PREFIX	?= /usr/local
SBINDIR	?= $(PREFIX)/sbin
LIBDIR	?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
DATADIR	?= $(PREFIX)/share
MANDIR	?= $(DATADIR)/man
COMPLETIONDIR ?= $(DATADIR)/bash-completion/completions
UNITDIR	?= $(PREFIX)/lib/systemd/system
DKMSDIR	?= /usr/src
INSTALL_MOD_DIR ?= updates
KCG_LINK ?= static

CC	?= gcc
CFLAGS	?= -O2 -g
NL_CFLAGS := $(shell pkg-config --cflags libnl-genl-3.0 2>/dev/null)
NL_LIBS	  := $(shell pkg-config --libs libnl-genl-3.0 2>/dev/null)
# libmicrohttpd serves `kcg export --listen`; only the CLI links it.
MHD_CFLAGS := $(shell pkg-config --cflags libmicrohttpd 2>/dev/null)
MHD_LIBS  := $(shell pkg-config --libs libmicrohttpd 2>/dev/null || echo -lmicrohttpd)
KCG_CFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror \
	      -Iinclude/uapi -Iuser/include $(NL_CFLAGS) $(MHD_CFLAGS) -DKCG_VERSION='"$(VERSION)"'
# Every compile and link of C here, with the caller's flags.
COMPILE	= $(CC) $(CPPFLAGS) $(CFLAGS) $(KCG_CFLAGS)
LINK	= $(CC) $(CFLAGS) $(LDFLAGS)

LIB_SRCS := $(wildcard user/lib/*.c)
CLI_SRCS := $(wildcard user/cli/*.c)
LIB_OBJS := $(LIB_SRCS:%.c=$(B)/obj/%.o)
CLI_OBJS := $(CLI_SRCS:%.c=$(B)/obj/%.o)
# kcg trace (user/trace): BPF programs built into the CLI as skeletons.
TRACE_SRCS := $(filter-out %.bpf.c,$(wildcard user/trace/*.c))
TRACE_OBJS := $(TRACE_SRCS:%.c=$(B)/obj/%.o)

# What DKMS (and kcg-dkms) needs to build the module: Kbuild and its inputs.
DKMS_FILES := Kbuild VERSION dkms.conf $(wildcard kmod/*.c kmod/*.h) include/uapi/linux/kcg.h
# Optional parts, installed when the tree has them: the CLI's bash
# completion and systemd units.
COMPLETION := deploy/bash-completion/kcg
UNITS	:= $(wildcard deploy/*.service deploy/*.socket deploy/*.timer deploy/*.path)

.PHONY: all module tools bench-tools test-tools fuzz-tools stress-tools modules install install-tools \
	install-module install-dkms trace-skels uninstall uninstall-tools uninstall-module deb clean check \
	unit demo bench fuzz stress vm-prep vm-shell dkms-install checkpatch check-debug debug-kernel

all: module tools

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

tools: $(B)/bin/kcg $(B)/lib/libkcg.a $(B)/lib/libkcg.so

$(B)/obj/%.o: %.c $(wildcard include/uapi/linux/*.h user/include/*.h user/*/*.h) VERSION
	@mkdir -p $(dir $@)
	$(COMPILE) $(PIC) -Iuser/lib -Iuser/cli -c -o $@ $<

# One set of library objects, position independent, for both libraries.
$(LIB_OBJS): PIC := -fPIC

$(B)/lib/libkcg.a: $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

# The shared library exports the public API of libkcg.h and nothing else
# (user/lib/libkcg.map; tests/package-check compares the two).
$(B)/lib/libkcg.so.$(SOVERSION): $(LIB_OBJS) user/lib/libkcg.map
	@mkdir -p $(dir $@)
	$(LINK) -shared -Wl,-soname,libkcg.so.$(SOVERSION) -Wl,--version-script=user/lib/libkcg.map \
		-Wl,--no-undefined -o $@ $(LIB_OBJS) $(NL_LIBS)

$(B)/lib/libkcg.so: $(B)/lib/libkcg.so.$(SOVERSION)
	ln -sf libkcg.so.$(SOVERSION) $@

ifeq ($(KCG_LINK),shared)
CLI_LIB := $(B)/lib/libkcg.so
CLI_LIBS := -Wl,--as-needed -L$(B)/lib -lkcg $(NL_LIBS)
else
CLI_LIB := $(B)/lib/libkcg.a
CLI_LIBS := $(B)/lib/libkcg.a $(NL_LIBS)
endif

$(B)/bin/kcg: $(CLI_OBJS) $(TRACE_OBJS) $(CLI_LIB)
	@mkdir -p $(dir $@)
	$(LINK) -o $@ $(CLI_OBJS) $(TRACE_OBJS) $(CLI_LIBS) $(MHD_LIBS) $(BPF_LIBS)

# kcg trace's BPF programs: CO-RE objects compiled against a vmlinux.h made
# from some kernel's BTF (scripts/vmlinux-btf says which; VMLINUX_BTF picks
# one), then turned into skeletons that the CLI embeds. libbpf relocates
# them against the running kernel's BTF at load.
CLANG	?= clang
BPFTOOL	?= bpftool
# libdw (elfutils) names the user frames of offcpu's stacks.
BPF_LIBS := $(shell pkg-config --libs libbpf libdw 2>/dev/null || echo -lbpf -ldw -lelf)
TRACE_BPF := $(wildcard user/trace/*.bpf.c)
TRACE_SKELS := $(TRACE_BPF:user/trace/%.bpf.c=$(B)/trace/%.skel.h)

trace-skels: $(TRACE_SKELS) $(B)/trace/syscall_names.h

$(B)/trace/vmlinux.h: scripts/vmlinux-btf
	@mkdir -p $(dir $@)
	scripts/vmlinux-btf $(B)/trace/vmlinux.btf
	$(BPFTOOL) btf dump file $(B)/trace/vmlinux.btf format c > $@.tmp && mv $@.tmp $@

$(B)/trace/%.bpf.o: user/trace/%.bpf.c user/trace/trace.h user/trace/group.bpf.h $(B)/trace/vmlinux.h
	$(CLANG) -target bpf -g -O2 -D__TARGET_ARCH_x86 -Wall -Werror -I$(B)/trace -Iuser/trace -c -o $@ $<

$(B)/trace/%.skel.h: $(B)/trace/%.bpf.o
	$(BPFTOOL) gen skeleton $< name trace_$* > $@.tmp && mv $@.tmp $@

# Syscall names by number, from the libc headers' asm/unistd_64.h.
$(B)/trace/syscall_names.h:
	@mkdir -p $(dir $@)
	echo '#include <asm/unistd_64.h>' | $(CC) -E -dM -x c - | \
		awk '$$2 ~ /^__NR_/ && $$3 ~ /^[0-9]+$$/ { sub(/^__NR_/, "", $$2); \
			printf "\t[%d] = \"%s\",\n", $$3, $$2 }' > $@.tmp && mv $@.tmp $@

$(TRACE_OBJS): $(B)/obj/%.o: %.c $(TRACE_SKELS) $(B)/trace/syscall_names.h user/trace/trace.h \
		user/trace/trace_cli.h $(wildcard user/cli/*.h user/include/*.h)
	@mkdir -p $(dir $@)
	$(COMPILE) -Iuser/lib -Iuser/cli -Iuser/trace -I$(B)/trace -c -o $@ $<

# The host half of the benchmarks (the BPF half is built in the VM).
BENCH_SRCS := $(addprefix tests/bench/,kcgbench.c bench.c groups.c stats.c pingpong.c events.c)

bench-tools: $(B)/bench/kcgbench

$(B)/bench/kcgbench: $(BENCH_SRCS) tests/bench/bench.h $(B)/lib/libkcg.a
	@mkdir -p $(dir $@)
	$(COMPILE) $(LDFLAGS) -o $@ $(BENCH_SRCS) $(B)/lib/libkcg.a $(NL_LIBS) -pthread

# Helpers of the in-VM suite (tests/suite/helpers), into build/test.
TEST_HELPERS := $(B)/test/procfill $(B)/test/kcglat

test-tools: $(TEST_HELPERS)

$(B)/test/procfill: tests/suite/helpers/procfill.c
	@mkdir -p $(dir $@)
	$(COMPILE) $(LDFLAGS) -o $@ $<

$(B)/test/kcglat: tests/suite/helpers/kcglat.c $(B)/lib/libkcg.a
	@mkdir -p $(dir $@)
	$(COMPILE) $(LDFLAGS) -o $@ $< $(B)/lib/libkcg.a $(NL_LIBS)

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
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Itests/fuzz -o $@ \
		$(FUZZ_SRCS) $(B)/fuzz/spec.c

# The stress clients (tests/stress) reuse the fuzzer's netlink side and its
# workload, and its spec tables.
STRESS_SRCS := $(wildcard tests/stress/*.c) $(addprefix tests/fuzz/,nl.c check.c msg.c lookup.c confine.c workload.c)

stress-tools: $(B)/stress/kcg-stress

$(B)/stress/kcg-stress: $(STRESS_SRCS) $(wildcard tests/stress/*.h tests/fuzz/*.h) $(B)/fuzz/spec.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Itests/fuzz \
		-Iinclude/uapi -o $@ $(STRESS_SRCS) $(B)/fuzz/spec.c

# The four-role run of tests/suite/29-fuzz.sh, longer, on one kernel, with
# the module reloaded every FUZZ_RELOAD seconds under it (on one TCG thread:
# see tests/vm/run --tcg-single).
# Its figures go into docs/reliability.md.
fuzz: tools fuzz-tools
	scripts/build-module $(FUZZ_KERNEL)
	@[ -f $(B)/kernels/$(FUZZ_KERNEL)/initramfs.gz ] || $(MAKE) vm-prep
	tests/vm/run --kernel $(FUZZ_KERNEL) --timeout 14400 --tcg-single --out $(B)/fuzz-vm-$(FUZZ_KERNEL) \
		tests/suite/29-fuzz.sh --count $(FUZZ_COUNT) --reload $(FUZZ_RELOAD)
	tests/reliability-report --command "make fuzz FUZZ_COUNT=$(FUZZ_COUNT)" \
		--fuzz $(FUZZ_KERNEL)=$(B)/fuzz-vm-$(FUZZ_KERNEL)

# 8 clients of racing ops, a workload inside the groups and the module
# reloaded under them, on each kernel line in turn (tests/stress/run).
stress: tools stress-tools
	@for l in $(LINES); do [ -f $(B)/kernels/$$l/initramfs.gz ] || { $(MAKE) vm-prep; break; }; done
	tests/stress/run

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

install: install-module install-tools

uninstall: uninstall-module uninstall-tools

# The module's release and where modules_install puts it (INSTALL_MOD_DIR is
# set here because 6.1's default is "extra" and 6.12's "updates").
KRELEASE = $(shell cat $(KDIR)/include/config/kernel.release 2>/dev/null)
MOD_TREE = $(INSTALL_MOD_PATH)/lib/modules/$(KRELEASE)
MOD_DEST = $(MOD_TREE)/$(INSTALL_MOD_DIR)

# depmod by hand: modules_install skips it when KDIR has no System.map, as
# Debian's headers have none. A staging tree without modules.dep is left be.
DEPMOD	= [ ! -f $(MOD_TREE)/modules.dep ] || depmod $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) $(KRELEASE)

install-module: module
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_PATH=$(INSTALL_MOD_PATH) \
		INSTALL_MOD_DIR=$(INSTALL_MOD_DIR) modules_install
	$(DEPMOD)

uninstall-module:
	@[ -n "$(KRELEASE)" ] || { echo "uninstall-module: no kernel release in $(KDIR)" >&2; exit 1; }
	rm -f $(MOD_DEST)/kcg.ko $(MOD_DEST)/kcg.ko.xz $(MOD_DEST)/kcg.ko.zst $(MOD_DEST)/kcg.ko.gz
	-rmdir $(MOD_DEST) 2>/dev/null
	$(DEPMOD)

INSTALLED := $(SBINDIR)/kcg $(MANDIR)/man8/kcg.8 $(INCLUDEDIR)/linux/kcg.h $(INCLUDEDIR)/libkcg.h \
	$(LIBDIR)/libkcg.a $(LIBDIR)/libkcg.so.$(SOVERSION) $(LIBDIR)/libkcg.so \
	$(LIBDIR)/pkgconfig/libkcg.pc $(DATADIR)/kcg/kcg.yaml \
	$(if $(COMPLETION),$(COMPLETIONDIR)/kcg) $(addprefix $(UNITDIR)/,$(notdir $(UNITS)))

install-tools: tools
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(INCLUDEDIR)/linux \
		$(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(DATADIR)/kcg
	install -m 755 $(B)/bin/kcg $(DESTDIR)$(SBINDIR)/kcg
	install -m 644 docs/man/kcg.8 $(DESTDIR)$(MANDIR)/man8/kcg.8
	install -m 644 include/uapi/linux/kcg.h $(DESTDIR)$(INCLUDEDIR)/linux/kcg.h
	install -m 644 user/include/libkcg.h $(DESTDIR)$(INCLUDEDIR)/libkcg.h
	install -m 644 $(B)/lib/libkcg.a $(B)/lib/libkcg.so.$(SOVERSION) $(DESTDIR)$(LIBDIR)/
	ln -sf libkcg.so.$(SOVERSION) $(DESTDIR)$(LIBDIR)/libkcg.so
	sed -e 's|@VERSION@|$(VERSION)|' -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
		-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' user/lib/libkcg.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/libkcg.pc
	install -m 644 docs/netlink/kcg.yaml $(DESTDIR)$(DATADIR)/kcg/kcg.yaml
ifneq ($(COMPLETION),)
	install -D -m 644 $(COMPLETION) $(DESTDIR)$(COMPLETIONDIR)/kcg
endif
ifneq ($(UNITS),)
	install -d $(DESTDIR)$(UNITDIR)
	install -m 644 $(UNITS) $(DESTDIR)$(UNITDIR)/
endif
	@[ -n "$(DESTDIR)" ] || ldconfig 2>/dev/null || true

uninstall-tools:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	-rmdir $(DESTDIR)$(DATADIR)/kcg $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR)/linux 2>/dev/null
	@[ -n "$(DESTDIR)" ] || ldconfig 2>/dev/null || true

install-dkms:
	install -d $(DESTDIR)$(DKMSDIR)/kcg-$(VERSION)
	tar -cf - $(DKMS_FILES) | tar -xf - --no-same-owner -C $(DESTDIR)$(DKMSDIR)/kcg-$(VERSION)

# The Debian packages (debian/), built by dpkg-buildpackage in a copy of the
# tree under build/deb, so the tree itself gets no build files; the .debs,
# .buildinfo and .changes land in build/deb.
deb:
	scripts/make-deb

# Register this tree with DKMS and build + install for the running kernel.
dkms-install:
	scripts/dkms-install

checkpatch:
	scripts/checkpatch

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null
	rm -rf $(B)/obj $(B)/lib $(B)/bin $(B)/trace $(B)/ko $(B)/vm $(B)/unit $(B)/test $(B)/fuzz $(B)/deb $(B)/stress \
		$(B)/package-check
