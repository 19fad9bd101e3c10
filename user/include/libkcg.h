/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libkcg: the C API to the kcg kernel module, over generic netlink.
 *
 * Every call that can fail returns 0 or a negative errno. When the module
 * explained a failure (netlink extended ACK), kcg_errmsg() returns its
 * message until the next call on the same handle.
 *
 * Objects are opaque. A struct kcg_limits is built by the caller for a
 * request, or read back from a group; a struct kcg_group and a struct
 * kcg_group_list come only from replies and belong to the caller, who frees
 * them. Strings returned by accessors live as long as their object.
 */
#ifndef LIBKCG_H
#define LIBKCG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <linux/kcg.h>

struct kcg;

/*
 * Connect to the module. -ENOENT: the kcg family is not registered (the
 * module is not loaded). Any other error is that of the netlink socket or
 * of the family lookup (-EACCES, -EAFNOSUPPORT, -EMFILE, -ENOMEM, ...).
 */
int kcg_open(struct kcg **handle);
void kcg_close(struct kcg *handle);
const char *kcg_errmsg(const struct kcg *handle);

struct kcg_version {
	char module[32];
	uint32_t protocol;
	uint64_t features;
};

int kcg_version_get(struct kcg *handle, struct kcg_version *version);

/*
 * Limits. Each limit is either absent (a request leaves it unchanged; a
 * reply did not report it) or present with a value. Values are those of the
 * cgroup v2 files: bytes, microseconds, counts. KCG_LIMIT_MAX (from
 * <linux/kcg.h>) stands for "max", no limit.
 */
struct kcg_limits;

struct kcg_limits *kcg_limits_new(void);
void kcg_limits_free(struct kcg_limits *limits);

/* period 0 leaves the period as it is (the kernel default is 100000). */
void kcg_limits_set_cpu_max(struct kcg_limits *limits, uint64_t quota, uint64_t period);
void kcg_limits_set_cpu_weight(struct kcg_limits *limits, uint32_t weight);
void kcg_limits_set_memory_max(struct kcg_limits *limits, uint64_t bytes);
void kcg_limits_set_memory_high(struct kcg_limits *limits, uint64_t bytes);
void kcg_limits_set_memory_low(struct kcg_limits *limits, uint64_t bytes);
void kcg_limits_set_pids_max(struct kcg_limits *limits, uint64_t pids);
/* A CPU list, "0-3,6"; "" inherits the parent's. -ERANGE (too long), -ENOMEM. */
int kcg_limits_set_cpuset_cpus(struct kcg_limits *limits, const char *cpus);
void kcg_limits_set_memory_min(struct kcg_limits *limits, uint64_t bytes);
/* Needs a kernel with swap support; the group's create or set is -EOPNOTSUPP otherwise. */
void kcg_limits_set_memory_swap_max(struct kcg_limits *limits, uint64_t bytes);
/* A memory node list, "0-1"; "" inherits the parent's. -ERANGE, -ENOMEM. */
int kcg_limits_set_cpuset_mems(struct kcg_limits *limits, const char *mems);
/* io.weight's default weight, 1..10000. */
void kcg_limits_set_io_weight(struct kcg_limits *limits, uint32_t weight);
/* cpu.idle: true makes the group SCHED_IDLE among its siblings. */
void kcg_limits_set_cpu_idle(struct kcg_limits *limits, bool idle);

/* One device's line of io.max. A rate of KCG_IO_UNSET is left as it is. */
#define KCG_IO_UNSET UINT64_C(0)
struct kcg_io_max {
	uint32_t major;
	uint32_t minor;
	uint64_t rbps;
	uint64_t wbps;
	uint64_t riops;
	uint64_t wiops;
};

/* Repeatable, one call per device. -ENOMEM. */
int kcg_limits_add_io_max(struct kcg_limits *limits, const struct kcg_io_max *io);

/* Getters: true and the value when the limit is present. */
bool kcg_limits_get_cpu_max(const struct kcg_limits *limits, uint64_t *quota, uint64_t *period);
bool kcg_limits_get_cpu_weight(const struct kcg_limits *limits, uint32_t *weight);
bool kcg_limits_get_memory_max(const struct kcg_limits *limits, uint64_t *bytes);
bool kcg_limits_get_memory_high(const struct kcg_limits *limits, uint64_t *bytes);
bool kcg_limits_get_memory_low(const struct kcg_limits *limits, uint64_t *bytes);
bool kcg_limits_get_pids_max(const struct kcg_limits *limits, uint64_t *pids);
/* NULL when absent. */
const char *kcg_limits_get_cpuset_cpus(const struct kcg_limits *limits);
bool kcg_limits_get_memory_min(const struct kcg_limits *limits, uint64_t *bytes);
bool kcg_limits_get_memory_swap_max(const struct kcg_limits *limits, uint64_t *bytes);
/* NULL when absent. */
const char *kcg_limits_get_cpuset_mems(const struct kcg_limits *limits);
bool kcg_limits_get_io_weight(const struct kcg_limits *limits, uint32_t *weight);
bool kcg_limits_get_cpu_idle(const struct kcg_limits *limits, bool *idle);
/* io.max lines: for (i = 0; i < kcg_limits_io_max_count(l); i++) ..._at(l, i) */
size_t kcg_limits_io_max_count(const struct kcg_limits *limits);
const struct kcg_io_max *kcg_limits_io_max_at(const struct kcg_limits *limits, size_t index);

/* A group as the module reported it. */
struct kcg_group;

/* No owner given: a new group inherits its parent's. */
#define KCG_OWNER_NONE ((uid_t)-1)

uint64_t kcg_group_id(const struct kcg_group *group);
/* Full name below the module's root, "tenant-a/web". */
const char *kcg_group_name(const struct kcg_group *group);
/* NULL for a top-level group. */
const char *kcg_group_parent(const struct kcg_group *group);
/* KCG_OWNER_NONE when the module did not report one. */
uid_t kcg_group_owner(const struct kcg_group *group);
/* KCG_GROUP_FLAG_* bits. */
uint32_t kcg_group_flags(const struct kcg_group *group);
/* From the cgroup2 root, "/kcg/tenant-a/web"; NULL if not reported. */
const char *kcg_group_cgroup_path(const struct kcg_group *group);
/* Never NULL; limits the module did not report are absent. */
const struct kcg_limits *kcg_group_limits(const struct kcg_group *group);
void kcg_group_free(struct kcg_group *group);

struct kcg_group_list;

size_t kcg_group_list_count(const struct kcg_group_list *list);
const struct kcg_group *kcg_group_list_at(const struct kcg_group_list *list, size_t index);
void kcg_group_list_free(struct kcg_group_list *list);

/*
 * Group operations. name is the full group name. Where there is an out
 * parameter it may be NULL; otherwise it receives the group as the module
 * reports it after the operation, to be freed with kcg_group_free().
 */
/* limits may be NULL. owner: KCG_OWNER_NONE to inherit. */
int kcg_group_new(struct kcg *handle, const char *name, uid_t owner,
		  const struct kcg_limits *limits, struct kcg_group **out);
int kcg_group_get(struct kcg *handle, const char *name, struct kcg_group **out);
int kcg_group_set(struct kcg *handle, const char *name,
		  const struct kcg_limits *limits, struct kcg_group **out);
/* force: kill the group's tasks first and wait for it to empty. */
int kcg_group_del(struct kcg *handle, const char *name, bool force);
int kcg_group_freeze(struct kcg *handle, const char *name);
int kcg_group_thaw(struct kcg *handle, const char *name);
/* signal 0 sends the default, SIGKILL. */
int kcg_group_kill(struct kcg *handle, const char *name, int signal);
/* Moves whole processes; pids are in the caller's pid namespace. n >= 1. */
int kcg_task_attach(struct kcg *handle, const char *name, const pid_t *pids, size_t n);
/* Registers the cgroup at cgroup_path (from the cgroup2 root) as group name. */
int kcg_group_adopt(struct kcg *handle, const char *cgroup_path, const char *name,
		    struct kcg_group **out);
/*
 * Every group the caller may see, or those below parent (non-NULL), in the
 * module's order. A dump that a concurrent change interrupted is retried a
 * few times; -EAGAIN if it never completes.
 */
int kcg_group_dump(struct kcg *handle, const char *parent, struct kcg_group_list **out);

/*
 * Stats: one group's counters at one instant. own counts the group's own
 * tasks; total adds every group below it. Each counter is either present
 * with its value or absent (the module could not give it for this group):
 * the getters return false for an absent counter and leave *value alone.
 * Counters are monotonic, except tasks and memory_current, which are levels.
 * Memory figures are the cgroup's own memcg figures, which include its
 * subtree, in both own and total.
 */
struct kcg_stats;
struct kcg_counters;
struct kcg_stats_list;

uint64_t kcg_stats_id(const struct kcg_stats *stats);
const char *kcg_stats_name(const struct kcg_stats *stats);
/* NULL for a top-level group. */
const char *kcg_stats_parent(const struct kcg_stats *stats);
/* CLOCK_MONOTONIC nanoseconds of the reading, taken by the module. */
uint64_t kcg_stats_timestamp_ns(const struct kcg_stats *stats);
/* Never NULL; all counters absent when the module sent none. */
const struct kcg_counters *kcg_stats_own(const struct kcg_stats *stats);
const struct kcg_counters *kcg_stats_total(const struct kcg_stats *stats);
void kcg_stats_free(struct kcg_stats *stats);

/* Any counter by its KCG_A_COUNTERS_* id (not RUN_DELAY_HIST), for tables. */
bool kcg_counters_get(const struct kcg_counters *counters, int counter, uint64_t *value);
bool kcg_counters_cpu_ns(const struct kcg_counters *counters, uint64_t *value);
bool kcg_counters_run_delay_ns(const struct kcg_counters *counters, uint64_t *value);
bool kcg_counters_nvcsw(const struct kcg_counters *counters, uint64_t *value);
bool kcg_counters_nivcsw(const struct kcg_counters *counters, uint64_t *value);
bool kcg_counters_wakeups(const struct kcg_counters *counters, uint64_t *value);
bool kcg_counters_migrations(const struct kcg_counters *counters, uint64_t *value);
bool kcg_counters_forks(const struct kcg_counters *counters, uint64_t *value);
bool kcg_counters_exits(const struct kcg_counters *counters, uint64_t *value);
bool kcg_counters_tasks(const struct kcg_counters *counters, uint64_t *value);
bool kcg_counters_memory_current(const struct kcg_counters *counters, uint64_t *value);
bool kcg_counters_memory_peak(const struct kcg_counters *counters, uint64_t *value);
bool kcg_counters_memory_high(const struct kcg_counters *counters, uint64_t *value);
bool kcg_counters_memory_max(const struct kcg_counters *counters, uint64_t *value);
bool kcg_counters_memory_oom(const struct kcg_counters *counters, uint64_t *value);
bool kcg_counters_memory_oom_kill(const struct kcg_counters *counters, uint64_t *value);
/*
 * The run-delay histogram, KCG_RUN_DELAY_BUCKETS counts of waits: bucket 0
 * under 2 us, bucket i in [2^i, 2^(i+1)) us, the last one everything longer.
 */
bool kcg_counters_run_delay_hist(const struct kcg_counters *counters,
				 uint64_t hist[KCG_RUN_DELAY_BUCKETS]);

/*
 * The wait at quantile fraction (0.5 for p50, 0.99 for p99) of a run-delay
 * histogram (or of the difference of two), in ns: interpolated linearly
 * within its bucket, and the lower bound of the last, open-ended bucket.
 * false when the histogram holds no waits or fraction is outside [0, 1].
 */
bool kcg_run_delay_percentile(const uint64_t hist[KCG_RUN_DELAY_BUCKETS], double fraction,
			      uint64_t *delay_ns);

size_t kcg_stats_list_count(const struct kcg_stats_list *list);
const struct kcg_stats *kcg_stats_list_at(const struct kcg_stats_list *list, size_t index);
void kcg_stats_list_free(struct kcg_stats_list *list);

/* One group's stats, to be freed with kcg_stats_free(). */
int kcg_stats_get(struct kcg *handle, const char *name, struct kcg_stats **out);
/*
 * The stats of every group the caller may see, or of name (non-NULL) and
 * the groups below it, in the module's order. Retried like kcg_group_dump().
 */
int kcg_stats_dump(struct kcg *handle, const char *name, struct kcg_stats_list **out);

/*
 * Events: a handle subscribes once, on a socket of its own; events then
 * queue in the kernel socket until read. Any user may subscribe and gets
 * the events of the groups it may see (all of them for an admin), judged
 * by its credentials when it subscribes. memory-high, memory-max, oom and
 * pids-max are found by sampling counters every 100 ms while someone
 * listens, so they come up to that late and carry in count how much the
 * counter grew; the others are sent as they happen.
 *
 * Every event of the subscription takes the next seq: a gap between two
 * seqs is the number of events lost (this socket's buffer overflowed, or
 * the module could not allocate an event; such an event counts as lost for
 * every subscriber, whose group it was or not).
 */
struct kcg_event;

/* Subscribe on a socket of its own. -EMFILE (too many per user), -EIO. */
int kcg_events_open(struct kcg *handle);
/*
 * The next event into *out (freed with kcg_event_free()), waiting up to
 * timeout_ms (-1: forever). -EAGAIN on timeout, -EINTR when a signal
 * interrupted the wait, -EINVAL before kcg_events_open(), -EPROTO for a
 * message that is not a well-formed event.
 */
int kcg_event_next(struct kcg *handle, struct kcg_event **out, int timeout_ms);
/* The events socket, for poll() with other files; -1 before kcg_events_open(). */
int kcg_events_fd(const struct kcg *handle);
void kcg_event_free(struct kcg_event *event);

/* KCG_EVENT_TYPE_*; kcg_event_type_name() gives "created", "oom-kill", ... */
uint32_t kcg_event_type(const struct kcg_event *event);
const char *kcg_event_type_name(uint32_t type);	/* NULL for an unknown type */
uint64_t kcg_event_seq(const struct kcg_event *event);
/* CLOCK_MONOTONIC nanoseconds when the module saw (or sampled) it. */
uint64_t kcg_event_timestamp_ns(const struct kcg_event *event);
uint64_t kcg_event_group_id(const struct kcg_event *event);
/* The group's full name; never NULL ("" if the module sent none). */
const char *kcg_event_group_name(const struct kcg_event *event);
/* Optional fields: true and the value when the event carries them. */
bool kcg_event_pid(const struct kcg_event *event, pid_t *pid);	/* oom-kill, task-exit */
const char *kcg_event_comm(const struct kcg_event *event);		/* NULL when absent */
bool kcg_event_exit_code(const struct kcg_event *event, uint32_t *code); /* task-exit */
bool kcg_event_signal(const struct kcg_event *event, uint32_t *signal);  /* task-exit */
bool kcg_event_count(const struct kcg_event *event, uint64_t *count);	/* sampled types */
/*
 * oom-kill: the group whose memory limit was hit (the victim's or one
 * above), with its id into *id when id is not NULL; NULL when absent (a
 * system OOM, not a group, or not visible to the subscriber).
 */
const char *kcg_event_limit_group(const struct kcg_event *event, uint64_t *id);

#endif /* LIBKCG_H */
