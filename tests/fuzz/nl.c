// SPDX-License-Identifier: GPL-2.0
/*
 * Sockets and exchanges, and what the kernel's answers must look like.
 *
 * A request to a kernel netlink socket is processed inside sendmsg(): when
 * it returns, every answer except the later parts of a dump is queued, and
 * reading those parts makes the kernel produce the next. So an exchange is
 * send, then read without waiting until the queue is empty: no sentinel
 * is needed, a request that asked for an answer and got none is a finding,
 * and so is a dump that stops before NLMSG_DONE.
 *
 * Every datagram is checked: framing, sender, error and done messages with
 * their extended-ack TLVs, the echoed request, sequence numbers, and each
 * kcg message against the spec: the reply's attributes, their sizes,
 * strings, nests, multi-attr, ranges and enums.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <sys/socket.h>

#include "confine.h"
#include "fuzz.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

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

int fz_sock_open(struct fz_worker *w, struct fz_sock *s, bool random_opts)
{
	struct sockaddr_nl addr = { .nl_family = AF_NETLINK };
	int one = 1, size;
	uint64_t roll;

	memset(s, 0, sizeof(*s));
	s->fd = -1;
	/* Options are drawn even in a dry run, so the random stream is the same. */
	s->cap_ack = !random_opts || fz_chance(&w->rng, 50);
	roll = random_opts ? fz_below(&w->rng, 100) : 0;
	size = roll < 60 ? 0 : roll < 75 ? 4096 : roll < 90 ? 32768 : 4 << 20;
	if (w->cfg->dry_run)
		return 0;
	s->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (s->fd < 0)
		return -errno;
	if (bind(s->fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		int err = -errno;

		fz_sock_close(s);
		return err;
	}
	setsockopt(s->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	if (s->cap_ack)
		setsockopt(s->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	if (size)
		setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	size = 1 << 20;
	setsockopt(s->fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	return 0;
}

void fz_sock_close(struct fz_sock *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

/* The kcg family id and its events group, from the genetlink controller. */
int fz_resolve(uint16_t *family, uint32_t *mcgrp)
{
	uint8_t req[64], buf[8192];
	struct fz_buf b = { .data = req, .cap = sizeof(req) };
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	struct nlattr *a, *g, *ga;
	size_t start;
	ssize_t n;
	int fd, rem, grem, garem, err = -ENOENT;

	*family = 0;
	*mcgrp = 0;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		return -errno;
	start = fz_msg_begin(&b, GENL_ID_CTRL, NLM_F_REQUEST, 1, CTRL_CMD_GETFAMILY, 1);
	fz_put_attr(&b, CTRL_ATTR_FAMILY_NAME, fz_family_name, strlen(fz_family_name) + 1);
	fz_msg_end(&b, start);
	if (send(fd, req, b.len, 0) < 0 || (n = recv(fd, buf, sizeof(buf), 0)) < 0) {
		err = -errno;
		goto out;
	}
	if (n < NLMSG_HDRLEN || h->nlmsg_len > (size_t)n)
		goto out;
	if (h->nlmsg_type == NLMSG_ERROR) {
		err = ((struct nlmsgerr *)NLMSG_DATA(h))->error;
		goto out;
	}
	rem = (int)h->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	for (a = (struct nlattr *)(buf + NLMSG_HDRLEN + GENL_HDRLEN);
	     rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= rem;
	     rem -= NLA_ALIGN(a->nla_len), a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len))) {
		if ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_FAMILY_ID) {
			memcpy(family, a + 1, 2);
			err = 0;
		}
		if ((a->nla_type & NLA_TYPE_MASK) != CTRL_ATTR_MCAST_GROUPS)
			continue;
		grem = a->nla_len - NLA_HDRLEN;
		for (g = a + 1; grem >= NLA_HDRLEN && g->nla_len >= NLA_HDRLEN && g->nla_len <= grem;
		     grem -= NLA_ALIGN(g->nla_len),
		     g = (struct nlattr *)((char *)g + NLA_ALIGN(g->nla_len))) {
			uint32_t id = 0;
			bool ours = false;

			garem = g->nla_len - NLA_HDRLEN;
			for (ga = g + 1;
			     garem >= NLA_HDRLEN && ga->nla_len >= NLA_HDRLEN && ga->nla_len <= garem;
			     garem -= NLA_ALIGN(ga->nla_len),
			     ga = (struct nlattr *)((char *)ga + NLA_ALIGN(ga->nla_len))) {
				if ((ga->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_MCAST_GRP_ID)
					memcpy(&id, ga + 1, 4);
				if ((ga->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_MCAST_GRP_NAME &&
				    fz_n_mcgrps && !strcmp((char *)(ga + 1), fz_mcgrps[0]))
					ours = true;
			}
			if (ours)
				*mcgrp = id;
		}
	}
out:
	close(fd);
	return err;
}

/*
 * After an rmmod and insmod the family comes back under a new id, its
 * subscriptions gone: follow it, and start counting events afresh.
 * True when the id changed.
 */
bool fz_refresh_family(struct fz_worker *w)
{
	uint16_t family;
	uint32_t mcgrp;

	if (w->cfg->dry_run || fz_resolve(&family, &mcgrp) || family == w->family)
		return false;
	w->family = family;
	w->mcgrp = mcgrp;
	w->confine->family = family;
	w->main.event_seq = w->sub.event_seq = 0;
	return true;
}

/* The answers the kernel owes for what is in the buffer (netlink_rcv_skb's walk). */
static void expect_answers(struct fz_worker *w, struct fz_sock *s, const uint8_t *buf,
			   size_t len)
{
	/* Added to what earlier sends on s still await; fz_drain settles all. */
	while (len >= NLMSG_HDRLEN) {
		struct nlmsghdr h;
		size_t step;

		memcpy(&h, buf, sizeof(h));
		if (h.nlmsg_len < NLMSG_HDRLEN || h.nlmsg_len > len)
			break;
		s->recent[s->n_recent++ % 64] = h.nlmsg_seq;
		if (((h.nlmsg_flags & NLM_F_ACK) ||
		     (h.nlmsg_type == w->family && (h.nlmsg_flags & NLM_F_REQUEST) &&
		      (h.nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP)) &&
		    s->n_expect < sizeof(s->expect) / sizeof(s->expect[0])) {
			s->expect[s->n_expect] = h.nlmsg_seq;
			/* Without NLM_F_REQUEST the kernel only acknowledges it. */
			s->expect_cmd[s->n_expect] = h.nlmsg_type == w->family &&
						     (h.nlmsg_flags & NLM_F_REQUEST) &&
						     h.nlmsg_len >= NLMSG_HDRLEN + GENL_HDRLEN ?
						     buf[NLMSG_HDRLEN] : -1;
			s->answered[s->n_expect++] = false;
		}
		step = NLMSG_ALIGN(h.nlmsg_len);
		if (step >= len)
			break;
		buf += step;
		len -= step;
	}
}

int fz_send(struct fz_worker *w, struct fz_sock *s)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct fz_stats *st = w->st;
	struct timespec t0, t1;
	const char *why;
	unsigned int n = w->n_built ? w->n_built : 1;
	uint64_t ns;
	uint8_t cmd;
	ssize_t sent;

	w->n_built = 0;
	why = fz_confine_check(w->confine, w->msg.data, w->msg.len);
	if (why) {
		st->confined++;
		if (w->cfg->verbose)
			fprintf(stderr, "kcg-fuzz: worker %d kept back %s: %s\n", w->index,
				w->desc, why);
		w->msg.len = 0;
		return -1;
	}
	st->messages += n;
	w->sent = w->msg.data;
	w->sent_len = w->msg.len;
	w->sent_sock = s;
	snprintf(st->doing, sizeof(st->doing), "%s", w->desc);
	st->last_len = (uint32_t)w->msg.len;
	memcpy(st->last, w->msg.data, w->msg.len < sizeof(st->last) ? w->msg.len : sizeof(st->last));
	st->heartbeat++;
	if (w->cfg->hexdump) {
		printf("# w%d %s (%zu bytes)\n", w->index, w->desc, w->msg.len);
		fz_hexdump(stdout, "  ", w->msg.data, w->msg.len, 512);
	}
	if (s->fd < 0) {		/* dry run */
		w->msg.len = 0;
		return 0;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	sent = sendto(s->fd, w->msg.data, w->msg.len, 0, (struct sockaddr *)&kernel,
		      sizeof(kernel));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	cmd = w->msg.len > NLMSG_HDRLEN ? w->msg.data[NLMSG_HDRLEN] : 0;
	ns = (uint64_t)((t1.tv_sec - t0.tv_sec) * 1000000000L + t1.tv_nsec - t0.tv_nsec);
	st->op_ns[cmd] += ns;
	st->op_sends[cmd]++;
	if (ns > st->op_max_ns[cmd])
		st->op_max_ns[cmd] = ns;
	if (sent < 0) {
		st->send_err[errno < FZ_ERRNO_SLOTS ? errno : FZ_ERRNO_SLOTS - 1]++;
		w->msg.len = 0;
		return -1;
	}
	st->sends++;
	st->bytes += w->msg.len;
	expect_answers(w, s, w->msg.data, w->msg.len);
	w->msg.len = 0;
	return 0;
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

static void check_frame(struct fz_worker *w, struct fz_sock *s, const uint8_t *frame)
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

int fz_recv_one(struct fz_worker *w, struct fz_sock *s, int timeout_ms)
{
	struct sockaddr_nl from = { 0 };
	struct iovec iov = { .iov_base = w->rx, .iov_len = FZ_RX_MAX };
	struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof(from),
			     .msg_iov = &iov, .msg_iovlen = 1 };
	const uint8_t *p = w->rx;
	ssize_t n;

	if (s->fd < 0)
		return 0;
	if (timeout_ms > 0) {
		struct pollfd pfd = { .fd = s->fd, .events = POLLIN };

		if (poll(&pfd, 1, timeout_ms) <= 0)
			return 0;
	}
	n = recvmsg(s->fd, &mh, MSG_DONTWAIT);
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return 0;
		if (errno == ENOBUFS) {		/* we were too slow: answers were dropped */
			s->overrun = true;
			w->st->overruns++;
			return 1;
		}
		return -1;
	}
	if (mh.msg_flags & MSG_TRUNC)
		fz_finding(w, FZ_F_TRUNC, w->rx, 64, "datagram larger than %zu bytes", (size_t)FZ_RX_MAX);
	if (from.nl_pid != 0)
		fz_finding(w, FZ_F_SENDER, w->rx, (size_t)n, "datagram from port %u", from.nl_pid);
	while (n >= NLMSG_HDRLEN) {
		struct nlmsghdr h;
		size_t step;

		memcpy(&h, p, sizeof(h));
		if (h.nlmsg_len < NLMSG_HDRLEN || h.nlmsg_len > (size_t)n) {
			fz_finding(w, FZ_F_FRAME, p, (size_t)n, "message of %u bytes in %zd",
				   h.nlmsg_len, n);
			return 1;
		}
		check_frame(w, s, p);
		step = NLMSG_ALIGN(h.nlmsg_len);
		if (step >= (size_t)n) {
			n = 0;
			break;
		}
		p += step;
		n -= (ssize_t)step;
	}
	if (n)
		fz_finding(w, FZ_F_FRAME, p, (size_t)n, "%zd stray bytes after the messages", n);
	return 1;
}

void fz_drain(struct fz_worker *w, struct fz_sock *s)
{
	unsigned int i, waits;

	if (s->fd < 0)
		return;
	while (fz_recv_one(w, s, 0) > 0)
		;
	/* Reading the last part makes the next; a dump that stops is a finding. */
	for (waits = 0; s->dump_seq && waits < 3; waits++)
		while (fz_recv_one(w, s, 1000) > 0)
			;
	if (s->dump_seq && !s->overrun)
		fz_finding(w, FZ_F_DUMP, NULL, 0, "dump with seq %u stopped before NLMSG_DONE",
			   s->dump_seq);
	s->dump_seq = 0;
	for (i = 0; i < s->n_expect; i++)
		if (!s->answered[i] && !s->overrun)
			fz_finding(w, FZ_F_NOREPLY, NULL, 0, "no answer to seq %u", s->expect[i]);
	s->n_expect = 0;
	s->overrun = false;
}

void fz_exchange(struct fz_worker *w, struct fz_sock *s)
{
	if (fz_send(w, s) == 0)
		fz_drain(w, s);
}
