/* SPDX-License-Identifier: GPL-2.0 */
/* Declarations shared between the files of the kcg module. */
#ifndef _KCG_H
#define _KCG_H

#include <linux/cgroup.h>
#include <linux/hashtable.h>
#include <linux/mutex.h>
#include <net/genetlink.h>
#include <linux/types.h>
#include <linux/uidgid.h>
#include <linux/xarray.h>
#include <linux/kcg.h>

#define KCG_MODULE_VERSION "0.1.0"
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
 * kcg_groups (RCU reads, for the accounting hot path) and by name in a hash
 * (control path, under kcg_lock). Freed after an RCU grace period.
 */
struct kcg_group {
	u64 id;				/* id of the backing cgroup */
	struct cgroup *cgrp;		/* referenced */
	struct kcg_group *parent;	/* NULL for top-level and adopted groups */
	char *name;			/* full name, "tenant-a/web" */
	char *path;			/* cgroup path from the mount root */
	kuid_t owner;			/* INVALID_UID: only admins manage it */
	u32 flags;			/* KCG_GROUP_FLAG_ADOPTED */
	unsigned int nr_children;
	struct list_head children;	/* under kcg_lock */
	struct list_head sibling;
	struct kcg_stats __percpu *stats;
	struct kcg_sampled sampled;	/* written by events.c's sampler alone */
	bool sampled_once;
	struct hlist_node name_node;
	struct rcu_head rcu;
};

/* Who sent a request, as far as permissions go. */
struct kcg_caller {
	kuid_t uid;
	bool admin;			/* CAP_SYS_ADMIN in the initial user namespace */
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
extern unsigned int kcg_generation;

struct kcg_group *kcg_group_find(const char *name);
struct kcg_group *kcg_group_find_id(u64 id);
struct kcg_group *kcg_group_register(const char *name, struct kcg_group *parent,
				     const char *path, kuid_t owner, u32 flags);
void kcg_group_unregister(struct kcg_group *group);
bool kcg_group_below(const struct kcg_group *group, const struct kcg_group *top);
bool kcg_may_see(const struct kcg_caller *caller, const struct kcg_group *group);
bool kcg_may_manage(const struct kcg_caller *caller, const struct kcg_group *group);
int kcg_group_set_owner(struct kcg_group *group, kuid_t owner);
int kcg_adopted_save(void);
int __init kcg_registry_load(void);
void kcg_registry_exit(void);

/* cgroup.c */
int __init kcg_cgroup_init(void);
void kcg_cgroup_exit(void);
int kcg_cg_write(const char *dir, const char *name, const char *buf);
ssize_t kcg_cg_read(const char *dir, const char *name, char *buf, size_t size);
int kcg_cg_mkdir(const char *dir, const char *name);
int kcg_cg_rmdir(const char *dir, const char *name);
struct cgroup *kcg_cg_get(const char *dir);
int kcg_cg_setxattr(const char *dir, const char *name, const void *value, size_t size);
ssize_t kcg_cg_getxattr(const char *dir, const char *name, void *value, size_t size);
typedef int (*kcg_child_fn)(const char *name, void *arg);
int kcg_cg_walk_children(const char *dir, kcg_child_fn fn, void *arg);
int kcg_cg_enable_controllers(const char *dir);
void kcg_cg_disable_controllers(const char *dir);

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
int __init kcg_events_init(void);
void kcg_events_stop(void);
void kcg_events_exit(void);
void kcg_event_group(u32 type, const struct kcg_group *group);
void kcg_event_exit(const struct kcg_group *group, struct task_struct *task);
void kcg_probe_populated(void *data, struct cgroup *cgrp, const char *path, int val);
void kcg_probe_frozen(void *data, struct cgroup *cgrp, const char *path, int val);
void kcg_probe_oom_victim(void *data, struct task_struct *task, uid_t uid);
int kcg_event_subscribe_doit(struct sk_buff *skb, struct genl_info *info);

/* netlink.c: the family and what its ops share */
extern struct genl_family kcg_family;
int __init kcg_netlink_init(void);
void kcg_netlink_exit(void);
void kcg_caller_init(struct kcg_caller *caller, const struct sk_buff *skb);
int kcg_name_check(const char *name, const struct nlattr *attr,
		   struct netlink_ext_ack *extack);
struct kcg_group *kcg_request_group(struct genl_info *info,
				    const struct kcg_caller *caller);
struct kcg_group *kcg_request_managed(struct genl_info *info,
				      const struct kcg_caller *caller);
typedef int (*kcg_fill_fn)(struct sk_buff *skb, struct kcg_group *group, u32 portid,
			   u32 seq, int flags, struct netlink_callback *cb);
int kcg_dump_groups(struct sk_buff *skb, struct netlink_callback *cb,
		    const struct nlattr *top_attr, bool include_top, kcg_fill_fn fill);

/* nl_group.c */
int kcg_group_new_doit(struct sk_buff *skb, struct genl_info *info);
int kcg_group_get_doit(struct sk_buff *skb, struct genl_info *info);
int kcg_group_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);
int kcg_group_set_doit(struct sk_buff *skb, struct genl_info *info);
int kcg_group_del_doit(struct sk_buff *skb, struct genl_info *info);
int kcg_group_freeze_doit(struct sk_buff *skb, struct genl_info *info);
int kcg_group_thaw_doit(struct sk_buff *skb, struct genl_info *info);
int kcg_group_kill_doit(struct sk_buff *skb, struct genl_info *info);
int kcg_task_attach_doit(struct sk_buff *skb, struct genl_info *info);
int kcg_group_adopt_doit(struct sk_buff *skb, struct genl_info *info);

/* nl_stats.c */
void kcg_tasks_check(void);
bool kcg_pids_read(struct cgroup *cgrp, s64 *tasks, s64 *refused);
int kcg_stats_get_doit(struct sk_buff *skb, struct genl_info *info);
int kcg_stats_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb);

#endif /* _KCG_H */
