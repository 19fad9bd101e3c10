// SPDX-License-Identifier: GPL-2.0
/*
 * Sockets and exchanges.
 *
 * A request to a kernel netlink socket is processed inside sendmsg(): when
 * it returns, every answer except the later parts of a dump is queued, and
 * reading those parts makes the kernel produce the next. So an exchange is
 * send, then read without waiting until the queue is empty: no sentinel
 * is needed, a request that asked for an answer and got none is a finding,
 * and so is a dump that stops before NLMSG_DONE. Each datagram read goes
 * through check.c.
 */
#include <errno.h>
#include <poll.h>
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
		fz_check_frame(w, s, p);
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
