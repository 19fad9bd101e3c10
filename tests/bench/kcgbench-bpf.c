// SPDX-License-Identifier: GPL-2.0
/*
 * kcgbench-bpf: loads the BPF arms (kcgbench.bpf.c) through their skeleton.
 * Built inside the VM, where vmlinux.h comes from the running kernel.
 *
 *   kcgbench-bpf iter PASSES       P1 (c): read a cgroup iterator for each
 *                                  group below /kcg, one line per pass
 *   kcgbench-bpf switch CMD [ARG]  P2: run CMD with the sched_switch program
 *                                  accounting every group below /kcg
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bench.h"
#include "kcgbench-bpf.h"
#include "kcgbench.skel.h"

static struct kcgbench_bpf *open_only(struct bpf_program *keep(struct kcgbench_bpf *))
{
	struct kcgbench_bpf *skel = kcgbench_bpf__open();
	struct bpf_program *prog;

	if (!skel)
		die(errno, "open BPF object");
	/* Load only the program this run measures. */
	bpf_object__for_each_program(prog, skel->obj)
		bpf_program__set_autoload(prog, prog == keep(skel));
	if (kcgbench_bpf__load(skel))
		die(errno, "load BPF object");
	return skel;
}

static struct bpf_program *iter_prog(struct kcgbench_bpf *skel)
{
	return skel->progs.dump_cgroup;
}

static struct bpf_program *switch_prog(struct kcgbench_bpf *skel)
{
	return skel->progs.on_switch;
}

/* One iterator per group, attached up front as an agent pins them in bpffs. */
struct iter_links {
	struct bpf_link **v;
	size_t n, cap;
};

static void attach_group_iters(struct bpf_program *prog, struct iter_links *links)
{
	DECLARE_LIBBPF_OPTS(bpf_iter_attach_opts, opts);
	union bpf_iter_link_info linfo = {};
	struct rlimit nofile = { 1 << 16, 1 << 16 };
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d;

	/* A link per group: 10,000 groups need more than the default 1,024 fds. */
	if (setrlimit(RLIMIT_NOFILE, &nofile))
		die(errno, "raise RLIMIT_NOFILE");
	d = opendir(KCG_CGROUP_DIR);
	if (!d)
		die(errno, "opendir %s", KCG_CGROUP_DIR);
	linfo.cgroup.order = BPF_CGROUP_ITER_SELF_ONLY;
	opts.link_info = &linfo;
	opts.link_info_len = sizeof(linfo);
	while ((e = readdir(d))) {
		int fd;

		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", KCG_CGROUP_DIR, e->d_name);
		fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			die(errno, "open %s", path);
		linfo.cgroup.cgroup_fd = (__u32)fd;
		if (links->n == links->cap) {
			links->cap = links->cap ? 2 * links->cap : 1024;
			links->v = realloc(links->v, links->cap * sizeof(*links->v));
			if (!links->v)
				die(ENOMEM, "links");
		}
		links->v[links->n] = bpf_program__attach_iter(prog, &opts);
		if (!links->v[links->n])
			die(errno, "attach cgroup iterator to %s", path);
		links->n++;
		close(fd);	/* the link holds the cgroup */
	}
	closedir(d);
}

/* Read one group's iterator to the end, decoding its record. */
static void iter_read(struct bpf_link *link, struct bench_recs *recs)
{
	struct bench_bpf_rec buf[4];
	int fd = bpf_iter_create(bpf_link__fd(link));
	ssize_t n;

	if (fd < 0)
		die(errno, "bpf_iter_create");
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (size_t i = 0; i < (size_t)n / sizeof(buf[0]); i++) {
			struct bench_rec *r = recs_add(recs);

			r->cpu_usec = buf[i].cpu_ns / 1000;
			r->memory_current = buf[i].memory_current;
			r->memory_high = buf[i].memory_events[1];
			r->memory_max = buf[i].memory_events[2];
			r->memory_oom = buf[i].memory_events[3];
			r->memory_oom_kill = buf[i].memory_events[4];
			r->pids_current = buf[i].pids_current;
		}
	}
	if (n < 0)
		die(errno, "read iterator");
	close(fd);
}

static void iter_pass(const struct iter_links *links, struct bench_recs *recs)
{
	recs->n = 0;
	for (size_t i = 0; i < links->n; i++)
		iter_read(links->v[i], recs);
}

static int cmd_iter(int argc, char **argv)
{
	struct iter_links links = {};
	struct bench_recs recs = {};
	struct kcgbench_bpf *skel;
	unsigned long passes;

	if (argc != 2)
		die(0, "usage: iter PASSES");
	passes = arg_ulong(argv[1], "passes");
	skel = open_only(iter_prog);
	attach_group_iters(skel->progs.dump_cgroup, &links);

	iter_pass(&links, &recs);
	for (unsigned long p = 0; p < passes; p++) {
		struct pass t;

		pass_start(&t);
		iter_pass(&links, &recs);
		pass_end(&t, recs.n);
	}
	for (size_t i = 0; i < links.n; i++)
		bpf_link__destroy(links.v[i]);
	free(links.v);
	kcgbench_bpf__destroy(skel);
	free(recs.v);
	return 0;
}

/* Enter every group below /kcg in the map; the cgroup id is the inode. */
static void add_groups(int map_fd)
{
	int ncpus = libbpf_num_possible_cpus();
	struct bench_bpf_counters *zero;
	char path[PATH_MAX];
	struct dirent *e;
	struct stat st;
	DIR *d;

	zero = calloc((size_t)(ncpus > 0 ? ncpus : 1), sizeof(*zero));
	d = opendir(KCG_CGROUP_DIR);
	if (!zero || !d)
		die(errno, "list %s", KCG_CGROUP_DIR);
	while ((e = readdir(d))) {
		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", KCG_CGROUP_DIR, e->d_name);
		if (stat(path, &st))
			die(errno, "stat %s", path);
		if (bpf_map_update_elem(map_fd, &st.st_ino, zero, BPF_ANY))
			die(errno, "map update");
	}
	closedir(d);
	free(zero);
}

/* Sum the counters over CPUs and groups, as a reader of the map would. */
static void print_totals(int map_fd)
{
	int ncpus = libbpf_num_possible_cpus();
	struct bench_bpf_counters *v = calloc((size_t)ncpus, sizeof(*v)), sum = {};
	__u64 key, *prev = NULL;

	if (!v)
		die(ENOMEM, "counters");
	while (!bpf_map_get_next_key(map_fd, prev, &key)) {
		if (bpf_map_lookup_elem(map_fd, &key, v))
			die(errno, "map lookup");
		for (int c = 0; c < ncpus; c++) {
			sum.cpu_ns += v[c].cpu_ns;
			sum.nvcsw += v[c].nvcsw;
			sum.nivcsw += v[c].nivcsw;
		}
		prev = &key;
	}
	fprintf(stderr, "kcgbench-bpf: accounted cpu_ns %llu nvcsw %llu nivcsw %llu\n",
		(unsigned long long)sum.cpu_ns, (unsigned long long)sum.nvcsw,
		(unsigned long long)sum.nivcsw);
	free(v);
}

static int cmd_switch(int argc, char **argv)
{
	struct kcgbench_bpf *skel;
	int status;
	pid_t pid;

	if (argc < 2)
		die(0, "usage: switch CMD [ARG...]");
	skel = open_only(switch_prog);
	add_groups(bpf_map__fd(skel->maps.groups));
	if (kcgbench_bpf__attach(skel))
		die(errno, "attach sched_switch");
	pid = fork();
	if (pid < 0)
		die(errno, "fork");
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		die(errno, "exec %s", argv[1]);
	}
	if (waitpid(pid, &status, 0) < 0)
		die(errno, "wait");
	print_totals(bpf_map__fd(skel->maps.groups));
	kcgbench_bpf__destroy(skel);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "iter"))
		return cmd_iter(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "switch"))
		return cmd_switch(argc - 1, argv + 1);
	fputs("usage: kcgbench-bpf iter PASSES | switch CMD [ARG...]\n", stderr);
	return 2;
}
