/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libkcg internals shared between its files; not installed. */
#ifndef LIBKCG_INTERNAL_H
#define LIBKCG_INTERNAL_H

#include <netlink/attr.h>
#include <netlink/netlink.h>

#include <linux/kcg.h>

#include "libkcg.h"

struct kcg {
	struct nl_sock *sock;
	int family;
	char errmsg[256];
	/*
	 * The events socket, NULL until kcg_events_open(). Events on sock
	 * would land in the middle of a request's replies, so they get their own.
	 */
	struct nl_sock *events;
	struct kcg_event *pending;	/* parsed, not yet handed out */
	int event_error;
};

/* Called once per reply message with its attributes parsed against the policy. */
typedef int (*kcg_reply_fn)(struct nlattr **attrs, void *arg);

struct kcg_reply {
	const struct nla_policy *policy;
	int maxattr;
	kcg_reply_fn parse;
	void *arg;
};

/* A libnl error code (NLE_*, either sign) as -errno; -EIO when libnl lost it. */
int kcg_errno_from_nl(int nlerr);
int kcg_connect(struct nl_sock *sock);

struct nl_msg *kcg_msg_new(struct kcg *k, uint8_t cmd, int flags);
/* Same, with room for at least payload bytes of attributes. */
struct nl_msg *kcg_msg_new_sized(struct kcg *k, uint8_t cmd, int flags, size_t payload);

/*
 * Send msg (consumed), feed each reply to reply->parse (reply may be NULL),
 * and wait for the ACK or the end of the dump. Returns 0 or -errno, with the
 * module's extack message in k->errmsg. A dump interrupted by a concurrent
 * change returns -EAGAIN.
 */
int kcg_transact(struct kcg *k, struct nl_msg *msg, const struct kcg_reply *reply);
/* The same on another of the handle's sockets (the events socket). */
int kcg_transact_on(struct kcg *k, struct nl_sock *sock, struct nl_msg *msg,
		    const struct kcg_reply *reply);

/*
 * Limits, shared by the builder (limits.c) and the group replies that embed
 * them (group.c). value[] is indexed by KCG_A_LIMITS_*, present by its bit.
 */
struct kcg_limits {
	uint32_t present;
	uint64_t value[KCG_A_LIMITS_MAX + 1];
	char *cpuset_cpus;
	char *cpuset_mems;
	struct kcg_io_max *io_max;
	size_t io_max_count;
};

/* Free what limits points to, not limits itself (it may be embedded). */
void kcg_limits_release(struct kcg_limits *limits);
/* Append limits as the nest attr (flagged NLA_F_NESTED). -EMSGSIZE. */
int kcg_limits_put(struct nl_msg *msg, int attr, const struct kcg_limits *limits);
/* Fill an empty limits from a reply's limits nest. -EPROTO, -ENOMEM. */
int kcg_limits_parse(struct kcg_limits *limits, const struct nlattr *nest);

/* Copy an optional string attribute; absent leaves *out as it is (NULL). */
int kcg_dup_string(const struct nlattr *attr, char **out);
/* -EINVAL for NULL, -ENAMETOOLONG over max bytes, else 0. */
int kcg_check_string(const char *s, size_t max);
/* Appending to a message only fails when it is full: free it, -EMSGSIZE. */
int kcg_put_failed(struct nl_msg *msg);

/* The growable array behind every dump's result list. */
struct kcg_list {
	void **items;
	size_t count;
	size_t capacity;
};

int kcg_list_append(struct kcg_list *list, void *item);
/* Free every item and the array; the list is empty again. */
void kcg_list_release(struct kcg_list *list, void (*free_item)(void *item));

/* A dump op: its reply attributes and how one reply becomes an item. */
struct kcg_dump {
	uint8_t cmd;
	int filter_attr;		/* string attribute carrying filter */
	const char *filter;		/* NULL: no filter */
	const struct nla_policy *policy;
	int maxattr;
	int (*parse)(struct nlattr **attrs, void **item);
	void (*free_item)(void *item);
};

/*
 * Run the dump into out (emptied first), retrying while a concurrent change
 * interrupts it; -EAGAIN if it never completes. On error out is empty.
 */
int kcg_dump_run(struct kcg *k, const struct kcg_dump *dump, struct kcg_list *out);

/*
 * A stats reply into a struct kcg_stats; attrs parsed with kcg_stats_policy.
 * Shared with the unit tests, which build replies by hand.
 */
extern const struct nla_policy kcg_stats_policy[KCG_A_STATS_MAX + 1];
int kcg_stats_from_attrs(struct nlattr **attrs, struct kcg_stats **out);

/* Pull the extack message out of an NLMSG_ERROR or NLMSG_DONE message. */
void kcg_extack_message(const struct nlmsghdr *hdr, size_t payload,
			char *buf, size_t len);

/* Events (events.c): the handle's events socket goes with it. */
void kcg_events_close(struct kcg *k);

#endif /* LIBKCG_INTERNAL_H */
