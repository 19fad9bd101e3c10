/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/*
 * kcg: container groups over generic netlink.
 *
 * This header and docs/netlink/kcg.yaml describe the same protocol and must
 * agree exactly (tests/spec-check enforces it). The YAML spec carries the
 * full documentation of every attribute and op.
 *
 * Family "kcg", version KCG_FAMILY_VERSION. Attributes start at 1.
 *
 * KCG_CMD_VERSION_GET (do, no request attributes)
 *	reply: KCG_A_VERSION_MODULE	string	module version
 *	       KCG_A_VERSION_PROTOCOL	u32	family version
 *	       KCG_A_VERSION_FEATURES	u64	enum kcg_feature bits
 */
#ifndef _UAPI_LINUX_KCG_H
#define _UAPI_LINUX_KCG_H

#define KCG_FAMILY_NAME		"kcg"
#define KCG_FAMILY_VERSION	1

enum kcg_feature {
	KCG_FEATURE_VERSION = 1,
};

enum {
	KCG_A_VERSION_MODULE = 1,
	KCG_A_VERSION_PROTOCOL,
	KCG_A_VERSION_FEATURES,
	KCG_A_VERSION_PAD,

	__KCG_A_VERSION_MAX,
	KCG_A_VERSION_MAX = (__KCG_A_VERSION_MAX - 1)
};

enum {
	KCG_CMD_VERSION_GET = 1,

	__KCG_CMD_MAX,
	KCG_CMD_MAX = (__KCG_CMD_MAX - 1)
};

#endif /* _UAPI_LINUX_KCG_H */
