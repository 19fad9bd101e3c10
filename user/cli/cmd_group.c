// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Commands that change groups: create, set, delete, freeze, thaw, kill,
 * attach, adopt. They print nothing on success; `kcg show` reads back.
 */
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <linux/kcg.h>

#include "cli.h"
#include "parse.h"

enum {
	/* Limit options, shared by create and set; parsed by limit_option(). */
	OPT_CPU_MAX = 256,
	OPT_CPU_WEIGHT,
	OPT_MEMORY_MAX,
	OPT_MEMORY_HIGH,
	OPT_MEMORY_LOW,
	OPT_PIDS_MAX,
	OPT_CPUSET,
	OPT_IO_MAX,
	OPT_MEMORY_MIN,
	OPT_MEMORY_SWAP_MAX,
	OPT_CPUSET_MEMS,
	OPT_IO_WEIGHT,
	OPT_CPU_IDLE,
	OPT_LIMIT_LAST = OPT_CPU_IDLE,

	OPT_PARENT,
	OPT_OWNER,
	OPT_FORCE,
	OPT_SIGNAL,
	OPT_NAME,
};

#define LIMIT_OPTIONS \
	{ "cpu-max",     required_argument, NULL, OPT_CPU_MAX }, \
	{ "cpu-weight",  required_argument, NULL, OPT_CPU_WEIGHT }, \
	{ "memory-max",  required_argument, NULL, OPT_MEMORY_MAX }, \
	{ "memory-high", required_argument, NULL, OPT_MEMORY_HIGH }, \
	{ "memory-low",  required_argument, NULL, OPT_MEMORY_LOW }, \
	{ "pids-max",    required_argument, NULL, OPT_PIDS_MAX }, \
	{ "cpuset",      required_argument, NULL, OPT_CPUSET }, \
	{ "io-max",      required_argument, NULL, OPT_IO_MAX }, \
	{ "memory-min",  required_argument, NULL, OPT_MEMORY_MIN }, \
	{ "memory-swap-max", required_argument, NULL, OPT_MEMORY_SWAP_MAX }, \
	{ "cpuset-mems", required_argument, NULL, OPT_CPUSET_MEMS }, \
	{ "io-weight",   required_argument, NULL, OPT_IO_WEIGHT }, \
	{ "cpu-idle",    required_argument, NULL, OPT_CPU_IDLE }

static bool is_limit_option(int opt)
{
	return opt >= OPT_CPU_MAX && opt <= OPT_LIMIT_LAST;
}

/*
 * An --io-max device given by path: its MAJ:MIN, as stat() gives it. The
 * module only ever sees numbers. Returns 0 or 2 after a usage error.
 */
static int resolve_block_device(const char *command, struct io_max_spec *spec)
{
	struct stat st;

	if (stat(spec->path, &st))
		return cli_usage("%s: bad --io-max device '%s': %s", command, spec->path,
				 strerror(errno));
	if (!S_ISBLK(st.st_mode))
		return cli_usage("%s: bad --io-max device '%s': not a block device", command,
				 spec->path);
	spec->major = major(st.st_rdev);
	spec->minor = minor(st.st_rdev);
	return 0;
}

/*
 * Add one limit option to limits. Returns 0, or 2 after a usage error that
 * names the option, the value and what was expected.
 */
static int limit_option(const char *command, int opt, const char *arg, struct kcg_limits *limits)
{
	const char *option, *expected;
	uint64_t value, period;
	uint32_t weight;
	int err;

	switch (opt) {
	case OPT_CPU_MAX:
		option = "cpu-max";
		expected = "50%, QUOTA/PERIOD in microseconds, or max";
		err = parse_cpu_max(arg, &value, &period);
		if (!err)
			kcg_limits_set_cpu_max(limits, value, period);
		break;
	case OPT_CPU_WEIGHT:
		option = "cpu-weight";
		expected = "1..10000";
		err = parse_u32_range(arg, 1, 10000, &weight);
		if (!err)
			kcg_limits_set_cpu_weight(limits, weight);
		break;
	case OPT_MEMORY_MAX:
		option = "memory-max";
		expected = "SIZE or max";
		err = parse_size_or_max(arg, &value);
		if (!err)
			kcg_limits_set_memory_max(limits, value);
		break;
	case OPT_MEMORY_HIGH:
		option = "memory-high";
		expected = "SIZE or max";
		err = parse_size_or_max(arg, &value);
		if (!err)
			kcg_limits_set_memory_high(limits, value);
		break;
	case OPT_MEMORY_LOW:
		option = "memory-low";
		expected = "SIZE or max";
		err = parse_size_or_max(arg, &value);
		if (!err)
			kcg_limits_set_memory_low(limits, value);
		break;
	case OPT_MEMORY_MIN:
		option = "memory-min";
		expected = "SIZE or max";
		err = parse_size_or_max(arg, &value);
		if (!err)
			kcg_limits_set_memory_min(limits, value);
		break;
	case OPT_MEMORY_SWAP_MAX:
		option = "memory-swap-max";
		expected = "SIZE or max";
		err = parse_size_or_max(arg, &value);
		if (!err)
			kcg_limits_set_memory_swap_max(limits, value);
		break;
	case OPT_PIDS_MAX:
		option = "pids-max";
		expected = "N or max";
		err = parse_pids_max(arg, &value);
		if (!err)
			kcg_limits_set_pids_max(limits, value);
		break;
	case OPT_CPUSET:
		option = "cpuset";
		expected = "a CPU list such as 0-3,6";
		err = parse_cpulist(arg);
		if (!err)
			err = kcg_limits_set_cpuset_cpus(limits, arg);
		break;
	case OPT_CPUSET_MEMS:
		option = "cpuset-mems";
		expected = "a memory node list such as 0-1";
		err = parse_cpulist(arg);
		if (!err)
			err = kcg_limits_set_cpuset_mems(limits, arg);
		break;
	case OPT_IO_WEIGHT:
		option = "io-weight";
		expected = "1..10000";
		err = parse_u32_range(arg, 1, 10000, &weight);
		if (!err)
			kcg_limits_set_io_weight(limits, weight);
		break;
	case OPT_CPU_IDLE:
		option = "cpu-idle";
		expected = "0 or 1";
		err = parse_u32_range(arg, 0, 1, &weight);
		if (!err)
			kcg_limits_set_cpu_idle(limits, weight);
		break;
	case OPT_IO_MAX: {
		struct io_max_spec spec;

		option = "io-max";
		expected = "MAJ:MIN or /dev/PATH, then :rbps=N,wbps=N,riops=N,wiops=N";
		err = parse_io_max(arg, &spec);
		if (!err && spec.path[0] && resolve_block_device(command, &spec))
			return 2;
		if (!err)
			err = kcg_limits_add_io_max(limits, &(struct kcg_io_max){
				.major = spec.major, .minor = spec.minor,
				.rbps = spec.rbps, .wbps = spec.wbps,
				.riops = spec.riops, .wiops = spec.wiops,
			});
		break;
	}
	default:
		return cli_usage("%s: not a limit option", command);
	}
	if (err == -ENOMEM)
		return cli_usage("%s: out of memory", command);
	if (err)
		return cli_usage("%s: bad --%s '%s'%s: expected %s", command, option, arg,
				 err == -ERANGE ? " (out of range)" : "", expected);
	return 0;
}

/* For run --create: the same options, parsed the same way. */
const struct option cli_limit_options[] = {
	LIMIT_OPTIONS,
	{ NULL, 0, NULL, 0 },
};

bool cli_is_limit_option(int opt)
{
	return is_limit_option(opt);
}

int cli_limit_option(const char *command, int opt, const char *arg, struct kcg_limits *limits)
{
	return limit_option(command, opt, arg, limits);
}

/* Exactly one positional argument left: the group name, checked. */
static int one_name(const char *command, int argc, char **argv, const char **name)
{
	if (optind >= argc)
		return cli_syntax("%s: missing group name", command);
	if (optind + 1 < argc)
		return cli_syntax("%s: unexpected argument '%s'", command, argv[optind + 1]);
	*name = argv[optind];
	return cli_check_group_name(command, *name);
}

/* Connect, run op on one group, report its error. Returns the exit status. */
static int group_op(const char *command, const char *name,
		    int (*op)(struct kcg *k, const char *name, const void *arg), const void *arg)
{
	struct kcg *k = cli_connect();
	int err;

	if (!k)
		return 1;
	err = op(k, name, arg);
	if (err)
		err = cli_group_error(k, err, command, name);
	kcg_close(k);
	return err;
}

/*
 * --owner: a uid, or a user name looked up here (passwd, NSS), as run's
 * --uid; the module takes uids only. All digits is a uid.
 */
static int owner_option(const char *arg, uid_t *owner)
{
	struct passwd *pw;
	uint32_t uid;
	int err = parse_u32_range(arg, 0, UINT32_MAX - 1, &uid);

	if (!err) {
		*owner = uid;
		return 0;
	}
	if (err == -ERANGE)
		return cli_usage("create: bad --owner '%s': a uid is at most %u", arg,
				 UINT32_MAX - 1);
	pw = *arg ? getpwnam(arg) : NULL;
	if (!pw)
		return cli_usage("create: bad --owner '%s': no such user", arg);
	*owner = pw->pw_uid;
	return 0;
}

struct create_args {
	uid_t owner;
	const struct kcg_limits *limits;
};

static int do_create(struct kcg *k, const char *name, const void *arg)
{
	const struct create_args *a = arg;

	return kcg_group_new(k, name, a->owner, a->limits, NULL);
}

int cmd_create(int argc, char **argv)
{
	static const struct option options[] = {
		{ "parent", required_argument, NULL, OPT_PARENT },
		{ "owner",  required_argument, NULL, OPT_OWNER },
		LIMIT_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct create_args args = { .owner = KCG_OWNER_NONE };
	struct kcg_limits *limits = kcg_limits_new();
	const char *parent = NULL, *name;
	char full[KCG_NAME_MAX + 2];
	bool any_limit = false;
	int opt, status = 0;

	if (!limits)
		return cli_usage("create: out of memory");
	while (!status && (opt = cli_getopt(argc, argv, options, false)) != -1) {
		if (is_limit_option(opt)) {
			status = limit_option("create", opt, optarg, limits);
			any_limit = true;
		} else if (opt == OPT_PARENT) {
			parent = optarg;
		} else if (opt == OPT_OWNER) {
			status = owner_option(optarg, &args.owner);
		} else {
			status = cli_bad_option(argv);
		}
	}
	if (!status)
		status = one_name("create", argc, argv, &name);
	if (!status && parent) {
		/* --parent P NAME is the group P/NAME; the whole name is checked again. */
		if ((size_t)snprintf(full, sizeof(full), "%s/%s", parent, name) >= sizeof(full))
			status = cli_usage("create: group name too long: %s/%s", parent, name);
		name = full;
		if (!status)
			status = cli_check_group_name("create", name);
	}
	if (!status) {
		args.limits = any_limit ? limits : NULL;
		status = group_op("create", name, do_create, &args);
	}
	kcg_limits_free(limits);
	return status;
}

static int do_set(struct kcg *k, const char *name, const void *limits)
{
	return kcg_group_set(k, name, limits, NULL);
}

int cmd_set(int argc, char **argv)
{
	static const struct option options[] = {
		LIMIT_OPTIONS,
		{ NULL, 0, NULL, 0 },
	};
	struct kcg_limits *limits = kcg_limits_new();
	bool any_limit = false;
	const char *name;
	int opt, status = 0;

	if (!limits)
		return cli_usage("set: out of memory");
	while (!status && (opt = cli_getopt(argc, argv, options, false)) != -1) {
		status = is_limit_option(opt) ? limit_option("set", opt, optarg, limits) : cli_bad_option(argv);
		any_limit = true;
	}
	if (!status)
		status = one_name("set", argc, argv, &name);
	if (!status && !any_limit)
		status = cli_syntax("set: no limit given");
	if (!status)
		status = group_op("set", name, do_set, limits);
	kcg_limits_free(limits);
	return status;
}

static int do_delete(struct kcg *k, const char *name, const void *force)
{
	return kcg_group_del(k, name, *(const bool *)force);
}

int cmd_delete(int argc, char **argv)
{
	static const struct option options[] = {
		{ "force", no_argument, NULL, OPT_FORCE },
		{ NULL, 0, NULL, 0 },
	};
	bool force = false;
	const char *name;
	int opt, status;

	while ((opt = cli_getopt(argc, argv, options, false)) != -1) {
		if (opt != OPT_FORCE)
			return cli_bad_option(argv);
		force = true;
	}
	status = one_name("delete", argc, argv, &name);
	return status ? status : group_op("delete", name, do_delete, &force);
}

static int do_freeze(struct kcg *k, const char *name, const void *unused)
{
	(void)unused;
	return kcg_group_freeze(k, name);
}

static int do_thaw(struct kcg *k, const char *name, const void *unused)
{
	(void)unused;
	return kcg_group_thaw(k, name);
}

/* freeze and thaw take a name and nothing else. */
static int name_only_command(int argc, char **argv,
			     int (*op)(struct kcg *k, const char *name, const void *arg))
{
	static const struct option options[] = {
		{ NULL, 0, NULL, 0 },
	};
	const char *name;
	int status;

	if (cli_getopt(argc, argv, options, false) != -1)
		return cli_bad_option(argv);
	status = one_name(argv[0], argc, argv, &name);
	return status ? status : group_op(argv[0], name, op, NULL);
}

int cmd_freeze(int argc, char **argv)
{
	return name_only_command(argc, argv, do_freeze);
}

int cmd_thaw(int argc, char **argv)
{
	return name_only_command(argc, argv, do_thaw);
}

static int do_kill(struct kcg *k, const char *name, const void *signal)
{
	return kcg_group_kill(k, name, *(const int *)signal);
}

int cmd_kill(int argc, char **argv)
{
	static const struct option options[] = {
		{ "signal", required_argument, NULL, OPT_SIGNAL },
		{ NULL, 0, NULL, 0 },
	};
	const char *name;
	int opt, signal = 0, status;

	while ((opt = cli_getopt(argc, argv, options, false)) != -1) {
		if (opt != OPT_SIGNAL)
			return cli_bad_option(argv);
		if (parse_signal(optarg, &signal))
			return cli_usage("kill: bad --signal '%s': expected a name (TERM) or 1..64",
					 optarg);
	}
	status = one_name("kill", argc, argv, &name);
	return status ? status : group_op("kill", name, do_kill, &signal);
}

struct attach_args {
	const pid_t *pids;
	size_t count;
};

static int do_attach(struct kcg *k, const char *name, const void *arg)
{
	const struct attach_args *a = arg;

	return kcg_task_attach(k, name, a->pids, a->count);
}

int cmd_attach(int argc, char **argv)
{
	static const struct option options[] = {
		{ NULL, 0, NULL, 0 },
	};
	struct attach_args args;
	const char *name;
	pid_t *pids;
	uint32_t pid;
	int status;

	if (cli_getopt(argc, argv, options, false) != -1)
		return cli_bad_option(argv);
	if (optind >= argc)
		return cli_syntax("attach: missing group name");
	name = argv[optind++];
	status = cli_check_group_name("attach", name);
	if (status)
		return status;
	if (optind >= argc)
		return cli_syntax("attach %s: no PID given", name);
	args.count = (size_t)(argc - optind);
	pids = calloc(args.count, sizeof(*pids));
	if (!pids)
		return cli_usage("attach: out of memory");
	for (size_t i = 0; i < args.count && !status; i++) {
		if (parse_u32_range(argv[optind + i], 1, INT32_MAX, &pid))
			status = cli_usage("attach %s: bad PID '%s'", name, argv[optind + i]);
		else
			pids[i] = (pid_t)pid;
	}
	args.pids = pids;
	if (!status)
		status = group_op("attach", name, do_attach, &args);
	free(pids);
	return status;
}

static int do_adopt(struct kcg *k, const char *name, const void *cgroup_path)
{
	return kcg_group_adopt(k, cgroup_path, name, NULL);
}

int cmd_adopt(int argc, char **argv)
{
	static const struct option options[] = {
		{ "name", required_argument, NULL, OPT_NAME },
		{ NULL, 0, NULL, 0 },
	};
	char path[4096], derived[KCG_NAME_LEVEL_MAX + 1], *base;
	const char *name = NULL;
	size_t len;
	int opt, status;

	while ((opt = cli_getopt(argc, argv, options, false)) != -1) {
		if (opt != OPT_NAME)
			return cli_bad_option(argv);
		name = optarg;
	}
	if (optind >= argc)
		return cli_syntax("adopt: missing cgroup path");
	if (optind + 1 < argc)
		return cli_syntax("adopt: unexpected argument '%s'", argv[optind + 1]);
	len = strlen(argv[optind]);
	if (len >= sizeof(path))
		return cli_usage("adopt: cgroup path too long");
	/* The default name is the last component, so "pod1234/" counts too. */
	memcpy(path, argv[optind], len + 1);
	while (len > 1 && path[len - 1] == '/')
		path[--len] = '\0';
	if (!name) {
		base = strrchr(path, '/');
		base = base ? base + 1 : path;
		if (!*base)
			return cli_usage("adopt: '%s' has no last component to name the group after; "
					 "give one with --name", path);
		switch (parse_default_name(base, derived, sizeof(derived))) {
		case 0:
			name = derived;
			break;
		case -ENAMETOOLONG:
			return cli_usage("adopt: no default name fits '%s' (over %d characters); "
					 "give one with --name", base, KCG_NAME_LEVEL_MAX);
		default:
			return cli_usage("adopt: no default name fits '%s' (names are made of "
					 "[A-Za-z0-9_.-]); give one with --name", base);
		}
	}
	status = cli_check_group_name("adopt", name);
	return status ? status : group_op("adopt", name, do_adopt, path);
}
