/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kcg-stress: clients doing valid, racing ops on a small shared set of
 * groups while workloads live in them and the module is reloaded under
 * them. The netlink side is the fuzzer's (tests/fuzz): its sockets, family
 * lookup and the spec check of every answer.
 */
#ifndef ST_STRESS_H
#define ST_STRESS_H

#include <stdbool.h>
#include <stdint.h>

#include "fuzz.h"

#define ST_CLIENTS_MAX	16
#define ST_SLOTS_EACH	2		/* workload processes a client moves */
#define ST_SLOTS_MAX	(ST_CLIENTS_MAX * ST_SLOTS_EACH)
#define ST_NAMES	8

enum st_op {
	ST_CREATE, ST_DELETE, ST_SET, ST_ATTACH, ST_FREEZE, ST_THAW, ST_KILL,
	ST_GET, ST_LIST, ST_STATS, ST_EVENTS, ST_OPS
};

extern const char *const st_op_names[ST_OPS];

/* The shared name set, below the prefix group. Parents come first. */
extern const char *const st_names[ST_NAMES];

/* One client's figures; in memory shared with the master. */
struct st_client_stats {
	uint64_t ops[ST_OPS], ok[ST_OPS];
	uint64_t err[FZ_ERRNO_SLOTS];	/* failed requests by errno */
	uint64_t gone;		/* requests that found no kcg family: module out */
	uint64_t no_answer;	/* requests never answered (also a finding) */
	uint64_t recoveries;	/* family looked up again, events resubscribed */
	uint64_t subscribes;	/* event-subscribe acknowledged */
	volatile int done;
};

struct st_shared {
	volatile int stop;
	volatile uint32_t slot_pid[ST_SLOTS_MAX];	/* 0: being replaced */
	struct st_client_stats client[ST_CLIENTS_MAX];
	struct fz_stats fz[ST_CLIENTS_MAX];		/* the fuzzer's counters and findings */
};

struct st_config {
	uint64_t seed;
	unsigned int clients;
	unsigned int seconds;
	unsigned int reload_ms;	/* 0: no reloads */
	unsigned int hang_timeout;
	const char *ko;		/* kcg.ko, for the reloads */
	const char *prefix;	/* the top group holding the name set */
	const char *dir;	/* logs and figures */
	bool plain;		/* cgroupfs instead of kcg: the warm-up */
};

/* plain.c */
int st_plain_setup(const struct st_config *cfg);
void st_plain_run(const struct st_config *cfg, struct st_shared *sh, int index);
void st_plain_cleanup(const struct st_config *cfg);

/* client.c */
void st_client_run(const struct st_config *cfg, struct st_shared *sh, int index);
void st_cleanup(const struct st_config *cfg, struct st_shared *sh, int index);
int st_module_live(void);
uint64_t st_now_ns(void);

/* The slots client index moves: index, index + clients, ... */
static inline unsigned int st_slot(const struct st_config *cfg, int index, unsigned int k)
{
	return (unsigned int)index + k * cfg->clients;
}

#endif
