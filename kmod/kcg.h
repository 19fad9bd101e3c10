/* SPDX-License-Identifier: GPL-2.0 */
/* Declarations shared between the files of the kcg module. */
#ifndef _KCG_H
#define _KCG_H

#define KCG_MODULE_VERSION "0.1.0"

int kcg_netlink_init(void);
void kcg_netlink_exit(void);

#endif /* _KCG_H */
