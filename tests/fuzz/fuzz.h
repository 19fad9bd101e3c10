/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kcg-fuzz: a structure-aware fuzzer for the kcg generic netlink family,
 * driven by the tables tests/fuzz/gen-spec makes from docs/netlink/kcg.yaml.
 * Shared types of its parts: the worker, its statistics (in memory shared
 * with the master, which watches for hangs), the message builder and the
 * random source.
 */
#ifndef FZ_FUZZ_H
#define FZ_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "spec.h"

#define FZ_ERRNO_SLOTS	134		/* errno 0..132, the last slot for any other */
#define FZ_MSG_MAX	(320 * 1024)	/* largest request a worker builds */
#define FZ_RX_MAX	(FZ_MSG_MAX + 64 * 1024)	/* an uncapped error echoes a whole request */
#define FZ_WORKLOAD_MAX	4
#define FZ_OWN_MAX	64		/* master + workers */
#define FZ_NAMES_MAX	16
#define FZ_PID_LIMIT	4194304u	/* PID_MAX_LIMIT: no pid is this large */

enum fz_finding {
	FZ_F_FRAME,		/* a datagram that is not a sequence of netlink messages */
	FZ_F_TRUNC,		/* a datagram larger than any the kernel should send */
	FZ_F_SENDER,		/* a message that did not come from the kernel */
	FZ_F_ERRMSG,		/* a malformed NLMSG_ERROR or NLMSG_DONE */
	FZ_F_ECHO,		/* an error that echoes something other than the request */
	FZ_F_SEQ,		/* a reply to a sequence number never sent */
	FZ_F_TYPE,		/* a message of a type nobody asked for */
	FZ_F_ATTR,		/* a reply attribute the spec does not allow there */
	FZ_F_VALUE,		/* a reply value outside the spec's range or enum */
	FZ_F_NOREPLY,		/* no answer to a request that asked for one */
	FZ_F_DUMP,		/* a dump that never finished */
	FZ_F_EVSEQ,		/* subscription events numbered out of order */
	FZ_F_LEAK,		/* a stranger saw a group or changed something */
	FZ_F_HANG,		/* a request that did not return within the timeout */
	FZ_F_CLEANUP,		/* the fuzzer could not remove what it made */
	FZ_F_N
};

extern const char *const fz_finding_names[FZ_F_N];

/* One worker's counters; in shared memory so the master can sum and watch. */
struct fz_stats {
	uint64_t messages;	/* netlink messages sent to the kernel */
	uint64_t sends;		/* sendmsg calls */
	uint64_t bytes;
	uint64_t send_err[FZ_ERRNO_SLOTS];
	uint64_t reply_err[FZ_ERRNO_SLOTS];	/* NLMSG_ERROR by errno; [0] = acks */
	uint64_t data, dump_done, dump_intr, events, overruns;
	uint64_t confined;	/* requests the confinement check kept back */
	uint64_t closed_dumps, storms, subscriptions;
	uint64_t findings[FZ_F_N];
	uint64_t op_ns[256], op_sends[256], op_max_ns[256];	/* sendmsg time by first cmd */
	uint64_t op_ok[256];		/* requests acknowledged with error 0, by cmd */
	volatile uint64_t heartbeat;	/* moves after every exchange */
	volatile int done;
	char doing[256];		/* the request in flight, for the watchdog */
	uint32_t last_len;
	uint8_t last[256];
};

/* What the master shares with every worker. */
struct fz_shared {
	volatile uint32_t workload[FZ_WORKLOAD_MAX];	/* pids the fuzzer may move */
	volatile uint32_t own[FZ_OWN_MAX];		/* master and workers: never moved */
	struct fz_stats stats[];
};

struct fz_config {
	uint64_t seed;
	uint64_t count;		/* messages in all */
	unsigned int workers;
	int only_worker;	/* -1: all */
	unsigned int seconds;	/* 0: no time limit */
	unsigned int hang_timeout;
	bool privileged;	/* CAP_SYS_ADMIN in the initial user namespace */
	bool dry_run, hexdump, stranger, workload, verbose, keep;
	const char *prefix;	/* confinement prefix (privileged), name base */
	const char *bases[FZ_NAMES_MAX];	/* groups to work under */
	unsigned int n_bases;
	const char *foreign[FZ_NAMES_MAX];	/* others' groups to poke at (unprivileged) */
	unsigned int n_foreign;
	uint32_t extra_pids[FZ_NAMES_MAX];	/* more pids to try moving */
	unsigned int n_extra_pids;
};

struct fz_rng {
	uint64_t s;
};

static inline uint64_t fz_rand(struct fz_rng *r)
{
	/* splitmix64: tiny, fast and good enough to pick mutations. */
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline uint64_t fz_below(struct fz_rng *r, uint64_t n)
{
	return n ? fz_rand(r) % n : 0;
}

static inline bool fz_chance(struct fz_rng *r, unsigned int percent)
{
	return fz_below(r, 100) < percent;
}

/* A request being built. Writes past the end are dropped, never overflow. */
struct fz_buf {
	uint8_t *data;
	size_t len, cap;
};

void fz_put_bytes(struct fz_buf *b, const void *data, size_t len);
void fz_put_attr(struct fz_buf *b, uint16_t type, const void *data, size_t len);
size_t fz_nest_begin(struct fz_buf *b, uint16_t type);
void fz_nest_end(struct fz_buf *b, size_t start);
size_t fz_msg_begin(struct fz_buf *b, uint16_t type, uint16_t flags, uint32_t seq,
		    uint8_t cmd, uint8_t version);
void fz_msg_end(struct fz_buf *b, size_t start);

/* A netlink socket and what is expected on it. */
struct fz_sock {
	int fd;
	uint32_t seq;		/* last sequence number used */
	uint32_t seq_floor;	/* replies below this are stale, not expected */
	bool subscribed, member, overrun;
	bool cap_ack;
	uint32_t dump_seq;	/* a dump in progress (MULTI seen, no DONE), or 0 */
	uint64_t event_seq;	/* last subscription event number */
	unsigned int n_expect;
	uint32_t expect[64];	/* sequence numbers that must be answered */
	bool answered[64];
	int expect_cmd[64];	/* the kcg command of each, or -1 */
	/* Every seq the kernel read lately, also from frames that garbage made. */
	uint32_t recent[64];
	unsigned int n_recent;
};

struct fz_confine;

struct fz_worker {
	int index;
	struct fz_rng rng;
	uint64_t seed, quota;
	struct fz_stats *st;
	struct fz_shared *sh;
	const struct fz_config *cfg;
	struct fz_confine *confine;	/* each process has its own copy */
	uint16_t family;
	uint32_t mcgrp;		/* the events multicast group id */
	struct fz_sock main, sub;
	struct fz_buf msg;
	unsigned int n_built;	/* messages in msg */
	const uint8_t *sent;	/* the last request, for findings and echo checks */
	size_t sent_len;
	const struct fz_sock *sent_sock;
	uint8_t *rx;
	uint64_t iteration;
	char desc[256];
	const char *names[FZ_NAMES_MAX * 4];	/* the name pool */
	unsigned int n_names;
	/*
	 * Optional (tests/stress): told of each answer to a request, after
	 * the checks: err 0 with the message for a reply, else the error of
	 * an NLMSG_ERROR (0 for an ack) or NLMSG_DONE.
	 */
	void (*on_answer)(struct fz_worker *w, const struct fz_sock *s, uint32_t seq, int err,
			  const uint8_t *frame, size_t len, bool data);
};

/* gen.c: requests from the spec, valid or mutated. */
void fz_gen_init(struct fz_worker *w);
void fz_gen_request(struct fz_worker *w, struct fz_sock *s, const struct fz_op *op,
		    bool dump, unsigned int mutate_percent);
void fz_gen_valid(struct fz_worker *w, struct fz_sock *s, const char *op_name,
		  const char *name, uint16_t extra_flags);
const char *fz_gen_name(struct fz_worker *w, bool destructive);
uint32_t fz_gen_pid(struct fz_worker *w);
void fz_mutate_bytes(struct fz_worker *w, size_t start);

/* nl.c: sockets and exchanges. */
int fz_sock_open(struct fz_worker *w, struct fz_sock *s, bool random_opts);
void fz_sock_close(struct fz_sock *s);
int fz_resolve(uint16_t *family, uint32_t *mcgrp);
bool fz_refresh_family(struct fz_worker *w);
int fz_send(struct fz_worker *w, struct fz_sock *s);
int fz_recv_one(struct fz_worker *w, struct fz_sock *s, int timeout_ms);
void fz_drain(struct fz_worker *w, struct fz_sock *s);
void fz_exchange(struct fz_worker *w, struct fz_sock *s);

/* check.c: what a reply must look like, and findings. */
void fz_check_frame(struct fz_worker *w, struct fz_sock *s, const uint8_t *frame);
void fz_finding(struct fz_worker *w, enum fz_finding kind, const uint8_t *reply,
		size_t reply_len, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void fz_hexdump(FILE *f, const char *indent, const uint8_t *p, size_t len, size_t max);

/* scenario.c: one round of the worker's loop. */
void fz_worker_run(struct fz_worker *w);

/* workload.c: bodies of the processes that live in the groups; never return. */
void fz_pause_ms(long ms);
void fz_forker(long pause_ms);
void fz_hog(unsigned int max_mib, long pause_ms);
void fz_sleeper(void);

/* setup.c: what the master does around the workers, with its own context. */
void fz_setup(struct fz_worker *m);
void fz_workload_start(struct fz_worker *m);
void fz_workload_tend(struct fz_worker *m);
void fz_workload_stop(struct fz_worker *m);
void fz_thaw_tops(struct fz_worker *m);
unsigned int fz_cleanup(struct fz_worker *m);

#endif
