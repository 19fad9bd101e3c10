/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `kcg apply -f FILE`: the file's parser and the comparison of a group's
 * wanted limits with those it has. No netlink and no printing here, so the
 * host unit tests (tests/unit/test_apply.c) drive both directly.
 *
 * The file: one group per line, written as `kcg create` takes it,
 *
 *     # comment (from '#' to the end of the line)
 *     tenant-a       --memory-max 2G --cpu-max 200%
 *     tenant-a/web   --memory-max 512M --pids-max 200 --owner 1000
 *
 * a full group name, then --owner and the limit options, each "--opt VALUE"
 * or "--opt=VALUE". io-max may be given once per device; any other option
 * at most once. A limit not given is left as the group has it.
 */
#ifndef KCG_APPLYFILE_H
#define KCG_APPLYFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "libkcg.h"

/* Longest line accepted, newline included. */
#define APPLY_LINE_MAX	4096
/* Room for "FILE:LINE: message". */
#define APPLY_ERR_LEN	512

struct apply_entry {
	char *name;
	unsigned int line;
	uid_t owner;			/* KCG_OWNER_NONE when not given */
	struct kcg_limits *limits;	/* the limits given; others absent */
};

struct apply_file {
	struct apply_entry *entries;	/* in file order */
	size_t count;
	/* The entries by name, each parent right before its children. */
	const struct apply_entry **sorted;
};

/*
 * Parse the whole file. 0, or -EINVAL (syntax, a bad value, a name listed
 * twice), -E2BIG (a line too long) or -ENOMEM, with "PATH:LINE: what" in
 * err. On error nothing is left allocated in *out.
 */
int apply_parse(FILE *in, const char *path, struct apply_file *out, char *err, size_t errlen);
void apply_file_free(struct apply_file *file);
/* The entry named name, or NULL. */
const struct apply_entry *apply_find(const struct apply_file *file, const char *name);
/* Does the file list a group below name? */
bool apply_lists_below(const struct apply_file *file, const char *name);
/* Does the file list a group above name? */
bool apply_lists_above(const struct apply_file *file, const char *name);

/* One limit that differs: its option name and both values as text. */
struct apply_change {
	char limit[16];
	char from[64];
	char to[64];
};

#define APPLY_CHANGES_MAX 16

/*
 * Compare want (from the file) with have (a group's limits as the module
 * reports them; NULL for a group that does not exist yet). Memory sizes
 * are compared as the kernel keeps them, rounded down to page_size; a
 * cpuset by the CPUs it names ("0,1" is "0-1"). For every limit of want
 * that differs: an entry in changes (at most APPLY_CHANGES_MAX), the
 * wanted value in set and, when undo is not NULL, the value have had in
 * undo, so that a set of undo puts it back. Returns the number of changes,
 * or -ENOMEM.
 */
int apply_diff(const struct kcg_limits *want, const struct kcg_limits *have, long page_size,
	       struct kcg_limits *set, struct kcg_limits *undo,
	       struct apply_change *changes);

#endif /* KCG_APPLYFILE_H */
