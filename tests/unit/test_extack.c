// SPDX-License-Identifier: GPL-2.0-or-later
/* libkcg reads the extended ACK message that libnl itself ignores. */
#include <errno.h>
#include <linux/netlink.h>
#include <netlink/errno.h>
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

	/*
	 * kcg_open() keeps the errno behind libnl's code: only a family the
	 * kernel does not know (ENOENT) may read as "module not loaded".
	 */
	static const int kept[] = {
		ENOENT, EACCES, EPERM, EAFNOSUPPORT, EPROTONOSUPPORT, ENOMEM, EBUSY, EINVAL,
	};
	int all_kept = 1;

	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
		if (kcg_errno_from_nl(-nl_syserr2nlerr(kept[i])) != -kept[i]) {
			printf("#   errno %d came back as %d\n", kept[i],
			       kcg_errno_from_nl(-nl_syserr2nlerr(kept[i])));
			all_kept = 0;
		}
	}
	CHECK(all_kept, "libnl's codes of socket and resolve errors map back to their errno");
	CHECK(kcg_errno_from_nl(-NLE_OBJ_NOTFOUND) == -ENOENT, "a missing family is -ENOENT");
	CHECK(kcg_errno_from_nl(-NLE_FAILURE) == -EIO, "a code libnl folded is -EIO, not -ENOENT");
	CHECK(kcg_errno_from_nl(NLE_PERM) == -EPERM, "either sign");
	CHECK(kcg_errno_from_nl(-1000) == -EIO && kcg_errno_from_nl(0) == -EIO,
	      "out of range is -EIO");
	TAP_EXIT();
}
