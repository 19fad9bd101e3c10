// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kcg apply -f FILE [--prune] [--dry-run]: make the groups what a file says.
 *
 * In three steps, so that a mistake changes nothing:
 *  1. parse the whole file (applyfile.c); any bad line stops here;
 *  2. plan against one dump of the groups: what to create (parents first),
 *     what to set (only the limits that differ) and, with --prune, what to
 *     delete (children first); a group whose parent is nowhere, an owner
 *     that differs, a change to an adopted group stop here;
 *  3. run the plan: creates, then sets, then deletes. If the module refuses
 *     a create or a set, what this run created is deleted again and what it
 *     set is set back, before the deletes, which cannot be undone, are
 *     reached. A refused delete stops the run there.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/kcg.h>

#include "applyfile.h"
#include "cli.h"
#include "print.h"

enum action_kind { ACT_CREATE, ACT_SET, ACT_DELETE };
static const char *const action_names[] = { "create", "set", "delete" };

struct action {
	enum action_kind kind;
	const char *name;
	const struct apply_entry *entry;	/* create and set */
	struct kcg_limits *set, *undo;		/* set */
	struct apply_change changes[APPLY_CHANGES_MAX];
	int nchanges;
	bool done;
};

struct plan {
	struct action *actions;
	size_t count;
	unsigned int errors;
};

static int group_by_name(const void *a, const void *b)
{
	return cli_compare_names(kcg_group_name(*(const struct kcg_group *const *)a),
				 kcg_group_name(*(const struct kcg_group *const *)b));
}

/* The current groups, sorted by name for lookups, parents before children. */
struct current {
	const struct kcg_group **groups;
	size_t count;
};

static const struct kcg_group *current_find(const struct current *cur, const char *name)
{
	size_t lo = 0, hi = cur->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cli_compare_names(name, kcg_group_name(cur->groups[mid]));

		if (!c)
			return cur->groups[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

static struct action *plan_add(struct plan *p, enum action_kind kind, const char *name)
{
	struct action *a;

	a = &p->actions[p->count++];
	memset(a, 0, sizeof(*a));
	a->kind = kind;
	a->name = name;
	return a;
}

static void plan_error(struct plan *p, const char *path, unsigned int line,
		       const char *what, const char *name)
{
	cli_message("apply: %s:%u: %s '%s'", path, line, what, name);
	p->errors++;
}

/* Does the file list name's parent, or does it exist? */
static bool parent_known(const struct apply_file *file, const struct current *cur,
			 const char *name)
{
	const char *slash = strrchr(name, '/');
	char parent[KCG_NAME_MAX + 1];

	if (!slash)
		return true;
	snprintf(parent, sizeof(parent), "%.*s", (int)(slash - name), name);
	return apply_find(file, parent) || current_find(cur, parent);
}

static int make_plan(const struct apply_file *file, const char *path, const struct current *cur,
		     bool prune, struct plan *p)
{
	const struct apply_entry *const *order = file->sorted;
	long page = sysconf(_SC_PAGESIZE);
	size_t i;
	int n;

	p->actions = calloc(file->count + cur->count + 1, sizeof(*p->actions));
	if (!p->actions)
		return -ENOMEM;

	/* Creates first, parents before children; sets keep the same order. */
	for (i = 0; i < file->count; i++) {
		const struct apply_entry *e = order[i];
		const struct kcg_group *g = current_find(cur, e->name);
		struct action *a;

		if (g)
			continue;
		if (!parent_known(file, cur, e->name)) {
			plan_error(p, path, e->line, "the parent is neither in the file nor a group:",
				   e->name);
			continue;
		}
		a = plan_add(p, ACT_CREATE, e->name);
		a->entry = e;
		a->set = kcg_limits_new();
		if (!a->set)
			goto nomem;
		n = apply_diff(e->limits, NULL, page, a->set, NULL, a->changes);
		if (n < 0)
			goto nomem;
		a->nchanges = n;
	}
	for (i = 0; i < file->count; i++) {
		const struct apply_entry *e = order[i];
		const struct kcg_group *g = current_find(cur, e->name);
		struct action *a;

		if (!g)
			continue;
		if (e->owner != KCG_OWNER_NONE && e->owner != kcg_group_owner(g)) {
			plan_error(p, path, e->line,
				   "the owner differs and cannot be changed (delete the group first):",
				   e->name);
			continue;
		}
		a = plan_add(p, ACT_SET, e->name);
		a->entry = e;
		a->set = kcg_limits_new();
		a->undo = kcg_limits_new();
		if (!a->set || !a->undo)
			goto nomem;
		n = apply_diff(e->limits, kcg_group_limits(g), page, a->set, a->undo, a->changes);
		if (n < 0)
			goto nomem;
		a->nchanges = n;
		if (!n) {
			/* Nothing differs: not an action. */
			kcg_limits_free(a->set);
			kcg_limits_free(a->undo);
			p->count--;
		} else if (kcg_group_flags(g) & KCG_GROUP_FLAG_ADOPTED) {
			plan_error(p, path, e->line, "kcg never changes an adopted group:", e->name);
		}
	}
	/*
	 * Deletes last, children before parents: the groups below a group the
	 * file lists that it does not list, except those with a listed group
	 * below them and adopted groups, which kcg leaves be.
	 */
	for (i = cur->count; prune && i-- > 0;) {
		const struct kcg_group *g = cur->groups[i];
		const char *name = kcg_group_name(g);

		if (!apply_find(file, name) && apply_lists_above(file, name) &&
		    !apply_lists_below(file, name) &&
		    !(kcg_group_flags(g) & KCG_GROUP_FLAG_ADOPTED))
			plan_add(p, ACT_DELETE, name);
	}
	return 0;

nomem:
	return -ENOMEM;
}

static void plan_free(struct plan *p)
{
	size_t i;

	for (i = 0; i < p->count; i++) {
		kcg_limits_free(p->actions[i].set);
		kcg_limits_free(p->actions[i].undo);
	}
	free(p->actions);
}

static int run_action(struct kcg *k, const struct action *a)
{
	switch (a->kind) {
	case ACT_CREATE:
		return kcg_group_new(k, a->name, a->entry->owner,
				     a->nchanges ? a->set : NULL, NULL);
	case ACT_SET:
		return kcg_group_set(k, a->name, a->set, NULL);
	case ACT_DELETE:
		return kcg_group_del(k, a->name, false);
	}
	return -EINVAL;
}

/* Undo the creates and sets done so far, newest first. */
static void roll_back(struct kcg *k, struct plan *p)
{
	unsigned int undone = 0, failed = 0;
	size_t i;
	int err;

	for (i = p->count; i-- > 0;) {
		struct action *a = &p->actions[i];

		if (!a->done)
			continue;
		if (a->kind == ACT_CREATE)
			err = kcg_group_del(k, a->name, false);
		else if (a->kind == ACT_SET)
			err = kcg_group_set(k, a->name, a->undo, NULL);
		else
			continue;
		if (err) {
			cli_group_error(k, err, "apply: undo", a->name);
			failed++;
		} else {
			a->done = false;
			undone++;
		}
	}
	cli_message("apply: undid %u change%s%s", undone, undone == 1 ? "" : "s",
		    failed ? "; some could not be undone" : "");
}

static int run_plan(struct kcg *k, struct plan *p)
{
	size_t i;
	int err;

	for (i = 0; i < p->count; i++) {
		struct action *a = &p->actions[i];

		err = run_action(k, a);
		if (err) {
			cli_group_error(k, err, action_names[a->kind], a->name);
			if (a->kind != ACT_DELETE)
				roll_back(k, p);
			return 1;
		}
		a->done = true;
	}
	return 0;
}

static bool any_done(const struct plan *p)
{
	size_t i;

	for (i = 0; i < p->count; i++)
		if (p->actions[i].done)
			return true;
	return false;
}

/* One record per action, text and JSON alike. */
static void print_plan(const struct plan *p, bool dry_run)
{
	unsigned int changed = 0;
	size_t i;
	int c;

	print_open_object(NULL);
	print_bool("dry_run", NULL, dry_run);
	print_open_array("actions");
	for (i = 0; i < p->count; i++) {
		const struct action *a = &p->actions[i];

		if (!dry_run && !a->done)
			continue;
		changed++;
		print_open_object(NULL);
		print_string("action", "%s", action_names[a->kind]);
		print_string("group", " %s", a->name);
		print_open_array("changes");
		for (c = 0; c < a->nchanges; c++) {
			const struct apply_change *ch = &a->changes[c];

			print_open_object(NULL);
			print_string("limit", c ? ", %s" : ": %s", ch->limit);
			if (!strcmp(ch->from, "-"))
				print_null("from", NULL);
			else
				print_string("from", " %s ->", ch->from);
			print_string("to", " %s", ch->to);
			print_close_object();
		}
		print_close_array();
		print_close_object();
		print_end_record();
	}
	print_close_array();
	print_u64("changed", NULL, changed);
	print_close_object();
	if (!changed)
		print_text("nothing to change");
	else
		print_text("%u group%s %s", changed, changed == 1 ? "" : "s",
			   dry_run ? "would change" : "changed");
	print_end_record();
}

/*
 * cli_getopt() knows only long options per command: -f is --file. Returns
 * argv with that rewritten, in a copy for the caller to free, or NULL.
 */
static char **short_file_option(int argc, char **argv)
{
	char **copy = calloc((size_t)argc + 1, sizeof(*copy));
	bool options = true;
	int i;

	if (!copy)
		return NULL;
	for (i = 0; i < argc; i++) {
		copy[i] = argv[i];
		if (!strcmp(argv[i], "--"))
			options = false;
		else if (options && !strcmp(argv[i], "-f"))
			copy[i] = "--file";
	}
	return copy;
}

static int apply_file_run(const char *path, bool prune, bool dry_run)
{
	struct apply_file file = { 0 };
	struct kcg_group_list *list = NULL;
	struct current cur = { 0 };
	struct plan plan = { 0 };
	char err[APPLY_ERR_LEN];
	struct kcg *k = NULL;
	int status = 1, rc;
	FILE *in;
	size_t i;

	in = strcmp(path, "-") ? fopen(path, "r") : stdin;
	if (!in) {
		cli_message("apply: %s: %s", path, strerror(errno));
		return 1;
	}
	rc = apply_parse(in, path, &file, err, sizeof(err));
	if (in != stdin)
		fclose(in);
	if (rc) {
		cli_message("apply: %s", err);
		return rc == -EINVAL || rc == -E2BIG ? 2 : 1;
	}
	k = cli_connect();
	if (!k)
		goto out;
	rc = kcg_group_dump(k, NULL, &list);
	if (rc) {
		status = cli_error(k, rc, "apply");
		goto out;
	}
	cur.count = kcg_group_list_count(list);
	cur.groups = calloc(cur.count + 1, sizeof(*cur.groups));
	if (!cur.groups) {
		status = cli_error(k, -ENOMEM, "apply");
		goto out;
	}
	for (i = 0; i < cur.count; i++)
		cur.groups[i] = kcg_group_list_at(list, i);
	qsort(cur.groups, cur.count, sizeof(*cur.groups), group_by_name);

	rc = make_plan(&file, path, &cur, prune, &plan);
	if (rc) {
		status = cli_error(k, rc, "apply");
		goto out;
	}
	if (plan.errors) {
		cli_message("apply: nothing changed");
		goto out;
	}
	status = dry_run ? 0 : run_plan(k, &plan);
	/* After a failure, only what stayed done (deletes before it) is news. */
	if (!status || any_done(&plan))
		print_plan(&plan, dry_run);
out:
	plan_free(&plan);
	free(cur.groups);
	kcg_group_list_free(list);
	apply_file_free(&file);
	kcg_close(k);
	return status;
}

int cmd_apply(int argc, char **argv)
{
	enum { OPT_FILE = 256, OPT_PRUNE, OPT_DRY_RUN };
	static const struct option options[] = {
		{ "file",    required_argument, NULL, OPT_FILE },
		{ "prune",   no_argument,       NULL, OPT_PRUNE },
		{ "dry-run", no_argument,       NULL, OPT_DRY_RUN },
		{ NULL, 0, NULL, 0 },
	};
	bool prune = false, dry_run = false;
	const char *path = NULL;
	char **args;
	int opt, status = 0;

	args = short_file_option(argc, argv);
	if (!args)
		return cli_usage("apply: out of memory");
	while (!status && (opt = cli_getopt(argc, args, options, false)) != -1) {
		if (opt == OPT_FILE)
			path = optarg;
		else if (opt == OPT_PRUNE)
			prune = true;
		else if (opt == OPT_DRY_RUN)
			dry_run = true;
		else
			status = cli_bad_option(args);
	}
	if (!status && optind < argc)
		status = cli_syntax("apply: unexpected argument '%s'", args[optind]);
	if (!status && !path)
		status = cli_syntax("apply: missing -f FILE");
	if (!status)
		status = apply_file_run(path, prune, dry_run);
	free(args);
	return status;
}
