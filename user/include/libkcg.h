/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libkcg: the C API to the kcg kernel module, over generic netlink.
 *
 * Every call returns 0 or a negative errno. When the module explained a
 * failure (netlink extended ACK), kcg_errmsg() returns its message until the
 * next call on the same handle.
 */
#ifndef LIBKCG_H
#define LIBKCG_H

#include <stdint.h>

struct kcg;

/* Connect to the module. -ENOENT: the kcg family is not registered. */
int kcg_open(struct kcg **handle);
void kcg_close(struct kcg *handle);
const char *kcg_errmsg(const struct kcg *handle);

struct kcg_version {
	char module[32];
	uint32_t protocol;
	uint64_t features;
};

int kcg_version_get(struct kcg *handle, struct kcg_version *version);

#endif /* LIBKCG_H */
