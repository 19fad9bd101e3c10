/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernel lines kcg supports (6.1 .. 6.12)
 * lives here, so the rest of the module reads as if there were one kernel.
 */
#ifndef _KCG_COMPAT_H
#define _KCG_COMPAT_H

#include <linux/version.h>

#endif /* _KCG_COMPAT_H */
