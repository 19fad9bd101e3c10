// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Request/reply plumbing over libnl: libnl drives the socket and the
 * sequence checks; this file adds what libnl lacks, the extended ACK
 * message, the error code carried by NLMSG_DONE, and dump interruption.
 */
#include <errno.h>
#include <string.h>
#include <linux/netlink.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "internal.h"

struct transaction {
	struct kcg *k;
	const struct kcg_reply *reply;
	int error;
	int parse_error;
	int interrupted;
	int finished;
};

void kcg_extack_message(const struct nlmsghdr *hdr, size_t payload,
			char *buf, size_t len)
{
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	const char *data = nlmsg_data(hdr);
	int attrlen = (int)hdr->nlmsg_len - NLMSG_HDRLEN - (int)payload;

	if (!(hdr->nlmsg_flags & NLM_F_ACK_TLVS) || attrlen <= 0)
		return;
	if (nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)(data + NLMSG_ALIGN(payload)),
		      attrlen, NULL) < 0)
		return;
	if (tb[NLMSGERR_ATTR_MSG])
		snprintf(buf, len, "%.*s", nla_len(tb[NLMSGERR_ATTR_MSG]),
			 (const char *)nla_data(tb[NLMSGERR_ATTR_MSG]));
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct transaction *t = arg;
	const struct kcg_reply *r = t->reply;
	struct nlattr *tb[r->maxattr + 1];
	int err;

	err = genlmsg_parse(nlmsg_hdr(msg), 0, tb, r->maxattr,
			    (struct nla_policy *)r->policy);
	if (err < 0) {
		t->parse_error = -EPROTO;
		return NL_SKIP;
	}
	err = r->parse(tb, r->arg);
	if (err < 0 && !t->parse_error)
		t->parse_error = err;
	return NL_OK;
}

static int on_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct transaction *t = arg;
	const struct nlmsghdr *hdr = (const void *)((const char *)e - NLMSG_HDRLEN);
	size_t payload = sizeof(*e);

	(void)who;
	if (!(hdr->nlmsg_flags & NLM_F_CAPPED))
		payload += e->msg.nlmsg_len - NLMSG_HDRLEN;
	t->error = e->error;
	t->finished = 1;
	kcg_extack_message(hdr, payload, t->k->errmsg, sizeof(t->k->errmsg));
	return NL_STOP;
}

static int on_finish(struct nl_msg *msg, void *arg)
{
	struct transaction *t = arg;
	struct nlmsghdr *hdr = nlmsg_hdr(msg);

	if (nlmsg_datalen(hdr) >= (int)sizeof(int)) {
		t->error = *(int *)nlmsg_data(hdr);
		kcg_extack_message(hdr, sizeof(int), t->k->errmsg, sizeof(t->k->errmsg));
	}
	t->finished = 1;
	return NL_STOP;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	struct transaction *t = arg;

	(void)msg;
	t->finished = 1;
	return NL_STOP;
}

static int on_dump_intr(struct nl_msg *msg, void *arg)
{
	struct transaction *t = arg;

	(void)msg;
	t->interrupted = 1;
	return NL_OK;
}

int kcg_transact(struct kcg *k, struct nl_msg *msg, const struct kcg_reply *reply)
{
	return kcg_transact_on(k, k->sock, msg, reply);
}

int kcg_transact_on(struct kcg *k, struct nl_sock *sock, struct nl_msg *msg,
		    const struct kcg_reply *reply)
{
	struct transaction t = { .k = k, .reply = reply };
	struct nl_cb *cb;
	int err;

	k->errmsg[0] = '\0';
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	if (reply)
		nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &t);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, &t);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &t);
	nl_cb_set(cb, NL_CB_DUMP_INTR, NL_CB_CUSTOM, on_dump_intr, &t);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &t);

	err = nl_send_auto(sock, msg);
	nlmsg_free(msg);
	if (err < 0) {
		nl_cb_put(cb);
		return -EIO;
	}
	while (!t.finished) {
		err = nl_recvmsgs(sock, cb);
		if (err < 0 && !t.finished) {
			nl_cb_put(cb);
			return -EIO;
		}
	}
	nl_cb_put(cb);
	if (t.error)
		return t.error;
	if (t.parse_error)
		return t.parse_error;
	return t.interrupted ? -EAGAIN : 0;
}
