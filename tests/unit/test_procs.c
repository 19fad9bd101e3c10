// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kcg ps's reading side: a group's cgroup directory found through
 * mountinfo (namespaced roots, escapes, other file systems), cgroup.procs
 * read and sorted, command lines joined, and /proc read for a live process.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "procs.h"
#include "tap.h"

static int dir_of(const char *mountinfo, const char *cgroup, char *dir, size_t len)
{
	FILE *f = fmemopen((void *)mountinfo, strlen(mountinfo), "r");
	int err = procs_cgroup_dir(f, cgroup, dir, len);

	fclose(f);
	return err;
}

static const char usual[] =
	"22 1 0:21 / /sys rw,nosuid shared:7 - sysfs sysfs rw\n"
	"35 22 0:30 / /sys/fs/cgroup rw,nosuid,nodev shared:9 - cgroup2 cgroup2 rw,nsdelegate\n";
/* A cgroup2 mount of a subtree (/kcg), at a path with a space, after a v1 mount. */
static const char subtree[] =
	"40 22 0:40 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n"
	"41 22 0:30 /kcg /mnt/cg\\040x rw shared:3 opt:1 - cgroup2 none rw\n";

int main(void)
{
	char dir[256], cmd[32];
	pid_t *pids = NULL;
	size_t count = 0;
	struct proc_info *info = malloc(sizeof(*info));
	char tmpl[] = "/tmp/test_procs.XXXXXX", path[300];
	FILE *f;

	CHECK(dir_of(usual, "/kcg/web", dir, sizeof(dir)) == 0 &&
	      strcmp(dir, "/sys/fs/cgroup/kcg/web") == 0, "the usual /sys/fs/cgroup");
	CHECK(dir_of(usual, "/", dir, sizeof(dir)) == 0 && strcmp(dir, "/sys/fs/cgroup/") == 0,
	      "the root cgroup");
	CHECK(dir_of(subtree, "/kcg/web/a", dir, sizeof(dir)) == 0 &&
	      strcmp(dir, "/mnt/cg x/web/a") == 0, "a mount of a subtree; \\040 unescaped");
	CHECK(dir_of(subtree, "/kcgx/web", dir, sizeof(dir)) == -ENOENT,
	      "a sibling of the mount's root is not under it");
	CHECK(dir_of(subtree, "/kcg", dir, sizeof(dir)) == 0 && strcmp(dir, "/mnt/cg x") == 0,
	      "the mount's root itself");
	CHECK(dir_of(usual, "/../kcg/t25/a", dir, sizeof(dir)) == -ENOENT,
	      "a path outside our cgroup namespace is in no mount");
	CHECK(dir_of("22 1 0:21 / /sys rw - sysfs sysfs rw\n", "/kcg", dir, sizeof(dir)) == -ENOENT,
	      "no cgroup2 mount");
	CHECK(dir_of("1 2 3\n35 22 0:30 / /c rw\n", "/kcg", dir, sizeof(dir)) == -ENOENT,
	      "short and separator-less lines are skipped");
	CHECK(dir_of(usual, "/kcg/web", dir, 10) == -ENAMETOOLONG, "a directory too long for dir");
	CHECK(dir_of("35 22 0:30 / / rw - cgroup2 cgroup2 rw\n", "/kcg/a", dir, sizeof(dir)) == 0 &&
	      strcmp(dir, "/kcg/a") == 0, "cgroup2 mounted at /: no double slash");

	memcpy(cmd, "sleep\0" "600", 10);
	CHECK_STR(procs_join_cmdline(cmd, 10), "sleep 600", "arguments joined by spaces");
	memcpy(cmd, "a\0\0b", 4);
	CHECK_STR(procs_join_cmdline(cmd, 4), "a  b", "an empty argument, a cut-off last one");
	CHECK_STR(procs_join_cmdline(cmd, 0), "", "no arguments");

	CHECK(mkdtemp(tmpl) != NULL, "a directory for cgroup.procs");
	snprintf(path, sizeof(path), "%s/cgroup.procs", tmpl);
	f = fopen(path, "w");
	fputs("300\n20\n1000\n", f);
	fclose(f);
	CHECK(procs_read_pids(tmpl, &pids, &count) == 0 && count == 3 && pids[0] == 20 &&
	      pids[1] == 300 && pids[2] == 1000, "cgroup.procs read, sorted");
	free(pids);
	f = fopen(path, "w");
	fclose(f);
	pids = NULL;
	CHECK(procs_read_pids(tmpl, &pids, &count) == 0 && count == 0 && pids,
	      "an empty cgroup: no pids, an allocation all the same");
	free(pids);
	unlink(path);
	CHECK(procs_read_pids(tmpl, &pids, &count) == -ENOENT, "no cgroup.procs: -ENOENT");
	rmdir(tmpl);

	CHECK(procs_read_info(getpid(), info) == 0 && info->uid == geteuid() &&
	      strstr(info->command, "test_procs"), "our own uid and command from /proc");
	CHECK(procs_read_info(0x3fffffff, info) == -ENOENT, "a pid that does not exist: -ENOENT");
	free(info);
	TAP_EXIT();
}
