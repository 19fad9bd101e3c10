/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fuzzer's safety check, run on the exact bytes of every request before
 * it is sent. Always: only the kcg family (or netlink's own control types)
 * is addressed. When privileged: a request the kernel would read as an op
 * that changes something may name only groups and cgroups under the
 * fuzzer's prefix, and move only processes the fuzzer started.
 */
#ifndef FZ_CONFINE_H
#define FZ_CONFINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fz_confine {
	bool on;			/* privileged: names, paths, pids checked */
	const char *prefix;		/* e.g. "fz1234" */
	uint16_t family;
	const volatile uint32_t *pids;	/* processes the fuzzer may move */
	unsigned int n_pids;
};

/*
 * NULL when the kernel, walking buf exactly as netlink_rcv_skb and genl do,
 * could only touch what the fuzzer owns; otherwise the reason it could not.
 */
const char *fz_confine_check(const struct fz_confine *c, const uint8_t *buf, size_t len);

/* A group name (len bytes, no NUL needed) under the prefix. */
bool fz_confine_name(const struct fz_confine *c, const char *s, size_t len);

/* A cgroup path under /PREFIX or /kcg/PREFIX, without "..". */
bool fz_confine_path(const struct fz_confine *c, const char *s, size_t len);

#endif
