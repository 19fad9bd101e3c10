// SPDX-License-Identifier: GPL-2.0
/*
 * Cgroup backing: the module's own cgroup2 mount, group directories, and
 * the controller files through which the kernel enforces every limit.
 *
 * Paths are relative to the root of that mount ("/kcg/tenant-a/web"). All
 * file work runs with the module's own kernel credentials: permission was
 * decided before, by the netlink layer, against the requester.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cgroup.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/fs_context.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/sched/task.h>
#include <linux/slab.h>

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

static struct file *kcg_open(const char *path, int flags)
{
	struct path root = { .mnt = kcg_mnt, .dentry = kcg_mnt->mnt_root };

	return file_open_root(&root, path, flags, 0);
}

/* Open "DIR/NAME" (or DIR itself when name is NULL) as the module. */
static struct file *kcg_open_at(const char *dir, const char *name, int flags)
{
	const struct cred *old;
	struct file *file;
	char *path;

	if (!name) {
		old = override_creds(kcg_cred);
		file = kcg_open(dir, flags);
		revert_creds(old);
		return file;
	}
	path = kasprintf(GFP_KERNEL, "%s/%s", dir, name);
	if (!path)
		return ERR_PTR(-ENOMEM);
	old = override_creds(kcg_cred);
	file = kcg_open(path, flags);
	revert_creds(old);
	kfree(path);
	return file;
}

int kcg_cg_write(const char *dir, const char *name, const char *buf)
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

ssize_t kcg_cg_read(const char *dir, const char *name, char *buf, size_t size)
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

/* mkdir or rmdir NAME in directory DIR, under the parent's inode lock. */
static int kcg_cg_dirop(const char *dir, const char *name, bool make)
{
	struct dentry *parent, *child;
	const struct cred *old;
	struct file *file;
	struct inode *inode;
	int err;

	file = kcg_open_at(dir, NULL, O_PATH | O_DIRECTORY);
	if (IS_ERR(file))
		return PTR_ERR(file);
	parent = file->f_path.dentry;
	inode = d_inode(parent);

	old = override_creds(kcg_cred);
	err = mnt_want_write(kcg_mnt);
	if (err)
		goto out;
	inode_lock_nested(inode, I_MUTEX_PARENT);
	child = lookup_one_len(name, parent, strlen(name));
	if (IS_ERR(child)) {
		err = PTR_ERR(child);
	} else {
		if (make)
			err = vfs_mkdir(KCG_NOP_IDMAP, inode, child, 0755);
		else if (d_is_negative(child))
			err = -ENOENT;
		else
			err = vfs_rmdir(KCG_NOP_IDMAP, inode, child);
		/* kernfs leaves a made dentry negative: nobody may keep it. */
		dput(child);
	}
	inode_unlock(inode);
	mnt_drop_write(kcg_mnt);
out:
	revert_creds(old);
	fput(file);
	return err;
}

int kcg_cg_mkdir(const char *dir, const char *name)
{
	return kcg_cg_dirop(dir, name, true);
}

int kcg_cg_rmdir(const char *dir, const char *name)
{
	return kcg_cg_dirop(dir, name, false);
}

/* The live cgroup behind a directory, referenced; ERR_PTR on failure. */
struct cgroup *kcg_cg_get(const char *dir)
{
	struct file *file;
	u64 id;

	file = kcg_open_at(dir, NULL, O_PATH | O_DIRECTORY);
	if (IS_ERR(file))
		return ERR_CAST(file);
	/* On 64-bit, a kernfs inode number is its node id, the cgroup id. */
	id = file_inode(file)->i_ino;
	fput(file);
	return cgroup_get_from_id(id);
}

int kcg_cg_setxattr(const char *dir, const char *name, const void *value,
		    size_t size)
{
	const struct cred *old;
	struct file *file;
	int err;

	file = kcg_open_at(dir, NULL, O_PATH | O_DIRECTORY);
	if (IS_ERR(file))
		return PTR_ERR(file);
	old = override_creds(kcg_cred);
	err = vfs_setxattr(KCG_NOP_IDMAP, file->f_path.dentry, name, value, size, 0);
	revert_creds(old);
	fput(file);
	return err;
}

ssize_t kcg_cg_getxattr(const char *dir, const char *name, void *value,
			size_t size)
{
	const struct cred *old;
	struct file *file;
	ssize_t ret;

	file = kcg_open_at(dir, NULL, O_PATH | O_DIRECTORY);
	if (IS_ERR(file))
		return PTR_ERR(file);
	old = override_creds(kcg_cred);
	ret = vfs_getxattr(KCG_NOP_IDMAP, file->f_path.dentry, name, value, size);
	revert_creds(old);
	fput(file);
	return ret;
}

struct kcg_dir_walk {
	struct dir_context ctx;
	kcg_child_fn fn;
	void *arg;
	int err;
};

static bool kcg_dir_actor(struct dir_context *ctx, const char *name, int len,
			  loff_t offset, u64 ino, unsigned int type)
{
	struct kcg_dir_walk *walk = container_of(ctx, struct kcg_dir_walk, ctx);
	char child[KCG_NAME_LEVEL_MAX + 1];

	if (type != DT_DIR || len > KCG_NAME_LEVEL_MAX)
		return true;
	if ((len == 1 && name[0] == '.') || (len == 2 && !memcmp(name, "..", 2)))
		return true;
	memcpy(child, name, len);
	child[len] = '\0';
	walk->err = walk->fn(child, walk->arg);
	return !walk->err;
}

/*
 * Call fn for each child directory of DIR, stopping at its first error. fn
 * runs inside the directory read, under DIR's inode lock: it may read and
 * descend, but must not add or remove entries of DIR.
 */
int kcg_cg_walk_children(const char *dir, kcg_child_fn fn, void *arg)
{
	struct kcg_dir_walk walk = {
		.ctx.actor = kcg_dir_actor,
		.fn = fn,
		.arg = arg,
	};
	const struct cred *old;
	struct file *file;
	int err;

	file = kcg_open_at(dir, NULL, O_RDONLY | O_DIRECTORY);
	if (IS_ERR(file))
		return PTR_ERR(file);
	old = override_creds(kcg_cred);
	err = iterate_dir(file, &walk.ctx);
	revert_creds(old);
	fput(file);
	return err ?: walk.err;
}

int __init kcg_cgroup_init(void)
{
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

/*
 * Make the controllers kcg uses available to DIR's children. Only those the
 * kernel offers at DIR are asked for, since one unknown name fails the write.
 * EBUSY means DIR holds tasks itself (cgroup v2: no internal tasks).
 */
int kcg_cg_enable_controllers(const char *dir)
{
	static const char * const wanted[] = { "cpu", "cpuset", "io", "memory", "pids" };
	char avail[256], enable[64] = "";
	char *cursor, *tok;
	ssize_t len;
	int i;

	len = kcg_cg_read(dir, "cgroup.controllers", avail, sizeof(avail));
	if (len < 0)
		return len;
	cursor = strim(avail);
	while ((tok = strsep(&cursor, " ")) != NULL) {
		for (i = 0; i < ARRAY_SIZE(wanted); i++) {
			if (strcmp(tok, wanted[i]))
				continue;
			strlcat(enable, "+", sizeof(enable));
			strlcat(enable, tok, sizeof(enable));
			strlcat(enable, " ", sizeof(enable));
		}
	}
	if (!enable[0])
		return 0;
	return kcg_cg_write(dir, "cgroup.subtree_control", enable);
}

/*
 * A cgroup with controllers in its subtree_control holds no tasks, even
 * once its last child is gone: turn them off again when a group is left
 * without children, so that it can take tasks as before. Best effort.
 */
void kcg_cg_disable_controllers(const char *dir)
{
	char enabled[256], disable[64] = "";
	char *cursor, *tok;
	ssize_t len;

	len = kcg_cg_read(dir, "cgroup.subtree_control", enabled, sizeof(enabled));
	if (len <= 0)
		return;
	cursor = strim(enabled);
	while ((tok = strsep(&cursor, " ")) != NULL) {
		if (!*tok)
			continue;
		strlcat(disable, "-", sizeof(disable));
		strlcat(disable, tok, sizeof(disable));
		strlcat(disable, " ", sizeof(disable));
	}
	if (disable[0])
		kcg_cg_write(dir, "cgroup.subtree_control", disable);
}
