// SPDX-License-Identifier: GPL-2.0
/*
 * The group ops of the kcg family: create, get and dump, set, delete,
 * freeze and thaw, kill, attach and adopt. Registry and cgroup work is done
 * under kcg_lock; every failure carries an extack message.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cred.h>
#include <linux/delay.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <net/genetlink.h>

#include "compat.h"
#include "kcg.h"

static u32 kcg_group_state(const struct kcg_group *group)
{
	u32 flags = group->flags;

	if (test_bit(CGRP_FROZEN, &group->cgrp->flags))
		flags |= KCG_GROUP_FLAG_FROZEN;
	if (cgroup_is_populated(group->cgrp))
		flags |= KCG_GROUP_FLAG_POPULATED;
	return flags;
}

static int kcg_group_fill(struct sk_buff *skb, struct kcg_group *group, u32 portid,
			  u32 seq, int flags, struct netlink_callback *cb)
{
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &kcg_family, flags, KCG_CMD_GROUP_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);
	if (nla_put_u64_64bit(skb, KCG_A_GROUP_ID, group->id, KCG_A_GROUP_PAD) ||
	    nla_put_string(skb, KCG_A_GROUP_NAME, group->name) ||
	    (group->parent && nla_put_string(skb, KCG_A_GROUP_PARENT, group->parent->name)) ||
	    (uid_valid(group->owner) &&
	     nla_put_u32(skb, KCG_A_GROUP_OWNER, from_kuid(&init_user_ns, group->owner))) ||
	    nla_put_u32(skb, KCG_A_GROUP_FLAGS, kcg_group_state(group)) ||
	    nla_put_string(skb, KCG_A_GROUP_CGROUP_PATH, group->path) ||
	    kcg_limits_fill(skb, group)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

static int kcg_group_reply(struct kcg_group *group, struct genl_info *info)
{
	struct sk_buff *msg;
	int err;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	err = kcg_group_fill(msg, group, info->snd_portid, info->snd_seq, 0, NULL);
	if (err) {
		nlmsg_free(msg);
		NL_SET_ERR_MSG(info->extack, "reply does not fit in a message");
		return err;
	}
	return genlmsg_reply(msg, info);
}

/*
 * Ops that change a group answer with it only when asked (NLM_F_ECHO), as
 * rtnetlink does: reading the limits back costs a file read per limit.
 */
static int kcg_group_echo(struct kcg_group *group, struct genl_info *info)
{
	if (!(info->nlhdr->nlmsg_flags & NLM_F_ECHO))
		return 0;
	return kcg_group_reply(group, info);
}

int kcg_group_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *name_attr = info->attrs[KCG_A_GROUP_NAME];
	struct kcg_group *parent = NULL, *group;
	struct kcg_caller caller;
	char *name, *leaf, *parent_name = NULL;
	kuid_t owner;
	int err;

	kcg_caller_init(&caller, skb);
	if (GENL_REQ_ATTR_CHECK(info, KCG_A_GROUP_NAME))
		return -EINVAL;
	name = nla_data(name_attr);
	err = kcg_name_check(name, name_attr, info->extack);
	if (err)
		return err;
	if (info->attrs[KCG_A_GROUP_OWNER] && !caller.admin) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[KCG_A_GROUP_OWNER],
				    "setting an owner needs CAP_SYS_ADMIN");
		return -EPERM;
	}
	leaf = strrchr(name, '/');
	if (leaf) {
		parent_name = kstrndup(name, leaf - name, GFP_KERNEL);
		if (!parent_name)
			return -ENOMEM;
		leaf++;
	}

	mutex_lock(&kcg_lock);
	/* Permission first: a denied create is EPERM, whether or not the name exists. */
	if (parent_name) {
		parent = kcg_group_find(parent_name);
		if (!parent || !kcg_may_see(&caller, parent)) {
			kcg_extack(info->extack, name_attr,
				   parent ? "parent group is outside your subtree"
					  : "parent group does not exist");
			err = parent ? -EPERM : -ENOENT;
			goto unlock;
		}
		if (parent->flags & KCG_GROUP_FLAG_ADOPTED) {
			NL_SET_ERR_MSG_ATTR(info->extack, name_attr,
					    "an adopted group takes no child groups");
			err = -EPERM;
			goto unlock;
		}
	} else if (!caller.admin) {
		NL_SET_ERR_MSG_ATTR(info->extack, name_attr,
				    "creating a top-level group needs CAP_SYS_ADMIN");
		err = -EPERM;
		goto unlock;
	}
	if (kcg_group_find(name)) {
		NL_SET_ERR_MSG_ATTR(info->extack, name_attr, "group already exists");
		err = -EEXIST;
		goto unlock;
	}
	owner = parent ? parent->owner : INVALID_UID;
	if (info->attrs[KCG_A_GROUP_OWNER])
		owner = make_kuid(&init_user_ns, nla_get_u32(info->attrs[KCG_A_GROUP_OWNER]));

	/* A parent with children has its controllers on already. */
	if (parent && !parent->nr_children) {
		err = kcg_cg_enable_controllers(parent->path);
		if (err == -EBUSY) {
			NL_SET_ERR_MSG_ATTR(info->extack, name_attr,
					    "parent group has tasks: a group with child groups holds no tasks");
			goto unlock;
		}
		if (err) {
			NL_SET_ERR_MSG_ATTR(info->extack, name_attr,
					    "cannot enable controllers in the parent group");
			goto unlock;
		}
	}
	err = kcg_cg_mkdir(parent ? parent->path : kcg_root, leaf ?: name);
	if (err) {
		kcg_extack(info->extack, name_attr,
			   err == -EEXIST ? "a cgroup of that name exists outside kcg"
					  : "cannot create the cgroup directory");
		goto disable;
	}
	{
		char *path = kasprintf(GFP_KERNEL, "%s/%s", parent ? parent->path : kcg_root,
				       leaf ?: name);

		group = path ? kcg_group_register(name, parent, path, INVALID_UID, 0)
			     : ERR_PTR(-ENOMEM);
		kfree(path);
	}
	if (IS_ERR(group)) {
		err = PTR_ERR(group);
		NL_SET_ERR_MSG(info->extack, "cannot register the new group");
		goto remove;
	}
	err = kcg_group_set_owner(group, owner);
	if (err) {
		NL_SET_ERR_MSG(info->extack, "cannot record the owner on the cgroup");
		goto unregister;
	}
	err = kcg_limits_apply(group, info->attrs[KCG_A_GROUP_LIMITS], info->extack);
	if (err)
		goto unregister;
	kcg_event_group(KCG_EVENT_TYPE_CREATED, group);
	err = kcg_group_echo(group, info);
	mutex_unlock(&kcg_lock);
	kfree(parent_name);
	return err;

unregister:
	kcg_group_unregister(group);
remove:
	/* Atomic create: nothing of a failed group remains. */
	kcg_cg_rmdir(parent ? parent->path : kcg_root, leaf ?: name);
disable:
	if (parent && !parent->nr_children)
		kcg_cg_disable_controllers(parent->path);
unlock:
	mutex_unlock(&kcg_lock);
	kfree(parent_name);
	return err;
}

int kcg_group_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *id_attr = info->attrs[KCG_A_GROUP_ID];
	struct kcg_caller caller;
	struct kcg_group *group;
	int err;

	kcg_caller_init(&caller, skb);
	mutex_lock(&kcg_lock);
	if (id_attr && !info->attrs[KCG_A_GROUP_NAME]) {
		group = kcg_group_find_id(nla_get_u64(id_attr));
		if (!group || !kcg_may_see(&caller, group)) {
			kcg_extack(info->extack, id_attr,
				   group ? "group is outside your subtree" : "no such group");
			group = ERR_PTR(group ? -EPERM : -ENOENT);
		}
	} else {
		group = kcg_request_group(info, &caller);
	}
	err = IS_ERR(group) ? PTR_ERR(group) : kcg_group_reply(group, info);
	mutex_unlock(&kcg_lock);
	return err;
}

int kcg_group_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	return kcg_dump_groups(skb, cb, kcg_dump_attrs(cb)[KCG_A_GROUP_PARENT], false,
			       kcg_group_fill);
}

int kcg_group_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct kcg_caller caller;
	struct kcg_group *group;
	int err;

	kcg_caller_init(&caller, skb);
	if (GENL_REQ_ATTR_CHECK(info, KCG_A_GROUP_LIMITS))
		return -EINVAL;
	mutex_lock(&kcg_lock);
	group = kcg_request_managed(info, &caller);
	err = IS_ERR(group) ? PTR_ERR(group)
			    : kcg_limits_apply(group, info->attrs[KCG_A_GROUP_LIMITS],
					       info->extack);
	if (!err) {
		kcg_event_group(KCG_EVENT_TYPE_SET, group);
		err = kcg_group_echo(group, info);
	}
	mutex_unlock(&kcg_lock);
	return err;
}

/* Wait for a condition on the group's cgroup, up to timeout_ms. */
static bool kcg_wait_for(struct kcg_group *group, bool (*done)(struct kcg_group *),
			 unsigned int timeout_ms)
{
	unsigned int waited;

	for (waited = 0; !done(group); waited += 20) {
		if (waited >= timeout_ms || fatal_signal_pending(current))
			return false;
		msleep(20);
	}
	return true;
}

static bool kcg_group_empty(struct kcg_group *group)
{
	return !cgroup_is_populated(group->cgrp);
}

static bool kcg_group_frozen(struct kcg_group *group)
{
	return test_bit(CGRP_FROZEN, &group->cgrp->flags);
}

static bool kcg_group_thawed(struct kcg_group *group)
{
	return !kcg_group_frozen(group);
}

int kcg_group_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *name_attr = info->attrs[KCG_A_GROUP_NAME];
	struct kcg_group *group, *parent;
	struct kcg_caller caller;
	const char *leaf;
	char *dir;
	int err;

	kcg_caller_init(&caller, skb);
	mutex_lock(&kcg_lock);
	group = kcg_request_group(info, &caller);
	if (IS_ERR(group)) {
		err = PTR_ERR(group);
		goto unlock;
	}
	if (group->flags & KCG_GROUP_FLAG_ADOPTED) {
		/* Unregister only: the cgroup belongs to someone else. */
		err = -EPERM;
		if (!caller.admin) {
			NL_SET_ERR_MSG_ATTR(info->extack, name_attr,
					    "unregistering an adopted group needs CAP_SYS_ADMIN");
			goto unlock;
		}
		kcg_event_group(KCG_EVENT_TYPE_DESTROYED, group);
		kcg_group_unregister(group);
		err = kcg_adopted_save();
		if (err)
			NL_SET_ERR_MSG(info->extack, "cannot update the adopted-group record");
		goto unlock;
	}
	if (!kcg_may_manage(&caller, group)) {
		NL_SET_ERR_MSG_ATTR(info->extack, name_attr,
				    "only the owner of a group above this one may delete it");
		err = -EPERM;
		goto unlock;
	}
	if (group->nr_children) {
		NL_SET_ERR_MSG_ATTR(info->extack, name_attr,
				    "group has child groups; delete them first");
		err = -EBUSY;
		goto unlock;
	}
	if (!kcg_group_empty(group)) {
		if (!info->attrs[KCG_A_GROUP_FORCE]) {
			NL_SET_ERR_MSG_ATTR(info->extack, name_attr,
					    "group has tasks; force kills them first");
			err = -EBUSY;
			goto unlock;
		}
		err = kcg_cg_write(group->path, "cgroup.kill", "1");
		if (!err && !kcg_wait_for(group, kcg_group_empty, 5000))
			err = -EBUSY;
		if (err) {
			NL_SET_ERR_MSG_ATTR(info->extack, name_attr,
					    "the group's tasks did not exit after SIGKILL");
			goto unlock;
		}
	}
	leaf = strrchr(group->path, '/');
	dir = kstrndup(group->path, leaf - group->path, GFP_KERNEL);
	if (!dir) {
		err = -ENOMEM;
		goto unlock;
	}
	err = kcg_cg_rmdir(dir[0] ? dir : "/", leaf + 1);
	kfree(dir);
	if (err) {
		NL_SET_ERR_MSG_ATTR(info->extack, name_attr, "cannot remove the cgroup directory");
		goto unlock;
	}
	parent = group->parent;
	kcg_event_group(KCG_EVENT_TYPE_DESTROYED, group);
	kcg_group_unregister(group);
	if (parent && !parent->nr_children)
		kcg_cg_disable_controllers(parent->path);
unlock:
	mutex_unlock(&kcg_lock);
	return err;
}

static int kcg_group_freeze(struct sk_buff *skb, struct genl_info *info, bool freeze)
{
	struct kcg_caller caller;
	struct kcg_group *group;
	int err;

	kcg_caller_init(&caller, skb);
	mutex_lock(&kcg_lock);
	group = kcg_request_managed(info, &caller);
	if (IS_ERR(group)) {
		err = PTR_ERR(group);
		goto unlock;
	}
	err = kcg_cg_write(group->path, "cgroup.freeze", freeze ? "1" : "0");
	if (err) {
		NL_SET_ERR_MSG(info->extack, "cgroup.freeze: the kernel refused the write");
		goto unlock;
	}
	/* Freezing completes asynchronously; give it a moment so a following
	 * get reports the settled state. Not reaching it is not an error.
	 */
	kcg_wait_for(group, freeze ? kcg_group_frozen : kcg_group_thawed, 1000);
unlock:
	mutex_unlock(&kcg_lock);
	return err;
}

int kcg_group_freeze_doit(struct sk_buff *skb, struct genl_info *info)
{
	return kcg_group_freeze(skb, info, true);
}

int kcg_group_thaw_doit(struct sk_buff *skb, struct genl_info *info)
{
	return kcg_group_freeze(skb, info, false);
}

/* Send sig to each process listed in the group's cgroup.procs. */
static int kcg_signal_procs(struct kcg_group *group, int sig)
{
	char *buf, *cursor, *line;
	struct pid *pid;
	ssize_t len;
	int nr;

	buf = kvmalloc(64 * 1024, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	len = kcg_cg_read(group->path, "cgroup.procs", buf, 64 * 1024);
	cursor = buf;
	while (len > 0 && (line = strsep(&cursor, "\n")) != NULL) {
		if (kstrtoint(line, 10, &nr))
			continue;
		pid = find_get_pid(nr);
		if (!pid)
			continue;
		/* Permission was decided on the group: managers signal its tasks. */
		kill_pid(pid, sig, 1);
		put_pid(pid);
	}
	kvfree(buf);
	return len < 0 ? len : 0;
}

int kcg_group_kill_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *sig_attr = info->attrs[KCG_A_GROUP_SIGNAL];
	int sig = sig_attr ? nla_get_u32(sig_attr) : SIGKILL;
	struct kcg_group *group, *below;
	struct kcg_caller caller;
	unsigned long id;
	int err;

	kcg_caller_init(&caller, skb);
	mutex_lock(&kcg_lock);
	group = kcg_request_managed(info, &caller);
	if (IS_ERR(group)) {
		err = PTR_ERR(group);
		goto unlock;
	}
	if (sig == SIGKILL) {
		/* cgroup.kill leaves no task behind, forking or not. */
		err = kcg_cg_write(group->path, "cgroup.kill", "1");
		if (err)
			NL_SET_ERR_MSG(info->extack, "cgroup.kill: the kernel refused the write");
		goto unlock;
	}
	err = kcg_signal_procs(group, sig);
	xa_for_each(&kcg_groups, id, below)
		if (!err && kcg_group_below(below, group))
			err = kcg_signal_procs(below, sig);
	if (err)
		NL_SET_ERR_MSG(info->extack, "cannot read the group's process list");
unlock:
	mutex_unlock(&kcg_lock);
	return err;
}

int kcg_task_attach_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct kcg_caller caller;
	struct kcg_group *group;
	struct nlattr *attr;
	struct pid *pid;
	char buf[16];
	int err = 0, rem;

	kcg_caller_init(&caller, skb);
	if (GENL_REQ_ATTR_CHECK(info, KCG_A_GROUP_PID))
		return -EINVAL;
	mutex_lock(&kcg_lock);
	group = kcg_request_group(info, &caller);
	if (IS_ERR(group)) {
		err = PTR_ERR(group);
		goto unlock;
	}
	if (group->flags & KCG_GROUP_FLAG_ADOPTED) {
		NL_SET_ERR_MSG(info->extack, "an adopted group is only accounted, never changed");
		err = -EPERM;
		goto unlock;
	}
	/* Check every process before moving any. */
	nlmsg_for_each_attr(attr, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(attr) != KCG_A_GROUP_PID)
			continue;
		pid = find_get_pid(nla_get_u32(attr));
		/* As kill(pid, 0): the caller must be allowed to signal it. */
		err = pid ? kill_pid(pid, 0, 0) : -ESRCH;
		put_pid(pid);
		if (err) {
			kcg_extack(info->extack, attr,
				   err == -ESRCH ? "no such process" :
				   "not allowed to move a process you could not signal");
			goto unlock;
		}
	}
	nlmsg_for_each_attr(attr, info->nlhdr, GENL_HDRLEN, rem) {
		if (nla_type(attr) != KCG_A_GROUP_PID)
			continue;
		snprintf(buf, sizeof(buf), "%u", nla_get_u32(attr));
		err = kcg_cg_write(group->path, "cgroup.procs", buf);
		if (err) {
			kcg_extack(info->extack, attr,
				   err == -EBUSY ? "a group with child groups holds no tasks" :
				   err == -ESRCH ? "no such process" :
				   "the kernel refused to move the process");
			goto unlock;
		}
	}
unlock:
	mutex_unlock(&kcg_lock);
	return err;
}

int kcg_group_adopt_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *name_attr = info->attrs[KCG_A_GROUP_NAME];
	struct nlattr *path_attr = info->attrs[KCG_A_GROUP_CGROUP_PATH];
	struct kcg_caller caller;
	struct kcg_group *group;
	size_t root_len = strlen(kcg_root);
	const char *name, *path;
	int err;

	kcg_caller_init(&caller, skb);
	if (GENL_REQ_ATTR_CHECK(info, KCG_A_GROUP_NAME) ||
	    GENL_REQ_ATTR_CHECK(info, KCG_A_GROUP_CGROUP_PATH))
		return -EINVAL;
	if (!caller.admin) {
		NL_SET_ERR_MSG(info->extack, "adopting a cgroup needs CAP_SYS_ADMIN");
		return -EPERM;
	}
	name = nla_data(name_attr);
	path = nla_data(path_attr);
	err = kcg_name_check(name, name_attr, info->extack);
	if (err)
		return err;
	if (strchr(name, '/')) {
		NL_SET_ERR_MSG_ATTR(info->extack, name_attr,
				    "an adopted group is top-level: its name has one level");
		return -EINVAL;
	}
	if (path[0] != '/' || strstr(path, "/..") || strstr(path, "//")) {
		NL_SET_ERR_MSG_ATTR(info->extack, path_attr,
				    "cgroup path must be absolute, without '..' or '//'");
		return -EINVAL;
	}
	if (!path[1]) {
		/* It holds every task; the probes skip it without a lookup. */
		NL_SET_ERR_MSG_ATTR(info->extack, path_attr, "the root cgroup cannot be adopted");
		return -EINVAL;
	}
	if (!strncmp(path, kcg_root, root_len) && (!path[root_len] || path[root_len] == '/')) {
		NL_SET_ERR_MSG_ATTR(info->extack, path_attr,
				    "cgroups below the kcg root are groups already");
		return -EINVAL;
	}

	mutex_lock(&kcg_lock);
	if (kcg_group_find(name)) {
		NL_SET_ERR_MSG_ATTR(info->extack, name_attr, "group already exists");
		err = -EEXIST;
		goto unlock;
	}
	group = kcg_group_register(name, NULL, path, INVALID_UID, KCG_GROUP_FLAG_ADOPTED);
	if (IS_ERR(group)) {
		err = PTR_ERR(group);
		kcg_extack(info->extack, path_attr,
			   err == -EEXIST ? "that cgroup is already a group" :
			   err == -ENOENT || err == -ENOTDIR ? "no such cgroup" :
			   "cannot adopt that cgroup");
		goto unlock;
	}
	err = kcg_adopted_save();
	if (err) {
		NL_SET_ERR_MSG(info->extack, "cannot record the adopted group");
		kcg_group_unregister(group);
		goto unlock;
	}
	kcg_event_group(KCG_EVENT_TYPE_CREATED, group);
	err = kcg_group_echo(group, info);
unlock:
	mutex_unlock(&kcg_lock);
	return err;
}
