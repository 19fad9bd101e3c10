// SPDX-License-Identifier: GPL-2.0
/*
 * Building requests byte by byte, and mutating the bytes of one. The
 * builder never writes past its buffer: what does not fit is dropped, which
 * is one more way a request gets cut short.
 */
#include <string.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "fuzz.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

void fz_put_bytes(struct fz_buf *b, const void *data, size_t len)
{
	if (len > b->cap - b->len)
		len = b->cap - b->len;
	if (data)
		memcpy(b->data + b->len, data, len);
	else
		memset(b->data + b->len, 0, len);
	b->len += len;
}

void fz_put_attr(struct fz_buf *b, uint16_t type, const void *data, size_t len)
{
	/* nla_len is 16 bits: an oversized payload wraps, as a mutation. */
	struct nlattr h = { .nla_len = (uint16_t)(NLA_HDRLEN + len), .nla_type = type };

	fz_put_bytes(b, &h, sizeof(h));
	fz_put_bytes(b, data, len);
	fz_put_bytes(b, NULL, NLA_ALIGN(len) - len);
}

size_t fz_nest_begin(struct fz_buf *b, uint16_t type)
{
	size_t start = b->len;

	fz_put_attr(b, type, NULL, 0);
	return start;
}

void fz_nest_end(struct fz_buf *b, size_t start)
{
	uint16_t len = (uint16_t)(b->len - start);

	if (start + 2 <= b->cap)
		memcpy(b->data + start, &len, 2);
}

size_t fz_msg_begin(struct fz_buf *b, uint16_t type, uint16_t flags, uint32_t seq,
		    uint8_t cmd, uint8_t version)
{
	struct nlmsghdr h = { .nlmsg_type = type, .nlmsg_flags = flags, .nlmsg_seq = seq };
	struct genlmsghdr g = { .cmd = cmd, .version = version };
	size_t start = b->len;

	fz_put_bytes(b, &h, sizeof(h));
	fz_put_bytes(b, &g, sizeof(g));
	return start;
}

void fz_msg_end(struct fz_buf *b, size_t start)
{
	uint32_t len = (uint32_t)(b->len - start);

	if (start + 4 <= b->cap)
		memcpy(b->data + start, &len, 4);
}

/* Truncate, lie about lengths, flip bytes or overgrow the last message. */
void fz_mutate_bytes(struct fz_worker *w, size_t start)
{
	struct fz_rng *r = &w->rng;
	struct fz_buf *b = &w->msg;
	size_t len = b->len - start, pos, i;
	uint8_t *m = b->data + start;
	uint32_t nlen;

	switch (fz_below(r, 5)) {
	case 0:		/* cut short, in the header or in an attribute */
		b->len = start + fz_below(r, len);
		if (fz_chance(r, 50) && b->len - start >= 4) {
			nlen = (uint32_t)(b->len - start);
			memcpy(m, &nlen, 4);
		}
		break;
	case 1: {	/* nlmsg_len that lies */
		static const uint32_t lies[] = { 0, 1, 15, 16, 19, 20, 21, 0xffffffff };

		nlen = fz_chance(r, 50) ? lies[fz_below(r, ARRAY_SIZE(lies))]
					: (uint32_t)(len + fz_below(r, 9)) - 4;
		memcpy(m, &nlen, 4);
		break;
	}
	case 2: {	/* an nla_len that lies */
		static const uint16_t lies[] = { 0, 1, 3, 4, 5, 0xffff, 0x8000 };
		size_t at = NLMSG_HDRLEN + GENL_HDRLEN;
		uint16_t l;

		if (len < at + NLA_HDRLEN)
			break;
		pos = at + 4 * fz_below(r, (len - at) / 4);
		l = fz_chance(r, 60) ? lies[fz_below(r, ARRAY_SIZE(lies))]
				     : (uint16_t)(len - pos + fz_below(r, 9) - 4);
		memcpy(m + pos, &l, 2);
		break;
	}
	case 3:		/* flipped bits past the headers */
		if (len <= NLMSG_HDRLEN + GENL_HDRLEN)
			break;
		for (i = 0; i < 1 + fz_below(r, 8); i++) {
			pos = NLMSG_HDRLEN + GENL_HDRLEN +
			      fz_below(r, len - NLMSG_HDRLEN - GENL_HDRLEN);
			m[pos] ^= (uint8_t)(1u << fz_below(r, 8));
		}
		break;
	default: {	/* oversized: padding of zeros or 0xff, counted in or not */
		size_t more = fz_chance(r, 70) ? 4096 + fz_below(r, 60000) : fz_below(r, 250000);
		uint8_t fill_byte = fz_chance(r, 50) ? 0 : 0xff;

		if (more > b->cap - b->len)
			more = b->cap - b->len;
		memset(b->data + b->len, fill_byte, more);
		b->len += more;
		if (fz_chance(r, 60)) {
			nlen = (uint32_t)(b->len - start);
			memcpy(m, &nlen, 4);
		}
		break;
	}
	}
}
