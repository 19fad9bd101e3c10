/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The processes of a group, for `kcg ps`: where its cgroup directory is in
 * this mount namespace, the pids in its cgroup.procs, and for each its
 * user and command line from /proc. No netlink here.
 */
#ifndef KCG_PROCS_H
#define KCG_PROCS_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

/*
 * The directory of cgroup (a path as /proc/self/cgroup shows it, from the
 * root of our cgroup namespace) under a cgroup2 mount listed in mountinfo
 * (the format of /proc/self/mountinfo). 0, -ENOENT when no cgroup2 mount
 * shows it (none mounted, or the cgroup is outside our namespace's root:
 * "/.." paths), -ENAMETOOLONG when it does not fit dir.
 */
int procs_cgroup_dir(FILE *mountinfo, const char *cgroup, char *dir, size_t len);

/*
 * The pids in the cgroup.procs file of dir, sorted: *pids is to be freed
 * (never NULL on success). -errno of the open or read.
 */
int procs_read_pids(const char *dir, pid_t **pids, size_t *count);

/*
 * A command line as /proc/PID/cmdline holds it (len bytes, NUL-separated
 * arguments) made into one string in place: arguments joined by spaces,
 * the final NUL dropped. buf has room for len + 1 bytes. Returns buf.
 */
char *procs_join_cmdline(char *buf, size_t len);

#define PROCS_COMMAND_MAX 4096

struct proc_info {
	pid_t pid;
	uid_t uid;		/* effective, as ps shows it */
	/* Its arguments joined, or "[comm]" when it has none (kernel thread, zombie). */
	char command[PROCS_COMMAND_MAX];
};

/* Read pid's uid and command from /proc. -ENOENT once it has gone. */
int procs_read_info(pid_t pid, struct proc_info *info);

#endif /* KCG_PROCS_H */
