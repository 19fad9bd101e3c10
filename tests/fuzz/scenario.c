// SPDX-License-Identifier: GPL-2.0
/*
 * A worker's loop: rounds of single requests (mostly mutated), batches of
 * requests in one datagram, dumps interleaved on one socket with other
 * requests between their parts, sockets closed in the middle of a dump or
 * with answers unread, subscribe storms (many sockets subscribing while
 * groups change, closed in any order), joins of the events multicast group,
 * and valid lifecycles so the ops that change a group really run.
 */
#include <errno.h>
#include <string.h>
#include <time.h>

#include <linux/netlink.h>
#include <sys/socket.h>

#include "fuzz.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define STORM_MAX 140	/* past the module's 128 subscriptions per user */

static const struct fz_op *pick_op(struct fz_worker *w)
{
	for (;;) {
		const struct fz_op *op = &fz_ops[fz_below(&w->rng, fz_n_ops)];

		/* Notifications have no request; now and then send one anyway. */
		if (op->has_do || op->has_dump || fz_chance(&w->rng, 3))
			return op;
	}
}

static const struct fz_op *pick_dump_op(struct fz_worker *w)
{
	for (;;) {
		const struct fz_op *op = &fz_ops[fz_below(&w->rng, fz_n_ops)];

		if (op->has_dump)
			return op;
	}
}

static bool pick_dump(struct fz_worker *w, const struct fz_op *op)
{
	if (op->has_dump)
		return !op->has_do || fz_chance(&w->rng, 40);
	return fz_chance(&w->rng, 3);	/* NLM_F_DUMP on an op without one */
}

static void single(struct fz_worker *w, struct fz_sock *s, unsigned int mutate)
{
	const struct fz_op *op = pick_op(w);

	fz_gen_request(w, s, op, pick_dump(w, op), mutate);
	fz_exchange(w, s);
}

static void batch(struct fz_worker *w)
{
	unsigned int i, n = 2 + (unsigned int)fz_below(&w->rng, 14);

	for (i = 0; i < n; i++) {
		const struct fz_op *op = pick_op(w);

		fz_gen_request(w, &w->main, op, pick_dump(w, op), 60);
	}
	fz_exchange(w, &w->main);
}

/* Dumps and other requests on one socket, reading a part now and then. */
static void interleaved_dumps(struct fz_worker *w)
{
	unsigned int i, k, n = 2 + (unsigned int)fz_below(&w->rng, 4);
	struct fz_sock t;

	if (fz_sock_open(w, &t, true))
		return;
	for (i = 0; i < n; i++) {
		fz_gen_request(w, &t, pick_dump_op(w), true, 15);
		fz_send(w, &t);
		for (k = (unsigned int)fz_below(&w->rng, 3); k; k--)
			fz_recv_one(w, &t, 0);
		if (fz_chance(&w->rng, 50)) {
			const struct fz_op *op = pick_op(w);

			fz_gen_request(w, &t, op, false, 30);
			fz_send(w, &t);
		}
	}
	fz_drain(w, &t);
	fz_sock_close(&t);
}

/* A dump left running when its socket closes. */
static void close_mid_dump(struct fz_worker *w)
{
	unsigned int k;
	struct fz_sock t;

	if (fz_sock_open(w, &t, true))
		return;
	if (fz_chance(&w->rng, 20)) {
		fz_gen_valid(w, &t, "event-subscribe", NULL, 0);
		fz_send(w, &t);
	}
	fz_gen_request(w, &t, pick_dump_op(w), true, 20);
	fz_send(w, &t);
	for (k = (unsigned int)fz_below(&w->rng, 3); k; k--)
		fz_recv_one(w, &t, 0);
	fz_sock_close(&t);
	w->st->closed_dumps++;
}

static void join_events(struct fz_worker *w, struct fz_sock *t)
{
	int grp = (int)w->mcgrp;

	if (t->fd < 0 || !grp)
		return;
	if (setsockopt(t->fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp)) == 0)
		t->member = true;
	else
		w->st->send_err[errno < FZ_ERRNO_SLOTS ? errno : FZ_ERRNO_SLOTS - 1]++;
}

/* Changes that make events: a group made, changed and removed. */
static void make_events(struct fz_worker *w)
{
	const char *name = fz_gen_name(w, true);

	fz_gen_valid(w, &w->main, "group-new", name, 0);
	fz_exchange(w, &w->main);
	fz_gen_valid(w, &w->main, "group-set", name, 0);
	fz_exchange(w, &w->main);
	fz_gen_valid(w, &w->main, "group-del", name, 0);
	fz_exchange(w, &w->main);
}

/* Many sockets subscribe, events flow, and they close in any order. */
static void storm(struct fz_worker *w)
{
	static struct fz_sock t[STORM_MAX];
	unsigned int i, n, opened = 0;

	n = fz_chance(&w->rng, 10) ? 100 + (unsigned int)fz_below(&w->rng, STORM_MAX - 100)
				   : 4 + (unsigned int)fz_below(&w->rng, 40);

	for (i = 0; i < n; i++) {
		if (fz_sock_open(w, &t[opened], true))
			break;
		fz_gen_valid(w, &t[opened], "event-subscribe", NULL, 0);
		if (fz_chance(&w->rng, 20))	/* subscribing again is a no-op */
			fz_gen_valid(w, &t[opened], "event-subscribe", NULL, 0);
		fz_send(w, &t[opened]);
		if (fz_chance(&w->rng, 15))
			join_events(w, &t[opened]);
		if (fz_chance(&w->rng, 30))
			fz_drain(w, &t[opened]);
		opened++;
	}
	make_events(w);
	while (opened) {
		i = (unsigned int)fz_below(&w->rng, opened);
		if (fz_chance(&w->rng, 50))
			fz_drain(w, &t[i]);
		fz_sock_close(&t[i]);
		t[i] = t[--opened];
	}
	w->st->storms++;
	w->st->subscriptions += n;
}

static void multicast(struct fz_worker *w)
{
	struct fz_sock t;

	if (fz_sock_open(w, &t, false))
		return;
	join_events(w, &t);
	make_events(w);
	fz_recv_one(w, &t, 50);
	fz_drain(w, &t);
	fz_sock_close(&t);
}

/* Answers queued for a socket that closes without reading them. */
static void echo_and_close(struct fz_worker *w)
{
	static const char *const ops[] = { "group-new", "group-set", "group-get", "stats-get" };
	struct fz_sock t;

	if (fz_sock_open(w, &t, true))
		return;
	fz_gen_valid(w, &t, ops[fz_below(&w->rng, 4)], fz_gen_name(w, true), NLM_F_ECHO);
	fz_send(w, &t);
	if (fz_chance(&w->rng, 50)) {
		fz_gen_request(w, &t, pick_dump_op(w), true, 0);
		fz_send(w, &t);
	}
	fz_sock_close(&t);
}

/* A group through its whole life, with valid requests, so the ops run. */
static void lifecycle(struct fz_worker *w)
{
	static const char *const steps[] = {
		"group-new", "group-get", "group-set", "task-attach", "group-freeze",
		"stats-get", "group-thaw", "group-kill", "group-get", "group-del",
	};
	char name[300], *slash;
	unsigned int i;

	snprintf(name, sizeof(name), "%s", fz_gen_name(w, true));
	/* The parents first: a/b/c needs a and a/b. */
	for (slash = strchr(name, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = 0;
		fz_gen_valid(w, &w->main, "group-new", name, 0);
		fz_exchange(w, &w->main);
		*slash = '/';
	}
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		if (!fz_chance(&w->rng, 80))
			continue;
		fz_gen_valid(w, &w->main, steps[i], name, fz_chance(&w->rng, 30) ? NLM_F_ECHO : 0);
		fz_exchange(w, &w->main);
	}
}

static bool time_up(const struct fz_worker *w, const struct timespec *start)
{
	struct timespec now;

	if (!w->cfg->seconds)
		return false;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec - start->tv_sec >= (time_t)w->cfg->seconds;
}

void fz_worker_run(struct fz_worker *w)
{
	struct fz_stats *st = w->st;
	struct timespec start;
	uint64_t roll;

	clock_gettime(CLOCK_MONOTONIC, &start);
	fz_gen_init(w);
	fz_sock_open(w, &w->main, true);
	fz_sock_open(w, &w->sub, false);
	fz_gen_valid(w, &w->sub, "event-subscribe", NULL, 0);
	fz_exchange(w, &w->sub);
	while (st->messages < w->quota && !time_up(w, &start)) {
		roll = fz_below(&w->rng, 100);
		if (roll < 70)
			single(w, &w->main, 75);
		else if (roll < 80)
			batch(w);
		else if (roll < 85)
			interleaved_dumps(w);
		else if (roll < 89)
			close_mid_dump(w);
		else if (roll < 90)
			storm(w);
		else if (roll < 91)
			multicast(w);
		else if (roll < 95)
			echo_and_close(w);
		else
			lifecycle(w);
		if (++w->iteration % 16 == 0)
			fz_drain(w, &w->sub);
		if (w->iteration % 64 == 0 && fz_refresh_family(w)) {
			fz_gen_valid(w, &w->sub, "event-subscribe", NULL, 0);
			fz_exchange(w, &w->sub);
		}
		if (w->iteration % 300 == 0) {
			fz_drain(w, &w->main);
			fz_sock_close(&w->main);
			fz_sock_open(w, &w->main, true);
		}
	}
	fz_drain(w, &w->main);
	fz_drain(w, &w->sub);
	fz_sock_close(&w->main);
	fz_sock_close(&w->sub);
}
