// SPDX-License-Identifier: GPL-2.0
/*
 * What the kernel's answers must look like, and the findings when they do
 * not. Every datagram is checked: framing, sender, error and done messages
 * with their extended-ack TLVs, the echoed request, sequence numbers, and
 * each kcg message against the spec: the reply's attributes, their sizes,
 * strings, nests, multi-attr, ranges and enums.
 */
#include <stdarg.h>
#include <string.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "fuzz.h"

const char *const fz_finding_names[FZ_F_N] = {
	[FZ_F_FRAME] = "bad-framing",	[FZ_F_TRUNC] = "oversized-datagram",
	[FZ_F_SENDER] = "bad-sender",	[FZ_F_ERRMSG] = "bad-error-message",
	[FZ_F_ECHO] = "bad-echo",	[FZ_F_SEQ] = "unknown-seq",
	[FZ_F_TYPE] = "unexpected-type", [FZ_F_ATTR] = "bad-attribute",
	[FZ_F_VALUE] = "bad-value",	[FZ_F_NOREPLY] = "no-reply",
	[FZ_F_DUMP] = "unfinished-dump", [FZ_F_EVSEQ] = "event-seq",
	[FZ_F_LEAK] = "stranger-allowed",	[FZ_F_HANG] = "hang",
	[FZ_F_CLEANUP] = "cleanup",
};

void fz_hexdump(FILE *f, const char *indent, const uint8_t *p, size_t len, size_t max)
{
	size_t i;

	for (i = 0; i < len && i < max; i++) {
		if (i % 16 == 0)
			fprintf(f, "%s%04zx:", indent, i);
		fprintf(f, " %02x", p[i]);
		if (i % 16 == 15 || i + 1 == len || i + 1 == max)
			fputc('\n', f);
	}
	if (len > max)
		fprintf(f, "%s... %zu bytes in all\n", indent, len);
}

void fz_finding(struct fz_worker *w, enum fz_finding kind, const uint8_t *reply,
		size_t reply_len, const char *fmt, ...)
{
	va_list ap;

	w->st->findings[kind]++;
	if (w->st->findings[kind] > 5)		/* the count says the rest */
		return;
	flockfile(stderr);
	fprintf(stderr, "kcg-fuzz: FINDING %s: worker %d (seed %#llx), message %llu: ",
		fz_finding_names[kind], w->index, (unsigned long long)w->seed,
		(unsigned long long)w->st->messages);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n  last request: %s\n", w->desc);
	if (w->sent)
		fz_hexdump(stderr, "    ", w->sent, w->sent_len, 128);
	if (reply) {
		fprintf(stderr, "  reply:\n");
		fz_hexdump(stderr, "    ", reply, reply_len, 256);
	}
	funlockfile(stderr);
}

static void answered(struct fz_sock *s, uint32_t seq)
{
	unsigned int i;

	for (i = 0; i < s->n_expect; i++)
		if (s->expect[i] == seq)
			s->answered[i] = true;
}

/* Attributes that carry a group's name (or its parent's). */
static bool names_group(const struct fz_attr *a)
{
	return !strcmp(a->name, "name") || !strcmp(a->name, "parent") ||
	       !strcmp(a->name, "group-name");
}

/*
 * The spec's grammar for a group name (its top doc): levels of
 * [A-Za-z0-9_.-]{1,63}, neither "." nor "..", joined by '/'. A reply can
 * only carry a name the kernel accepted, so one outside it is a finding.
 */
static bool group_name_ok(const char *name)
{
	size_t len = 0;

	for (;; name++) {
		char c = *name;

		if (c == '/' || !c) {
			if (!len || len > 63 || (name[-1] == '.' &&
			    (len == 1 || (len == 2 && name[-2] == '.'))))
				return false;
			if (!c)
				return true;
			len = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
			return false;
		len++;
	}
}

static const struct fz_op *sent_op_name(struct fz_worker *w, const struct fz_sock *s, uint32_t seq,
					const struct fz_op *op, const char **name);

/* A group the kernel made must have a name the spec allows. */
static void check_created_name(struct fz_worker *w, const struct fz_sock *s, const struct fz_op *op,
			       uint32_t seq)
{
	const char *name = NULL;

	if (sent_op_name(w, s, seq, op, &name) && name && !group_name_ok(name))
		fz_finding(w, FZ_F_VALUE, NULL, 0, "%s made a group named \"%s\", which the spec's "
			   "grammar forbids", op->name, name);
}

/* A request acknowledged with error 0; a stranger may change nothing. */
static void count_success(struct fz_worker *w, const struct fz_sock *s, uint32_t seq,
			  const uint8_t *frame, size_t len)
{
	const struct fz_op *op;
	unsigned int i;

	for (i = 0; i < s->n_expect; i++) {
		if (s->expect[i] != seq || s->expect_cmd[i] < 0)
			continue;
		w->st->op_ok[s->expect_cmd[i]]++;
		op = fz_op_by_cmd((unsigned int)s->expect_cmd[i]);
		if (w->cfg->stranger && op && !op->readonly)
			fz_finding(w, FZ_F_LEAK, frame, len, "a stranger's %s succeeded", op->name);
		if (op && (strstr(op->name, "-new") || strstr(op->name, "-adopt")))
			check_created_name(w, s, op, seq);
		return;
	}
}

static void check_tlvs(struct fz_worker *w, const uint8_t *frame, size_t frame_len,
		       size_t off, uint32_t orig_len)
{
	const uint8_t *p = frame + off;
	size_t len = off < frame_len ? frame_len - off : 0;

	while (len >= NLA_HDRLEN) {
		struct nlattr a;
		uint32_t v;

		memcpy(&a, p, sizeof(a));
		if (a.nla_len < NLA_HDRLEN || a.nla_len > len) {
			fz_finding(w, FZ_F_ERRMSG, frame, frame_len, "ext-ack TLV overruns");
			return;
		}
		switch (a.nla_type & NLA_TYPE_MASK) {
		case NLMSGERR_ATTR_MSG:
			if (a.nla_len == NLA_HDRLEN || p[a.nla_len - 1])
				fz_finding(w, FZ_F_ERRMSG, frame, frame_len,
					   "ext-ack message not NUL-terminated");
			break;
		case NLMSGERR_ATTR_OFFS:
		case NLMSGERR_ATTR_MISS_NEST:
			if (a.nla_len != NLA_HDRLEN + 4) {
				fz_finding(w, FZ_F_ERRMSG, frame, frame_len, "ext-ack offset size");
				break;
			}
			memcpy(&v, p + NLA_HDRLEN, 4);
			if (orig_len && v >= orig_len)
				fz_finding(w, FZ_F_ERRMSG, frame, frame_len,
					   "ext-ack offset %u past the request (%u bytes)", v, orig_len);
			break;
		default:
			break;
		}
		if ((size_t)NLA_ALIGN(a.nla_len) >= len)
			return;
		p += NLA_ALIGN(a.nla_len);
		len -= NLA_ALIGN(a.nla_len);
	}
}

/* The frame of the last request with this sequence number, if it was on s. */
static const uint8_t *sent_frame(struct fz_worker *w, const struct fz_sock *s, uint32_t seq,
				 size_t *len)
{
	const uint8_t *p = w->sent;
	size_t rem = w->sent_len;

	if (w->sent_sock != s)
		return NULL;
	while (p && rem >= NLMSG_HDRLEN) {
		struct nlmsghdr h;

		memcpy(&h, p, sizeof(h));
		if (h.nlmsg_len < NLMSG_HDRLEN || h.nlmsg_len > rem)
			return NULL;
		if (h.nlmsg_seq == seq) {
			*len = h.nlmsg_len;
			return p;
		}
		if (NLMSG_ALIGN(h.nlmsg_len) >= rem)
			return NULL;
		rem -= NLMSG_ALIGN(h.nlmsg_len);
		p += NLMSG_ALIGN(h.nlmsg_len);
	}
	return NULL;
}

/* --verbose: the first few refusals of each kind, with the kernel's words. */
static void sample_error(struct fz_worker *w, const struct fz_sock *s, uint32_t seq, int err,
			 const uint8_t *frame, size_t len, size_t tlv_off)
{
	static uint8_t seen[257][FZ_ERRNO_SLOTS];
	char missing[40];
	const char *msg = "";
	unsigned int i, e = -err < FZ_ERRNO_SLOTS ? (unsigned int)-err : FZ_ERRNO_SLOTS - 1;
	int cmd = -1;

	for (i = 0; i < s->n_expect; i++)
		if (s->expect[i] == seq)
			cmd = s->expect_cmd[i];
	if (seen[cmd + 1][e]++ >= 3)
		return;
	while (tlv_off + NLA_HDRLEN <= len) {
		struct nlattr a;

		memcpy(&a, frame + tlv_off, sizeof(a));
		if (a.nla_len < NLA_HDRLEN || tlv_off + a.nla_len > len)
			break;
		if ((a.nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG && a.nla_len > NLA_HDRLEN &&
		    !frame[tlv_off + a.nla_len - 1])
			msg = (const char *)frame + tlv_off + NLA_HDRLEN;
		if ((a.nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MISS_TYPE &&
		    a.nla_len == NLA_HDRLEN + 4 && !*msg) {
			uint32_t type;

			memcpy(&type, frame + tlv_off + NLA_HDRLEN, 4);
			snprintf(missing, sizeof(missing), "(attribute %u missing)", type);
			msg = missing;
		}
		tlv_off += NLA_ALIGN(a.nla_len);
	}
	fprintf(stderr, "kcg-fuzz: worker %d: %s -> %s: %s\n", w->index,
		cmd >= 0 && fz_op_by_cmd((unsigned int)cmd) ? fz_op_by_cmd((unsigned int)cmd)->name
							    : "?", strerrorname_np(-err) ?: "?", msg);
}

/* The name attribute the kernel read from our request with this seq (the last one wins). */
static const struct fz_op *sent_op_name(struct fz_worker *w, const struct fz_sock *s, uint32_t seq,
					const struct fz_op *op, const char **name)
{
	const struct fz_attr *a = fz_attr_by_name(&fz_sets[op->set], "name");
	const uint8_t *p;
	size_t len = 0, rem;

	p = sent_frame(w, s, seq, &len);
	if (!p || !a || len < NLMSG_HDRLEN + GENL_HDRLEN)
		return NULL;
	for (rem = len - NLMSG_HDRLEN - GENL_HDRLEN, p += NLMSG_HDRLEN + GENL_HDRLEN;
	     rem >= NLA_HDRLEN;) {
		struct nlattr h;

		memcpy(&h, p, sizeof(h));
		if (h.nla_len < NLA_HDRLEN || h.nla_len > rem)
			break;
		if ((h.nla_type & NLA_TYPE_MASK) == a->id &&
		    memchr(p + NLA_HDRLEN, 0, h.nla_len - NLA_HDRLEN))
			*name = (const char *)p + NLA_HDRLEN;
		if ((size_t)NLA_ALIGN(h.nla_len) >= rem)
			break;
		rem -= NLA_ALIGN(h.nla_len);
		p += NLA_ALIGN(h.nla_len);
	}
	return op;
}

static void check_error(struct fz_worker *w, struct fz_sock *s, const struct nlmsghdr *h,
			const uint8_t *frame)
{
	size_t len = h->nlmsg_len, mine_len = 0, off;
	struct nlmsghdr orig;
	const uint8_t *mine;
	int32_t err;

	if (len < NLMSG_HDRLEN + sizeof(struct nlmsgerr)) {
		fz_finding(w, FZ_F_ERRMSG, frame, len, "NLMSG_ERROR of %zu bytes", len);
		return;
	}
	memcpy(&err, frame + NLMSG_HDRLEN, 4);
	memcpy(&orig, frame + NLMSG_HDRLEN + 4, sizeof(orig));
	if (err > 0 || err < -4095) {
		fz_finding(w, FZ_F_ERRMSG, frame, len, "error code %d", err);
		return;
	}
	w->st->reply_err[-err < FZ_ERRNO_SLOTS ? -err : FZ_ERRNO_SLOTS - 1]++;
	if (!err)
		count_success(w, s, h->nlmsg_seq, frame, len);
	if (orig.nlmsg_seq != h->nlmsg_seq)
		fz_finding(w, FZ_F_ECHO, frame, len, "echoed seq %u in a reply with seq %u",
			   orig.nlmsg_seq, h->nlmsg_seq);
	if (h->nlmsg_flags & NLM_F_CAPPED) {
		off = NLMSG_HDRLEN + sizeof(struct nlmsgerr);
	} else {
		off = NLMSG_HDRLEN + 4 + (size_t)orig.nlmsg_len;
		if (orig.nlmsg_len < NLMSG_HDRLEN || off > len) {
			fz_finding(w, FZ_F_ERRMSG, frame, len,
				   "uncapped error echoes %u bytes in a %zu-byte message",
				   orig.nlmsg_len, len);
			return;
		}
		if (err && s->cap_ack)
			fz_finding(w, FZ_F_ERRMSG, frame, len, "error not capped under CAP_ACK");
		mine = sent_frame(w, s, h->nlmsg_seq, &mine_len);
		if (mine && (mine_len != orig.nlmsg_len ||
			     memcmp(mine, frame + NLMSG_HDRLEN + 4, mine_len)))
			fz_finding(w, FZ_F_ECHO, frame, len, "the echoed request is not the one sent");
	}
	if (h->nlmsg_flags & NLM_F_ACK_TLVS)
		check_tlvs(w, frame, len, NLMSG_ALIGN(off), orig.nlmsg_len);
	if (w->cfg->verbose && err)
		sample_error(w, s, h->nlmsg_seq, err, frame, len,
			     h->nlmsg_flags & NLM_F_ACK_TLVS ? NLMSG_ALIGN(off) : len);
}

static void check_attrs(struct fz_worker *w, struct fz_sock *s, const struct fz_set *set,
			const uint16_t *allowed, unsigned int n_allowed, const uint8_t *p,
			size_t len, const uint8_t *frame, size_t frame_len, bool event);

static void check_value(struct fz_worker *w, struct fz_sock *s, const struct fz_set *set,
			const struct fz_attr *a, const uint8_t *p, size_t len,
			const uint8_t *frame, size_t frame_len, bool event)
{
	static const uint8_t sizes[] = { [FZ_U8] = 1, [FZ_U16] = 2, [FZ_U32] = 4, [FZ_U64] = 8,
					 [FZ_S8] = 1, [FZ_S16] = 2, [FZ_S32] = 4, [FZ_S64] = 8 };
	uint64_t v = 0;
	bool is_signed = a->type >= FZ_S8 && a->type <= FZ_S64;

	switch (a->type) {
	case FZ_UINT: case FZ_SINT:
		if (len != 4 && len != 8)
			goto size;
		break;
	case FZ_U8: case FZ_U16: case FZ_U32: case FZ_U64:
	case FZ_S8: case FZ_S16: case FZ_S32: case FZ_S64:
		if (len != sizes[a->type])
			goto size;
		break;
	case FZ_FLAG:
		if (len)
			goto size;
		return;
	case FZ_BITFIELD32:
		if (len != 8)
			goto size;
		return;
	case FZ_STRING:
		if (!len || p[len - 1] || strlen((const char *)p) != len - 1)
			fz_finding(w, FZ_F_ATTR, frame, frame_len, "%s.%s is not one NUL-terminated string",
				   set->name, a->name);
		else if (a->has_max_len && len - 1 > a->max_len)
			fz_finding(w, FZ_F_VALUE, frame, frame_len, "%s.%s is %zu characters long",
				   set->name, a->name, len - 1);
		else if (names_group(a) && !group_name_ok((const char *)p))
			fz_finding(w, FZ_F_VALUE, frame, frame_len,
				   "%s.%s \"%s\" breaks the spec's name grammar", set->name, a->name,
				   (const char *)p);
		return;
	case FZ_BINARY:
		if ((a->has_max_len && len > a->max_len) || len < a->min_len)
			goto size;
		return;
	case FZ_NEST:
		check_attrs(w, s, &fz_sets[a->nest], NULL, 0, p, len, frame, frame_len, event);
		return;
	default:
		return;
	}
	memcpy(&v, p, len);		/* little endian host */
	if (a->big_endian)
		v = __builtin_bswap64(v) >> (64 - 8 * len);
	if (is_signed && len < 8 && (v >> (8 * len - 1)) & 1)
		v |= ~0ULL << (8 * len);	/* sign-extend */
	if ((a->has_min && (is_signed ? (int64_t)v < (int64_t)a->min : v < a->min)) ||
	    (a->has_max && (is_signed ? (int64_t)v > (int64_t)a->max : v > a->max)) ||
	    (a->has_enum && (v < a->enum_first || v > a->enum_last)) ||
	    (a->enum_flags && (v & ~a->enum_mask)))
		fz_finding(w, FZ_F_VALUE, frame, frame_len, "%s.%s = %llu is outside the spec",
			   set->name, a->name, (unsigned long long)v);
	if (event && !s->member && !strcmp(a->name, "seq")) {
		if (v <= s->event_seq)
			fz_finding(w, FZ_F_EVSEQ, frame, frame_len,
				   "subscription event seq %llu after %llu", (unsigned long long)v,
				   (unsigned long long)s->event_seq);
		s->event_seq = v;
	}
	return;
size:
	fz_finding(w, FZ_F_ATTR, frame, frame_len, "%s.%s has %zu bytes", set->name, a->name, len);
}

static void check_attrs(struct fz_worker *w, struct fz_sock *s, const struct fz_set *set,
			const uint16_t *allowed, unsigned int n_allowed, const uint8_t *p,
			size_t len, const uint8_t *frame, size_t frame_len, bool event)
{
	uint64_t seen = 0;

	while (len >= NLA_HDRLEN) {
		const struct fz_attr *a;
		struct nlattr h;
		unsigned int i, id;
		bool listed = !allowed;

		memcpy(&h, p, sizeof(h));
		if (h.nla_len < NLA_HDRLEN || h.nla_len > len) {
			fz_finding(w, FZ_F_ATTR, frame, frame_len, "attribute of %u bytes in %zu (set %s)",
				   h.nla_len, len, set->name);
			return;
		}
		id = h.nla_type & NLA_TYPE_MASK;
		a = fz_attr_by_id(set, id);
		for (i = 0; allowed && i < n_allowed; i++)
			listed |= allowed[i] == id;
		if (!a) {
			fz_finding(w, FZ_F_ATTR, frame, frame_len, "unknown attribute %u in set %s",
				   id, set->name);
		} else if (a->type != FZ_PAD && !listed) {
			fz_finding(w, FZ_F_ATTR, frame, frame_len, "%s.%s is not in the spec's reply",
				   set->name, a->name);
		} else {
			if (a->type != FZ_PAD && !a->multi && id < 64 && (seen >> id & 1))
				fz_finding(w, FZ_F_ATTR, frame, frame_len, "%s.%s repeated",
					   set->name, a->name);
			if (id < 64)
				seen |= 1ULL << id;
			check_value(w, s, set, a, p + NLA_HDRLEN, h.nla_len - NLA_HDRLEN, frame,
				    frame_len, event);
		}
		if ((size_t)NLA_ALIGN(h.nla_len) >= len) {
			len = 0;
			break;
		}
		p += NLA_ALIGN(h.nla_len);
		len -= NLA_ALIGN(h.nla_len);
	}
	if (len)
		fz_finding(w, FZ_F_ATTR, frame, frame_len, "%zu stray bytes after the attributes of %s",
			   len, set->name);
}

static void check_family(struct fz_worker *w, struct fz_sock *s, const struct nlmsghdr *h,
			 const uint8_t *frame)
{
	size_t len = h->nlmsg_len;
	const struct fz_op *op;
	unsigned int i;
	bool names_group = false;

	if (len < NLMSG_HDRLEN + GENL_HDRLEN) {
		fz_finding(w, FZ_F_FRAME, frame, len, "kcg message of %zu bytes", len);
		return;
	}
	op = fz_op_by_cmd(frame[NLMSG_HDRLEN]);
	if (!op || (!op->is_event && !op->n_reply)) {
		fz_finding(w, FZ_F_TYPE, frame, len, "a message with cmd %u, which the spec never sends",
			   frame[NLMSG_HDRLEN]);
		return;
	}
	if (op->is_event) {
		w->st->events++;
	} else {
		w->st->data++;
		answered(s, h->nlmsg_seq);
		if (h->nlmsg_flags & NLM_F_MULTI)
			s->dump_seq = h->nlmsg_seq;
		if (h->nlmsg_flags & NLM_F_DUMP_INTR)
			w->st->dump_intr++;
	}
	for (i = 0; i < op->n_reply; i++) {
		const struct fz_attr *a = fz_attr_by_id(&fz_sets[op->set], op->reply[i]);

		names_group |= a && strstr(a->name, "name");
	}
	if (w->cfg->stranger && names_group)
		fz_finding(w, FZ_F_LEAK, frame, len, "a %s message reached a stranger", op->name);
	check_attrs(w, s, &fz_sets[op->set], op->reply, op->n_reply,
		    frame + NLMSG_HDRLEN + GENL_HDRLEN, len - NLMSG_HDRLEN - GENL_HDRLEN, frame, len,
		    op->is_event);
}

static bool sent_lately(const struct fz_sock *s, uint32_t seq)
{
	unsigned int i;

	for (i = 0; i < 64 && i < s->n_recent; i++)
		if (s->recent[i] == seq)
			return true;
	return false;
}

void fz_check_frame(struct fz_worker *w, struct fz_sock *s, const uint8_t *frame)
{
	struct nlmsghdr h;
	int32_t err;

	memcpy(&h, frame, sizeof(h));
	/* Notifications carry seq 0; anything else answers a request of ours. */
	if (h.nlmsg_seq > s->seq && !sent_lately(s, h.nlmsg_seq))
		fz_finding(w, FZ_F_SEQ, frame, h.nlmsg_len, "seq %u, but the last sent was %u",
			   h.nlmsg_seq, s->seq);
	if (h.nlmsg_type == NLMSG_ERROR) {
		answered(s, h.nlmsg_seq);
		check_error(w, s, &h, frame);
		if (w->on_answer && h.nlmsg_len >= NLMSG_HDRLEN + 4) {
			memcpy(&err, frame + NLMSG_HDRLEN, 4);
			w->on_answer(w, s, h.nlmsg_seq, err, frame, h.nlmsg_len, false);
		}
	} else if (h.nlmsg_type == NLMSG_DONE) {
		answered(s, h.nlmsg_seq);
		if (h.nlmsg_len < NLMSG_HDRLEN + 4) {
			fz_finding(w, FZ_F_ERRMSG, frame, h.nlmsg_len, "NLMSG_DONE of %u bytes",
				   h.nlmsg_len);
			return;
		}
		memcpy(&err, frame + NLMSG_HDRLEN, 4);
		if (err > 0)
			fz_finding(w, FZ_F_ERRMSG, frame, h.nlmsg_len, "NLMSG_DONE with %d", err);
		w->st->dump_done++;
		if (s->dump_seq == h.nlmsg_seq)
			s->dump_seq = 0;
		if (h.nlmsg_flags & NLM_F_ACK_TLVS)
			check_tlvs(w, frame, h.nlmsg_len, NLMSG_HDRLEN + 4, 0);
		if (w->on_answer)
			w->on_answer(w, s, h.nlmsg_seq, err, frame, h.nlmsg_len, false);
	} else if (h.nlmsg_type == w->family) {
		check_family(w, s, &h, frame);
		if (w->on_answer && h.nlmsg_seq)
			w->on_answer(w, s, h.nlmsg_seq, 0, frame, h.nlmsg_len, true);
	} else {
		fz_finding(w, FZ_F_TYPE, frame, h.nlmsg_len, "message type %u", h.nlmsg_type);
	}
}
