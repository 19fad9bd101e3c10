// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kcg trace NAME runqlat|offcpu|syscalls: on-demand BPF tracing of one
 * group and the groups below it. The group is resolved through the module
 * like any operation (so one the caller cannot see is refused the same
 * way), then its cgroup's id goes into the BPF programs, which filter in
 * the kernel. Frames are printed every --interval, at the end of
 * --duration, and on Ctrl-C.
 */
#include <bpf/libbpf.h>
#include <errno.h>
#include <inttypes.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "parse.h"
#include "print.h"
#include "sample.h"
#include "trace_cli.h"

_Static_assert(TRACE_BUCKETS == KCG_RUN_DELAY_BUCKETS, "runqlat buckets are the module's");

static volatile sig_atomic_t trace_stop;

static void on_signal(int sig)
{
	(void)sig;
	trace_stop = 1;
}

void trace_fail(const char *what, int err)
{
	cli_message("trace: %s: %s", what, strerror(err < 0 ? -err : err));
}

/* Load and attach a skeleton's programs; what failed is said for NAME. */
int trace_start(struct bpf_object_skeleton *skeleton, const char *name)
{
	char what[64];
	int err;

	err = bpf_object__load_skeleton(skeleton);
	if (!err) {
		err = bpf_object__attach_skeleton(skeleton);
		if (!err)
			return 0;
		snprintf(what, sizeof(what), "attaching the %s program", name);
	} else {
		snprintf(what, sizeof(what), "loading the %s program", name);
	}
	trace_fail(what, err);
	return err;
}

int trace_cpus(void)
{
	int n = libbpf_num_possible_cpus();

	return n > 0 ? n : 1;
}

/* libbpf's own chatter only on request: the CLI says what failed in one line. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG || !getenv("KCG_TRACE_DEBUG"))
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/* CAP_BPF + CAP_PERFMON, or CAP_SYS_ADMIN (which covers both), effective. */
static bool may_trace(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = {};

	if (syscall(SYS_capget, &hdr, data))
		return false;
#define HAS(cap) (data[(cap) / 32].effective & (1U << ((cap) % 32)))
	return HAS(CAP_SYS_ADMIN) || (HAS(CAP_BPF) && HAS(CAP_PERFMON));
#undef HAS
}

/*
 * Where the whole cgroup2 hierarchy is mounted: a mount whose root is the
 * hierarchy's root, as the module's paths are from there.
 */
static int cgroup2_mount(char *out, size_t len)
{
	char line[4096], root[1024], point[1024];
	int found = -ENOENT;
	FILE *f;

	f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		const char *sep = strstr(line, " - cgroup2 ");

		if (!sep || sscanf(line, "%*s %*s %*s %1023s %1023s", root, point) != 2)
			continue;
		if (strcmp(root, "/") || strlen(point) >= len)
			continue;
		strcpy(out, point);
		found = 0;
		break;
	}
	fclose(f);
	return found;
}

static int resolve_target(struct kcg *k, const char *name, struct trace_target *t)
{
	char mnt[1024], path[4096];
	struct kcg_group *g;
	const char *cgpath, *p;
	struct stat st;
	int err;

	err = kcg_group_get(k, name, &g);
	if (err)
		return cli_group_error(k, err, "trace", name);
	cgpath = kcg_group_cgroup_path(g);
	if (!cgpath || cgpath[0] != '/') {
		kcg_group_free(g);
		cli_message("trace %s: the module reported no cgroup path", name);
		return 1;
	}
	if (cgroup2_mount(mnt, sizeof(mnt))) {
		kcg_group_free(g);
		cli_message("trace: no cgroup2 mount of the whole hierarchy (mount -t cgroup2 none /sys/fs/cgroup)");
		return 1;
	}
	snprintf(path, sizeof(path), "%s%s", mnt, cgpath);
	t->level = 0;
	for (p = cgpath; *p; p++)
		if (*p == '/' && p[1] && p[1] != '/')
			t->level++;
	kcg_group_free(g);
	/* On cgroup2 a directory's inode number is its cgroup id. */
	if (stat(path, &st)) {
		cli_message("trace %s: %s: %s", name, path, strerror(errno));
		return 1;
	}
	t->cgroup_id = st.st_ino;
	t->name = name;
	return 0;
}

void trace_print_hist(const char *key, const uint64_t slots[TRACE_BUCKETS], const char *indent)
{
	int lo = -1, hi = -1;
	uint64_t max = 0;
	char label[48];

	for (int i = 0; i < TRACE_BUCKETS; i++) {
		if (slots[i] && lo < 0)
			lo = i;
		if (slots[i])
			hi = i;
		if (slots[i] > max)
			max = slots[i];
	}
	print_open_array(key);
	for (int i = 0; i < TRACE_BUCKETS; i++) {
		bool shown = indent && lo >= 0 && i >= lo && i <= hi;

		if (shown) {
			if (i == 0)
				snprintf(label, sizeof(label), "0 -> 1");
			else if (i == TRACE_BUCKETS - 1)
				snprintf(label, sizeof(label), "%llu -> ...", 1ULL << i);
			else
				snprintf(label, sizeof(label), "%llu -> %llu", 1ULL << i, (2ULL << i) - 1);
			print_text("\n%s%16s us : ", indent, label);
		}
		print_u64(NULL, shown ? "%-10" PRIu64 : NULL, slots[i]);
		if (shown) {
			int bar = max ? (int)(slots[i] * 30 / max) : 0;

			print_text("|%-30.*s|", bar, "******************************");
		}
	}
	print_close_array();
}

static const struct trace_mode *find_mode(const char *name)
{
	static const struct trace_mode *const modes[] = {
		&trace_runqlat, &trace_syscalls, &trace_offcpu,
	};

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (!strcmp(name, modes[i]->name))
			return modes[i];
	return NULL;
}

/* Sleep until the monotonic time deadline, or a signal asked to stop. */
static void sleep_until(uint64_t deadline)
{
	struct timespec ts = {
		.tv_sec = deadline / 1000000000,
		.tv_nsec = deadline % 1000000000,
	};

	while (!trace_stop && clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

static int print_frame(const struct trace_mode *mode, void *state, const struct trace_target *t,
		       const struct trace_opts *opts, uint64_t ns, bool final)
{
	char d[FORMAT_DURATION_LEN];
	int err;

	print_open_object(NULL);
	print_string("group", "%s", t->name);
	print_string("mode", " %s", mode->name);
	print_u64_as("interval_ns", ", %s", ns, format_duration(ns, d, sizeof(d)));
	print_bool("final", NULL, final);
	err = mode->frame(state, opts);
	print_close_object();
	print_end_record();
	return err;
}

static int run(const struct trace_mode *mode, const struct trace_target *t,
	       const struct trace_opts *opts, double duration_s, double interval_s)
{
	struct sigaction sa = { .sa_handler = on_signal };
	uint64_t start, last, end = UINT64_MAX, next, now;
	void *state;
	int err = 0;

	state = mode->start(t, opts);
	if (!state)
		return 1;
	/* The window starts once the programs are attached: a load can take seconds. */
	start = last = monotonic_ns();
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (duration_s > 0)
		end = start + (uint64_t)(duration_s * 1e9);
	next = interval_s > 0 ? start + (uint64_t)(interval_s * 1e9) : end;
	for (;;) {
		sleep_until(next < end ? next : end);
		now = monotonic_ns();
		bool final = trace_stop || now >= end;

		err = print_frame(mode, state, t, opts, now - last, final);
		if (err || final)
			break;
		last = now;
		while (next <= now)
			next += (uint64_t)(interval_s * 1e9);
	}
	mode->stop(state);
	if (err)
		trace_fail("reading the maps", err);
	return err ? 1 : 0;
}

int cmd_trace(int argc, char **argv)
{
	static const struct option options[] = {
		{ "duration", required_argument, NULL, 'd' },
		{ "interval", required_argument, NULL, 'i' },
		{ "per-task", no_argument, NULL, 't' },
		{ "min-us", required_argument, NULL, 'm' },
		{ "top", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	struct trace_opts opts = { .top = 20 };
	double duration = 0, interval = 0;
	const struct trace_mode *mode;
	struct trace_target target;
	bool per_task = false, min_us = false;
	uint32_t v;
	struct kcg *k;
	int opt, err;

	while ((opt = cli_getopt(argc, argv, options, false)) != -1) {
		switch (opt) {
		case 'd':
			if (parse_seconds(optarg, &duration))
				return cli_usage("trace: bad --duration '%s': seconds, > 0 and <= %d",
						 optarg, PARSE_SECONDS_MAX);
			break;
		case 'i':
			if (parse_seconds(optarg, &interval))
				return cli_usage("trace: bad --interval '%s': seconds, > 0 and <= %d",
						 optarg, PARSE_SECONDS_MAX);
			break;
		case 't':
			per_task = opts.per_task = true;
			break;
		case 'm':
			if (parse_u32_range(optarg, 0, 60000000, &v))
				return cli_usage("trace: bad --min-us '%s': microseconds, 0 to 60000000",
						 optarg);
			opts.min_ns = (uint64_t)v * 1000;
			min_us = true;
			break;
		case 'n':
			if (parse_u32_range(optarg, 0, 100000, &v))
				return cli_usage("trace: bad --top '%s': 0 (all) to 100000", optarg);
			opts.top = v;
			break;
		default:
			return cli_bad_option(argv);
		}
	}
	if (optind + 2 > argc)
		return cli_syntax("trace: missing %s", optind == argc ? "NAME" : "MODE");
	if (optind + 2 < argc)
		return cli_syntax("trace: unexpected argument '%s'", argv[optind + 2]);
	mode = find_mode(argv[optind + 1]);
	if (!mode)
		return cli_usage("trace: unknown mode '%s': runqlat, offcpu or syscalls", argv[optind + 1]);
	if (per_task && mode != &trace_runqlat)
		return cli_usage("trace: --per-task is for runqlat");
	if (min_us && mode != &trace_offcpu)
		return cli_usage("trace: --min-us is for offcpu");
	err = cli_check_group_name("trace", argv[optind]);
	if (err)
		return err;

	k = cli_connect();
	if (!k)
		return 1;
	err = resolve_target(k, argv[optind], &target);
	kcg_close(k);
	if (err)
		return err;
	if (!may_trace()) {
		cli_message("trace: needs CAP_BPF and CAP_PERFMON (or root) to load BPF programs");
		return 1;
	}
	libbpf_set_print(libbpf_print);
	return run(mode, &target, &opts, duration, interval);
}
