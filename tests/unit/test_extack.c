// SPDX-License-Identifier: GPL-2.0-or-later
/* libkcg reads the extended ACK message that libnl itself ignores. */
#include <linux/netlink.h>
#include <stdint.h>

#include "internal.h"
#include "tap.h"

/* Build an NLMSG_ERROR as the kernel does with NETLINK_CAP_ACK + EXT_ACK. */
static size_t make_error(uint8_t *out, int error, const char *msg, int flags)
{
	struct nlmsghdr *hdr = (struct nlmsghdr *)out;
	struct nlmsgerr *e = (struct nlmsgerr *)NLMSG_DATA(hdr);
	struct nlattr *a = (struct nlattr *)((uint8_t *)e + NLMSG_ALIGN(sizeof(*e)));
	size_t msglen = strlen(msg) + 1;

	memset(out, 0, 512);
	e->error = error;
	e->msg.nlmsg_len = NLMSG_HDRLEN;
	a->nla_type = NLMSGERR_ATTR_MSG;
	a->nla_len = NLA_HDRLEN + msglen;
	memcpy((uint8_t *)a + NLA_HDRLEN, msg, msglen);
	hdr->nlmsg_type = NLMSG_ERROR;
	hdr->nlmsg_flags = flags;
	hdr->nlmsg_len = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(*e)) + NLA_ALIGN(a->nla_len);
	return hdr->nlmsg_len;
}

int main(void)
{
	uint8_t raw[512];
	char msg[256];

	make_error(raw, -22, "group name is too long", NLM_F_CAPPED | NLM_F_ACK_TLVS);
	msg[0] = '\0';
	kcg_extack_message((struct nlmsghdr *)raw, sizeof(struct nlmsgerr), msg, sizeof(msg));
	CHECK_STR(msg, "group name is too long", "message of a capped error ACK");

	make_error(raw, -22, "ignored", NLM_F_CAPPED);
	msg[0] = '\0';
	kcg_extack_message((struct nlmsghdr *)raw, sizeof(struct nlmsgerr), msg, sizeof(msg));
	CHECK_STR(msg, "", "no message without NLM_F_ACK_TLVS");

	make_error(raw, -22, "a long message that will not fit", NLM_F_CAPPED | NLM_F_ACK_TLVS);
	msg[0] = '\0';
	kcg_extack_message((struct nlmsghdr *)raw, sizeof(struct nlmsgerr), msg, 7);
	CHECK_STR(msg, "a long", "message is cut to the buffer");

	/* A header that claims less than its payload must not be read past. */
	make_error(raw, -22, "x", NLM_F_CAPPED | NLM_F_ACK_TLVS);
	((struct nlmsghdr *)raw)->nlmsg_len = NLMSG_HDRLEN + 4;
	msg[0] = '\0';
	kcg_extack_message((struct nlmsghdr *)raw, sizeof(struct nlmsgerr), msg, sizeof(msg));
	CHECK_STR(msg, "", "truncated message yields nothing");
	TAP_EXIT();
}
