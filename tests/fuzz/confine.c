// SPDX-License-Identifier: GPL-2.0
/*
 * The confinement check. It reads a request as the kernel will, not as the
 * generator meant it: a mutation may change the command byte, an attribute
 * type or a length, and whatever the kernel would then act on is what is
 * checked. Anything it cannot prove harmless is kept back.
 */
#include <ctype.h>
#include <string.h>

#include <linux/netlink.h>

#include "confine.h"
#include "spec.h"

#define GENL_HDRLEN_ 4

static bool has_dotdot(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i++)
		if (s[i] == '.' && s[i + 1] == '.')
			return true;
	return false;
}

/* s starts with the prefix, and the prefix is a whole word of it. */
static bool under(const char *s, size_t len, const char *prefix)
{
	size_t plen = strlen(prefix);

	if (len < plen || memcmp(s, prefix, plen))
		return false;
	/* "fz12" must not claim "fz123": what follows is no letter or digit. */
	return len == plen || !isalnum((unsigned char)s[plen]);
}

bool fz_confine_name(const struct fz_confine *c, const char *s, size_t len)
{
	return under(s, len, c->prefix) && !has_dotdot(s, len);
}

bool fz_confine_path(const struct fz_confine *c, const char *s, size_t len)
{
	if (has_dotdot(s, len) || len < 1 || s[0] != '/')
		return false;
	if (under(s + 1, len - 1, c->prefix))
		return true;
	return len > 5 && !memcmp(s, "/kcg/", 5) && under(s + 5, len - 5, c->prefix);
}

static bool pid_allowed(const struct fz_confine *c, uint32_t pid)
{
	unsigned int i;

	if (pid == 0 || pid >= 4194304u)	/* no such process can exist */
		return true;
	for (i = 0; i < c->n_pids; i++)
		if (c->pids[i] && c->pids[i] == pid)
			return true;
	return false;
}

static const char *check_attrs(const struct fz_confine *c, const struct fz_op *op,
			       const uint8_t *p, size_t len)
{
	const struct fz_set *set = &fz_sets[op->set];

	/* The walk of nla_for_each_attr: stop where nla_ok() would. */
	while (len >= NLA_HDRLEN) {
		uint16_t nla_len, nla_type;
		const struct fz_attr *a;
		const uint8_t *payload;
		size_t plen, step;

		memcpy(&nla_len, p, 2);
		memcpy(&nla_type, p + 2, 2);
		if (nla_len < NLA_HDRLEN || nla_len > len)
			break;
		a = fz_attr_by_id(set, nla_type & NLA_TYPE_MASK);
		payload = p + NLA_HDRLEN;
		plen = nla_len - NLA_HDRLEN;
		if (a && a->type == FZ_STRING) {
			const uint8_t *nul = memchr(payload, 0, plen);
			size_t slen;

			/* Without a NUL, a lax reader would run into the next bytes. */
			if (!nul)
				return "a string without its NUL";
			slen = (size_t)(nul - payload);
			if (strstr(a->name, "path")) {
				if (!fz_confine_path(c, (const char *)payload, slen))
					return "a cgroup path outside the prefix";
			} else if (!fz_confine_name(c, (const char *)payload, slen)) {
				return "a group name outside the prefix";
			}
		} else if (a && !strcmp(a->name, "pid")) {
			uint32_t pid;

			if (plen != 4)
				return "a pid of the wrong size";
			memcpy(&pid, payload, 4);
			if (!pid_allowed(c, pid))
				return "a process the fuzzer did not start";
		}
		step = NLA_ALIGN(nla_len);
		if (step >= len)
			break;
		p += step;
		len -= step;
	}
	return NULL;
}

const char *fz_confine_check(const struct fz_confine *c, const uint8_t *buf, size_t len)
{
	/* The walk of netlink_rcv_skb. */
	while (len >= NLMSG_HDRLEN) {
		struct nlmsghdr h;
		const struct fz_op *op;
		size_t step;

		memcpy(&h, buf, sizeof(h));
		if (h.nlmsg_len < NLMSG_HDRLEN || h.nlmsg_len > len)
			break;
		if (h.nlmsg_type != c->family && h.nlmsg_type >= NLMSG_MIN_TYPE)
			return "a message to another family";
		/* Control types and non-requests are only acknowledged. */
		if (c->on && h.nlmsg_type == c->family && (h.nlmsg_flags & NLM_F_REQUEST) &&
		    h.nlmsg_len >= NLMSG_HDRLEN + GENL_HDRLEN_) {
			op = fz_op_by_cmd(buf[NLMSG_HDRLEN]);
			if (!op)
				return "a command the spec does not know";
			if (!op->readonly) {
				const char *why = check_attrs(c, op, buf + NLMSG_HDRLEN + GENL_HDRLEN_,
							      h.nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN_);
				if (why)
					return why;
			}
		}
		step = NLMSG_ALIGN(h.nlmsg_len);
		if (step >= len)
			break;
		buf += step;
		len -= step;
	}
	return NULL;
}
