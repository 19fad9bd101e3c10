// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ps NAME [--tree]: the processes of a group, read where the kernel keeps
 * them (its cgroup.procs, then /proc), as the caller may read them. The
 * module only names the cgroup (show's cgroup path), so ps sees what the
 * caller's own mount and pid namespaces show.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "print.h"
#include "procs.h"

/* One group to list: its name and the directory that holds its cgroup.procs. */
struct ps_group {
	const char *name;
	const char *cgroup;
	char dir[PATH_MAX];
};

/* The user column: the passwd name, or the number (JSON: null) without one. */
static void print_user(uid_t uid, const char *fmt)
{
	static uid_t cached_uid = (uid_t)-1;
	static char cached_name[64];
	static bool cached_found;
	char number[16];

	if (uid != cached_uid) {
		struct passwd *pw = getpwuid(uid);

		cached_found = pw && strlen(pw->pw_name) < sizeof(cached_name);
		if (cached_found)
			strcpy(cached_name, pw->pw_name);
		cached_uid = uid;
	}
	print_u64("uid", NULL, uid);
	if (cached_found) {
		print_string("user", fmt, cached_name);
	} else {
		snprintf(number, sizeof(number), "%u", (unsigned int)uid);
		print_null("user", NULL);
		print_text_string(fmt, number);
	}
}

/* The processes of one group, each indented by indent in text; key: of the JSON array. */
static int print_processes(const struct ps_group *g, int indent, const char *key)
{
	struct proc_info *info;
	char pid_fmt[32];
	pid_t *pids;
	size_t count;
	int err;

	err = procs_read_pids(g->dir, &pids, &count);
	if (err)
		return err;
	info = malloc(sizeof(*info));
	if (!info) {
		free(pids);
		return -ENOMEM;
	}
	/* Under a heading the pid leads, after the indent; alone, it is right-aligned, as in ps. */
	if (key)
		snprintf(pid_fmt, sizeof(pid_fmt), "%*s%%-7" PRIu64, indent, "");
	else
		snprintf(pid_fmt, sizeof(pid_fmt), "%%7" PRIu64);
	print_open_array(key);
	for (size_t i = 0; i < count; i++) {
		/* Gone since cgroup.procs was read: not shown. */
		if (procs_read_info(pids[i], info))
			continue;
		print_open_object(NULL);
		print_u64("pid", pid_fmt, (uint64_t)info->pid);
		print_user(info->uid, " %-8s");
		print_string("command", " %s", info->command);
		print_close_object();
		print_text("\n");
	}
	print_close_array();
	free(info);
	free(pids);
	return 0;
}

static int compare_ps_groups(const void *a, const void *b)
{
	return cli_compare_names(((const struct ps_group *)a)->name,
				 ((const struct ps_group *)b)->name);
}

/* Levels of name below top ("a/b/c" is 2 below "a"). */
static int depth_below(const char *name, const char *top)
{
	int depth = 0;

	for (const char *p = name + strlen(top); *p; p++)
		depth += *p == '/';
	return depth;
}

/*
 * --tree: each group a heading ("NAME:"), its processes under it, the
 * groups below indented by their depth. JSON: an array of groups, each with
 * name, cgroup and its processes. A group deleted meanwhile is left out.
 */
static int print_tree(struct ps_group *groups, size_t count)
{
	int err = 0;

	qsort(groups + 1, count - 1, sizeof(*groups), compare_ps_groups);
	print_open_array(NULL);
	for (size_t i = 0; i < count && !err; i++) {
		int indent = 2 * depth_below(groups[i].name, groups[0].name);

		print_open_object(NULL);
		print_text("%*s", indent, "");
		print_string("name", "%s:\n", groups[i].name);
		print_string("cgroup", NULL, groups[i].cgroup);
		err = print_processes(&groups[i], indent + 2, "processes");
		print_close_object();
		if (err == -ENOENT && i > 0)
			err = 0;
	}
	print_close_array();
	return err;
}

/* Where each group's cgroup is in this mount namespace. */
static int find_dirs(struct ps_group *groups, size_t count)
{
	FILE *mountinfo = fopen("/proc/self/mountinfo", "re");
	int err = 0;

	if (!mountinfo) {
		cli_message("ps: /proc/self/mountinfo: %s", strerror(errno));
		return 1;
	}
	for (size_t i = 0; i < count && !err; i++) {
		rewind(mountinfo);
		err = procs_cgroup_dir(mountinfo, groups[i].cgroup, groups[i].dir,
				       sizeof(groups[i].dir));
		if (err)
			cli_message("ps %s: its cgroup %s is in no cgroup2 mount here%s",
				    groups[i].name, groups[i].cgroup,
				    err == -ENAMETOOLONG ? " (path too long)" : "");
	}
	fclose(mountinfo);
	return err ? 1 : 0;
}

static int ps(const char *name, bool tree)
{
	struct kcg_group_list *below = NULL;
	struct ps_group *groups = NULL;
	struct kcg_group *g;
	size_t count = 1;
	struct kcg *k;
	int err;

	k = cli_connect();
	if (!k)
		return 1;
	err = kcg_group_get(k, name, &g);
	if (!err && tree && (err = kcg_group_dump(k, name, &below)))
		kcg_group_free(g);
	if (err) {
		err = cli_group_error(k, err, "ps", name);
		kcg_close(k);
		return err;
	}
	kcg_close(k);
	if (below)
		count += kcg_group_list_count(below);
	groups = calloc(count, sizeof(*groups));
	if (!groups) {
		err = cli_group_error(NULL, -ENOMEM, "ps", name);
		goto out;
	}
	for (size_t i = 0; i < count; i++) {
		const struct kcg_group *group = i ? kcg_group_list_at(below, i - 1) : g;

		groups[i].name = kcg_group_name(group);
		groups[i].cgroup = kcg_group_cgroup_path(group);
		if (!groups[i].cgroup) {
			cli_message("ps %s: the module gave no cgroup path", groups[i].name);
			err = 1;
			goto out;
		}
	}
	err = find_dirs(groups, count);
	if (err)
		goto out;
	if (tree) {
		err = print_tree(groups, count);
	} else {
		print_text("%7s %-8s %s\n", "PID", "USER", "COMMAND");
		err = print_processes(&groups[0], 0, NULL);
	}
	if (err)
		err = cli_group_error(NULL, err, "ps", name);
out:
	free(groups);
	kcg_group_list_free(below);
	kcg_group_free(g);
	return err;
}

int cmd_ps(int argc, char **argv)
{
	static const struct option options[] = {
		{ "tree", no_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	bool tree = false;
	const char *name;
	int opt, err;

	while ((opt = cli_getopt(argc, argv, options, false)) != -1) {
		if (opt != 't')
			return cli_bad_option(argv);
		tree = true;
	}
	if (optind >= argc)
		return cli_syntax("ps: missing group name");
	if (optind + 1 < argc)
		return cli_syntax("ps: unexpected argument '%s'", argv[optind + 1]);
	name = argv[optind];
	err = cli_check_group_name("ps", name);
	return err ? err : ps(name, tree);
}
