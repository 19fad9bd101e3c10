/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/*
 * kcg: container groups over generic netlink.
 *
 * This header and docs/netlink/kcg.yaml describe the same protocol and must
 * agree exactly (tests/spec-check enforces it). The YAML spec carries the
 * documentation of every attribute and op; this comment is the overview.
 *
 * Family "kcg", version KCG_FAMILY_VERSION. Attributes start at 1. Every op
 * has its own strict policy: unknown attributes are rejected.
 *
 * The requester is the socket's opener. A group it may not see is ENOENT,
 * exactly like a name nobody uses.
 *
 * A group is named by its full path below the module's root, levels joined
 * by '/' ("tenant-a/web"); each level matches [A-Za-z0-9_.-]{1,63} and is
 * not "." or "..". A group's id is the id of its backing cgroup.
 * Sizes and counters are u64; KCG_LIMIT_MAX means "max" (no limit).
 *
 * KCG_CMD_VERSION_GET	do	-> KCG_A_VERSION_{MODULE,PROTOCOL,FEATURES}
 *
 * KCG_CMD_GROUP_NEW	do	NAME, [OWNER], [LIMITS]	-> group
 *	Creates the cgroup and applies the limits; on any failure nothing
 *	remains. OWNER and top-level groups need CAP_SYS_ADMIN. Ops that change
 *	a group reply with it ("-> group") only under NLM_F_ECHO.
 * KCG_CMD_GROUP_GET	do	NAME | ID		-> group
 *			dump	[PARENT]		-> groups below PARENT
 *	A group reply: ID, NAME, [PARENT], OWNER, FLAGS, CGROUP_PATH,
 *	LIMITS { CPU_MAX_QUOTA, CPU_MAX_PERIOD, CPU_WEIGHT, MEMORY_MAX,
 *	MEMORY_HIGH, MEMORY_LOW, PIDS_MAX, CPUSET_CPUS, IO_MAX*, MEMORY_MIN,
 *	MEMORY_SWAP_MAX, CPUSET_MEMS, IO_WEIGHT, CPU_IDLE }. A limit whose
 *	controller file the group lacks (controller not enabled, kernel
 *	without it) is EOPNOTSUPP in a request and absent in a reply.
 *	Dumps show only what the caller may see; a concurrent change sets
 *	NLM_F_DUMP_INTR on the next message.
 * KCG_CMD_GROUP_SET	do	NAME, LIMITS		-> group
 * KCG_CMD_GROUP_DEL	do	NAME, [FORCE]
 *	EBUSY while tasks remain, unless FORCE: kill them and wait.
 * KCG_CMD_GROUP_FREEZE, KCG_CMD_GROUP_THAW	do	NAME
 * KCG_CMD_GROUP_KILL	do	NAME, [SIGNAL]	(default SIGKILL)
 *	Other signals are sent with the requester's own rights.
 * KCG_CMD_TASK_ATTACH	do	NAME, PID+	(pids in the caller's namespace)
 * KCG_CMD_GROUP_ADOPT	do	CGROUP_PATH, NAME	-> group
 *	Accounts an existing cgroup; it is never written to or removed.
 *
 * KCG_CMD_STATS_GET	do	NAME			-> stats
 *			dump	[PARENT]		-> stats of groups below PARENT
 *	A stats reply: ID, NAME, [PARENT], TIMESTAMP, OWN { counters },
 *	TOTAL { counters }. OWN counts the group's own tasks; TOTAL adds every
 *	group below it, summed when read. Counters are u64 and monotonic
 *	(TASKS and MEMORY_CURRENT are levels); an absent counter is one the
 *	kernel could not give for that group, never a made-up zero. Memory
 *	figures are the cgroup's own memcg figures, which include its
 *	subtree, in both nests. RUN_DELAY_HIST is a multi-attr list of
 *	KCG_RUN_DELAY_BUCKETS u64s: bucket 0 counts waits under 2 us, bucket
 *	i waits in [2^i, 2^(i+1)) us, and the last one everything longer.
 *
 * KCG_CMD_EVENT		notification
 *	TYPE, SEQ, TIMESTAMP, GROUP_ID, GROUP_NAME, [PID, COMM, EXIT_CODE,
 *	SIGNAL, COUNT, LIMIT_GROUP_ID, LIMIT_GROUP_NAME]. An OOM_KILL of a
 *	memory cgroup OOM names in LIMIT_GROUP_* the group whose limit was
 *	hit (whose memory.events.local oom rose), when the listener may see
 *	it: the victim's group or one above. Two ways to get them; in both, a gap in SEQ tells a
 *	listener how many events it lost. Events wait to be sent in a ring of
 *	1024 records, of which one owner's groups may hold a quarter; an event
 *	that finds no record is lost, for every listener.
 *	- The "events" multicast group: every group's events, so joining
 *	  needs CAP_SYS_ADMIN; initial network namespace only. SEQ counts
 *	  every event the module produced; PID is in the initial pid namespace.
 *	- KCG_CMD_EVENT_SUBSCRIBE: the requesting socket itself (not its
 *	  portid) gets, queued onto it, the events of the groups its sender
 *	  could see (as for a dump) when it subscribed, until it closes. Any
 *	  user, any network namespace. SEQ counts the events of this
 *	  subscription; PID is in the sender's pid namespace, absent where the
 *	  process has none. A full socket drops the message (no ENOBUFS).
 * KCG_CMD_EVENT_SUBSCRIBE	do	(no attributes)
 *	EMFILE past 128 subscriptions per user; subscribing twice on one
 *	socket is a no-op.
 */
#ifndef _UAPI_LINUX_KCG_H
#define _UAPI_LINUX_KCG_H

#define KCG_FAMILY_NAME		"kcg"
#define KCG_FAMILY_VERSION	1
#define KCG_MCGRP_EVENTS	"events"

#define KCG_NAME_LEVEL_MAX	63
#define KCG_NAME_MAX		255
#define KCG_LIMIT_MAX		18446744073709551615ULL
#define KCG_RUN_DELAY_BUCKETS	24

enum kcg_feature {
	KCG_FEATURE_VERSION = 1,
	KCG_FEATURE_GROUPS = 2,
	KCG_FEATURE_STATS = 4,
	KCG_FEATURE_EVENTS = 8,
};

enum kcg_event_type {
	KCG_EVENT_TYPE_CREATED = 1,
	KCG_EVENT_TYPE_DESTROYED,
	KCG_EVENT_TYPE_SET,
	KCG_EVENT_TYPE_FROZEN,
	KCG_EVENT_TYPE_THAWED,
	KCG_EVENT_TYPE_POPULATED,
	KCG_EVENT_TYPE_EMPTY,
	KCG_EVENT_TYPE_MEMORY_HIGH,
	KCG_EVENT_TYPE_MEMORY_MAX,
	KCG_EVENT_TYPE_OOM,
	KCG_EVENT_TYPE_OOM_KILL,
	KCG_EVENT_TYPE_PIDS_MAX,
	KCG_EVENT_TYPE_TASK_EXIT,
};

enum kcg_group_flag {
	KCG_GROUP_FLAG_ADOPTED = 1,
	KCG_GROUP_FLAG_FROZEN = 2,
	KCG_GROUP_FLAG_POPULATED = 4,
};

enum {
	KCG_A_VERSION_MODULE = 1,
	KCG_A_VERSION_PROTOCOL,
	KCG_A_VERSION_FEATURES,
	KCG_A_VERSION_PAD,

	__KCG_A_VERSION_MAX,
	KCG_A_VERSION_MAX = (__KCG_A_VERSION_MAX - 1)
};

enum {
	KCG_A_IO_MAX_MAJOR = 1,
	KCG_A_IO_MAX_MINOR,
	KCG_A_IO_MAX_RBPS,
	KCG_A_IO_MAX_WBPS,
	KCG_A_IO_MAX_RIOPS,
	KCG_A_IO_MAX_WIOPS,
	KCG_A_IO_MAX_PAD,

	__KCG_A_IO_MAX_MAX,
	KCG_A_IO_MAX_MAX = (__KCG_A_IO_MAX_MAX - 1)
};

enum {
	KCG_A_LIMITS_CPU_MAX_QUOTA = 1,
	KCG_A_LIMITS_CPU_MAX_PERIOD,
	KCG_A_LIMITS_CPU_WEIGHT,
	KCG_A_LIMITS_MEMORY_MAX,
	KCG_A_LIMITS_MEMORY_HIGH,
	KCG_A_LIMITS_MEMORY_LOW,
	KCG_A_LIMITS_PIDS_MAX,
	KCG_A_LIMITS_CPUSET_CPUS,
	KCG_A_LIMITS_IO_MAX,
	KCG_A_LIMITS_PAD,
	KCG_A_LIMITS_MEMORY_MIN,
	KCG_A_LIMITS_MEMORY_SWAP_MAX,
	KCG_A_LIMITS_CPUSET_MEMS,
	KCG_A_LIMITS_IO_WEIGHT,
	KCG_A_LIMITS_CPU_IDLE,

	__KCG_A_LIMITS_MAX,
	KCG_A_LIMITS_MAX = (__KCG_A_LIMITS_MAX - 1)
};

enum {
	KCG_A_GROUP_ID = 1,
	KCG_A_GROUP_NAME,
	KCG_A_GROUP_PARENT,
	KCG_A_GROUP_OWNER,
	KCG_A_GROUP_FLAGS,
	KCG_A_GROUP_CGROUP_PATH,
	KCG_A_GROUP_LIMITS,
	KCG_A_GROUP_FORCE,
	KCG_A_GROUP_PID,
	KCG_A_GROUP_SIGNAL,
	KCG_A_GROUP_PAD,

	__KCG_A_GROUP_MAX,
	KCG_A_GROUP_MAX = (__KCG_A_GROUP_MAX - 1)
};

enum {
	KCG_A_COUNTERS_CPU_NS = 1,
	KCG_A_COUNTERS_RUN_DELAY_NS,
	KCG_A_COUNTERS_RUN_DELAY_HIST,
	KCG_A_COUNTERS_NVCSW,
	KCG_A_COUNTERS_NIVCSW,
	KCG_A_COUNTERS_WAKEUPS,
	KCG_A_COUNTERS_MIGRATIONS,
	KCG_A_COUNTERS_FORKS,
	KCG_A_COUNTERS_EXITS,
	KCG_A_COUNTERS_TASKS,
	KCG_A_COUNTERS_MEMORY_CURRENT,
	KCG_A_COUNTERS_MEMORY_PEAK,
	KCG_A_COUNTERS_MEMORY_HIGH,
	KCG_A_COUNTERS_MEMORY_MAX,
	KCG_A_COUNTERS_MEMORY_OOM,
	KCG_A_COUNTERS_MEMORY_OOM_KILL,
	KCG_A_COUNTERS_PAD,

	__KCG_A_COUNTERS_MAX,
	KCG_A_COUNTERS_MAX = (__KCG_A_COUNTERS_MAX - 1)
};

enum {
	KCG_A_STATS_ID = 1,
	KCG_A_STATS_NAME,
	KCG_A_STATS_PARENT,
	KCG_A_STATS_TIMESTAMP,
	KCG_A_STATS_OWN,
	KCG_A_STATS_TOTAL,
	KCG_A_STATS_PAD,

	__KCG_A_STATS_MAX,
	KCG_A_STATS_MAX = (__KCG_A_STATS_MAX - 1)
};

enum {
	KCG_A_EVENT_TYPE = 1,
	KCG_A_EVENT_SEQ,
	KCG_A_EVENT_TIMESTAMP,
	KCG_A_EVENT_GROUP_ID,
	KCG_A_EVENT_GROUP_NAME,
	KCG_A_EVENT_PID,
	KCG_A_EVENT_COMM,
	KCG_A_EVENT_EXIT_CODE,
	KCG_A_EVENT_SIGNAL,
	KCG_A_EVENT_COUNT,
	KCG_A_EVENT_PAD,
	KCG_A_EVENT_LIMIT_GROUP_ID,
	KCG_A_EVENT_LIMIT_GROUP_NAME,

	__KCG_A_EVENT_MAX,
	KCG_A_EVENT_MAX = (__KCG_A_EVENT_MAX - 1)
};

enum {
	KCG_CMD_VERSION_GET = 1,
	KCG_CMD_GROUP_NEW,
	KCG_CMD_GROUP_GET,
	KCG_CMD_GROUP_SET,
	KCG_CMD_GROUP_DEL,
	KCG_CMD_GROUP_FREEZE,
	KCG_CMD_GROUP_THAW,
	KCG_CMD_GROUP_KILL,
	KCG_CMD_TASK_ATTACH,
	KCG_CMD_GROUP_ADOPT,
	KCG_CMD_STATS_GET,
	KCG_CMD_EVENT,
	KCG_CMD_EVENT_SUBSCRIBE,

	__KCG_CMD_MAX,
	KCG_CMD_MAX = (__KCG_CMD_MAX - 1)
};

#endif /* _UAPI_LINUX_KCG_H */
