// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * list and show: one function prints a group for both. In JSON a group is
 * always the full object; in text, show gives one field per line and list
 * one line per group with the key fields (a NULL text format hides a field
 * in text only, so JSON keys never depend on the command).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <linux/kcg.h>

#include "cli.h"
#include "parse.h"
#include "print.h"
#include "stats_print.h"

enum layout { LAYOUT_SHOW, LAYOUT_LIST };

/* The text format of a field: for show (its own line), for list (or NULL). */
#define FIELD(layout, show_fmt, list_fmt) ((layout) == LAYOUT_SHOW ? (show_fmt) : (list_fmt))

static const struct {
	uint32_t flag;
	const char *name;
} group_states[] = {
	{ KCG_GROUP_FLAG_POPULATED, "populated" },
	{ KCG_GROUP_FLAG_FROZEN,    "frozen" },
	{ KCG_GROUP_FLAG_ADOPTED,   "adopted" },
};

/* JSON: an array of state names; text: "frozen,populated", or "-" for none. */
static void print_state(enum layout layout, uint32_t flags)
{
	bool first = true;

	print_text(layout == LAYOUT_SHOW ? "state       " : " state ");
	print_open_array("state");
	for (size_t i = 0; i < sizeof(group_states) / sizeof(group_states[0]); i++) {
		if (!(flags & group_states[i].flag))
			continue;
		print_string(NULL, first ? "%s" : ",%s", group_states[i].name);
		first = false;
	}
	if (first)
		print_text("-");
	print_close_array();
	if (layout == LAYOUT_SHOW)
		print_text("\n");
}

static void print_io_max(enum layout layout, const struct kcg_limits *limits)
{
	size_t count = kcg_limits_io_max_count(limits);
	/* Only show lists io.max in text: one line per device, as in cgroupfs. */
	bool text = layout == LAYOUT_SHOW;

	if (!count)
		return;
	print_open_array("io_max");
	for (size_t i = 0; i < count; i++) {
		const struct kcg_io_max *io = kcg_limits_io_max_at(limits, i);

		print_open_object(NULL);
		print_u64("major", text ? "io.max      %" PRIu64 : NULL, io->major);
		print_u64("minor", text ? ":%" PRIu64 : NULL, io->minor);
		if (io->rbps != KCG_IO_UNSET)
			print_limit_size("rbps", text ? " rbps=%s" : NULL, io->rbps);
		if (io->wbps != KCG_IO_UNSET)
			print_limit_size("wbps", text ? " wbps=%s" : NULL, io->wbps);
		if (io->riops != KCG_IO_UNSET)
			print_limit("riops", text ? " riops=%s" : NULL, io->riops);
		if (io->wiops != KCG_IO_UNSET)
			print_limit("wiops", text ? " wiops=%s" : NULL, io->wiops);
		print_close_object();
		if (text)
			print_text("\n");
	}
	print_close_array();
}

/* Only the limits the module reported; list shows cpu, memory and pids maxima. */
static void print_limits(enum layout layout, const struct kcg_limits *limits)
{
	uint64_t value, period;
	uint32_t weight;
	const char *cpus;
	bool idle;

	print_open_object("limits");
	if (kcg_limits_get_cpu_max(limits, &value, &period)) {
		print_open_object("cpu_max");
		print_limit("quota", FIELD(layout, "cpu.max     %s", " cpu.max %s"), value);
		if (period)
			print_u64("period", FIELD(layout, " %" PRIu64, "/%" PRIu64), period);
		print_close_object();
		if (layout == LAYOUT_SHOW)
			print_text("\n");
	}
	if (kcg_limits_get_cpu_weight(limits, &weight))
		print_u64("cpu_weight", FIELD(layout, "cpu.weight  %" PRIu64 "\n", NULL), weight);
	if (kcg_limits_get_cpu_idle(limits, &idle))
		print_u64("cpu_idle", FIELD(layout, "cpu.idle    %" PRIu64 "\n", NULL), idle);
	if (kcg_limits_get_memory_max(limits, &value))
		print_limit_size("memory_max", FIELD(layout, "memory.max  %s\n", " memory.max %s"),
				 value);
	if (kcg_limits_get_memory_high(limits, &value))
		print_limit_size("memory_high", FIELD(layout, "memory.high %s\n", NULL), value);
	if (kcg_limits_get_memory_low(limits, &value))
		print_limit_size("memory_low", FIELD(layout, "memory.low  %s\n", NULL), value);
	if (kcg_limits_get_memory_min(limits, &value))
		print_limit_size("memory_min", FIELD(layout, "memory.min  %s\n", NULL), value);
	if (kcg_limits_get_memory_swap_max(limits, &value))
		print_limit_size("memory_swap_max", FIELD(layout, "memory.swap.max %s\n", NULL),
				 value);
	if (kcg_limits_get_pids_max(limits, &value))
		print_limit("pids_max", FIELD(layout, "pids.max    %s\n", " pids.max %s"), value);
	cpus = kcg_limits_get_cpuset_cpus(limits);
	if (cpus)
		print_string("cpuset_cpus", FIELD(layout, "cpuset.cpus %s\n", NULL), cpus);
	cpus = kcg_limits_get_cpuset_mems(limits);
	if (cpus)
		print_string("cpuset_mems", FIELD(layout, "cpuset.mems %s\n", NULL), cpus);
	if (kcg_limits_get_io_weight(limits, &weight))
		print_u64("io_weight", FIELD(layout, "io.weight   %" PRIu64 "\n", NULL), weight);
	print_io_max(layout, limits);
	print_close_object();
}

/*
 * label is the name as text shows it: the full name, or a tail in --tree.
 * stats (show -s only, else NULL): the group's counters, after the rest.
 */
static void print_group(enum layout layout, const struct kcg_group *g, const char *label,
			const struct kcg_stats *stats)
{
	uid_t owner = kcg_group_owner(g);
	const char *parent = kcg_group_parent(g);
	const char *cgroup = kcg_group_cgroup_path(g);

	print_open_object(NULL);
	print_string("name", FIELD(layout, "name        %s\n", NULL), kcg_group_name(g));
	if (layout == LAYOUT_LIST)
		print_text_string("%s", label);
	print_u64("id", FIELD(layout, "id          %" PRIu64 "\n", " id %" PRIu64), kcg_group_id(g));
	if (parent)
		print_string("parent", FIELD(layout, "parent      %s\n", NULL), parent);
	else
		print_null("parent", NULL);
	if (owner != KCG_OWNER_NONE)
		print_u64("owner", FIELD(layout, "owner       %" PRIu64 "\n", " owner %" PRIu64),
			  owner);
	else
		print_null("owner", FIELD(layout, "owner       -\n", " owner -"));
	print_state(layout, kcg_group_flags(g));
	if (cgroup)
		print_string("cgroup", FIELD(layout, "cgroup      %s\n", NULL), cgroup);
	print_limits(layout, kcg_group_limits(g));
	if (stats)
		print_group_counters(stats);
	print_close_object();
	if (layout == LAYOUT_LIST)
		print_end_record();
}

int cmd_show(int argc, char **argv)
{
	static const struct option options[] = {
		{ NULL, 0, NULL, 0 },
	};
	struct kcg_stats *stats = NULL;
	struct kcg_group *g;
	const char *name;
	struct kcg *k;
	int err;

	if (cli_getopt(argc, argv, options, false) != -1)
		return cli_bad_option(argv);
	if (optind >= argc)
		return cli_syntax("show: missing group name");
	if (optind + 1 < argc)
		return cli_syntax("show: unexpected argument '%s'", argv[optind + 1]);
	name = argv[optind];
	err = cli_check_group_name("show", name);
	if (err)
		return err;
	k = cli_connect();
	if (!k)
		return 1;
	err = kcg_group_get(k, name, &g);
	if (err) {
		err = cli_group_error(k, err, "show", name);
		kcg_close(k);
		return err;
	}
	/* Both read before anything is printed: a failure prints no half group. */
	if (cli_stats_wanted()) {
		err = kcg_stats_get(k, name, &stats);
		if (err)
			err = cli_group_error(k, err, "show", name);
	}
	if (!err)
		print_group(LAYOUT_SHOW, g, NULL, stats);
	kcg_stats_free(stats);
	kcg_group_free(g);
	kcg_close(k);
	return err;
}

static int compare_groups(const void *a, const void *b)
{
	return cli_compare_names(kcg_group_name(*(const struct kcg_group *const *)a),
			     kcg_group_name(*(const struct kcg_group *const *)b));
}

/* Is name below ancestor ("a/b" below "a", not "ab")? */
static bool is_below(const char *name, const char *ancestor)
{
	size_t len = strlen(ancestor);

	return strncmp(name, ancestor, len) == 0 && name[len] == '/';
}

/*
 * In --tree, a group is indented under its nearest listed ancestor and
 * labelled with its name relative to it. The ancestor may not be the parent:
 * a group's owner sees its subtree but not the groups above it.
 */
static void print_tree(const struct kcg_group **groups, size_t count)
{
	const char *ancestors[KCG_NAME_MAX / 2 + 1];
	char label[2 * (KCG_NAME_MAX / 2 + 1) + KCG_NAME_MAX + 1];
	size_t depth = 0;

	for (size_t i = 0; i < count; i++) {
		const char *name = kcg_group_name(groups[i]);
		const char *tail = name;

		while (depth && !is_below(name, ancestors[depth - 1]))
			depth--;
		if (depth)
			tail = name + strlen(ancestors[depth - 1]) + 1;
		snprintf(label, sizeof(label), "%*s%s", (int)(2 * depth), "", tail);
		print_group(LAYOUT_LIST, groups[i], label, NULL);
		if (depth < sizeof(ancestors) / sizeof(ancestors[0]))
			ancestors[depth++] = name;
	}
}

int cmd_list(int argc, char **argv)
{
	static const struct option options[] = {
		{ "tree", no_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	const struct kcg_group **groups = NULL;
	struct kcg_group_list *list;
	bool tree = false;
	size_t count;
	struct kcg *k;
	int opt, err;

	while ((opt = cli_getopt(argc, argv, options, false)) != -1) {
		if (opt != 't')
			return cli_bad_option(argv);
		tree = true;
	}
	if (optind < argc)
		return cli_syntax("list: unexpected argument '%s'", argv[optind]);
	k = cli_connect();
	if (!k)
		return 1;
	err = kcg_group_dump(k, NULL, &list);
	if (err) {
		err = cli_error(k, err, "list");
		kcg_close(k);
		return err;
	}
	kcg_close(k);

	count = kcg_group_list_count(list);
	if (count) {
		groups = calloc(count, sizeof(*groups));
		if (!groups) {
			kcg_group_list_free(list);
			return cli_error(NULL, -ENOMEM, "list");
		}
	}
	for (size_t i = 0; i < count; i++)
		groups[i] = kcg_group_list_at(list, i);
	if (count)
		qsort(groups, count, sizeof(*groups), compare_groups);

	print_open_array(NULL);
	if (tree) {
		print_tree(groups, count);
	} else {
		for (size_t i = 0; i < count; i++)
			print_group(LAYOUT_LIST, groups[i], kcg_group_name(groups[i]), NULL);
	}
	print_close_array();
	free(groups);
	kcg_group_list_free(list);
	return 0;
}
