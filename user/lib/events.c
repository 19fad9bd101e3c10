// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Events: a subscription (event-subscribe) on a socket of its own, and its
 * messages as struct kcg_event. The events socket is separate from the
 * request socket so that a notification never arrives among a request's
 * replies, and so a caller can poll it while still making requests on the
 * handle. A subscription rather than the admins' multicast group: it works
 * for every user and in every network namespace, the module filtering
 * events by what the subscriber may see.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <sys/socket.h>

#include "internal.h"

/*
 * Room for a burst: the module sends one message per event (~100 bytes,
 * ~1 KiB of skb truesize each). SO_RCVBUFFORCE goes past rmem_max when the
 * caller may (CAP_NET_ADMIN); otherwise the kernel caps SO_RCVBUF. Events
 * that still do not fit are lost and show up as a seq gap.
 */
#define EVENTS_RCVBUF (8 << 20)

#define HAS_PID		1u
#define HAS_EXIT_CODE	2u
#define HAS_SIGNAL	4u
#define HAS_COUNT	8u

struct kcg_event {
	struct kcg_event *next;		/* the handle's queue of parsed events */
	uint32_t type;
	uint32_t has;			/* HAS_* bits */
	uint64_t seq;
	uint64_t timestamp_ns;
	uint64_t group_id;
	uint64_t count;
	uint32_t pid;
	uint32_t exit_code;
	uint32_t signal;
	char *comm;
	char *group_name;
	uint64_t limit_group_id;	/* 0: absent */
	char *limit_group_name;
};

static const char *const type_names[] = {
	[KCG_EVENT_TYPE_CREATED]	= "created",
	[KCG_EVENT_TYPE_DESTROYED]	= "destroyed",
	[KCG_EVENT_TYPE_SET]		= "set",
	[KCG_EVENT_TYPE_FROZEN]		= "frozen",
	[KCG_EVENT_TYPE_THAWED]		= "thawed",
	[KCG_EVENT_TYPE_POPULATED]	= "populated",
	[KCG_EVENT_TYPE_EMPTY]		= "empty",
	[KCG_EVENT_TYPE_MEMORY_HIGH]	= "memory-high",
	[KCG_EVENT_TYPE_MEMORY_MAX]	= "memory-max",
	[KCG_EVENT_TYPE_OOM]		= "oom",
	[KCG_EVENT_TYPE_OOM_KILL]	= "oom-kill",
	[KCG_EVENT_TYPE_PIDS_MAX]	= "pids-max",
	[KCG_EVENT_TYPE_TASK_EXIT]	= "task-exit",
};

static const struct nla_policy event_policy[KCG_A_EVENT_MAX + 1] = {
	[KCG_A_EVENT_TYPE]	 = { .type = NLA_U32 },
	[KCG_A_EVENT_SEQ]	 = { .type = NLA_U64 },
	[KCG_A_EVENT_TIMESTAMP]	 = { .type = NLA_U64 },
	[KCG_A_EVENT_GROUP_ID]	 = { .type = NLA_U64 },
	[KCG_A_EVENT_GROUP_NAME] = { .type = NLA_STRING },
	[KCG_A_EVENT_PID]	 = { .type = NLA_U32 },
	[KCG_A_EVENT_COMM]	 = { .type = NLA_STRING },
	[KCG_A_EVENT_EXIT_CODE]	 = { .type = NLA_U32 },
	[KCG_A_EVENT_SIGNAL]	 = { .type = NLA_U32 },
	[KCG_A_EVENT_COUNT]	 = { .type = NLA_U64 },
	[KCG_A_EVENT_LIMIT_GROUP_ID]   = { .type = NLA_U64 },
	[KCG_A_EVENT_LIMIT_GROUP_NAME] = { .type = NLA_STRING },
};

const char *kcg_event_type_name(uint32_t type)
{
	if (type >= sizeof(type_names) / sizeof(type_names[0]))
		return NULL;
	return type_names[type];
}

void kcg_event_free(struct kcg_event *e)
{
	if (!e)
		return;
	free(e->comm);
	free(e->group_name);
	free(e->limit_group_name);
	free(e);
}

static int event_from_attrs(struct nlattr **tb, struct kcg_event **out)
{
	struct kcg_event *e;
	int err;

	/* Without these two an event can be neither named nor counted. */
	if (!tb[KCG_A_EVENT_TYPE] || !tb[KCG_A_EVENT_SEQ])
		return -EPROTO;
	e = calloc(1, sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->type = nla_get_u32(tb[KCG_A_EVENT_TYPE]);
	e->seq = nla_get_u64(tb[KCG_A_EVENT_SEQ]);
	if (tb[KCG_A_EVENT_TIMESTAMP])
		e->timestamp_ns = nla_get_u64(tb[KCG_A_EVENT_TIMESTAMP]);
	if (tb[KCG_A_EVENT_GROUP_ID])
		e->group_id = nla_get_u64(tb[KCG_A_EVENT_GROUP_ID]);
	if (tb[KCG_A_EVENT_PID]) {
		e->pid = nla_get_u32(tb[KCG_A_EVENT_PID]);
		e->has |= HAS_PID;
	}
	if (tb[KCG_A_EVENT_EXIT_CODE]) {
		e->exit_code = nla_get_u32(tb[KCG_A_EVENT_EXIT_CODE]);
		e->has |= HAS_EXIT_CODE;
	}
	if (tb[KCG_A_EVENT_SIGNAL]) {
		e->signal = nla_get_u32(tb[KCG_A_EVENT_SIGNAL]);
		e->has |= HAS_SIGNAL;
	}
	if (tb[KCG_A_EVENT_COUNT]) {
		e->count = nla_get_u64(tb[KCG_A_EVENT_COUNT]);
		e->has |= HAS_COUNT;
	}
	if (tb[KCG_A_EVENT_LIMIT_GROUP_ID])
		e->limit_group_id = nla_get_u64(tb[KCG_A_EVENT_LIMIT_GROUP_ID]);
	err = kcg_dup_string(tb[KCG_A_EVENT_COMM], &e->comm);
	if (!err)
		err = kcg_dup_string(tb[KCG_A_EVENT_LIMIT_GROUP_NAME], &e->limit_group_name);
	if (!err)
		err = kcg_dup_string(tb[KCG_A_EVENT_GROUP_NAME], &e->group_name);
	if (!err && !e->group_name && !(e->group_name = strdup("")))
		err = -ENOMEM;
	if (err) {
		kcg_event_free(e);
		return err;
	}
	*out = e;
	return 0;
}

/* Appends to the handle's queue: a datagram could in principle hold several. */
static int queue_event(struct nlattr **tb, void *arg)
{
	struct kcg *k = arg;
	struct kcg_event *e, **tail;
	int err;

	err = event_from_attrs(tb, &e);
	if (err)
		return err;
	for (tail = &k->pending; *tail; tail = &(*tail)->next)
		;
	*tail = e;
	return 0;
}

static int on_event(struct nl_msg *msg, void *arg)
{
	struct kcg *k = arg;
	struct nlmsghdr *hdr = nlmsg_hdr(msg);
	struct nlattr *tb[KCG_A_EVENT_MAX + 1];
	int err;

	if (hdr->nlmsg_type != k->family ||
	    ((struct genlmsghdr *)nlmsg_data(hdr))->cmd != KCG_CMD_EVENT)
		return NL_SKIP;
	err = genlmsg_parse(hdr, 0, tb, KCG_A_EVENT_MAX, (struct nla_policy *)event_policy);
	if (!err)
		err = queue_event(tb, k);
	if (err) {
		k->event_error = err < 0 ? err : -EPROTO;
		return NL_SKIP;
	}
	return NL_OK;
}

/* Events may come before the ACK: they are queued, not lost. */
static int subscribe(struct kcg *k)
{
	const struct kcg_reply reply = {
		.policy = event_policy,
		.maxattr = KCG_A_EVENT_MAX,
		.parse = queue_event,
		.arg = k,
	};
	struct nl_msg *msg = kcg_msg_new(k, KCG_CMD_EVENT_SUBSCRIBE, 0);

	if (!msg)
		return -ENOMEM;
	return kcg_transact_on(k, k->events, msg, &reply);
}

int kcg_events_open(struct kcg *k)
{
	int err, size = EVENTS_RCVBUF;
	int fd;

	if (k->events)
		return 0;
	k->events = nl_socket_alloc();
	if (!k->events)
		return -ENOMEM;
	/* Notifications carry seq 0 and are never answers to a request. */
	nl_socket_disable_seq_check(k->events);
	nl_socket_modify_cb(k->events, NL_CB_VALID, NL_CB_CUSTOM, on_event, k);
	err = kcg_connect(k->events);
	if (err)
		goto fail;
	fd = nl_socket_get_fd(k->events);
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	err = subscribe(k);
	if (err)
		goto fail;
	/* kcg_event_next() waits in poll() with its own timeout. */
	nl_socket_set_nonblocking(k->events);
	return 0;
fail:
	kcg_events_close(k);
	return err;
}

void kcg_events_close(struct kcg *k)
{
	while (k->pending) {
		struct kcg_event *next = k->pending->next;

		kcg_event_free(k->pending);
		k->pending = next;
	}
	nl_socket_free(k->events);	/* NULL is fine */
	k->events = NULL;
}

int kcg_events_fd(const struct kcg *k)
{
	return k->events ? nl_socket_get_fd(k->events) : -1;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int kcg_event_next(struct kcg *k, struct kcg_event **out, int timeout_ms)
{
	int64_t deadline = timeout_ms >= 0 ? now_ms() + timeout_ms : 0;
	int err;

	if (!k->events)
		return -EINVAL;
	while (!k->pending) {
		struct pollfd pfd = { .fd = nl_socket_get_fd(k->events), .events = POLLIN };
		int wait = -1;

		if (timeout_ms >= 0) {
			int64_t left = deadline - now_ms();

			wait = left > 0 ? (int)left : 0;
		}
		err = poll(&pfd, 1, wait);
		if (err < 0)
			return -errno;
		if (err == 0)
			return -EAGAIN;
		err = nl_recvmsgs_default(k->events);
		/*
		 * ENOBUFS (libnl's NLE_NOMEM): the socket overflowed and the
		 * kernel dropped events. Reading goes on; the seq gap tells.
		 */
		if (err < 0 && err != -NLE_NOMEM && err != -NLE_AGAIN)
			return -EIO;
		if (k->event_error) {
			err = k->event_error;
			k->event_error = 0;
			return err;
		}
	}
	*out = k->pending;
	k->pending = (*out)->next;
	(*out)->next = NULL;
	return 0;
}

uint32_t kcg_event_type(const struct kcg_event *e)
{
	return e->type;
}

uint64_t kcg_event_seq(const struct kcg_event *e)
{
	return e->seq;
}

uint64_t kcg_event_timestamp_ns(const struct kcg_event *e)
{
	return e->timestamp_ns;
}

uint64_t kcg_event_group_id(const struct kcg_event *e)
{
	return e->group_id;
}

const char *kcg_event_group_name(const struct kcg_event *e)
{
	return e->group_name;
}

const char *kcg_event_comm(const struct kcg_event *e)
{
	return e->comm;
}

bool kcg_event_pid(const struct kcg_event *e, pid_t *pid)
{
	if (e->has & HAS_PID)
		*pid = (pid_t)e->pid;
	return e->has & HAS_PID;
}

bool kcg_event_exit_code(const struct kcg_event *e, uint32_t *code)
{
	if (e->has & HAS_EXIT_CODE)
		*code = e->exit_code;
	return e->has & HAS_EXIT_CODE;
}

bool kcg_event_signal(const struct kcg_event *e, uint32_t *signal)
{
	if (e->has & HAS_SIGNAL)
		*signal = e->signal;
	return e->has & HAS_SIGNAL;
}

bool kcg_event_count(const struct kcg_event *e, uint64_t *count)
{
	if (e->has & HAS_COUNT)
		*count = e->count;
	return e->has & HAS_COUNT;
}

const char *kcg_event_limit_group(const struct kcg_event *e, uint64_t *id)
{
	if (e->limit_group_name && id)
		*id = e->limit_group_id;
	return e->limit_group_name;
}
