// SPDX-License-Identifier: GPL-2.0
/*
 * The ops on a group's processes: kill (signal the subtree's processes) and
 * attach (move processes in). Both act with the requester's own rights over
 * each process, never with the module's.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cred.h>
#include <linux/pid.h>
#include <linux/sched/signal.h>
#include <net/genetlink.h>

#include "kcg.h"

/*
 * Send sig to every process whose cgroup is the group's or below it at
 * this moment, as the requester: the kill(2) permission rules and the LSM
 * hooks apply to each. Processes are walked under RCU, so no list can be
 * cut short and no pid can be reused under the walk. Returns how many
 * processes got it; *refused counts those the requester may not signal.
 */
static unsigned int kcg_signal_subtree(struct kcg_group *group, int sig,
				       const struct kcg_caller *caller,
				       unsigned int *refused)
{
	const struct cred *old = override_creds(caller->cred);
	unsigned int sent = 0;
	struct task_struct *p;

	*refused = 0;
	rcu_read_lock();
	for_each_process(p) {
		if (!cgroup_is_descendant(task_dfl_cgroup(p), group->cgrp))
			continue;
		if (!kill_pid(task_tgid(p), sig, 0))
			sent++;
		else
			(*refused)++;
	}
	rcu_read_unlock();
	revert_creds(old);
	return sent;
}

int kcg_group_kill_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *sig_attr = info->attrs[KCG_A_GROUP_SIGNAL];
	int sig = sig_attr ? nla_get_u32(sig_attr) : SIGKILL;
	unsigned int refused;
	struct kcg_caller caller;
	struct kcg_group *group;
	int err = 0;

	kcg_caller_init(&caller, skb);
	group = kcg_request_managed(info, &caller);
	if (IS_ERR(group))
		return PTR_ERR(group);
	if (sig == SIGKILL) {
		/* cgroup.kill leaves no task behind, forking or not. */
		err = kcg_group_lock(group, info, 0);
		if (!err) {
			err = kcg_cg_write(&group->dir, "cgroup.kill", "1");
			mutex_unlock(&group->lock);
			if (err)
				NL_SET_ERR_MSG(info->extack,
					       "cgroup.kill: the kernel refused the write");
		}
	} else if (!kcg_signal_subtree(group, sig, &caller, &refused) && refused) {
		NL_SET_ERR_MSG_ATTR(info->extack, sig_attr,
				    "not allowed to signal the group's processes");
		err = -EPERM;
	}
	kcg_group_put(group);
	return err;
}

/* One process to move, and who asks. */
struct kcg_attach {
	struct kcg_group *group;
	struct pid *pid;		/* referenced */
	const struct kcg_caller *caller;
	const char *msg;		/* why not, when refused */
};

/*
 * May the caller move this process into the group? Admins may move any.
 * An owner may move a process every thread of which it could signal, from
 * a group of its own subtree or from outside the kcg root (its login
 * session), but never out of a kcg group it does not manage, an adopted
 * group, or a frozen cgroup: that would let it escape or steal from limits
 * it does not own. See docs/security.md.
 */
static int kcg_attach_check(struct kcg_attach *req)
{
	const struct kcg_caller *caller = req->caller;
	struct task_struct *leader, *t;
	struct kcg_group *holder;
	const struct cred *old;
	struct cgroup *src;
	int err = 0;

	rcu_read_lock();
	leader = pid_task(req->pid, PIDTYPE_PID);
	if (!leader || (leader->flags & PF_EXITING)) {
		req->msg = "no such process";
		err = -ESRCH;
		goto unlock;
	}
	leader = leader->group_leader;
	if (caller->admin)
		goto unlock;
	src = task_dfl_cgroup(leader);
	holder = kcg_group_covering(src);
	if (cgroup_is_descendant(src, kcg_root_cgrp) ?
	    !holder || !kcg_may_see(caller, holder) :
	    holder && (holder->flags & KCG_GROUP_FLAG_ADOPTED)) {
		req->msg = "the process is in a group outside your subtree";
		err = -EPERM;
		goto unlock;
	}
	if (READ_ONCE(src->freezer.e_freeze) || test_bit(CGRP_FROZEN, &src->flags)) {
		req->msg = "the process is in a frozen cgroup";
		err = -EPERM;
		goto unlock;
	}
	/* As kill(tid, 0) for each thread: one thread of another uid is enough. */
	old = override_creds(caller->cred);
	for_each_thread(leader, t) {
		if (kill_pid(task_pid(t), 0, 0)) {
			req->msg = "not allowed to move a process you could not signal";
			err = -EPERM;
			break;
		}
	}
	revert_creds(old);
unlock:
	rcu_read_unlock();
	return err;
}

/*
 * In a worker, in the initial namespaces: check again and move the process
 * by its global pid, which the pinned struct pid keeps from meaning
 * another process until it exits.
 */
static int kcg_attach_one(void *arg)
{
	struct kcg_attach *req = arg;
	char buf[16];
	int err;

	err = kcg_attach_check(req);
	if (err)
		return err;
	snprintf(buf, sizeof(buf), "%d", pid_nr(req->pid));
	err = kcg_cg_write(&req->group->dir, "cgroup.procs", buf);
	if (err)
		req->msg = err == -EBUSY ? "a group with child groups holds no tasks" :
			   err == -ESRCH ? "no such process" :
			   "the kernel refused to move the process";
	return err;
}

/* For each PID attribute in the request: fn, until one fails. */
static int kcg_attach_each(struct genl_info *info, struct kcg_attach *req,
			   int (*fn)(struct kcg_attach *req))
{
	struct nlattr *attr;
	int err, rem;

	nlmsg_for_each_attr(attr, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(attr) != KCG_A_GROUP_PID)
			continue;
		/* Pids are in the requester's pid namespace. */
		req->pid = find_get_pid(nla_get_u32(attr));
		if (!req->pid) {
			req->msg = "no such process";
			err = -ESRCH;
		} else {
			err = fn(req);
			put_pid(req->pid);
		}
		if (err) {
			kcg_extack(info->extack, attr, req->msg);
			return err;
		}
	}
	return 0;
}

static int kcg_attach_move(struct kcg_attach *req)
{
	return kcg_call_in_init_ns(kcg_attach_one, req);
}

int kcg_task_attach_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct kcg_attach req = {};
	struct kcg_caller caller;
	int err;

	kcg_caller_init(&caller, skb);
	if (GENL_REQ_ATTR_CHECK(info, KCG_A_GROUP_PID))
		return -EINVAL;
	req.caller = &caller;
	req.group = kcg_request_group(info, &caller);
	if (IS_ERR(req.group))
		return PTR_ERR(req.group);
	if (req.group->flags & KCG_GROUP_FLAG_ADOPTED) {
		NL_SET_ERR_MSG(info->extack, "an adopted group is only accounted, never changed");
		err = -EPERM;
		goto put;
	}
	/* Check every process before moving any; each is checked again as it moves. */
	err = kcg_attach_each(info, &req, kcg_attach_check);
	if (!err)
		err = kcg_group_lock(req.group, info, 0);
	if (!err) {
		err = kcg_attach_each(info, &req, kcg_attach_move);
		mutex_unlock(&req.group->lock);
	}
put:
	kcg_group_put(req.group);
	return err;
}
