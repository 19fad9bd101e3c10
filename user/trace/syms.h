/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Symbols for kcg trace offcpu's stacks: the kernel's from /proc/kallsyms,
 * user addresses as "path+0xOFFSET" from the process's /proc/PID/maps (the
 * file offset, which addr2line or eu-addr2line resolves offline).
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
