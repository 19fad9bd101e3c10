// SPDX-License-Identifier: GPL-2.0
/*
 * The stats op: every visible group's counters in one binary dump. CPU and
 * scheduler figures are the probes' per-CPU counters, summed when read;
 * memory figures come straight from the memcg's page and event counters;
 * the task count from the pids controller's counter. No text is parsed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/memcontrol.h>
#include <linux/timekeeping.h>
#include <net/genetlink.h>

#include "compat.h"
#include "kcg.h"

struct kcg_memory {
	u64 current_bytes, peak_bytes, high, max, oom, oom_kill;
};

/* The pids.current mirror of kcg_pids_css is right (see kcg_tasks_check()). */
static bool kcg_tasks_ok;

/* Memory figures of the group's own memcg; false if it has none. */
static bool kcg_memory_read(struct kcg_group *group, struct kcg_memory *mem)
{
	struct cgroup_subsys_state *css;
	struct mem_cgroup *memcg;

	css = cgroup_get_e_css(group->cgrp, &memory_cgrp_subsys);
	if (!css)
		return false;
	/* An ancestor's memcg (controller off here) is not this group's. */
	if (css->cgroup != group->cgrp) {
		css_put(css);
		return false;
	}
	memcg = mem_cgroup_from_css(css);
	mem->current_bytes = (u64)page_counter_read(&memcg->memory) * PAGE_SIZE;
	mem->peak_bytes = (u64)READ_ONCE(memcg->memory.watermark) * PAGE_SIZE;
	mem->high = atomic_long_read(&memcg->memory_events[MEMCG_HIGH]);
	mem->max = atomic_long_read(&memcg->memory_events[MEMCG_MAX]);
	mem->oom = atomic_long_read(&memcg->memory_events[MEMCG_OOM]);
	mem->oom_kill = atomic_long_read(&memcg->memory_events[MEMCG_OOM_KILL]);
	css_put(css);
	return true;
}

/* pids.current of a cgroup (its whole subtree), or -1 without the controller. */
static s64 kcg_pids_current(struct cgroup *cgrp)
{
	s64 tasks, refused;

	return kcg_pids_read(cgrp, &tasks, &refused) ? tasks : -1;
}

/* Check once that the counter read above is the one pids.current prints. */
void kcg_tasks_check(void)
{
	char buf[32];
	int tries;
	s64 file;

	/* Tasks may fork in between; three equal readings in a row will do. */
	for (tries = 0; tries < 3 && !kcg_tasks_ok; tries++) {
		if (kcg_cg_read(&kcg_root_dir, "pids.current", buf, sizeof(buf)) <= 0 ||
		    kstrtos64(strim(buf), 10, &file))
			break;
		kcg_tasks_ok = file == kcg_pids_current(kcg_root_cgrp);
	}
	if (!kcg_tasks_ok)
		pr_warn("pids counter layout not recognised: task counts will be absent\n");
}

static int kcg_put_u64(struct sk_buff *skb, int type, u64 value)
{
	return nla_put_u64_64bit(skb, type, value, KCG_A_COUNTERS_PAD);
}

static int kcg_counters_put(struct sk_buff *skb, int type, const struct kcg_stats *s,
			    const struct kcg_memory *mem, s64 tasks)
{
	struct nlattr *nest = nla_nest_start(skb, type);
	int i;

	if (!nest ||
	    kcg_put_u64(skb, KCG_A_COUNTERS_CPU_NS, s->cpu_ns) ||
	    kcg_put_u64(skb, KCG_A_COUNTERS_RUN_DELAY_NS, s->run_delay_ns) ||
	    kcg_put_u64(skb, KCG_A_COUNTERS_NVCSW, s->nvcsw) ||
	    kcg_put_u64(skb, KCG_A_COUNTERS_NIVCSW, s->nivcsw) ||
	    kcg_put_u64(skb, KCG_A_COUNTERS_WAKEUPS, s->wakeups) ||
	    kcg_put_u64(skb, KCG_A_COUNTERS_MIGRATIONS, s->migrations) ||
	    kcg_put_u64(skb, KCG_A_COUNTERS_FORKS, s->forks) ||
	    kcg_put_u64(skb, KCG_A_COUNTERS_EXITS, s->exits))
		return -EMSGSIZE;
	for (i = 0; i < KCG_RUN_DELAY_BUCKETS; i++)
		if (kcg_put_u64(skb, KCG_A_COUNTERS_RUN_DELAY_HIST, s->run_delay_hist[i]))
			return -EMSGSIZE;
	if (tasks >= 0 && kcg_put_u64(skb, KCG_A_COUNTERS_TASKS, tasks))
		return -EMSGSIZE;
	if (mem &&
	    (kcg_put_u64(skb, KCG_A_COUNTERS_MEMORY_CURRENT, mem->current_bytes) ||
	     kcg_put_u64(skb, KCG_A_COUNTERS_MEMORY_PEAK, mem->peak_bytes) ||
	     kcg_put_u64(skb, KCG_A_COUNTERS_MEMORY_HIGH, mem->high) ||
	     kcg_put_u64(skb, KCG_A_COUNTERS_MEMORY_MAX, mem->max) ||
	     kcg_put_u64(skb, KCG_A_COUNTERS_MEMORY_OOM, mem->oom) ||
	     kcg_put_u64(skb, KCG_A_COUNTERS_MEMORY_OOM_KILL, mem->oom_kill)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* Add the counters of every group below group into total. */
static void kcg_stats_add_below(struct kcg_group *group, struct kcg_stats *total)
{
	struct kcg_group *pos = group;

	rcu_read_lock();
	while ((pos = kcg_subtree_next(pos, group)) != NULL)
		kcg_stats_add(pos, total);
	rcu_read_unlock();
}

static int kcg_stats_fill(struct sk_buff *skb, struct kcg_group *group,
			  const struct kcg_caller *caller, u32 portid, u32 seq, int flags,
			  struct netlink_callback *cb)
{
	struct kcg_stats own = {}, total;
	struct kcg_memory mem, *memp = NULL;
	s64 tasks = -1, own_tasks = -1;
	struct kcg_group *child;
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &kcg_family, flags, KCG_CMD_STATS_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);

	kcg_stats_add(group, &own);
	total = own;
	kcg_stats_add_below(group, &total);
	if (kcg_memory_read(group, &mem))
		memp = &mem;
	if (kcg_tasks_ok)
		tasks = kcg_pids_current(group->cgrp);
	if (tasks >= 0) {
		/* pids.current counts the subtree: take the child groups out. */
		own_tasks = tasks;
		rcu_read_lock();
		list_for_each_entry_rcu(child, &group->children, sibling)
			own_tasks -= max_t(s64, kcg_pids_current(child->cgrp), 0);
		rcu_read_unlock();
		own_tasks = max_t(s64, own_tasks, 0);
	}

	if (nla_put_u64_64bit(skb, KCG_A_STATS_ID, group->id, KCG_A_STATS_PAD) ||
	    nla_put_string(skb, KCG_A_STATS_NAME, group->name) ||
	    (group->parent && nla_put_string(skb, KCG_A_STATS_PARENT, group->parent->name)) ||
	    nla_put_u64_64bit(skb, KCG_A_STATS_TIMESTAMP, ktime_get_ns(), KCG_A_STATS_PAD) ||
	    kcg_counters_put(skb, KCG_A_STATS_OWN, &own, memp, own_tasks) ||
	    kcg_counters_put(skb, KCG_A_STATS_TOTAL, &total, memp, tasks)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

int kcg_stats_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct kcg_caller caller;
	struct kcg_group *group;
	struct sk_buff *msg;
	int err;

	kcg_caller_init(&caller, skb);
	group = kcg_request_group(info, &caller);
	if (IS_ERR(group))
		return PTR_ERR(group);
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	err = msg ? kcg_stats_fill(msg, group, &caller, info->snd_portid, info->snd_seq, 0,
				   NULL)
		  : -ENOMEM;
	kcg_group_put(group);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

int kcg_stats_get_dumpstart(struct netlink_callback *cb)
{
	return kcg_dump_start(cb, kcg_dump_attrs(cb)[KCG_A_STATS_NAME], true);
}

int kcg_stats_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	return kcg_dump_groups(skb, cb, kcg_stats_fill);
}
