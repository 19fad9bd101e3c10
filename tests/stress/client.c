// SPDX-License-Identifier: GPL-2.0
/*
 * One stress client: valid requests, one at a time, on the shared name set,
 * each op and name drawn from the client's own seed (never from an answer,
 * so a seed gives the same op sequence again; what the kernel answers
 * depends on the other clients' timing). Every answer goes through the
 * fuzzer's checks (tests/fuzz/check.c), which count findings.
 *
 * What the checker needs is logged, one line per state-changing request:
 *   T0 T1 OP NAME RESULT [id=ID] [pid=PID] [force] [signal=S] [LIMIT=VALUE...]
 * T0/T1: CLOCK_MONOTONIC ns around the request; RESULT: 0, an errno, "gone"
 * (the family was not there: the module was out) or "none" (no answer).
 * ID is the group id (its cgroup's id) from the NLM_F_ECHO reply, 0 if none
 * came: it names the incarnation of a group that a create or set acted on.
 *
 * Only client i sets the limits of name i (by group-set); any client may
 * create a name with limits, or delete it. So a group's limits are those of
 * the create that made its incarnation, then its setter's sets on that
 * incarnation in the setter's order. Likewise a client moves only its own
 * workload slots, so a process's last successful attach is in one log.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/kcg.h>
#include <linux/netlink.h>
#include <sys/socket.h>

#include "confine.h"
#include "stress.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

const char *const st_op_names[ST_OPS] = {
	"create", "delete", "set", "attach", "freeze", "thaw", "kill", "get", "list",
	"stats", "events",
};

const char *const st_names[ST_NAMES] = { "a", "b", "c", "d", "a/x", "a/y", "b/x", "c/x" };

/* Op weights, in percent. */
static const unsigned int weights[ST_OPS] = {
	[ST_CREATE] = 14, [ST_DELETE] = 10, [ST_SET] = 14, [ST_ATTACH] = 14,
	[ST_FREEZE] = 6, [ST_THAW] = 8, [ST_KILL] = 4, [ST_GET] = 6, [ST_LIST] = 6,
	[ST_STATS] = 10, [ST_EVENTS] = 8,
};

enum { L_QUOTA, L_PERIOD, L_WEIGHT, L_MEM_MAX, L_MEM_HIGH, L_MEM_LOW, L_PIDS, L_CPUS, L_N };

static const char *const limit_names[L_N] = {
	"cpu-max-quota", "cpu-max-period", "cpu-weight", "memory-max", "memory-high",
	"memory-low", "pids-max", "cpuset-cpus",
};

static const uint16_t limit_attrs[L_N] = {
	KCG_A_LIMITS_CPU_MAX_QUOTA, KCG_A_LIMITS_CPU_MAX_PERIOD, KCG_A_LIMITS_CPU_WEIGHT,
	KCG_A_LIMITS_MEMORY_MAX, KCG_A_LIMITS_MEMORY_HIGH, KCG_A_LIMITS_MEMORY_LOW,
	KCG_A_LIMITS_PIDS_MAX, KCG_A_LIMITS_CPUSET_CPUS,
};

#define MAX KCG_LIMIT_MAX
#define MIB (1ULL << 20)

/* Values the kernel takes in any group, so a set never fails half-way. */
static const uint64_t quotas[] = { MAX, 10000, 50000, 200000 };
static const uint64_t periods[] = { 100000, 50000, 1000000 };
static const uint64_t cpu_weights[] = { 1, 50, 100, 10000 };
/* The hogs take up to 15 MiB: some of these make them reclaim, or OOM. */
static const uint64_t mem_max[] = { MAX, 512 * MIB, 64 * MIB, 12 * MIB };
static const uint64_t mem_high[] = { MAX, 256 * MIB, 10 * MIB };
static const uint64_t mem_low[] = { 0, 4 * MIB, 16 * MIB };
static const uint64_t pids[] = { MAX, 256, 32, 4 };
/* Not "" (inherit): a populated cpuset refuses empty CPUs, half-way through a set. */
static const char *const cpus[] = { "0", "1", "0-1" };

#define PICK(r, a) ((a)[fz_below(r, sizeof(a) / sizeof((a)[0]))])

struct limits {
	bool has[L_N];
	uint64_t v[L_N];
	const char *cpus;
};

static struct {
	const struct st_config *cfg;
	struct st_shared *sh;
	struct st_client_stats *cs;
	struct fz_worker w;
	struct fz_config fcfg;
	struct fz_confine confine;
	FILE *log;
	char names[ST_NAMES][64];
	/* The request in flight and its answer. */
	const struct fz_sock *sock;
	uint32_t seq;
	bool answered;
	int err;
	uint64_t id;
	uint64_t t0;
} c;

uint64_t st_now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ULL + (uint64_t)t.tv_nsec;
}

/* 1 when the module is loaded and initialised ("live"), else 0. */
int st_module_live(void)
{
	char state[16] = "";
	FILE *f = fopen("/sys/module/kcg/initstate", "r");

	if (!f)
		return 0;
	if (!fgets(state, sizeof(state), f))
		state[0] = 0;
	fclose(f);
	return !strncmp(state, "live", 4);
}

static void on_answer(struct fz_worker *w, const struct fz_sock *s, uint32_t seq, int err,
		      const uint8_t *frame, size_t len, bool data)
{
	size_t off = NLMSG_HDRLEN + GENL_HDRLEN;

	(void)w;
	if (s != c.sock || seq != c.seq)
		return;
	if (!data) {
		c.answered = true;
		c.err = err;
		return;
	}
	/* A group reply (an echo): its id names the incarnation. */
	if (len < off || frame[NLMSG_HDRLEN] != KCG_CMD_GROUP_GET)
		return;
	while (off + NLA_HDRLEN <= len) {
		struct nlattr a;

		memcpy(&a, frame + off, sizeof(a));
		if (a.nla_len < NLA_HDRLEN || off + a.nla_len > len)
			break;
		if ((a.nla_type & NLA_TYPE_MASK) == KCG_A_GROUP_ID && a.nla_len == NLA_HDRLEN + 8)
			memcpy(&c.id, frame + off + NLA_HDRLEN, 8);
		off += NLA_ALIGN(a.nla_len);
	}
}

static size_t begin(struct fz_sock *s, uint8_t cmd, uint16_t flags)
{
	c.w.msg.len = 0;
	c.sock = s;
	c.seq = ++s->seq;
	c.answered = false;
	c.err = 0;
	c.id = 0;
	c.t0 = st_now_ns();
	return fz_msg_begin(&c.w.msg, c.w.family, NLM_F_REQUEST | flags, c.seq, cmd,
			    KCG_FAMILY_VERSION);
}

static void put_str(uint16_t type, const char *value)
{
	fz_put_attr(&c.w.msg, type, value, strlen(value) + 1);
}

static void put_u32(uint16_t type, uint32_t value)
{
	fz_put_attr(&c.w.msg, type, &value, 4);
}

static void put_u64(uint16_t type, uint64_t value)
{
	fz_put_attr(&c.w.msg, type, &value, 8);
}

/* Send, read every answer there is, and say how it went (0, -errno, or 1: none). */
static int finish(struct fz_sock *s, size_t start, enum st_op op, const char *name)
{
	fz_msg_end(&c.w.msg, start);
	snprintf(c.w.desc, sizeof(c.w.desc), "%s %s seq=%u", st_op_names[op], name ?: "", c.seq);
	c.cs->ops[op]++;
	if (fz_send(&c.w, s))
		return -errno ?: -EIO;
	fz_drain(&c.w, s);
	return c.answered ? c.err : 1;
}

/* Did that request meet no family: the module out, or in again under a new id? */
static bool family_gone(void)
{
	uint16_t family;
	uint32_t mcgrp;

	if (!st_module_live())
		return true;
	return fz_resolve(&family, &mcgrp) || family != c.w.family;
}

static int subscribe(struct fz_sock *s)
{
	int err = finish(s, begin(s, KCG_CMD_EVENT_SUBSCRIBE, NLM_F_ACK), ST_EVENTS, "");

	if (!err)
		c.cs->subscribes++;
	return err;
}

static void tally(enum st_op op, int err)
{
	if (!err)
		c.cs->ok[op]++;
	else if (err > 0)
		c.cs->no_answer++;
	else
		c.cs->err[-err < FZ_ERRNO_SLOTS ? -err : FZ_ERRNO_SLOTS - 1]++;
}

/*
 * The module went away: wait for it, read what the old one sent, follow
 * the family to its new id and subscribe again (subscriptions die with the
 * module that held them). Event numbers start afresh.
 */
static void recover(void)
{
	c.cs->recoveries++;
	while (!c.sh->stop && !st_module_live())
		fz_pause_ms(50);
	fz_drain(&c.w, &c.w.sub);
	fz_refresh_family(&c.w);
	c.w.sub.event_seq = 0;
	c.w.main.event_seq = 0;
	if (!c.sh->stop)
		tally(ST_EVENTS, subscribe(&c.w.sub));
}

/* Count the answer; a missing family is no errno but a reload seen. */
static const char *result(enum st_op op, int *err)
{
	static char text[16];

	/* No family (ENOENT), or a dump that found the module going away. */
	if ((*err == -ENOENT || *err == -EPROTONOSUPPORT) && family_gone()) {
		c.cs->ops[op]--;	/* never reached the module */
		c.cs->gone++;
		recover();
		*err = -ENXIO;
		return "gone";
	}
	tally(op, *err);
	if (*err > 0)
		return "none";
	snprintf(text, sizeof(text), "%d", -*err);
	return text;
}

static void log_line(enum st_op op, const char *name, const char *res, const char *extra)
{
	fprintf(c.log, "%" PRIu64 " %" PRIu64 " %s %s %s%s%s\n", c.t0, st_now_ns(),
		st_op_names[op], name, res, *extra ? " " : "", extra);
}

static void draw_limits(struct limits *l)
{
	struct fz_rng *r = &c.w.rng;
	unsigned int i, n = 0;

	memset(l, 0, sizeof(*l));
	while (!n) {
		for (i = 0; i < L_N; i++)
			if (fz_chance(r, 35)) {
				l->has[i] = true;
				n++;
			}
	}
	l->v[L_QUOTA] = PICK(r, quotas);
	l->v[L_PERIOD] = PICK(r, periods);
	l->v[L_WEIGHT] = PICK(r, cpu_weights);
	l->v[L_MEM_MAX] = PICK(r, mem_max);
	l->v[L_MEM_HIGH] = PICK(r, mem_high);
	l->v[L_MEM_LOW] = PICK(r, mem_low);
	l->v[L_PIDS] = PICK(r, pids);
	l->cpus = PICK(r, cpus);
}

static void put_limits(const struct limits *l, char *text, size_t size)
{
	size_t nest = fz_nest_begin(&c.w.msg, KCG_A_GROUP_LIMITS | NLA_F_NESTED);
	size_t len = 0;
	unsigned int i;

	for (i = 0; i < L_N; i++) {
		if (!l->has[i])
			continue;
		if (i == L_CPUS)
			put_str(limit_attrs[i], l->cpus);
		else if (i == L_WEIGHT)
			put_u32(limit_attrs[i], (uint32_t)l->v[i]);
		else
			put_u64(limit_attrs[i], l->v[i]);
		if (i == L_CPUS)
			len += (size_t)snprintf(text + len, size - len, " %s=%s", limit_names[i],
						l->cpus);
		else if (l->v[i] == MAX)
			len += (size_t)snprintf(text + len, size - len, " %s=max", limit_names[i]);
		else
			len += (size_t)snprintf(text + len, size - len, " %s=%" PRIu64,
						limit_names[i], l->v[i]);
	}
	fz_nest_end(&c.w.msg, nest);
}

static void op_create(const char *name)
{
	struct limits l;
	char text[400] = "", extra[480];
	bool with = fz_chance(&c.w.rng, 50);
	size_t start;
	int err;

	start = begin(&c.w.main, KCG_CMD_GROUP_NEW, NLM_F_ACK | NLM_F_ECHO);
	put_str(KCG_A_GROUP_NAME, name);
	if (with) {
		draw_limits(&l);
		put_limits(&l, text, sizeof(text));
	}
	err = finish(&c.w.main, start, ST_CREATE, name);
	snprintf(extra, sizeof(extra), "id=%" PRIu64 "%s", c.id, text);
	log_line(ST_CREATE, name, result(ST_CREATE, &err), extra);
}

static void op_set(const char *name)
{
	struct limits l;
	char text[400] = "", extra[480];
	size_t start;
	int err;

	start = begin(&c.w.main, KCG_CMD_GROUP_SET, NLM_F_ACK | NLM_F_ECHO);
	put_str(KCG_A_GROUP_NAME, name);
	draw_limits(&l);
	put_limits(&l, text, sizeof(text));
	err = finish(&c.w.main, start, ST_SET, name);
	snprintf(extra, sizeof(extra), "id=%" PRIu64 "%s", c.id, text);
	log_line(ST_SET, name, result(ST_SET, &err), extra);
}

static void start_delete(const char *name, bool force, int *err)
{
	size_t start = begin(&c.w.main, KCG_CMD_GROUP_DEL, NLM_F_ACK);

	put_str(KCG_A_GROUP_NAME, name);
	if (force)
		fz_put_attr(&c.w.msg, KCG_A_GROUP_FORCE, NULL, 0);
	*err = finish(&c.w.main, start, ST_DELETE, name);
}

static void op_delete(const char *name)
{
	/* Force waits up to 5 s for a group others keep moving tasks into. */
	bool force = fz_chance(&c.w.rng, 25);
	int err;

	start_delete(name, force, &err);
	log_line(ST_DELETE, name, result(ST_DELETE, &err), force ? "force" : "");
}

static void op_attach(const char *name)
{
	unsigned int slot = st_slot(c.cfg, c.w.index, (unsigned int)fz_below(&c.w.rng, ST_SLOTS_EACH));
	uint32_t pid = c.sh->slot_pid[slot];
	char extra[32];
	size_t start;
	int err;

	if (!pid)
		return;		/* being replaced */
	start = begin(&c.w.main, KCG_CMD_TASK_ATTACH, NLM_F_ACK);
	put_str(KCG_A_GROUP_NAME, name);
	put_u32(KCG_A_GROUP_PID, pid);
	err = finish(&c.w.main, start, ST_ATTACH, name);
	snprintf(extra, sizeof(extra), "pid=%u", pid);
	log_line(ST_ATTACH, name, result(ST_ATTACH, &err), extra);
}

/* freeze, thaw, kill, get: a name and maybe a signal. */
static void op_simple(enum st_op op, const char *name)
{
	static const uint8_t cmds[ST_OPS] = {
		[ST_FREEZE] = KCG_CMD_GROUP_FREEZE, [ST_THAW] = KCG_CMD_GROUP_THAW,
		[ST_KILL] = KCG_CMD_GROUP_KILL, [ST_GET] = KCG_CMD_GROUP_GET,
	};
	uint32_t sig = fz_chance(&c.w.rng, 70) ? SIGKILL : SIGCONT;
	char extra[32] = "";
	size_t start;
	int err;

	start = begin(&c.w.main, cmds[op], NLM_F_ACK);
	put_str(KCG_A_GROUP_NAME, name);
	if (op == ST_KILL) {
		put_u32(KCG_A_GROUP_SIGNAL, sig);
		snprintf(extra, sizeof(extra), "signal=%u", sig);
	}
	err = finish(&c.w.main, start, op, name);
	if (op == ST_GET)
		result(op, &err);
	else
		log_line(op, name, result(op, &err), extra);
}

/* A group-get or stats-get dump, of everything or of one subtree. */
static void op_dump(enum st_op op, const char *name)
{
	size_t start;
	int err;

	if (op == ST_STATS && fz_chance(&c.w.rng, 50)) {
		start = begin(&c.w.main, KCG_CMD_STATS_GET, NLM_F_ACK);
		put_str(KCG_A_STATS_NAME, name);
	} else {
		start = begin(&c.w.main, op == ST_STATS ? KCG_CMD_STATS_GET : KCG_CMD_GROUP_GET,
			      NLM_F_DUMP);
		if (fz_chance(&c.w.rng, 30))
			put_str(op == ST_STATS ? KCG_A_STATS_NAME : KCG_A_GROUP_PARENT, name);
	}
	err = finish(&c.w.main, start, op, name);
	result(op, &err);
}

/* Read the subscription; or subscribe a fresh socket, or join the multicast group. */
static void op_events(void)
{
	uint64_t roll = fz_below(&c.w.rng, 100);
	struct fz_sock t;
	int grp = (int)c.w.mcgrp, err;

	if (roll < 60) {
		c.cs->ops[ST_EVENTS]++;
		c.cs->ok[ST_EVENTS]++;
		fz_drain(&c.w, &c.w.sub);
		return;
	}
	if (fz_sock_open(&c.w, &t, false))
		return;
	if (roll < 85) {
		err = subscribe(&t);
		fz_recv_one(&c.w, &t, 20);
		result(ST_EVENTS, &err);
	} else {
		c.cs->ops[ST_EVENTS]++;
		if (grp && !setsockopt(t.fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp))) {
			t.member = true;
			c.cs->ok[ST_EVENTS]++;
			fz_recv_one(&c.w, &t, 20);
		} else {
			tally(ST_EVENTS, -errno);
		}
	}
	fz_drain(&c.w, &t);
	fz_sock_close(&t);
}

static enum st_op pick_op(void)
{
	unsigned int roll = (unsigned int)fz_below(&c.w.rng, 100), op;

	for (op = 0; op < ST_OPS - 1; op++) {
		if (roll < weights[op])
			break;
		roll -= weights[op];
	}
	return (enum st_op)op;
}

/* One of the names whose limits this client sets: i with i % clients == index. */
static const char *own_name(void)
{
	unsigned int index = (unsigned int)c.w.index, owned;

	if (index >= ST_NAMES)
		return NULL;
	owned = (ST_NAMES - 1 - index) / c.cfg->clients + 1;
	return c.names[index + (unsigned int)fz_below(&c.w.rng, owned) * c.cfg->clients];
}

static void one_op(void)
{
	enum st_op op = pick_op();
	unsigned int n = (unsigned int)fz_below(&c.w.rng, ST_NAMES);
	const char *name = c.names[n];

	switch (op) {
	case ST_CREATE:
		op_create(name);
		break;
	case ST_DELETE:
		op_delete(name);
		break;
	case ST_SET:
		/* Only this client sets these names' limits (see the top). */
		name = own_name();
		if (name)
			op_set(name);
		break;
	case ST_ATTACH:
		op_attach(name);
		break;
	case ST_LIST:
	case ST_STATS:
		op_dump(op, name);
		break;
	case ST_EVENTS:
		op_events();
		break;
	default:
		op_simple(op, name);
		break;
	}
}

static void setup(const struct st_config *cfg, struct st_shared *sh, int index)
{
	static uint8_t msg[FZ_MSG_MAX], rx[FZ_RX_MAX];
	unsigned int i;

	c.cfg = cfg;
	c.sh = sh;
	c.cs = &sh->client[index];
	c.fcfg = (struct fz_config){ .seed = cfg->seed, .workers = cfg->clients,
				     .hang_timeout = cfg->hang_timeout, .prefix = cfg->prefix };
	c.confine = (struct fz_confine){ .on = false, .prefix = cfg->prefix };
	c.w.index = index;
	c.w.seed = cfg->seed ^ (0x9e3779b97f4a7c15ULL * (uint64_t)(index + 1));
	c.w.rng.s = c.w.seed;
	c.w.st = &sh->fz[index];
	c.w.cfg = &c.fcfg;
	c.w.confine = &c.confine;
	c.w.msg = (struct fz_buf){ .data = msg, .cap = sizeof(msg) };
	c.w.rx = rx;
	c.w.on_answer = on_answer;
	c.w.main.fd = c.w.sub.fd = -1;
	for (i = 0; i < ST_NAMES; i++)
		snprintf(c.names[i], sizeof(c.names[i]), "%s/%s", cfg->prefix, st_names[i]);
}

/*
 * The master, at the end: every group of the name set, children first,
 * thawed and deleted with its tasks (quicker than a CLI call each under
 * TCG). The answers are checked as the clients' are.
 */
void st_cleanup(const struct st_config *cfg, struct st_shared *sh, int index)
{
	int i, err;

	setup(cfg, sh, index);
	c.log = fopen("/dev/null", "w");
	if (!c.log || fz_resolve(&c.w.family, &c.w.mcgrp))
		return;
	c.confine.family = c.w.family;
	fz_sock_open(&c.w, &c.w.main, false);
	for (i = ST_NAMES - 1; i >= 0; i--) {
		op_simple(ST_THAW, c.names[i]);
		start_delete(c.names[i], true, &err);
	}
	fz_sock_close(&c.w.main);
	fclose(c.log);
}

void st_client_run(const struct st_config *cfg, struct st_shared *sh, int index)
{
	uint64_t iteration = 0;
	char path[512];

	setup(cfg, sh, index);
	snprintf(path, sizeof(path), "%s/client-%d.log", cfg->dir, index);
	c.log = fopen(path, "w");
	if (!c.log) {
		perror(path);
		exit(3);
	}
	setvbuf(c.log, NULL, _IOFBF, 1 << 16);

	while (fz_resolve(&c.w.family, &c.w.mcgrp) && !sh->stop)
		fz_pause_ms(50);
	c.confine.family = c.w.family;
	fz_sock_open(&c.w, &c.w.main, false);
	fz_sock_open(&c.w, &c.w.sub, false);
	tally(ST_EVENTS, subscribe(&c.w.sub));
	while (!sh->stop) {
		one_op();
		if (++iteration % 16 == 0)
			fz_drain(&c.w, &c.w.sub);
		if (iteration % 32 == 0 && family_gone())
			recover();
	}
	fz_drain(&c.w, &c.w.main);
	fz_drain(&c.w, &c.w.sub);
	fz_sock_close(&c.w.main);
	fz_sock_close(&c.w.sub);
	fclose(c.log);
	c.cs->done = 1;
}
