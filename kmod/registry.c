// SPDX-License-Identifier: GPL-2.0
/*
 * The group registry: a cache of the groups that live in the cgroup tree.
 * Indexed by cgroup id for the accounting hot path (xarray) and by name for
 * the control path (hash); both are read under RCU without locks. Rebuilt
 * from the tree on load: names from the directories, limits from the
 * controller files, owners from a trusted.kcg.owner xattr on each group
 * directory, adopted cgroups from a trusted.kcg.adopted xattr on the root.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/moduleparam.h>
#include <linux/random.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/stringhash.h>
#include <linux/user_namespace.h>
#include <linux/workqueue.h>

#include "kcg.h"

#define KCG_XATTR_OWNER		"trusted.kcg.owner"
#define KCG_XATTR_ADOPTED	"trusted.kcg.adopted"
#define KCG_ADOPTED_MAX		(64 * 1024)

DEFINE_XARRAY(kcg_groups);
/* The registry's structure; held briefly, never across cgroupfs work. */
DEFINE_MUTEX(kcg_lock);
/* The parent lock of top-level and adopted groups (see struct kcg_group). */
DEFINE_MUTEX(kcg_top_lock);
/* Bumped on every registration change; dumps compare it to flag DUMP_INTR. */
unsigned int kcg_generation = 1;
/* The groups' root directory and its cgroup, held while loaded. */
struct path kcg_root_dir;
struct cgroup *kcg_root_cgrp;

static DEFINE_HASHTABLE(kcg_names, 12);
/* Salts the name hash, so that nobody can pick names that share a bucket. */
static unsigned long kcg_name_salt __ro_after_init;

/* Cgroups removed behind kcg's back, waiting for kcg_stale_work. */
static atomic_t kcg_nr_stale;
static void kcg_stale_sweep(struct work_struct *work);
static DECLARE_WORK(kcg_stale_work, kcg_stale_sweep);

static u32 kcg_name_hash(const char *name)
{
	return full_name_hash((void *)kcg_name_salt, name, strlen(name));
}

bool kcg_group_tryget(struct kcg_group *group)
{
	return refcount_inc_not_zero(&group->ref);
}

static void kcg_group_free_rcu(struct rcu_head *rcu)
{
	struct kcg_group *group = container_of(rcu, struct kcg_group, rcu);

	free_percpu(group->stats);
	kfree(group->name);
	kfree(group);
}

/*
 * Drop a reference. The last one gives back the directory, the cgroup and
 * the parent (a loop, not recursion: trees can be deep); the memory goes
 * after a grace period, since probes and lockless readers may hold it.
 */
void kcg_group_put(struct kcg_group *group)
{
	struct kcg_group *parent;

	while (group && refcount_dec_and_test(&group->ref)) {
		parent = group->parent;
		path_put(&group->dir);
		cgroup_put(group->cgrp);
		call_rcu(&group->rcu, kcg_group_free_rcu);
		group = parent;
	}
}

/* A registered group by name, referenced; NULL if there is none. */
struct kcg_group *kcg_group_lookup(const char *name)
{
	struct kcg_group *group, *found = NULL;

	rcu_read_lock();
	hash_for_each_possible_rcu(kcg_names, group, name_node, kcg_name_hash(name)) {
		if (strcmp(group->name, name) || !READ_ONCE(group->registered))
			continue;
		if (kcg_group_tryget(group))
			found = group;
		break;
	}
	rcu_read_unlock();
	return found;
}

/* A registered group by cgroup id, referenced; NULL if there is none. */
struct kcg_group *kcg_group_lookup_id(u64 id)
{
	struct kcg_group *group;

	rcu_read_lock();
	group = xa_load(&kcg_groups, id);
	if (group && (!READ_ONCE(group->registered) || !kcg_group_tryget(group)))
		group = NULL;
	rcu_read_unlock();
	return group;
}

/*
 * The registered group whose cgroup is cgrp or its nearest ancestor, under
 * RCU (not referenced); NULL when no group covers it.
 */
struct kcg_group *kcg_group_covering(struct cgroup *cgrp)
{
	struct kcg_group *group;

	for (; cgrp; cgrp = cgroup_parent(cgrp)) {
		group = xa_load(&kcg_groups, cgroup_id(cgrp));
		if (group)
			return group;
	}
	return NULL;
}

/*
 * A new, unregistered group for the directory dir, holding one reference
 * (the caller's) and one on parent. Charged to the requester's memcg.
 */
struct kcg_group *kcg_group_new(const char *name, struct kcg_group *parent,
				const struct path *dir, kuid_t owner, u32 flags)
{
	struct kcg_group *group;
	int err;

	group = kzalloc(sizeof(*group), GFP_KERNEL_ACCOUNT);
	if (!group)
		return ERR_PTR(-ENOMEM);
	group->name = kstrdup(name, GFP_KERNEL_ACCOUNT);
	group->stats = alloc_percpu_gfp(struct kcg_stats, GFP_KERNEL_ACCOUNT);
	if (!group->name || !group->stats) {
		err = -ENOMEM;
		goto free;
	}
	group->cgrp = kcg_cg_of(dir);
	if (IS_ERR(group->cgrp)) {
		err = PTR_ERR(group->cgrp);
		goto free;
	}
	group->id = cgroup_id(group->cgrp);
	group->dir = *dir;
	path_get(&group->dir);
	refcount_set(&group->ref, 1);
	mutex_init(&group->lock);
	INIT_LIST_HEAD(&group->children);
	group->owner = owner;
	group->flags = flags;
	if (parent) {
		refcount_inc(&parent->ref);
		group->parent = parent;
	}
	return group;

free:
	free_percpu(group->stats);
	kfree(group->name);
	kfree(group);
	return ERR_PTR(err);
}

/*
 * Publish a new group. EEXIST if its cgroup or its name is a group already,
 * ENOENT if its parent left the registry meanwhile. The registry takes a
 * reference of its own.
 */
int kcg_group_register(struct kcg_group *group)
{
	struct kcg_group *parent = group->parent, *other;
	int err;

	mutex_lock(&kcg_lock);
	if (parent && !parent->registered) {
		err = -ENOENT;
		goto unlock;
	}
	hash_for_each_possible(kcg_names, other, name_node, kcg_name_hash(group->name)) {
		if (!strcmp(other->name, group->name)) {
			err = -EEXIST;
			goto unlock;
		}
	}
	/* -EBUSY from the xarray: this cgroup is a group already. */
	err = xa_insert(&kcg_groups, group->id, group, GFP_KERNEL_ACCOUNT);
	if (err) {
		err = err == -EBUSY ? -EEXIST : err;
		goto unlock;
	}
	refcount_inc(&group->ref);
	WRITE_ONCE(group->registered, true);
	hash_add_rcu(kcg_names, &group->name_node, kcg_name_hash(group->name));
	if (parent) {
		parent->nr_children++;
		list_add_tail_rcu(&group->sibling, &parent->children);
		for (other = parent; other; other = other->parent)
			other->nr_descendants++;
	}
	WRITE_ONCE(kcg_generation, kcg_generation + 1);
unlock:
	mutex_unlock(&kcg_lock);
	return err;
}

/* Take a group out of the registry; its children must be gone. */
void kcg_group_unregister(struct kcg_group *group)
{
	struct kcg_group *parent = group->parent, *above;

	mutex_lock(&kcg_lock);
	if (!group->registered || WARN_ON_ONCE(group->nr_children)) {
		mutex_unlock(&kcg_lock);
		return;
	}
	WRITE_ONCE(group->registered, false);
	xa_erase(&kcg_groups, group->id);
	hash_del_rcu(&group->name_node);
	if (parent) {
		parent->nr_children--;
		list_del_rcu(&group->sibling);
		for (above = parent; above; above = above->parent)
			above->nr_descendants--;
	}
	WRITE_ONCE(kcg_generation, kcg_generation + 1);
	mutex_unlock(&kcg_lock);
	kcg_group_put(group);
}

/* Is group strictly below top? */
bool kcg_group_below(const struct kcg_group *group, const struct kcg_group *top)
{
	for (group = group->parent; group; group = group->parent)
		if (group == top)
			return true;
	return false;
}

/*
 * The next group of top's subtree after pos, in pre-order (pos == top
 * starts the walk); NULL at the end. Under RCU, without recursion.
 */
struct kcg_group *kcg_subtree_next(struct kcg_group *pos, struct kcg_group *top)
{
	struct kcg_group *next;

	next = list_first_or_null_rcu(&pos->children, struct kcg_group, sibling);
	if (next)
		return next;
	for (; pos != top; pos = pos->parent) {
		next = list_next_or_null_rcu(&pos->parent->children, &pos->sibling,
					     struct kcg_group, sibling);
		if (next)
			return next;
	}
	return NULL;
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

/*
 * The group an admin gave to uid that holds group: the highest of the
 * unbroken run of groups owned by uid from group up. Owners' groups are
 * counted, and bounded, below it.
 */
struct kcg_group *kcg_owner_top(const struct kcg_group *group, kuid_t uid)
{
	const struct kcg_group *top = NULL;

	for (; group && uid_eq(group->owner, uid); group = group->parent)
		top = group;
	return (struct kcg_group *)top;
}

int kcg_group_set_owner(struct kcg_group *group, kuid_t owner)
{
	char value[16];
	int len;

	group->owner = owner;
	if (!uid_valid(owner))
		return 0;
	len = snprintf(value, sizeof(value), "%u", from_kuid(&init_user_ns, owner));
	return kcg_cg_setxattr(&group->dir, KCG_XATTR_OWNER, value, len);
}

/*
 * Adopted groups live outside kcg's root, where kcg never writes; their
 * records ("name\0path\0" pairs) sit in one xattr on the root instead.
 * Called under kcg_top_lock, which orders the adopts and their records.
 */
int kcg_adopted_save(void)
{
	struct kcg_group *group;
	size_t len = 0, need;
	unsigned long id;
	char *buf, *path;
	int err = 0;

	lockdep_assert_held(&kcg_top_lock);
	buf = kvmalloc(KCG_ADOPTED_MAX + PATH_MAX, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	path = buf + KCG_ADOPTED_MAX;
	mutex_lock(&kcg_lock);
	xa_for_each(&kcg_groups, id, group) {
		if (!(group->flags & KCG_GROUP_FLAG_ADOPTED))
			continue;
		if (cgroup_path(group->cgrp, path, PATH_MAX) < 0)
			continue;
		need = strlen(group->name) + strlen(path) + 2;
		if (len + need > KCG_ADOPTED_MAX) {
			err = -ENOSPC;
			break;
		}
		memcpy(buf + len, group->name, strlen(group->name) + 1);
		len += strlen(group->name) + 1;
		memcpy(buf + len, path, strlen(path) + 1);
		len += strlen(path) + 1;
	}
	mutex_unlock(&kcg_lock);
	/* An empty value keeps the xattr present, which is harmless. */
	if (!err)
		err = kcg_cg_setxattr(&kcg_root_dir, KCG_XATTR_ADOPTED, buf, len);
	kvfree(buf);
	return err;
}

/*
 * A cgroup is being removed (cgroup_rmdir tracepoint, under cgroup_mutex).
 * If it is a group's, the group leaves the registry soon after, whoever
 * removed it; kcg's own delete has usually done so already.
 */
void kcg_stale_check(struct cgroup *cgrp)
{
	if (xa_load(&kcg_groups, cgroup_id(cgrp))) {
		atomic_inc(&kcg_nr_stale);
		queue_work(system_wq, &kcg_stale_work);
	}
}

/* Unregister every group whose cgroup is gone, children first. */
static void kcg_stale_sweep(struct work_struct *work)
{
	struct kcg_group *group, *found;
	unsigned long id;

	while (atomic_read(&kcg_nr_stale)) {
		found = NULL;
		rcu_read_lock();
		xa_for_each(&kcg_groups, id, group) {
			if (!(group->cgrp->self.flags & CSS_ONLINE) &&
			    !READ_ONCE(group->nr_children) && kcg_group_tryget(group)) {
				found = group;
				break;
			}
		}
		rcu_read_unlock();
		if (!found) {
			atomic_set(&kcg_nr_stale, 0);
			break;
		}
		mutex_lock(&found->lock);
		kcg_group_unregister(found);
		mutex_unlock(&found->lock);
		kcg_group_put(found);
	}
}

static kuid_t kcg_owner_load(const struct path *dir)
{
	char value[16];
	ssize_t len;
	u32 uid;

	len = kcg_cg_getxattr(dir, KCG_XATTR_OWNER, value, sizeof(value) - 1);
	if (len <= 0)
		return INVALID_UID;
	value[len] = '\0';
	if (kstrtou32(value, 10, &uid))
		return INVALID_UID;
	return make_kuid(&init_user_ns, uid);
}

/* Register the group for directory leaf of parent's (or the root's) directory. */
static struct kcg_group *kcg_load_one(struct kcg_group *parent, const char *leaf)
{
	struct kcg_group *group;
	struct path dir;
	char *name;
	int err;

	name = parent ? kasprintf(GFP_KERNEL, "%s/%s", parent->name, leaf)
		      : kstrdup(leaf, GFP_KERNEL);
	if (!name)
		return ERR_PTR(-ENOMEM);
	if (strlen(name) > KCG_NAME_MAX || kcg_name_check(name, NULL, NULL)) {
		pr_warn("skipping %s: not a group name\n", name);
		group = NULL;
		goto out;
	}
	err = kcg_cg_open_dir(parent ? &parent->dir : &kcg_root_dir, leaf, &dir);
	if (err) {
		group = ERR_PTR(err);
		goto out;
	}
	group = kcg_group_new(name, parent, &dir, kcg_owner_load(&dir), 0);
	path_put(&dir);
	if (IS_ERR(group))
		goto out;
	err = kcg_group_register(group);
	kcg_group_put(group);	/* the registry holds it now, or nobody */
	if (err) {
		pr_warn("cannot register %s: %d\n", name, err);
		group = NULL;
	}
out:
	kfree(name);
	return group;
}

/*
 * The registered group after group in id order (the first with NULL).
 * Cgroup ids only grow, so a parent comes before its children; only the
 * loader walks this way, before anyone else can change the registry.
 */
static struct kcg_group *kcg_load_next(struct kcg_group *group)
{
	unsigned long id = group ? group->id : 0;

	if (!group)
		return xa_find(&kcg_groups, &id, ULONG_MAX, XA_PRESENT);
	return xa_find_after(&kcg_groups, &id, ULONG_MAX, XA_PRESENT);
}

/*
 * Load the tree below the root breadth first, with a queue rather than
 * recursion (an owner may nest groups as deep as names allow) and with no
 * directory locked while groups are registered: each directory's entries
 * are read first, then worked on.
 */
static int kcg_load_tree(void)
{
	struct kcg_group *group = NULL, *child;
	struct kcg_dir_name *entry;
	LIST_HEAD(names);
	int err;

	for (;;) {
		err = kcg_cg_list_dirs(group ? &group->dir : &kcg_root_dir, &names);
		if (err && err != -ENOENT)
			break;
		list_for_each_entry(entry, &names, node) {
			child = kcg_load_one(group, entry->name);
			if (IS_ERR(child))
				pr_warn("cannot load %s: %ld\n", entry->name, PTR_ERR(child));
		}
		kcg_cg_free_names(&names);
		/* What kcg enabled below a group it cannot tell: its own set. */
		if (group && group->nr_children)
			group->controllers = kcg_cg_enabled_controllers(&group->dir);
		group = kcg_load_next(group);
		if (!group)
			return 0;
		cond_resched();
	}
	kcg_cg_free_names(&names);
	return err;
}

static void kcg_load_adopted(void)
{
	struct kcg_group *group;
	char *buf, *name, *path, *end;
	struct path dir;
	ssize_t len;
	int err;

	buf = kvmalloc(KCG_ADOPTED_MAX + 1, GFP_KERNEL);
	if (!buf)
		return;
	len = kcg_cg_getxattr(&kcg_root_dir, KCG_XATTR_ADOPTED, buf, KCG_ADOPTED_MAX);
	if (len <= 0)
		goto out;
	buf[len] = '\0';
	end = buf + len;
	for (name = buf; name < end; name = path + strlen(path) + 1) {
		path = name + strlen(name) + 1;
		if (path >= end)
			break;
		err = kcg_cg_open_dir(NULL, path, &dir);
		if (err) {
			pr_warn("adopted group %s (%s) is gone: %d\n", name, path, err);
			continue;
		}
		group = kcg_group_new(name, NULL, &dir, INVALID_UID, KCG_GROUP_FLAG_ADOPTED);
		path_put(&dir);
		if (IS_ERR(group))
			continue;
		err = kcg_group_register(group);
		if (err)
			pr_warn("adopted group %s (%s): %d\n", name, path, err);
		kcg_group_put(group);
	}
out:
	kvfree(buf);
}

/* Rebuild the registry from the tree below kcg_root; creates the root. */
int __init kcg_registry_load(void)
{
	struct path above;
	char *parent, *leaf;
	int err;

	kcg_name_salt = get_random_long();
	/* Make the root (one level below an existing directory) if need be. */
	parent = kstrdup(kcg_root, GFP_KERNEL);
	if (!parent)
		return -ENOMEM;
	leaf = strrchr(parent, '/');
	*leaf++ = '\0';
	err = kcg_cg_open_dir(NULL, parent[0] ? parent : "/", &above);
	if (!err) {
		err = kcg_cg_mkdir(&above, leaf, &kcg_root_dir);
		if (err == -EEXIST)
			err = kcg_cg_open_dir(&above, leaf, &kcg_root_dir);
		if (!err) {
			err = kcg_cg_enable_controllers(&above);
			if (err > 0)
				pr_info("enabled controllers 0x%x above %s\n", err, kcg_root);
		}
		path_put(&above);
	}
	kfree(parent);
	if (err >= 0) {
		err = kcg_cg_enable_controllers(&kcg_root_dir);
		kcg_root_cgrp = kcg_cg_of(&kcg_root_dir);
		if (IS_ERR(kcg_root_cgrp)) {
			err = PTR_ERR(kcg_root_cgrp);
			kcg_root_cgrp = NULL;
		}
	}
	if (err < 0) {
		pr_err("cannot set up the root %s: %d\n", kcg_root, err);
		goto fail;
	}

	err = kcg_load_tree();
	if (err)
		goto fail;
	kcg_load_adopted();
	return 0;

fail:
	kcg_registry_exit();
	return err;
}

/* Forget every group, children first; the cgroups themselves stay. */
void kcg_registry_exit(void)
{
	struct kcg_group *group;
	unsigned long id;
	bool again;

	flush_work(&kcg_stale_work);
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
	if (kcg_root_cgrp)
		cgroup_put(kcg_root_cgrp);
	kcg_root_cgrp = NULL;
	if (kcg_root_dir.dentry)
		path_put(&kcg_root_dir);
	kcg_root_dir = (struct path){};
	/* The RCU callbacks free memory with this module's code. */
	rcu_barrier();
}
