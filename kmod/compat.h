/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernel lines kcg supports (6.1 .. 6.12)
 * lives here, so the rest of the module reads as if there were one kernel.
 */
#ifndef _KCG_COMPAT_H
#define _KCG_COMPAT_H

#include <linux/cgroup-defs.h>
#include <linux/fs.h>
#include <linux/mnt_idmapping.h>
#include <linux/version.h>
#include <linux/xattr.h>

/* 6.3 replaced the user namespace argument of VFS calls with an idmap. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
#define KCG_NOP_IDMAP (&nop_mnt_idmap)
#else
#define KCG_NOP_IDMAP (&init_user_ns)
#endif

/* cgroup2 mount options (global flags) that appeared after 6.1. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
#define KCG_HAVE_MEMORY_HUGETLB_ACCOUNTING
#endif
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
#define KCG_HAVE_PIDS_LOCAL_EVENTS
#endif

/*
 * The pids controller's private struct pids_cgroup, as far as kcg reads
 * it: pids.current (counter, right after the css in 6.1 and 6.12 alike) and
 * the counter behind pids.events "max", which sits after the pids.events
 * file handle(s) and moved in 6.12 (hierarchical events[], plus a local
 * file). kcg reads them there (no file read per group) and checks both
 * against the files once at load; see kcg_tasks_check().
 */
struct kcg_pids_css {
	struct cgroup_subsys_state css;
	atomic64_t counter;
	atomic64_t limit;
	s64 watermark;
	struct cgroup_file events_file;
#ifdef KCG_HAVE_PIDS_LOCAL_EVENTS
	struct cgroup_file events_local_file;
	atomic64_t events_max;	/* events[PIDCG_MAX] */
#else
	atomic64_t events_max;	/* events_limit */
#endif
};

/* The parsed attributes of a dump request moved into a genl_info in 6.6. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
#define kcg_dump_attrs(cb) (genl_info_dump(cb)->attrs)
#else
#define kcg_dump_attrs(cb) (genl_dumpit_info(cb)->attrs)
#endif

#endif /* _KCG_COMPAT_H */
