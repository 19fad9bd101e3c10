// SPDX-License-Identifier: GPL-2.0
/*
 * The group registry: a cache of the groups that live in the cgroup tree.
 * Indexed by cgroup id for the accounting hot path (xarray, lock-free RCU
 * reads) and by name for the control path (hash, under kcg_lock). Rebuilt
 * from the tree on load: names from the directories, limits from the
 * controller files, owners from a trusted.kcg.owner xattr on each group
 * directory, adopted cgroups from a trusted.kcg.adopted xattr on the root.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/stringhash.h>
#include <linux/user_namespace.h>

#include "kcg.h"

#define KCG_XATTR_OWNER		"trusted.kcg.owner"
#define KCG_XATTR_ADOPTED	"trusted.kcg.adopted"
#define KCG_ADOPTED_MAX		(64 * 1024)

DEFINE_XARRAY(kcg_groups);
/* Serializes the control path: registry changes and cgroup file work. */
DEFINE_MUTEX(kcg_lock);
/* Bumped on every registration change; dumps compare it to flag DUMP_INTR. */
unsigned int kcg_generation = 1;

static DEFINE_HASHTABLE(kcg_names, 10);

static u32 kcg_name_hash(const char *name)
{
	return full_name_hash(NULL, name, strlen(name));
}

static void kcg_group_free_rcu(struct rcu_head *rcu)
{
	struct kcg_group *group = container_of(rcu, struct kcg_group, rcu);

	free_percpu(group->stats);
	kfree(group->name);
	kfree(group->path);
	kfree(group);
}

/*
 * A group whose cgroup was removed behind kcg's back (rmdir on cgroupfs)
 * is dropped the next time the control path meets it.
 */
static bool kcg_group_stale(const struct kcg_group *group)
{
	return !(group->cgrp->self.flags & CSS_ONLINE);
}

struct kcg_group *kcg_group_find(const char *name)
{
	struct kcg_group *group;

	lockdep_assert_held(&kcg_lock);
	hash_for_each_possible(kcg_names, group, name_node, kcg_name_hash(name)) {
		if (strcmp(group->name, name))
			continue;
		if (kcg_group_stale(group) && !group->nr_children) {
			kcg_group_unregister(group);
			return NULL;
		}
		return group;
	}
	return NULL;
}

struct kcg_group *kcg_group_find_id(u64 id)
{
	lockdep_assert_held(&kcg_lock);
	return xa_load(&kcg_groups, id);
}

struct kcg_group *kcg_group_register(const char *name, struct kcg_group *parent,
				     const char *path, kuid_t owner, u32 flags)
{
	struct kcg_group *group;
	int err;

	lockdep_assert_held(&kcg_lock);
	group = kzalloc(sizeof(*group), GFP_KERNEL);
	if (!group)
		return ERR_PTR(-ENOMEM);
	group->name = kstrdup(name, GFP_KERNEL);
	group->path = kstrdup(path, GFP_KERNEL);
	group->stats = alloc_percpu(struct kcg_stats);
	if (!group->name || !group->path || !group->stats) {
		err = -ENOMEM;
		goto free;
	}
	group->cgrp = kcg_cg_get(path);
	if (IS_ERR(group->cgrp)) {
		err = PTR_ERR(group->cgrp);
		goto free;
	}
	group->id = cgroup_id(group->cgrp);
	group->parent = parent;
	INIT_LIST_HEAD(&group->children);
	group->owner = owner;
	group->flags = flags;

	err = xa_insert(&kcg_groups, group->id, group, GFP_KERNEL);
	if (err) {
		/* -EBUSY from the xarray: this cgroup is a group already. */
		err = err == -EBUSY ? -EEXIST : err;
		cgroup_put(group->cgrp);
		goto free;
	}
	hash_add(kcg_names, &group->name_node, kcg_name_hash(name));
	if (parent) {
		parent->nr_children++;
		list_add_tail(&group->sibling, &parent->children);
	}
	kcg_generation++;
	return group;

free:
	free_percpu(group->stats);
	kfree(group->name);
	kfree(group->path);
	kfree(group);
	return ERR_PTR(err);
}

void kcg_group_unregister(struct kcg_group *group)
{
	lockdep_assert_held(&kcg_lock);
	WARN_ON_ONCE(group->nr_children);
	xa_erase(&kcg_groups, group->id);
	hash_del(&group->name_node);
	if (group->parent) {
		group->parent->nr_children--;
		list_del(&group->sibling);
	}
	kcg_generation++;
	cgroup_put(group->cgrp);
	/* Accounting probes may still hold it under RCU. */
	call_rcu(&group->rcu, kcg_group_free_rcu);
}

/* Is group strictly below top? */
bool kcg_group_below(const struct kcg_group *group, const struct kcg_group *top)
{
	for (group = group->parent; group; group = group->parent)
		if (group == top)
			return true;
	return false;
}

static bool kcg_owned_from(const struct kcg_caller *caller,
			   const struct kcg_group *group)
{
	for (; group; group = group->parent)
		if (uid_valid(group->owner) && uid_eq(group->owner, caller->uid))
			return true;
	return false;
}

/* Own subtree: the caller owns the group or one above it. */
bool kcg_may_see(const struct kcg_caller *caller, const struct kcg_group *group)
{
	return caller->admin || kcg_owned_from(caller, group);
}

/* Below its own: the caller owns a group strictly above this one. */
bool kcg_may_manage(const struct kcg_caller *caller, const struct kcg_group *group)
{
	return caller->admin || kcg_owned_from(caller, group->parent);
}

int kcg_group_set_owner(struct kcg_group *group, kuid_t owner)
{
	char value[16];
	int len;

	group->owner = owner;
	if (!uid_valid(owner))
		return 0;
	len = snprintf(value, sizeof(value), "%u", from_kuid(&init_user_ns, owner));
	return kcg_cg_setxattr(group->path, KCG_XATTR_OWNER, value, len);
}

/*
 * Adopted groups live outside kcg's root, where kcg never writes; their
 * records ("name\0path\0" pairs) sit in one xattr on the root instead.
 */
int kcg_adopted_save(void)
{
	struct kcg_group *group;
	unsigned long id;
	size_t len = 0;
	char *buf;
	int err;

	lockdep_assert_held(&kcg_lock);
	buf = kvmalloc(KCG_ADOPTED_MAX, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	xa_for_each(&kcg_groups, id, group) {
		size_t need = strlen(group->name) + strlen(group->path) + 2;

		if (!(group->flags & KCG_GROUP_FLAG_ADOPTED))
			continue;
		if (len + need > KCG_ADOPTED_MAX) {
			kvfree(buf);
			return -ENOSPC;
		}
		len += sprintf(buf + len, "%s", group->name) + 1;
		len += sprintf(buf + len, "%s", group->path) + 1;
	}
	/* An empty value keeps the xattr present, which is harmless. */
	err = kcg_cg_setxattr(kcg_root, KCG_XATTR_ADOPTED, buf, len);
	kvfree(buf);
	return err;
}

static kuid_t kcg_owner_load(const char *path)
{
	char value[16];
	ssize_t len;
	u32 uid;

	len = kcg_cg_getxattr(path, KCG_XATTR_OWNER, value, sizeof(value) - 1);
	if (len <= 0)
		return INVALID_UID;
	value[len] = '\0';
	if (kstrtou32(value, 10, &uid))
		return INVALID_UID;
	return make_kuid(&init_user_ns, uid);
}

struct kcg_load_ctx {
	struct kcg_group *parent;
};

static int kcg_load_dir(const char *leaf, void *arg)
{
	struct kcg_load_ctx *ctx = arg, child_ctx;
	struct kcg_group *parent = ctx->parent, *group;
	char *name, *path;
	int err;

	name = parent ? kasprintf(GFP_KERNEL, "%s/%s", parent->name, leaf)
		      : kstrdup(leaf, GFP_KERNEL);
	path = kasprintf(GFP_KERNEL, "%s/%s", parent ? parent->path : kcg_root, leaf);
	if (!name || !path) {
		err = -ENOMEM;
		goto out;
	}
	if (strlen(name) > KCG_NAME_MAX) {
		pr_warn("skipping %s: name too long for a group\n", path);
		err = 0;
		goto out;
	}
	group = kcg_group_register(name, parent, path, kcg_owner_load(path), 0);
	if (IS_ERR(group)) {
		pr_warn("cannot register %s: %ld\n", path, PTR_ERR(group));
		err = 0;
		goto out;
	}
	child_ctx.parent = group;
	err = kcg_cg_walk_children(path, kcg_load_dir, &child_ctx);
out:
	kfree(name);
	kfree(path);
	return err;
}

static void kcg_load_adopted(void)
{
	struct kcg_group *group;
	char *buf, *name, *path, *end;
	ssize_t len;

	buf = kvmalloc(KCG_ADOPTED_MAX + 1, GFP_KERNEL);
	if (!buf)
		return;
	len = kcg_cg_getxattr(kcg_root, KCG_XATTR_ADOPTED, buf, KCG_ADOPTED_MAX);
	if (len <= 0)
		goto out;
	buf[len] = '\0';
	end = buf + len;
	for (name = buf; name < end; name = path + strlen(path) + 1) {
		path = name + strlen(name) + 1;
		if (path >= end)
			break;
		group = kcg_group_register(name, NULL, path, INVALID_UID,
					   KCG_GROUP_FLAG_ADOPTED);
		if (IS_ERR(group))
			pr_warn("adopted group %s (%s) is gone: %ld\n", name, path,
				PTR_ERR(group));
	}
out:
	kvfree(buf);
}

/* Rebuild the registry from the tree below kcg_root; creates the root. */
int __init kcg_registry_load(void)
{
	struct kcg_load_ctx ctx = { .parent = NULL };
	char *parent, *leaf;
	int err;

	/* Make the root (one level below an existing directory) if need be. */
	parent = kstrdup(kcg_root, GFP_KERNEL);
	if (!parent)
		return -ENOMEM;
	leaf = strrchr(parent, '/');
	*leaf++ = '\0';
	err = kcg_cg_mkdir(parent[0] ? parent : "/", leaf);
	if (!err || err == -EEXIST)
		err = kcg_cg_enable_controllers(parent[0] ? parent : "/");
	kfree(parent);
	if (!err)
		err = kcg_cg_enable_controllers(kcg_root);
	if (err) {
		pr_err("cannot set up the root %s: %d\n", kcg_root, err);
		return err;
	}

	mutex_lock(&kcg_lock);
	err = kcg_cg_walk_children(kcg_root, kcg_load_dir, &ctx);
	if (!err)
		kcg_load_adopted();
	mutex_unlock(&kcg_lock);
	if (err)
		kcg_registry_exit();
	return err;
}

/* Forget every group, children first; the cgroups themselves stay. */
void kcg_registry_exit(void)
{
	struct kcg_group *group;
	unsigned long id;
	bool again;

	mutex_lock(&kcg_lock);
	do {
		again = false;
		xa_for_each(&kcg_groups, id, group) {
			if (group->nr_children) {
				again = true;
				continue;
			}
			kcg_group_unregister(group);
		}
	} while (again);
	mutex_unlock(&kcg_lock);
	/* The RCU callbacks free memory with this module's code. */
	rcu_barrier();
}
