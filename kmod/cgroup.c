// SPDX-License-Identifier: GPL-2.0
/*
 * Cgroup backing: the module's own cgroup2 mount, group directories, and
 * the controller files through which the kernel enforces every limit.
 *
 * Every group holds its directory on that mount (a struct path) and all
 * file work goes through it, so an op reaches the group's own cgroup even
 * if its directory was renamed, and nothing once it was removed. All file
 * work runs with the module's own kernel credentials: permission was
 * decided before, by the netlink layer, against the requester.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cgroup.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/fs_context.h>
#include <linux/kernfs.h>
#include <linux/moduleparam.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "compat.h"
#include "kcg.h"

static struct vfsmount *kcg_mnt;
static const struct cred *kcg_cred;

/*
 * Options of a cgroup2 mount that mirror global flags: mounting from the
 * initial cgroup namespace resets the flags to exactly the options given,
 * so the module passes back the ones already in force.
 */
static const struct {
	unsigned int flag;
	const char *name;
} kcg_cgroup2_options[] = {
	{ CGRP_ROOT_NS_DELEGATE, "nsdelegate" },
	{ CGRP_ROOT_FAVOR_DYNMODS, "favordynmods" },
	{ CGRP_ROOT_MEMORY_LOCAL_EVENTS, "memory_localevents" },
	{ CGRP_ROOT_MEMORY_RECURSIVE_PROT, "memory_recursiveprot" },
#ifdef KCG_HAVE_MEMORY_HUGETLB_ACCOUNTING
	{ CGRP_ROOT_MEMORY_HUGETLB_ACCOUNTING, "memory_hugetlb_accounting" },
#endif
#ifdef KCG_HAVE_PIDS_LOCAL_EVENTS
	{ CGRP_ROOT_PIDS_LOCAL_EVENTS, "pids_localevents" },
#endif
};

static struct vfsmount *kcg_mount_cgroup2(void)
{
	struct file_system_type *type;
	struct vfsmount *mnt;
	struct fs_context *fc;
	int i, err;

	type = get_fs_type("cgroup2");
	if (!type)
		return ERR_PTR(-ENODEV);
	fc = fs_context_for_mount(type, SB_KERNMOUNT);
	/* The context holds its own reference; put_filesystem() is not exported. */
	module_put(type->owner);
	if (IS_ERR(fc))
		return ERR_CAST(fc);

	for (i = 0; i < ARRAY_SIZE(kcg_cgroup2_options); i++) {
		if (!(cgrp_dfl_root.flags & kcg_cgroup2_options[i].flag))
			continue;
		err = vfs_parse_fs_string(fc, kcg_cgroup2_options[i].name, NULL, 0);
		if (err) {
			put_fs_context(fc);
			return ERR_PTR(err);
		}
	}
	mnt = fc_mount(fc);
	put_fs_context(fc);
	return mnt;
}

/* Open NAME below DIR (the mount's root when dir is NULL) as the module. */
static struct file *kcg_open_at(const struct path *dir, const char *name, int flags)
{
	struct path root = { .mnt = kcg_mnt, .dentry = kcg_mnt->mnt_root };
	const struct cred *old;
	struct file *file;

	old = override_creds(kcg_cred);
	file = file_open_root(dir ?: &root, name, flags, 0);
	revert_creds(old);
	return file;
}

int kcg_cg_open_dir(const struct path *from, const char *name, struct path *dir)
{
	struct file *file = kcg_open_at(from, name, O_PATH | O_DIRECTORY);

	if (IS_ERR(file))
		return PTR_ERR(file);
	*dir = file->f_path;
	path_get(dir);
	fput(file);
	return 0;
}

int kcg_cg_write(const struct path *dir, const char *name, const char *buf)
{
	struct file *file;
	loff_t pos = 0;
	ssize_t ret;

	file = kcg_open_at(dir, name, O_WRONLY);
	if (IS_ERR(file))
		return PTR_ERR(file);
	ret = kernel_write(file, buf, strlen(buf), &pos);
	fput(file);
	return ret < 0 ? ret : 0;
}

ssize_t kcg_cg_read(const struct path *dir, const char *name, char *buf, size_t size)
{
	struct file *file;
	size_t len = 0;
	loff_t pos = 0;
	ssize_t ret;

	file = kcg_open_at(dir, name, O_RDONLY);
	if (IS_ERR(file))
		return PTR_ERR(file);
	while (len < size - 1) {
		ret = kernel_read(file, buf + len, size - 1 - len, &pos);
		if (ret < 0) {
			fput(file);
			return ret;
		}
		if (!ret)
			break;
		len += ret;
	}
	fput(file);
	buf[len] = '\0';
	return len;
}

/*
 * mkdir NAME in PARENT (child NULL), or rmdir CHILD if it is still PARENT's
 * entry: a directory renamed, or removed and made again, behind kcg's back
 * is not the group's any more (ENOENT). Under PARENT's inode lock, as the
 * module.
 */
static int kcg_cg_dirop(const struct path *parent, const char *name,
			const struct path *child)
{
	struct inode *inode = d_inode(parent->dentry);
	const struct cred *old;
	struct dentry *dentry;
	int err;

	old = override_creds(kcg_cred);
	err = mnt_want_write(parent->mnt);
	if (err)
		goto out;
	inode_lock_nested(inode, I_MUTEX_PARENT);
	if (child) {
		dentry = child->dentry;
		if (dentry->d_parent != parent->dentry || d_unhashed(dentry) ||
		    d_is_negative(dentry))
			err = -ENOENT;
		else
			err = vfs_rmdir(KCG_NOP_IDMAP, inode, dentry);
	} else {
		dentry = lookup_one_len(name, parent->dentry, strlen(name));
		err = PTR_ERR_OR_ZERO(dentry);
		if (!err) {
			err = vfs_mkdir(KCG_NOP_IDMAP, inode, dentry, 0755);
			dput(dentry);
		}
	}
	inode_unlock(inode);
	mnt_drop_write(parent->mnt);
out:
	revert_creds(old);
	return err;
}

/*
 * mkdir NAME in PARENT, and hold the new directory in *child. kernfs leaves
 * the dentry it was given negative, so the child is looked up again.
 */
int kcg_cg_mkdir(const struct path *parent, const char *name, struct path *child)
{
	return kcg_cg_dirop(parent, name, NULL) ?: kcg_cg_open_dir(parent, name, child);
}

int kcg_cg_rmdir(const struct path *parent, const struct path *child)
{
	return kcg_cg_dirop(parent, NULL, child);
}

/*
 * The live cgroup behind a directory of kcg's mount, referenced. Taken from
 * the directory's kernfs node rather than by id: cgroup_get_from_id() hides
 * cgroups outside the caller's cgroup namespace.
 */
struct cgroup *kcg_cg_of(const struct path *dir)
{
	struct kernfs_node *kn = d_inode(dir->dentry)->i_private;
	struct cgroup *cgrp;

	if (dir->mnt != kcg_mnt || !kn || kernfs_type(kn) != KERNFS_DIR)
		return ERR_PTR(-ENOTDIR);
	rcu_read_lock();
	cgrp = rcu_dereference(*(void __rcu __force **)&kn->priv);
	if (cgrp && !cgroup_tryget(cgrp))
		cgrp = NULL;
	rcu_read_unlock();
	return cgrp ?: ERR_PTR(-ENOENT);
}

int kcg_cg_setxattr(const struct path *dir, const char *name, const void *value,
		    size_t size)
{
	const struct cred *old;
	int err;

	old = override_creds(kcg_cred);
	err = vfs_setxattr(KCG_NOP_IDMAP, dir->dentry, name, value, size, 0);
	revert_creds(old);
	return err;
}

ssize_t kcg_cg_getxattr(const struct path *dir, const char *name, void *value,
			size_t size)
{
	const struct cred *old;
	ssize_t ret;

	old = override_creds(kcg_cred);
	ret = vfs_getxattr(KCG_NOP_IDMAP, dir->dentry, name, value, size);
	revert_creds(old);
	return ret;
}

struct kcg_dir_walk {
	struct dir_context ctx;
	struct list_head *names;
	int err;
};

static bool kcg_dir_actor(struct dir_context *ctx, const char *name, int len,
			  loff_t offset, u64 ino, unsigned int type)
{
	struct kcg_dir_walk *walk = container_of(ctx, struct kcg_dir_walk, ctx);
	struct kcg_dir_name *entry;

	if (type != DT_DIR)
		return true;
	if ((len == 1 && name[0] == '.') || (len == 2 && !memcmp(name, "..", 2)))
		return true;
	entry = kmalloc(struct_size(entry, name, len + 1), GFP_KERNEL);
	if (!entry) {
		walk->err = -ENOMEM;
		return false;
	}
	memcpy(entry->name, name, len);
	entry->name[len] = '\0';
	list_add_tail(&entry->node, walk->names);
	return true;
}

/*
 * The names of DIR's child directories, appended to names (free them with
 * kcg_cg_free_names()). Only the read holds DIR's lock: callers work on the
 * children afterwards, with no directory locked.
 */
int kcg_cg_list_dirs(const struct path *dir, struct list_head *names)
{
	struct kcg_dir_walk walk = {
		.ctx.actor = kcg_dir_actor,
		.names = names,
	};
	const struct cred *old;
	struct file *file;
	int err;

	file = kcg_open_at(dir, ".", O_RDONLY | O_DIRECTORY);
	if (IS_ERR(file))
		return PTR_ERR(file);
	old = override_creds(kcg_cred);
	err = iterate_dir(file, &walk.ctx);
	revert_creds(old);
	fput(file);
	return err ?: walk.err;
}

void kcg_cg_free_names(struct list_head *names)
{
	struct kcg_dir_name *entry, *next;

	list_for_each_entry_safe(entry, next, names, node)
		kfree(entry);
	INIT_LIST_HEAD(names);
}

struct kcg_init_call {
	struct work_struct work;
	int (*fn)(void *arg);
	void *arg;
	int ret;
};

static void kcg_init_call_work(struct work_struct *work)
{
	struct kcg_init_call *call = container_of(work, struct kcg_init_call, work);

	call->ret = call->fn(call->arg);
}

/*
 * Run fn in a kernel worker, in the initial namespaces, and wait for it.
 * Moving a task through cgroup.procs checks the writer's cgroup namespace
 * and looks its pid up in the writer's pid namespace: from a worker both
 * are the host's, whatever namespaces the requester lives in.
 */
int kcg_call_in_init_ns(int (*fn)(void *arg), void *arg)
{
	struct kcg_init_call call = { .fn = fn, .arg = arg };

	INIT_WORK_ONSTACK(&call.work, kcg_init_call_work);
	queue_work(system_unbound_wq, &call.work);
	flush_work(&call.work);
	destroy_work_on_stack(&call.work);
	return call.ret;
}

/*
 * The controllers kcg turns on for its groups (module parameter
 * "controllers"): only these are ever written to a subtree_control, and kcg
 * takes back only what it turned on itself.
 */
static const char * const kcg_controller_names[] = { "cpu", "cpuset", "io", "memory", "pids" };
static char *kcg_controllers = "cpu,cpuset,io,memory,pids";
module_param_named(controllers, kcg_controllers, charp, 0444);
MODULE_PARM_DESC(controllers, "controllers kcg enables for its groups (default cpu,cpuset,io,memory,pids)");
static unsigned int kcg_controllers_wanted;

static int __init kcg_controllers_parse(void)
{
	char *list, *cursor, *tok;
	int i, err = 0;

	list = kstrdup(kcg_controllers, GFP_KERNEL);
	if (!list)
		return -ENOMEM;
	cursor = list;
	while (!err && (tok = strsep(&cursor, ",")) != NULL) {
		if (!*tok)
			continue;
		for (i = 0; i < ARRAY_SIZE(kcg_controller_names); i++)
			if (!strcmp(tok, kcg_controller_names[i]))
				break;
		if (i == ARRAY_SIZE(kcg_controller_names)) {
			pr_err("controllers=%s: unknown controller %s\n", kcg_controllers, tok);
			err = -EINVAL;
		} else {
			kcg_controllers_wanted |= BIT(i);
		}
	}
	kfree(list);
	return err;
}

/* The set of kcg's controllers named in a controller file's text. */
static unsigned int kcg_controllers_in(const struct path *dir, const char *file)
{
	unsigned int mask = 0;
	char buf[256], *cursor, *tok;
	int i;

	if (kcg_cg_read(dir, file, buf, sizeof(buf)) <= 0)
		return 0;
	cursor = strim(buf);
	while ((tok = strsep(&cursor, " ")) != NULL)
		for (i = 0; i < ARRAY_SIZE(kcg_controller_names); i++)
			if (!strcmp(tok, kcg_controller_names[i]))
				mask |= BIT(i);
	return mask;
}

static int kcg_controllers_write(const struct path *dir, unsigned int mask, char sign)
{
	char buf[64] = "";
	int i, len = 0;

	for (i = 0; i < ARRAY_SIZE(kcg_controller_names); i++)
		if (mask & BIT(i))
			len += scnprintf(buf + len, sizeof(buf) - len, "%c%s ", sign,
					 kcg_controller_names[i]);
	return len ? kcg_cg_write(dir, "cgroup.subtree_control", buf) : 0;
}

/*
 * Make kcg's controllers available to DIR's children: those the kernel
 * offers at DIR and that are not on yet. Returns the set it turned on (to
 * be given back to kcg_cg_disable_controllers()) or a negative errno; EBUSY
 * means DIR holds tasks itself (cgroup v2: no internal tasks).
 */
int kcg_cg_enable_controllers(const struct path *dir)
{
	unsigned int missing;
	int err;

	missing = kcg_controllers_wanted & kcg_controllers_in(dir, "cgroup.controllers") &
		  ~kcg_controllers_in(dir, "cgroup.subtree_control");
	err = kcg_controllers_write(dir, missing, '+');
	return err ?: missing;
}

/* The kcg controllers on in DIR's subtree_control: after a reload, kcg's. */
unsigned int kcg_cg_enabled_controllers(const struct path *dir)
{
	return kcg_controllers_wanted & kcg_controllers_in(dir, "cgroup.subtree_control");
}

/*
 * A cgroup with controllers in its subtree_control holds no tasks, even
 * once its last child is gone: turn off again what kcg turned on, so that
 * it can take tasks as before. Best effort.
 */
void kcg_cg_disable_controllers(const struct path *dir, unsigned int mask)
{
	kcg_controllers_write(dir, mask, '-');
}

/*
 * The pids controller's counters of a cgroup, read from its private state
 * (see compat.h): pids.current, which counts the whole subtree, and the
 * pids.events "max" count of refused forks. False without the controller.
 */
bool kcg_pids_read(struct cgroup *cgrp, s64 *tasks, s64 *refused)
{
	struct cgroup_subsys_state *css;
	struct kcg_pids_css *pids;

	rcu_read_lock();
	css = rcu_dereference(cgrp->subsys[pids_cgrp_id]);
	if (css) {
		pids = container_of(css, struct kcg_pids_css, css);
		*tasks = atomic64_read(&pids->counter);
		*refused = atomic64_read(&pids->events_max);
	}
	rcu_read_unlock();
	return css;
}

int __init kcg_cgroup_init(void)
{
	int err = kcg_controllers_parse();

	if (err)
		return err;
	kcg_cred = prepare_kernel_cred(&init_task);
	if (!kcg_cred)
		return -ENOMEM;
	kcg_mnt = kcg_mount_cgroup2();
	if (IS_ERR(kcg_mnt)) {
		put_cred(kcg_cred);
		pr_err("cannot mount cgroup2: %ld\n", PTR_ERR(kcg_mnt));
		return PTR_ERR(kcg_mnt);
	}
	return 0;
}

void kcg_cgroup_exit(void)
{
	kern_unmount(kcg_mnt);
	put_cred(kcg_cred);
}
