// SPDX-License-Identifier: GPL-2.0
/* kcg module init and exit: bring the pieces up in order, tear down in reverse. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>

#include "kcg.h"

static int __init kcg_init(void)
{
	int err;

	err = kcg_netlink_init();
	if (err)
		return err;

	pr_info("version %s loaded\n", KCG_MODULE_VERSION);
	return 0;
}

static void __exit kcg_exit(void)
{
	kcg_netlink_exit();
	pr_info("unloaded\n");
}

module_init(kcg_init);
module_exit(kcg_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Container groups: cgroup v2 backed groups with fast accounting");
MODULE_VERSION(KCG_MODULE_VERSION);
