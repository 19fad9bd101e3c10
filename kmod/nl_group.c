// SPDX-License-Identifier: GPL-2.0
/*
 * The group ops of the kcg family: create, get and dump, set, delete,
 * freeze and thaw, kill, attach and adopt. Every failure carries an extack
 * message. No op holds a lock that other groups' ops need while it works on
 * cgroupfs or waits: see struct kcg_group for the locks.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cred.h>
#include <linux/delay.h>
#include <linux/moduleparam.h>
#include <linux/nsproxy.h>
#include <linux/pid.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/user_namespace.h>
#include <net/genetlink.h>

#include "compat.h"
#include "kcg.h"

static unsigned int kcg_max_owner_groups = 1000;
module_param_named(max_owner_groups, kcg_max_owner_groups, uint, 0644);
MODULE_PARM_DESC(max_owner_groups,
		 "groups an owner may create below each group an admin gave it (default 1000)");

/* The lock and directory that stand for a group's parent. */
static struct mutex *kcg_parent_lock(struct kcg_group *parent)
{
	return parent ? &parent->lock : &kcg_top_lock;
}

static const struct path *kcg_parent_dir(struct kcg_group *parent)
{
	return parent ? &parent->dir : &kcg_root_dir;
}

static u32 kcg_group_state(const struct kcg_group *group)
{
	u32 flags = group->flags;

	if (test_bit(CGRP_FROZEN, &group->cgrp->flags))
		flags |= KCG_GROUP_FLAG_FROZEN;
	if (cgroup_is_populated(group->cgrp))
		flags |= KCG_GROUP_FLAG_POPULATED;
	return flags;
}

static int kcg_group_fill(struct sk_buff *skb, struct kcg_group *group,
			  const struct kcg_caller *caller, u32 portid, u32 seq, int flags,
			  struct netlink_callback *cb)
{
	char *path;
	void *hdr;
	int err = -EMSGSIZE;

	path = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!path)
		return -ENOMEM;
	/*
	 * As /proc/PID/cgroup shows it to the reader: relative to the
	 * reader's cgroup namespace, so a namespaced caller does not learn
	 * the host's layout.
	 */
	if (cgroup_path_ns(group->cgrp, path, PATH_MAX, current->nsproxy->cgroup_ns) < 0)
		strscpy(path, "?", PATH_MAX);
	hdr = genlmsg_put(skb, portid, seq, &kcg_family, flags, KCG_CMD_GROUP_GET);
	if (!hdr)
		goto out;
	if (cb)
		genl_dump_check_consistent(cb, hdr);
	if (nla_put_u64_64bit(skb, KCG_A_GROUP_ID, group->id, KCG_A_GROUP_PAD) ||
	    nla_put_string(skb, KCG_A_GROUP_NAME, group->name) ||
	    (group->parent && nla_put_string(skb, KCG_A_GROUP_PARENT, group->parent->name)) ||
	    (uid_valid(group->owner) &&
	     nla_put_u32(skb, KCG_A_GROUP_OWNER,
			 from_kuid_munged(caller->user_ns, group->owner))) ||
	    nla_put_u32(skb, KCG_A_GROUP_FLAGS, kcg_group_state(group)) ||
	    nla_put_string(skb, KCG_A_GROUP_CGROUP_PATH, path) ||
	    kcg_limits_fill(skb, group)) {
		genlmsg_cancel(skb, hdr);
		goto out;
	}
	genlmsg_end(skb, hdr);
	err = 0;
out:
	kfree(path);
	return err;
}

static int kcg_group_reply(struct kcg_group *group, const struct kcg_caller *caller,
			   struct genl_info *info)
{
	struct sk_buff *msg;
	int err;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	err = kcg_group_fill(msg, group, caller, info->snd_portid, info->snd_seq, 0, NULL);
	if (err) {
		nlmsg_free(msg);
		NL_SET_ERR_MSG(info->extack, "reply does not fit in a message");
		return err;
	}
	return genlmsg_reply(msg, info);
}

/*
 * Ops that change a group answer with it only when asked (NLM_F_ECHO), as
 * rtnetlink does. The change is made by then: a reply that cannot be sent
 * is not the op's failure, or a retry would meet EEXIST.
 */
static void kcg_group_echo(struct kcg_group *group, const struct kcg_caller *caller,
			   struct genl_info *info)
{
	if (info->nlhdr->nlmsg_flags & NLM_F_ECHO)
		kcg_group_reply(group, caller, info);
}

/* Is the group an owner works below full? Admins are not counted. */
static bool kcg_owner_full(const struct kcg_caller *caller, struct kcg_group *parent)
{
	struct kcg_group *top;

	while (parent && !uid_eq(parent->owner, caller->uid))
		parent = parent->parent;
	top = parent ? kcg_owner_top(parent, caller->uid) : NULL;
	return top && READ_ONCE(top->nr_descendants) >= READ_ONCE(kcg_max_owner_groups);
}

/* A group given to an owner: the kernel bounds what it holds too. */
static void kcg_owner_bound(struct kcg_group *group)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%u", READ_ONCE(kcg_max_owner_groups));
	if (kcg_cg_write(&group->dir, "cgroup.max.descendants", buf))
		pr_warn("%s: cannot bound cgroup.max.descendants\n", group->name);
}

/* Everything a create has decided before it touches cgroupfs. */
struct kcg_create {
	const char *name, *leaf;
	struct kcg_group *parent;	/* referenced */
	kuid_t owner;
	bool owner_given;
};

/* Make the cgroup, the group and its limits, under the parent's lock. */
static int kcg_group_create(struct kcg_create *req, struct genl_info *info,
			    struct kcg_group **made)
{
	struct nlattr *name_attr = info->attrs[KCG_A_GROUP_NAME];
	struct kcg_group *parent = req->parent, *group, *existing;
	bool enabled = false;
	struct path dir;
	int err;

	if (parent && !READ_ONCE(parent->registered)) {
		NL_SET_ERR_MSG_ATTR(info->extack, name_attr, "parent group does not exist");
		return -ENOENT;
	}
	existing = kcg_group_lookup(req->name);
	if (existing) {
		kcg_group_put(existing);
		NL_SET_ERR_MSG_ATTR(info->extack, name_attr, "group already exists");
		return -EEXIST;
	}
	/* A parent with children has its controllers on already. */
	if (parent && !parent->nr_children) {
		err = kcg_cg_enable_controllers(&parent->dir);
		if (err == -EBUSY)
			NL_SET_ERR_MSG_ATTR(info->extack, name_attr,
					    "parent group has tasks: a group with child groups holds no tasks");
		else if (err < 0)
			NL_SET_ERR_MSG_ATTR(info->extack, name_attr,
					    "cannot enable controllers in the parent group");
		if (err < 0)
			return err;
		parent->controllers = err;
		enabled = true;
	}
	err = kcg_cg_mkdir(kcg_parent_dir(parent), req->leaf, &dir);
	if (err) {
		kcg_extack(info->extack, name_attr,
			   err == -EEXIST ? "a cgroup of that name exists outside kcg" :
			   err == -EAGAIN ? "the parent's cgroup.max.descendants is reached" :
			   "cannot create the cgroup directory");
		goto disable;
	}
	group = kcg_group_new(req->name, parent, &dir, INVALID_UID, 0);
	if (IS_ERR(group)) {
		err = PTR_ERR(group);
		NL_SET_ERR_MSG(info->extack, "cannot set up the new group");
		goto remove;
	}
	err = kcg_group_set_owner(group, req->owner);
	if (err) {
		NL_SET_ERR_MSG(info->extack, "cannot record the owner on the cgroup");
		goto put;
	}
	if (req->owner_given && uid_valid(req->owner))
		kcg_owner_bound(group);
	err = kcg_limits_apply(group, info->attrs[KCG_A_GROUP_LIMITS], info->extack);
	if (err)
		goto put;
	err = kcg_group_register(group);
	if (err) {
		NL_SET_ERR_MSG_ATTR(info->extack, name_attr, "cannot register the new group");
		goto put;
	}
	path_put(&dir);
	*made = group;
	return 0;

put:
	kcg_group_put(group);
remove:
	/* Atomic create: nothing of a failed group remains. */
	kcg_cg_rmdir(kcg_parent_dir(parent), &dir);
	path_put(&dir);
disable:
	if (enabled && !parent->nr_children) {
		kcg_cg_disable_controllers(&parent->dir, parent->controllers);
		parent->controllers = 0;
	}
	return err;
}

int kcg_group_new_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *name_attr = info->attrs[KCG_A_GROUP_NAME];
	struct nlattr *owner_attr = info->attrs[KCG_A_GROUP_OWNER];
	struct kcg_create req = {};
	struct kcg_group *group = NULL;
	struct kcg_caller caller;
	char *parent_name = NULL;
	struct mutex *lock;	/* the parent's */
	const char *leaf;
	int err;

	kcg_caller_init(&caller, skb);
	if (GENL_REQ_ATTR_CHECK(info, KCG_A_GROUP_NAME))
		return -EINVAL;
	req.name = nla_data(name_attr);
	err = kcg_name_check(req.name, name_attr, info->extack);
	if (err)
		return err;
	if (owner_attr) {
		if (!caller.admin) {
			NL_SET_ERR_MSG_ATTR(info->extack, owner_attr,
					    "setting an owner needs CAP_SYS_ADMIN");
			return -EPERM;
		}
		req.owner = make_kuid(caller.user_ns, nla_get_u32(owner_attr));
		if (!uid_valid(req.owner)) {
			NL_SET_ERR_MSG_ATTR(info->extack, owner_attr,
					    "owner uid is not mapped in your user namespace");
			return -EINVAL;
		}
		req.owner_given = true;
	}
	leaf = strrchr(req.name, '/');
	req.leaf = leaf ? leaf + 1 : req.name;
	if (leaf) {
		parent_name = kstrndup(req.name, leaf - req.name, GFP_KERNEL);
		if (!parent_name)
			return -ENOMEM;
		req.parent = kcg_group_lookup(parent_name);
		kfree(parent_name);
		if (req.parent && !kcg_may_see(&caller, req.parent)) {
			kcg_group_put(req.parent);
			req.parent = NULL;
		}
		if (!req.parent) {
			NL_SET_ERR_MSG_ATTR(info->extack, name_attr, "parent group does not exist");
			return -ENOENT;
		}
		err = -EPERM;
		if (req.parent->flags & KCG_GROUP_FLAG_ADOPTED) {
			NL_SET_ERR_MSG_ATTR(info->extack, name_attr,
					    "an adopted group takes no child groups");
			goto out;
		}
	} else if (!caller.admin) {
		NL_SET_ERR_MSG_ATTR(info->extack, name_attr,
				    "creating a top-level group needs CAP_SYS_ADMIN");
		return -EPERM;
	}
	if (!caller.admin && kcg_owner_full(&caller, req.parent)) {
		NL_SET_ERR_MSG_ATTR(info->extack, name_attr,
				    "too many groups below this owner's group (max_owner_groups)");
		err = -ENOSPC;
		goto out;
	}
	if (!req.owner_given)
		req.owner = req.parent ? req.parent->owner : INVALID_UID;

	lock = kcg_parent_lock(req.parent);
	err = mutex_lock_killable(lock);
	if (err)
		goto out;
	err = kcg_group_create(&req, info, &group);
	mutex_unlock(lock);
	if (!err) {
		kcg_event_group(KCG_EVENT_TYPE_CREATED, group);
		kcg_group_echo(group, &caller, info);
		kcg_group_put(group);
	}
out:
	kcg_group_put(req.parent);
	return err;
}

int kcg_group_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *id_attr = info->attrs[KCG_A_GROUP_ID];
	struct kcg_caller caller;
	struct kcg_group *group;
	int err;

	kcg_caller_init(&caller, skb);
	if (id_attr && !info->attrs[KCG_A_GROUP_NAME]) {
		group = kcg_group_lookup_id(nla_get_u64(id_attr));
		if (group && !kcg_may_see(&caller, group)) {
			kcg_group_put(group);
			group = NULL;
		}
		if (!group) {
			NL_SET_ERR_MSG_ATTR(info->extack, id_attr, "no such group");
			return -ENOENT;
		}
	} else {
		group = kcg_request_group(info, &caller);
		if (IS_ERR(group))
			return PTR_ERR(group);
	}
	err = kcg_group_reply(group, &caller, info);
	kcg_group_put(group);
	return err;
}

int kcg_group_get_dumpstart(struct netlink_callback *cb)
{
	return kcg_dump_start(cb, kcg_dump_attrs(cb)[KCG_A_GROUP_PARENT], false);
}

int kcg_group_get_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	return kcg_dump_groups(skb, cb, kcg_group_fill);
}

int kcg_group_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct kcg_caller caller;
	struct kcg_group *group;
	int err;

	kcg_caller_init(&caller, skb);
	if (GENL_REQ_ATTR_CHECK(info, KCG_A_GROUP_LIMITS))
		return -EINVAL;
	group = kcg_request_managed(info, &caller);
	if (IS_ERR(group))
		return PTR_ERR(group);
	err = kcg_group_lock(group, info, 0);
	if (!err) {
		err = kcg_limits_apply(group, info->attrs[KCG_A_GROUP_LIMITS], info->extack);
		mutex_unlock(&group->lock);
	}
	if (!err) {
		kcg_event_group(KCG_EVENT_TYPE_SET, group);
		kcg_group_echo(group, &caller, info);
	}
	kcg_group_put(group);
	return err;
}

/* Wait, holding no lock, for a condition on the group's cgroup. */
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

/* Forget an adopted group: its cgroup belongs to someone else. */
static int kcg_adopted_del(struct kcg_group *group, const struct kcg_caller *caller,
			   struct genl_info *info)
{
	int err;

	if (!caller->admin) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[KCG_A_GROUP_NAME],
				    "unregistering an adopted group needs CAP_SYS_ADMIN");
		return -EPERM;
	}
	mutex_lock(&kcg_top_lock);
	kcg_event_group(KCG_EVENT_TYPE_DESTROYED, group);
	kcg_group_unregister(group);
	err = kcg_adopted_save();
	mutex_unlock(&kcg_top_lock);
	if (err)
		NL_SET_ERR_MSG(info->extack, "cannot update the adopted-group record");
	return err;
}

/*
 * Remove the group's cgroup and the group, under its parent's lock and its
 * own. The destroyed event comes from the cgroup's removal itself.
 */
static int kcg_group_remove(struct kcg_group *group, struct genl_info *info)
{
	struct nlattr *name_attr = info->attrs[KCG_A_GROUP_NAME];
	struct kcg_group *parent = group->parent;
	struct mutex *lock = kcg_parent_lock(parent);
	int err;

	if (mutex_lock_killable(lock))
		return -EINTR;
	err = kcg_group_lock(group, info, SINGLE_DEPTH_NESTING);
	if (err)
		goto unlock_parent;
	err = -EBUSY;
	if (group->nr_children) {
		NL_SET_ERR_MSG_ATTR(info->extack, name_attr,
				    "group has child groups; delete them first");
		goto unlock;
	}
	if (!kcg_group_empty(group)) {
		NL_SET_ERR_MSG_ATTR(info->extack, name_attr,
				    "group has tasks; force kills them first");
		goto unlock;
	}
	err = kcg_cg_rmdir(kcg_parent_dir(parent), &group->dir);
	if (err) {
		kcg_extack(info->extack, name_attr, err == -ENOENT ? "no such group" :
			   "cannot remove the cgroup directory");
		goto unlock;
	}
	kcg_group_unregister(group);
	if (parent && !parent->nr_children) {
		kcg_cg_disable_controllers(&parent->dir, parent->controllers);
		parent->controllers = 0;
	}
unlock:
	mutex_unlock(&group->lock);
unlock_parent:
	mutex_unlock(lock);
	return err;
}

int kcg_group_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *name_attr = info->attrs[KCG_A_GROUP_NAME];
	struct kcg_caller caller;
	struct kcg_group *group;
	int err;

	kcg_caller_init(&caller, skb);
	group = kcg_request_group(info, &caller);
	if (IS_ERR(group))
		return PTR_ERR(group);
	if (group->flags & KCG_GROUP_FLAG_ADOPTED) {
		err = kcg_adopted_del(group, &caller, info);
		goto put;
	}
	err = -EPERM;
	if (!kcg_may_manage(&caller, group)) {
		NL_SET_ERR_MSG_ATTR(info->extack, name_attr,
				    "only the owner of a group above this one may delete it");
		goto put;
	}
	if (info->attrs[KCG_A_GROUP_FORCE] && !kcg_group_empty(group) &&
	    !group->nr_children) {
		/* Kill under the group's lock, wait for the tasks under none. */
		err = kcg_group_lock(group, info, 0);
		if (err)
			goto put;
		err = kcg_cg_write(&group->dir, "cgroup.kill", "1");
		mutex_unlock(&group->lock);
		if (!err && !kcg_wait_for(group, kcg_group_empty, 5000))
			err = -EBUSY;
		if (err) {
			NL_SET_ERR_MSG_ATTR(info->extack, name_attr,
					    "the group's tasks did not exit after SIGKILL");
			goto put;
		}
	}
	err = kcg_group_remove(group, info);
put:
	kcg_group_put(group);
	return err;
}

static int kcg_group_freeze(struct sk_buff *skb, struct genl_info *info, bool freeze)
{
	struct kcg_caller caller;
	struct kcg_group *group;
	int err;

	kcg_caller_init(&caller, skb);
	group = kcg_request_managed(info, &caller);
	if (IS_ERR(group))
		return PTR_ERR(group);
	err = kcg_group_lock(group, info, 0);
	if (err)
		goto put;
	err = kcg_cg_write(&group->dir, "cgroup.freeze", freeze ? "1" : "0");
	mutex_unlock(&group->lock);
	if (err) {
		NL_SET_ERR_MSG(info->extack, "cgroup.freeze: the kernel refused the write");
		goto put;
	}
	/*
	 * Freezing completes asynchronously; give it a moment, holding no
	 * lock, so a following get reports the settled state. Not reaching it
	 * is not an error.
	 */
	kcg_wait_for(group, freeze ? kcg_group_frozen : kcg_group_thawed, 1000);
put:
	kcg_group_put(group);
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

/*
 * The cgroup at path (from the cgroup2 root, as /proc/PID/cgroup shows it),
 * held in dir, if it may be adopted: decided on the cgroup itself, however
 * the path is spelt.
 */
static int kcg_adopt_resolve(const char *path, struct path *dir, struct genl_info *info)
{
	struct nlattr *path_attr = info->attrs[KCG_A_GROUP_CGROUP_PATH];
	struct cgroup *cgrp;
	const char *msg = NULL;
	int err;

	if (path[0] != '/') {
		NL_SET_ERR_MSG_ATTR(info->extack, path_attr, "cgroup path must be absolute");
		return -EINVAL;
	}
	err = kcg_cg_open_dir(NULL, path, dir);
	if (err) {
		NL_SET_ERR_MSG_ATTR(info->extack, path_attr, "no such cgroup");
		return err == -ENOTDIR ? -ENOENT : err;
	}
	cgrp = kcg_cg_of(dir);
	if (IS_ERR(cgrp)) {
		msg = "no such cgroup";
		err = -ENOENT;
	} else if (!cgroup_parent(cgrp)) {
		/* It holds every task; the probes skip it without a lookup. */
		msg = "the root cgroup cannot be adopted";
		err = -EINVAL;
	} else if (cgroup_is_descendant(cgrp, kcg_root_cgrp)) {
		msg = "the kcg root and the cgroups below it are groups already";
		err = -EINVAL;
	}
	if (!IS_ERR(cgrp))
		cgroup_put(cgrp);
	if (err) {
		kcg_extack(info->extack, path_attr, msg);
		path_put(dir);
	}
	return err;
}

int kcg_group_adopt_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *name_attr = info->attrs[KCG_A_GROUP_NAME];
	struct nlattr *path_attr = info->attrs[KCG_A_GROUP_CGROUP_PATH];
	struct kcg_group *group, *existing;
	struct kcg_caller caller;
	const char *name;
	struct path dir;
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
	err = kcg_name_check(name, name_attr, info->extack);
	if (err)
		return err;
	if (strchr(name, '/')) {
		NL_SET_ERR_MSG_ATTR(info->extack, name_attr,
				    "an adopted group is top-level: its name has one level");
		return -EINVAL;
	}
	err = kcg_adopt_resolve(nla_data(path_attr), &dir, info);
	if (err)
		return err;

	mutex_lock(&kcg_top_lock);
	existing = kcg_group_lookup(name);
	if (existing) {
		kcg_group_put(existing);
		NL_SET_ERR_MSG_ATTR(info->extack, name_attr, "group already exists");
		err = -EEXIST;
		goto unlock;
	}
	group = kcg_group_new(name, NULL, &dir, INVALID_UID, KCG_GROUP_FLAG_ADOPTED);
	if (IS_ERR(group)) {
		err = PTR_ERR(group);
		NL_SET_ERR_MSG_ATTR(info->extack, path_attr, "cannot adopt that cgroup");
		goto unlock;
	}
	err = kcg_group_register(group);
	if (err) {
		NL_SET_ERR_MSG_ATTR(info->extack, path_attr, "that cgroup is already a group");
		goto put;
	}
	err = kcg_adopted_save();
	if (err) {
		NL_SET_ERR_MSG(info->extack, "cannot record the adopted group");
		kcg_group_unregister(group);
		goto put;
	}
	mutex_unlock(&kcg_top_lock);
	kcg_event_group(KCG_EVENT_TYPE_CREATED, group);
	kcg_group_echo(group, &caller, info);
	kcg_group_put(group);
	path_put(&dir);
	return 0;

put:
	kcg_group_put(group);
unlock:
	mutex_unlock(&kcg_top_lock);
	path_put(&dir);
	return err;
}
