/* SPDX-License-Identifier: GPL-2.0 */
/* Declarations shared between the files of the kcg module. */
#ifndef _KCG_H
#define _KCG_H

#include <linux/cgroup.h>
#include <linux/hashtable.h>
#include <linux/mutex.h>
#include <linux/path.h>
#include <linux/refcount.h>
#include <net/genetlink.h>
#include <linux/types.h>
#include <linux/uidgid.h>
#include <linux/xarray.h>
#include <linux/kcg.h>

/*
 * kcg's probes run inside the scheduler's and the cgroup core's locked
 * sections, whose rules PREEMPT_RT changes (most spinlocks sleep there);
 * kcg is built and tested for non-RT kernels only, so RT kernels (Debian's
 * -rt flavours) are refused here, and by dkms.conf before a build.
 */
#ifdef CONFIG_PREEMPT_RT
#error "kcg does not support PREEMPT_RT kernels (such as Debian's -rt flavours)"
#endif

/* KCG_MODULE_VERSION comes from the VERSION file, by Kbuild. */
#ifndef KCG_MODULE_VERSION
#error "KCG_MODULE_VERSION is not defined: build kcg.ko through its Kbuild"
#endif
#define KCG_FEATURES (KCG_FEATURE_VERSION | KCG_FEATURE_GROUPS | KCG_FEATURE_STATS | \
		      KCG_FEATURE_EVENTS)

/* Module parameter: the groups' root below the cgroup2 root, e.g. "/kcg". */
extern char *kcg_root;

/* Per-CPU counters of one group, written only by the accounting probes. */
struct kcg_stats {
	u64 cpu_ns;
	u64 run_delay_ns;
	u64 nvcsw;
	u64 nivcsw;
	u64 wakeups;
	u64 migrations;
	u64 forks;
	u64 exits;
	u64 run_delay_hist[KCG_RUN_DELAY_BUCKETS];
};

/* Counters behind memory.events and pids.events "max", as last sampled. */
struct kcg_sampled {
	u64 memory[3];		/* high, max, oom */
	u64 pids_max;
};

/*
 * A container group. Registered groups are indexed by cgroup id in
 * kcg_groups (for the accounting hot path) and by name in a hash; both are
 * read under RCU without locks. A reader that keeps a group past its RCU
 * section takes a reference (kcg_group_tryget()). Freed after the last
 * reference and an RCU grace period.
 *
 * Locks: kcg_lock guards the registry's structure (hash, xarray, children
 * lists, counts) and is only held briefly, never across cgroupfs work.
 * group->lock serializes the changes made to one group's cgroup, and a
 * parent's lock is taken before its child's (kcg_top_lock stands for the
 * parent of top-level and adopted groups; the child's is then taken with
 * SINGLE_DEPTH_NESTING for lockdep). Order: parent->lock, group->lock,
 * kcg_lock.
 */
struct kcg_group {
	u64 id;				/* id of the backing cgroup */
	struct cgroup *cgrp;		/* referenced */
	struct path dir;		/* its directory on kcg's mount, referenced */
	struct kcg_group *parent;	/* referenced; NULL for top-level and adopted */
	char *name;			/* full name, "tenant-a/web" */
	kuid_t owner;			/* INVALID_UID: only admins manage it */
	u32 flags;			/* KCG_GROUP_FLAG_ADOPTED */
	refcount_t ref;
	bool registered;		/* under kcg_lock; read locklessly */
	struct mutex lock;
	unsigned int nr_children;	/* under kcg_lock */
	unsigned int nr_descendants;	/* under kcg_lock */
	unsigned int controllers;	/* what kcg enabled below it; under lock */
	struct list_head children;	/* RCU list; changed under kcg_lock */
	struct list_head sibling;
	struct kcg_stats __percpu *stats;
	struct kcg_sampled sampled;	/* written by events.c's sampler alone */
	bool sampled_once;
	/*
	 * memory.events.local "oom" as the OOM-kill probe last saw it, to
	 * find the group whose limit an OOM kill is for.
	 */
	atomic_long_t oom_local_seen;
	struct hlist_node name_node;
	struct rcu_head rcu;
};

/* Who sent a request, as far as permissions go. */
struct kcg_caller {
	kuid_t uid;			/* euid of the socket's opener */
	bool admin;			/* netlink_capable(CAP_SYS_ADMIN): opener and sender */
	struct user_namespace *user_ns;	/* opener's: uids shown to it (not referenced) */
	struct pid_namespace *pid_ns;	/* sender's: pids shown to it (not referenced) */
	const struct cred *cred;	/* opener's, for signals (not referenced) */
};

/*
 * NL_SET_ERR_MSG*() want a literal; this takes a message picked at run time
 * (from a table or by error code), which must still be a static string.
 */
static inline void kcg_extack(struct netlink_ext_ack *extack,
			      const struct nlattr *attr, const char *msg)
{
	if (!extack)
		return;
	extack->_msg = msg;
	if (attr)
		extack->bad_attr = attr;
}

/* registry.c */
extern struct xarray kcg_groups;
extern struct mutex kcg_lock;
extern struct mutex kcg_top_lock;
extern unsigned int kcg_generation;
extern struct path kcg_root_dir;
extern struct cgroup *kcg_root_cgrp;

struct kcg_group *kcg_group_lookup(const char *name);
struct kcg_group *kcg_group_lookup_id(u64 id);
bool kcg_group_tryget(struct kcg_group *group);
void kcg_group_put(struct kcg_group *group);
struct kcg_group *kcg_group_new(const char *name, struct kcg_group *parent,
				const struct path *dir, kuid_t owner, u32 flags);
int kcg_group_register(struct kcg_group *group);
void kcg_group_unregister(struct kcg_group *group);
struct kcg_group *kcg_group_covering(struct cgroup *cgrp);
bool kcg_group_below(const struct kcg_group *group, const struct kcg_group *top);
struct kcg_group *kcg_subtree_next(struct kcg_group *pos, struct kcg_group *top);
bool kcg_may_see(const struct kcg_caller *caller, const struct kcg_group *group);
bool kcg_may_manage(const struct kcg_caller *caller, const struct kcg_group *group);
struct kcg_group *kcg_owner_top(const struct kcg_group *group, kuid_t uid);
int kcg_group_set_owner(struct kcg_group *group, kuid_t owner);
int kcg_adopted_save(void);
void kcg_stale_check(struct cgroup *cgrp);
int __init kcg_registry_load(void);
void kcg_registry_exit(void);

/* cgroup.c */
struct kcg_dir_name {
	struct list_head node;
	char name[];
};

int __init kcg_cgroup_init(void);
void kcg_cgroup_exit(void);
int kcg_cg_open_dir(const struct path *from, const char *name, struct path *dir);
int kcg_cg_write(const struct path *dir, const char *name, const char *buf);
ssize_t kcg_cg_read(const struct path *dir, const char *name, char *buf, size_t size);
int kcg_cg_mkdir(const struct path *parent, const char *name, struct path *child);
int kcg_cg_rmdir(const struct path *parent, const struct path *child);
struct cgroup *kcg_cg_of(const struct path *dir);
int kcg_cg_setxattr(const struct path *dir, const char *name, const void *value, size_t size);
ssize_t kcg_cg_getxattr(const struct path *dir, const char *name, void *value, size_t size);
int kcg_cg_list_dirs(const struct path *dir, struct list_head *names);
void kcg_cg_free_names(struct list_head *names);
int kcg_call_in_init_ns(int (*fn)(void *arg), void *arg);
int kcg_cg_enable_controllers(const struct path *dir);
unsigned int kcg_cg_enabled_controllers(const struct path *dir);
void kcg_cg_disable_controllers(const struct path *dir, unsigned int mask);
bool kcg_pids_read(struct cgroup *cgrp, s64 *tasks, s64 *refused);

/* limits.c */
int kcg_limits_apply(struct kcg_group *group, const struct nlattr *limits,
		     struct netlink_ext_ack *extack);
int kcg_limits_fill(struct sk_buff *skb, struct kcg_group *group);
extern const struct nla_policy kcg_limits_policy[KCG_A_LIMITS_MAX + 1];

/* probes.c */
int __init kcg_probes_init(void);
void kcg_probes_exit(void);
void kcg_stats_add(const struct kcg_group *group, struct kcg_stats *out);

/* events.c */
/* An event names at most this many owners (nearest first) who may see it. */
#define KCG_EVENT_OWNERS 8
int __init kcg_events_init(void);
void __init kcg_events_start(void);
void kcg_events_stop(void);
void kcg_events_exit(void);
void kcg_event_group(u32 type, const struct kcg_group *group);
void kcg_event_exit(const struct kcg_group *group, struct task_struct *task);
void kcg_probe_populated(void *data, struct cgroup *cgrp, const char *path, int val);
void kcg_probe_frozen(void *data, struct cgroup *cgrp, const char *path, int val);
void kcg_probe_rmdir(void *data, struct cgroup *cgrp, const char *path);
void kcg_probe_oom_victim(void *data, struct task_struct *task, uid_t uid);
int kcg_event_subscribe_doit(struct sk_buff *skb, struct genl_info *info);

/* netlink.c: the family */
extern struct genl_family kcg_family;
int __init kcg_netlink_init(void);
void kcg_netlink_exit(void);

/* request.c: what the family's ops share */
void kcg_caller_init(struct kcg_caller *caller, const struct sk_buff *skb);
int kcg_name_check(const char *name, const struct nlattr *attr,
		   struct netlink_ext_ack *extack);
struct kcg_group *kcg_request_group(struct genl_info *info,
				    const struct kcg_caller *caller);
struct kcg_group *kcg_request_managed(struct genl_info *info,
				      const struct kcg_caller *caller);
int kcg_group_lock(struct kcg_group *group, struct genl_info *info, unsigned int subclass);
typedef int (*kcg_fill_fn)(struct sk_buff *skb, struct kcg_group *group,
			   const struct kcg_caller *caller, u32 portid, u32 seq, int flags,
			   struct netlink_callback *cb);
int kcg_dump_start(struct netlink_callback *cb, const struct nlattr *top_attr,
		   bool include_top);
int kcg_dump_done(struct netlink_callback *cb);
int kcg_dump_groups(struct sk_buff *skb, struct netlink_callback *cb, kcg_fill_fn fill);

/* nl_group.c */
int kcg_group_new_doit(struct sk_buff *skb, struct genl_info *info);
int kcg_group_get_doit(struct sk_buff *skb, struct genl_info *info);
int kcg_group_get_dumpstart(struct netlink_callback *cb);
int kcg_group_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int kcg_group_set_doit(struct sk_buff *skb, struct genl_info *info);
int kcg_group_del_doit(struct sk_buff *skb, struct genl_info *info);
int kcg_group_freeze_doit(struct sk_buff *skb, struct genl_info *info);
int kcg_group_thaw_doit(struct sk_buff *skb, struct genl_info *info);
int kcg_group_adopt_doit(struct sk_buff *skb, struct genl_info *info);

/* nl_task.c */
int kcg_group_kill_doit(struct sk_buff *skb, struct genl_info *info);
int kcg_task_attach_doit(struct sk_buff *skb, struct genl_info *info);

/* nl_stats.c */
void kcg_tasks_check(void);
int kcg_stats_get_doit(struct sk_buff *skb, struct genl_info *info);
int kcg_stats_get_dumpstart(struct netlink_callback *cb);
int kcg_stats_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);

#endif /* _KCG_H */
