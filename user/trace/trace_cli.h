/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kcg trace: what the command (cmd_trace.c) and its modes (runqlat.c,
 * syscalls.c, offcpu.c) share. A mode loads and attaches its BPF skeleton,
 * then prints one frame at a time: the fields of one object, which the
 * command opens and closes around it.
 */
#ifndef KCG_TRACE_CLI_H
#define KCG_TRACE_CLI_H

#include <linux/types.h>
#include <stdbool.h>
#include <stdint.h>

#include "trace.h"

/* The traced group's cgroup, as its BPF filter wants it. */
struct trace_target {
	const char *name;
	uint64_t cgroup_id;
	int level;		/* depth below the cgroup2 root */
};

struct trace_opts {
	bool per_task;		/* runqlat */
	uint64_t min_ns;	/* offcpu: shorter stretches are not counted */
	unsigned int top;	/* offcpu: entries printed per frame; 0: all */
};

struct trace_mode {
	const char *name;
	/* Load and attach; NULL with errno set and a message said. */
	void *(*start)(const struct trace_target *target, const struct trace_opts *opts);
	/* Print what was gathered since the last frame; 0 or -errno. */
	int (*frame)(void *state, const struct trace_opts *opts);
	void (*stop)(void *state);
};

extern const struct trace_mode trace_runqlat;
extern const struct trace_mode trace_syscalls;
extern const struct trace_mode trace_offcpu;

/* cmd_trace.c */
/* "kcg: trace: WHAT: strerror(err)" when a load or a map read fails. */
void trace_fail(const char *what, int err);
struct bpf_object_skeleton;
int trace_start(struct bpf_object_skeleton *skeleton, const char *name);
/* The possible CPUs, as per-CPU maps are sized (at least 1). */
int trace_cpus(void);
/*
 * A log2 histogram in the module's buckets: JSON gets key with all the
 * buckets, text the non-empty range as bars, indented by indent (NULL:
 * nothing in text).
 */
void trace_print_hist(const char *key, const uint64_t slots[TRACE_BUCKETS], const char *indent);

#endif /* KCG_TRACE_CLI_H */
