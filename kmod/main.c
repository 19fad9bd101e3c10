// SPDX-License-Identifier: GPL-2.0
/* kcg module init and exit: bring the pieces up in order, tear down in reverse. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>

#include "kcg.h"

char *kcg_root = "/kcg";
module_param_named(root, kcg_root, charp, 0444);
MODULE_PARM_DESC(root, "cgroup directory holding the groups, from the cgroup2 root (default /kcg)");

static bool __init kcg_root_valid(const char *root)
{
	return root[0] == '/' && root[1] && !strstr(root, "/..") && !strstr(root, "//") &&
	       root[strlen(root) - 1] != '/';
}

static int __init kcg_init(void)
{
	int err;

	if (!kcg_root_valid(kcg_root)) {
		pr_err("root=%s: want an absolute cgroup path like /kcg\n", kcg_root);
		return -EINVAL;
	}
	err = kcg_cgroup_init();
	if (err)
		return err;
	err = kcg_registry_load();
	if (err)
		goto cgroup;
	kcg_tasks_check();
	err = kcg_probes_init();
	if (err)
		goto registry;
	/* Requests may subscribe as soon as the family is there. */
	err = kcg_events_init();
	if (err)
		goto probes;
	err = kcg_netlink_init();
	if (err)
		goto events;
	kcg_events_start();

	pr_info("version %s loaded, root %s\n", KCG_MODULE_VERSION, kcg_root);
	return 0;

events:
	kcg_events_exit();
probes:
	kcg_probes_exit();
registry:
	kcg_registry_exit();
cgroup:
	kcg_cgroup_exit();
	return err;
}

/* Groups, their cgroups and their tasks outlive the module. */
static void __exit kcg_exit(void)
{
	/* The last events go out while the family is still there. */
	kcg_events_stop();
	kcg_netlink_exit();
	kcg_events_exit();
	kcg_probes_exit();
	kcg_registry_exit();
	kcg_cgroup_exit();
	pr_info("unloaded\n");
}

module_init(kcg_init);
module_exit(kcg_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Container groups: cgroup v2 backed groups with fast accounting");
MODULE_VERSION(KCG_MODULE_VERSION);
