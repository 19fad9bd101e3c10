/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Symbols for kcg trace offcpu's stacks: the kernel's from /proc/kallsyms;
 * user addresses as "symbol+0xOFF (path+0xFILEOFF)", the symbol from the
 * mapped file's symbol table through elfutils' libdwfl and the file offset
 * from the process's /proc/PID/maps (for addr2line offline), or the file
 * offset alone where the file has no symbol for it.
 */
#ifndef KCG_TRACE_SYMS_H
#define KCG_TRACE_SYMS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct ksyms;
/* NULL if /proc/kallsyms cannot be read or shows no addresses. */
struct ksyms *ksyms_load(void);
void ksyms_free(struct ksyms *ks);
/* "name+0xoff" or "0xaddr" into buf. */
void ksyms_name(const struct ksyms *ks, uint64_t addr, char *buf, size_t len);

struct umaps;
/* The file mappings of pid now; NULL if it is gone. */
struct umaps *umaps_load(pid_t pid);
void umaps_free(struct umaps *m);
/* "path+0xoff" or "0xaddr" into buf; m may be NULL. */
void umaps_name(const struct umaps *m, uint64_t addr, char *buf, size_t len);

#endif /* KCG_TRACE_SYMS_H */
