// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kcg run NAME [--create [LIMITS] [--rm]] [--ns LIST] [--hostname H] [--uid U]
 *         [--gid G] [--chdir D] [--setenv K=V]... [--] CMD [ARG...]
 *
 * The command must never run outside the group, not even for an instant:
 * the child is forked first and waits on a pipe until the module has moved
 * it into the group (kcg_task_attach: the module checks permissions and
 * writes cgroup.procs); only then does it set up namespaces, drop to the
 * user and group asked for, and exec. The attach is thus judged on the
 * caller's rights, and CMD runs with the user's alone.
 *
 * Exit status: CMD's own, 128+N when it died of signal N; 125 when kcg
 * itself failed (the group refused the task, a namespace could not be
 * made), 126 when CMD could not be executed, 127 when it was not found, as
 * env(1) and timeout(1) do, so that CMD's own codes stay unambiguous.
 *
 * --create makes the group first, with LIMITS, in one request; --rm then
 * removes it, with whatever CMD left in it, once CMD has exited, as
 * `docker run --rm` and systemd-run's transient units do. A group that
 * --create made is removed as well when CMD never started. With LIMITS or
 * --rm the group must be new: limits are not applied to, and --rm never
 * removes, a group that run did not make.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <net/if.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/kcg.h>

#include "cli.h"
#include "parse.h"

#define EXIT_KCG_FAILED		125
#define EXIT_CANNOT_EXEC	126
#define EXIT_NOT_FOUND		127

struct run_options {
	const char *name;
	bool create, remove;	/* --create, --rm */
	struct kcg_limits *limits;	/* --create's LIMITS; NULL without any */
	int namespaces;		/* CLONE_NEW* */
	const char *hostname;
	char **command;
	const char *chdir;
	char **setenv;		/* "K=V" strings of argv */
	size_t setenv_count;
	/* --uid/--gid: the identity CMD gets, resolved before the fork. */
	bool set_uid, set_gid;
	uid_t uid;
	gid_t gid;
	gid_t *groups;		/* supplementary groups; none without a user */
	int group_count;
	char *user, *home;	/* of the passwd entry, for USER, LOGNAME, HOME */
};

/* Signals a user sends to "the command"; kcg passes them on. */
static const int forwarded_signals[] = {
	SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2,
};

static volatile pid_t forward_to;

static void forward_signal(int sig, siginfo_t *info, void *context)
{
	(void)context;
	/*
	 * A signal from the terminal (SI_KERNEL) went to the whole foreground
	 * process group, the child included: passing it on would deliver it
	 * twice.
	 */
	if (info->si_code != SI_KERNEL && forward_to > 0)
		kill(forward_to, sig);
}

static void block_forwarded(sigset_t *saved)
{
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(forwarded_signals) / sizeof(forwarded_signals[0]); i++)
		sigaddset(&set, forwarded_signals[i]);
	sigprocmask(SIG_BLOCK, &set, saved);
}

/*
 * fork(), and in the parent pass the forwarded signals on to the child
 * from now on. The signals are blocked across fork so that none is lost or
 * handled by the child, which keeps the default handlers.
 */
static pid_t fork_forwarding(void)
{
	struct sigaction action = {
		.sa_sigaction = forward_signal,
		.sa_flags = SA_SIGINFO | SA_RESTART,
	};
	sigset_t saved;
	pid_t pid;

	block_forwarded(&saved);
	pid = fork();
	if (pid > 0) {
		forward_to = pid;
		sigemptyset(&action.sa_mask);
		for (size_t i = 0; i < sizeof(forwarded_signals) / sizeof(forwarded_signals[0]); i++)
			sigaction(forwarded_signals[i], &action, NULL);
	}
	sigprocmask(SIG_SETMASK, &saved, NULL);
	return pid;
}

/* The shell's convention: exit code, or 128 + the signal that killed it. */
static int wait_exit_status(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			return EXIT_KCG_FAILED;
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

/* In the child: report a setup failure and leave. */
static void __attribute__((noreturn)) child_fail(const struct run_options *o, const char *what)
{
	cli_message("run %s: %s: %s", o->name, what, strerror(errno));
	_exit(EXIT_KCG_FAILED);
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t len = (ssize_t)strlen(text);
	int err = 0;

	if (fd < 0)
		return -1;
	if (write(fd, text, (size_t)len) != len)
		err = -1;
	close(fd);
	return err;
}

/* Become root of a new user namespace, mapped to the caller's own ids. */
static void enter_user_namespace(const struct run_options *o)
{
	char map[64];
	uid_t uid = getuid();
	gid_t gid = getgid();

	if (unshare(CLONE_NEWUSER) < 0)
		child_fail(o, "unshare user namespace");
	/* An unprivileged gid_map needs setgroups denied first. */
	if (write_file("/proc/self/setgroups", "deny") < 0 && errno != ENOENT)
		child_fail(o, "/proc/self/setgroups");
	snprintf(map, sizeof(map), "0 %u 1", (unsigned int)uid);
	if (write_file("/proc/self/uid_map", map) < 0)
		child_fail(o, "/proc/self/uid_map");
	snprintf(map, sizeof(map), "0 %u 1", (unsigned int)gid);
	if (write_file("/proc/self/gid_map", map) < 0)
		child_fail(o, "/proc/self/gid_map");
}

/* A new network namespace has lo down; almost every program expects it up. */
static void bring_up_loopback(const struct run_options *o)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		child_fail(o, "socket");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		child_fail(o, "get lo flags");
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		child_fail(o, "bring up lo");
	close(fd);
}

/*
 * In the child, after the namespaces: become the user and group asked for,
 * groups first (they need the privilege the uid change gives up).
 */
static void drop_privileges(const struct run_options *o)
{
	if (!o->set_uid && !o->set_gid)
		return;
	if (setgroups((size_t)o->group_count, o->groups) < 0)
		child_fail(o, "setgroups");
	if (o->set_gid && setresgid(o->gid, o->gid, o->gid) < 0)
		child_fail(o, "setgid");
	if (o->set_uid && setresuid(o->uid, o->uid, o->uid) < 0)
		child_fail(o, "setuid");
	/* As su and systemd do for a user: its own names and home. */
	if (o->user && (setenv("USER", o->user, 1) < 0 || setenv("LOGNAME", o->user, 1) < 0 ||
			setenv("HOME", o->home, 1) < 0))
		child_fail(o, "setenv");
}

/* In the child, already in the group: namespaces, then exec. Never returns. */
static void __attribute__((noreturn)) run_command(const struct run_options *o)
{
	int others = o->namespaces & ~CLONE_NEWUSER, exec_errno;

	/* First, so that the namespaces below belong to it and need no privilege. */
	if (o->namespaces & CLONE_NEWUSER)
		enter_user_namespace(o);
	if (others && unshare(others) < 0)
		child_fail(o, "unshare");
	/* Mount changes in here must not propagate back to the host. */
	if ((o->namespaces & CLONE_NEWNS) &&
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		child_fail(o, "make / private");
	if ((o->namespaces & CLONE_NEWUTS) && sethostname(o->hostname, strlen(o->hostname)) < 0)
		child_fail(o, "sethostname");
	if (o->namespaces & CLONE_NEWNET)
		bring_up_loopback(o);
	if (o->namespaces & CLONE_NEWPID) {
		/* unshare() moved only our children into the new pid namespace. */
		pid_t init = fork_forwarding();

		if (init < 0)
			child_fail(o, "fork");
		if (init > 0)
			_exit(wait_exit_status(init));
		/* CMD is pid 1 here; a fresh /proc shows its namespace. */
		if ((o->namespaces & CLONE_NEWNS) &&
		    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
			child_fail(o, "mount /proc");
	}
	drop_privileges(o);
	/* After the drop: a directory the user may not enter stays closed to it. */
	if (o->chdir && chdir(o->chdir) < 0)
		child_fail(o, o->chdir);
	for (size_t i = 0; i < o->setenv_count; i++)
		if (putenv(o->setenv[i]) != 0)
			child_fail(o, "setenv");
	execvp(o->command[0], o->command);
	/* The message may allocate and so change errno. */
	exec_errno = errno;
	cli_message("run %s: %s: %s", o->name, o->command[0], strerror(exec_errno));
	_exit(exec_errno == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC);
}

/*
 * --create: make the group. An existing one is used as it is, unless LIMITS
 * or --rm need a new one. *created tells whether this run made it.
 */
static int create_group(struct kcg *k, const struct run_options *o, bool *created)
{
	int err = kcg_group_new(k, o->name, KCG_OWNER_NONE, o->limits, NULL);

	*created = !err;
	if (err == -EEXIST && !o->limits && !o->remove)
		return 0;
	if (err == -EEXIST) {
		cli_message("run %s: the group exists already; %s needs a new one (without them, "
			    "--create uses an existing group as it is)", o->name,
			    o->limits ? "--create with limits" : "--rm");
		return EXIT_KCG_FAILED;
	}
	if (err) {
		cli_group_error(k, err, "run --create", o->name);
		return EXIT_KCG_FAILED;
	}
	return 0;
}

static int compare_names_desc(const void *a, const void *b)
{
	return cli_compare_names(kcg_group_name(*(const struct kcg_group *const *)b),
				 kcg_group_name(*(const struct kcg_group *const *)a));
}

/*
 * --rm: remove the group with the groups CMD made below it, children
 * first, killing what is left in them (delete --force). 0, or -errno after
 * saying what failed.
 */
static int remove_group(const struct run_options *o)
{
	const struct kcg_group **below = NULL;
	struct kcg_group_list *list = NULL;
	struct kcg *k = cli_connect();
	size_t count = 0;
	int err;

	if (!k)
		return -ENOTCONN;
	err = kcg_group_dump(k, o->name, &list);
	if (!err) {
		count = kcg_group_list_count(list);
		below = calloc(count + 1, sizeof(*below));
		if (!below)
			err = -ENOMEM;
	}
	for (size_t i = 0; !err && i < count; i++)
		below[i] = kcg_group_list_at(list, i);
	/* Deepest first: a name sorts after its parent's. */
	if (!err && count)
		qsort(below, count, sizeof(*below), compare_names_desc);
	for (size_t i = 0; !err && i < count; i++) {
		err = kcg_group_del(k, kcg_group_name(below[i]), true);
		if (err == -ENOENT)
			err = 0;	/* gone meanwhile */
	}
	if (!err)
		err = kcg_group_del(k, o->name, true);
	if (err)
		cli_group_error(k, err, "run --rm: removing", o->name);
	free(below);
	kcg_group_list_free(list);
	kcg_close(k);
	return err;
}

/*
 * Fork the child, attach it while it waits, then let it go and wait for
 * it. *started tells whether CMD was let go.
 */
static int start_and_wait(struct kcg *k, const struct run_options *o, bool *started)
{
	int gate[2], err;
	ssize_t released;
	pid_t child;
	char go = 1;

	*started = false;
	if (pipe2(gate, O_CLOEXEC) < 0) {
		cli_group_error(NULL, -errno, "run", o->name);
		kcg_close(k);
		return EXIT_KCG_FAILED;
	}
	child = fork_forwarding();
	if (child < 0) {
		cli_group_error(NULL, -errno, "run", o->name);
		kcg_close(k);
		return EXIT_KCG_FAILED;
	}
	if (child == 0) {
		close(gate[1]);
		/* EOF instead of the byte: kcg gave up (attach failed or it died). */
		if (read(gate[0], &go, 1) != 1)
			_exit(EXIT_KCG_FAILED);
		close(gate[0]);
		run_command(o);
	}
	close(gate[0]);
	/* A child that died early must not kill kcg through the gate pipe. */
	signal(SIGPIPE, SIG_IGN);
	err = kcg_task_attach(k, o->name, &child, 1);
	if (err) {
		cli_group_error(k, err, "run", o->name);
		kill(child, SIGKILL);
		close(gate[1]);
		wait_exit_status(child);
		kcg_close(k);
		return EXIT_KCG_FAILED;
	}
	kcg_close(k);
	/* If this fails, the child is gone already and its status says why. */
	released = write(gate[1], &go, 1);
	(void)released;
	close(gate[1]);
	*started = true;
	return wait_exit_status(child);
}

static int run(const struct run_options *o)
{
	bool created = false, started;
	struct kcg *k;
	int status;

	k = cli_connect();
	if (!k)
		return EXIT_KCG_FAILED;
	if (o->create) {
		status = create_group(k, o, &created);
		if (status) {
			kcg_close(k);
			return status;
		}
	}
	status = start_and_wait(k, o, &started);
	/* CMD's status stands; a failed removal is said on stderr. */
	if (created && (o->remove || !started))
		remove_group(o);
	return status;
}

/* A user name or a numeric uid, and its passwd entry if it has one. */
static int resolve_user(const char *arg, struct run_options *o)
{
	struct passwd *pw = NULL;
	uint32_t id;

	if (parse_u32_range(arg, 0, UINT32_MAX - 1, &id) == 0) {
		o->uid = (uid_t)id;
		pw = getpwuid(o->uid);
	} else {
		pw = getpwnam(arg);
		if (!pw)
			return cli_usage("run: bad --uid '%s': no such user", arg);
		o->uid = pw->pw_uid;
	}
	o->set_uid = true;
	if (!pw)
		return 0;
	o->user = strdup(pw->pw_name);
	o->home = strdup(pw->pw_dir);
	if (!o->user || !o->home)
		return cli_usage("run: out of memory");
	/* Without --gid, the user's primary group, as su and systemd give it. */
	if (!o->set_gid) {
		o->gid = pw->pw_gid;
		o->set_gid = true;
	}
	return 0;
}

static int resolve_group(const char *arg, struct run_options *o)
{
	struct group *gr;
	uint32_t id;

	if (parse_u32_range(arg, 0, UINT32_MAX - 1, &id) == 0) {
		o->gid = (gid_t)id;
	} else {
		gr = getgrnam(arg);
		if (!gr)
			return cli_usage("run: bad --gid '%s': no such group", arg);
		o->gid = gr->gr_gid;
	}
	o->set_gid = true;
	return 0;
}

/* A user with a passwd entry keeps its supplementary groups; else there are none. */
static int resolve_groups(struct run_options *o)
{
	int count = 16;

	if (!o->user)
		return 0;
	for (;;) {
		gid_t *groups = realloc(o->groups, (size_t)count * sizeof(*groups));
		int want = count;

		if (!groups)
			return cli_usage("run: out of memory");
		o->groups = groups;
		if (getgrouplist(o->user, o->gid, groups, &want) >= 0) {
			o->group_count = want;
			return 0;
		}
		/* want is the size it needs now; grow at least once. */
		count = want > count ? want : count * 2;
		if (count > 65536)
			return cli_usage("run: %s is in too many groups", o->user);
	}
}

static int check_setenv(const char *arg)
{
	const char *eq = strchr(arg, '=');

	if (!eq || eq == arg)
		return cli_usage("run: bad --setenv '%s': expected NAME=VALUE", arg);
	return 0;
}

static void release_options(struct run_options *o)
{
	kcg_limits_free(o->limits);
	free(o->setenv);
	free(o->groups);
	free(o->user);
	free(o->home);
}

/* Options, then NAME; the first argument after them, or after "--", starts CMD. */
static int parse_run(int argc, char **argv, struct run_options *o)
{
	static const struct option options[] = {
		{ "ns",       required_argument, NULL, 'n' },
		{ "hostname", required_argument, NULL, 'H' },
		{ "uid",      required_argument, NULL, 'u' },
		{ "gid",      required_argument, NULL, 'g' },
		{ "chdir",    required_argument, NULL, 'C' },
		{ "setenv",   required_argument, NULL, 'e' },
		{ "create",   no_argument,       NULL, 'c' },
		{ "rm",       no_argument,       NULL, 'r' },
	};
	/* run's own options, then the limit options, for --create. */
	struct option all[sizeof(options) / sizeof(options[0]) + 32];
	size_t n = sizeof(options) / sizeof(options[0]), limits = 0;
	const char *uid = NULL, *gid = NULL;
	bool dashes = false;
	int opt, status;

	while (cli_limit_options[limits].name)
		limits++;
	/* A programming error, caught by every run test. */
	if (n + limits >= sizeof(all) / sizeof(all[0]))
		abort();
	memcpy(all, options, sizeof(options));
	memcpy(all + n, cli_limit_options, (limits + 1) * sizeof(*all));
	o->setenv = calloc((size_t)argc, sizeof(*o->setenv));
	if (!o->setenv)
		return cli_usage("run: out of memory");
	/* "+": the options stop at NAME, and again at CMD, whose options are its own. */
	for (;;) {
		opt = cli_getopt(argc, argv, all, true);
		if (opt == -1) {
			/*
			 * getopt steps over a "--" and stops before anything else.
			 * (An option's value "--" reads the same; it only ends the
			 * options one argument early.)
			 */
			dashes = optind > 1 && strcmp(argv[optind - 1], "--") == 0;
			if (!o->name && optind < argc) {
				o->name = argv[optind++];
				if (!dashes)
					continue;
			}
			break;
		}
		switch (opt) {
		case 'n':
			if (parse_ns_list(optarg, &o->namespaces))
				return cli_usage("run: bad --ns '%s': expected a list of "
						 "pid,mnt,uts,ipc,net,user or all", optarg);
			break;
		case 'H':
			o->hostname = optarg;
			break;
		case 'u':
			uid = optarg;
			break;
		case 'g':
			gid = optarg;
			break;
		case 'C':
			o->chdir = optarg;
			break;
		case 'e':
			status = check_setenv(optarg);
			if (status)
				return status;
			o->setenv[o->setenv_count++] = optarg;
			break;
		case 'c':
			o->create = true;
			break;
		case 'r':
			o->remove = true;
			break;
		default:
			if (!cli_is_limit_option(opt))
				return cli_bad_option(argv);
			if (!o->limits && !(o->limits = kcg_limits_new()))
				return cli_usage("run: out of memory");
			status = cli_limit_option("run", opt, optarg, o->limits);
			if (status)
				return status;
		}
	}
	if (!o->name)
		return cli_syntax("run: missing group name");
	status = cli_check_group_name("run", o->name);
	if (status)
		return status;
	if (optind >= argc)
		return cli_syntax(dashes ? "run: no command after '--'" : "run: missing the command");
	o->command = &argv[optind];
	if (o->limits && !o->create)
		return cli_usage("run: limits go with --create (kcg set changes an existing group's)");
	if (o->remove && !o->create)
		return cli_usage("run: --rm goes with --create: it removes only a group run made");

	if ((uid || gid) && (o->namespaces & CLONE_NEWUSER))
		return cli_usage("run: --uid and --gid do not go with --ns user, which maps the "
				 "caller to root inside");
	/* --gid first: it overrides the user's primary group. */
	if (gid && (status = resolve_group(gid, o)))
		return status;
	if (uid && (status = resolve_user(uid, o)))
		return status;
	if (uid && !o->set_gid)
		return cli_usage("run: uid %s has no passwd entry, so no group: give --gid", uid);
	return resolve_groups(o);
}

int cmd_run(int argc, char **argv)
{
	struct run_options o = { 0 };
	int status = parse_run(argc, argv, &o);

	if (!status) {
		if (o.hostname && !(o.namespaces & CLONE_NEWUTS)) {
			status = cli_usage("run: --hostname needs a uts namespace (--ns uts)");
		} else {
			/* The group's own name: its last level. */
			const char *last = strrchr(o.name, '/');

			if (!o.hostname)
				o.hostname = last ? last + 1 : o.name;
			if (strlen(o.hostname) > HOST_NAME_MAX)
				status = cli_usage("run: --hostname longer than %d characters",
						   HOST_NAME_MAX);
		}
	}
	if (!status)
		status = run(&o);
	release_options(&o);
	return status;
}
