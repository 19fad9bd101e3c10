// SPDX-License-Identifier: GPL-2.0-or-later
/* The processes of a group, from cgroupfs and /proc; see procs.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "procs.h"

/* mountinfo writes space, tab, newline and backslash as \ooo: undo it in place. */
static void unescape_octal(char *s)
{
	char *out = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*out++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 4;
		} else {
			*out++ = *s++;
		}
	}
	*out = '\0';
}

/* Is path at or below root (both absolute)? Then *rest is what follows root. */
static bool path_under(const char *path, const char *root, const char **rest)
{
	size_t len = strlen(root);

	if (strcmp(root, "/") == 0) {
		*rest = path;
		return true;
	}
	if (strncmp(path, root, len) != 0 || (path[len] != '/' && path[len] != '\0'))
		return false;
	*rest = path + len;
	return true;
}

int procs_cgroup_dir(FILE *mountinfo, const char *cgroup, char *dir, size_t len)
{
	char *line = NULL;
	size_t cap = 0;
	int err = -ENOENT;

	/* A path that climbs out of our namespace's root is in no mount of ours. */
	if (cgroup[0] != '/' || strncmp(cgroup, "/..", 3) == 0)
		return -ENOENT;
	while (err == -ENOENT && getline(&line, &cap, mountinfo) > 0) {
		char *fields[5], *sep, *save = NULL, *fstype;
		const char *rest;
		int n = 0;

		/* id parent maj:min root mountpoint ... - fstype source options */
		for (char *f = strtok_r(line, " \n", &save); f && n < 5; f = strtok_r(NULL, " \n", &save))
			fields[n++] = f;
		if (n < 5)
			continue;
		sep = strtok_r(NULL, " \n", &save);
		while (sep && strcmp(sep, "-") != 0)
			sep = strtok_r(NULL, " \n", &save);
		fstype = sep ? strtok_r(NULL, " \n", &save) : NULL;
		if (!fstype || strcmp(fstype, "cgroup2") != 0)
			continue;
		unescape_octal(fields[3]);
		unescape_octal(fields[4]);
		if (!path_under(cgroup, fields[3], &rest))
			continue;
		/* The mount's root is "/" for the usual /sys/fs/cgroup: then rest is cgroup. */
		if ((size_t)snprintf(dir, len, "%s%s", strcmp(fields[4], "/") == 0 && *rest ? "" :
				     fields[4], rest) >= len)
			err = -ENAMETOOLONG;
		else
			err = 0;
	}
	free(line);
	return err;
}

static int compare_pids(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return x < y ? -1 : x > y;
}

int procs_read_pids(const char *dir, pid_t **out, size_t *count)
{
	char path[PATH_MAX];
	size_t n = 0, cap = 16;
	pid_t *pids;
	long pid;
	FILE *f;
	int err = 0;

	if ((size_t)snprintf(path, sizeof(path), "%s/cgroup.procs", dir) >= sizeof(path))
		return -ENAMETOOLONG;
	f = fopen(path, "re");
	if (!f)
		return -errno;
	pids = malloc(cap * sizeof(*pids));
	while (pids && fscanf(f, "%ld", &pid) == 1) {
		if (n == cap) {
			pid_t *more = realloc(pids, 2 * cap * sizeof(*pids));

			if (!more) {
				free(pids);
				pids = NULL;
				break;
			}
			pids = more;
			cap *= 2;
		}
		pids[n++] = (pid_t)pid;
	}
	if (!pids)
		err = -ENOMEM;
	else if (ferror(f))
		err = -EIO;
	fclose(f);
	if (err) {
		free(pids);
		return err;
	}
	qsort(pids, n, sizeof(*pids), compare_pids);
	*out = pids;
	*count = n;
	return 0;
}

char *procs_join_cmdline(char *buf, size_t len)
{
	/* The last argument's NUL ends the string; a cut-off one has none. */
	if (len && buf[len - 1] == '\0')
		len--;
	for (size_t i = 0; i < len; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	buf[len] = '\0';
	return buf;
}

/* Up to len - 1 bytes of /proc/PID/NAME into buf; the count, or -errno. */
static ssize_t read_proc_file(pid_t pid, const char *name, char *buf, size_t len)
{
	char path[64];
	ssize_t n = 0, total = 0;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while ((size_t)total < len - 1 && (n = read(fd, buf + total, len - 1 - (size_t)total)) > 0)
		total += n;
	if (n < 0 && total == 0)
		total = -errno;
	close(fd);
	return total;
}

int procs_read_info(pid_t pid, struct proc_info *info)
{
	char status[4096], *uid;
	unsigned long real, effective;
	ssize_t n;

	info->pid = pid;
	n = read_proc_file(pid, "status", status, sizeof(status));
	if (n < 0)
		return n == -ESRCH ? -ENOENT : (int)n;
	status[n] = '\0';
	uid = strstr(status, "\nUid:");
	if (!uid || sscanf(uid + 5, "%lu %lu", &real, &effective) != 2)
		return -ENOENT;	/* a process half gone */
	info->uid = (uid_t)effective;

	n = read_proc_file(pid, "cmdline", info->command, sizeof(info->command));
	if (n > 0) {
		procs_join_cmdline(info->command, (size_t)n);
		return 0;
	}
	/* No arguments: a kernel thread or a zombie, named by its comm as ps does. */
	info->command[0] = '[';
	n = read_proc_file(pid, "comm", info->command + 1, sizeof(info->command) - 2);
	if (n <= 0)
		return -ENOENT;
	if (info->command[n] == '\n')
		n--;
	info->command[n + 1] = ']';
	info->command[n + 2] = '\0';
	return 0;
}
