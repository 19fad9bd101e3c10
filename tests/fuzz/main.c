// SPDX-License-Identifier: GPL-2.0
/*
 * kcg-fuzz: options, the master (setup, workload, watchdog, cleanup,
 * summary) and the forked workers.
 *
 * Every worker draws from its own seed, derived from the printed master
 * seed, and never from what the kernel answers: the same --seed, --count
 * and --workers send the same requests again (--worker I alone replays one
 * worker's stream). The exit status is 0 unless the kernel misbehaved in a
 * way userland sees (a finding), 2 for a usage or setup error, 3 when the
 * fuzzer itself broke.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "confine.h"
#include "fuzz.h"

static const char usage[] =
"usage: kcg-fuzz [options]\n"
"  --seed S          master seed (default: from the clock); printed either way\n"
"  --count N         messages to send in all (default 10000)\n"
"  --workers W       processes fuzzing at once (default 2)\n"
"  --worker I        run only worker I of W (replays its stream)\n"
"  --time SECONDS    stop after this long even if --count is not reached\n"
"  --hang-timeout S  a request that takes longer is a hang (default 120)\n"
"  --prefix P        name prefix; when privileged, the only groups touched (default fz<pid>)\n"
"  --base NAME       work below this group (repeatable); privileged: must be under P\n"
"  --foreign NAME    somebody else's group to poke at (repeatable)\n"
"  --pid PID         another process to try to move (repeatable)\n"
"  --workload        run a fork/exit loop, a memory hog and sleepers in the groups\n"
"  --stranger        the caller owns nothing: any group it sees is a finding\n"
"  --keep            leave the groups for a later --cleanup (the workload stops)\n"
"  --cleanup         only delete what an earlier run under --prefix/--base left\n"
"  --dry-run         build messages, send nothing (--as-root: as if privileged)\n"
"  --hexdump         print every request\n"
"  --verbose         say why confinement kept a request back; sample refusals\n";

static bool privileged(void)
{
	unsigned long long caps = 0;
	unsigned long inside = 1, outside = 1, count = 0;
	char line[256];
	FILE *f;

	f = fopen("/proc/self/status", "r");
	while (f && fgets(line, sizeof(line), f))
		sscanf(line, "CapEff: %llx", &caps);
	if (f)
		fclose(f);
	/* The initial user namespace maps every uid to itself. */
	f = fopen("/proc/self/uid_map", "r");
	if (f && fscanf(f, "%lu %lu %lu", &inside, &outside, &count) != 3)
		count = 0;
	if (f)
		fclose(f);
	return (caps >> 21 & 1) && inside == 0 && outside == 0 && count == 4294967295UL;
}

static uint64_t worker_seed(uint64_t master, int index)
{
	struct fz_rng r = { .s = master ^ (0x9e3779b97f4a7c15ULL * (uint64_t)(index + 1)) };

	return fz_rand(&r);
}

static uint64_t quota_of(const struct fz_config *cfg, int index)
{
	return cfg->count / cfg->workers + ((uint64_t)index < cfg->count % cfg->workers);
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static void context(struct fz_worker *w, struct fz_config *cfg, struct fz_shared *sh,
		    struct fz_confine *c, int index, uint16_t family, uint32_t mcgrp)
{
	static uint8_t *msg, *rx;

	if (!msg) {
		msg = malloc(FZ_MSG_MAX);
		rx = malloc(FZ_RX_MAX);
		if (!msg || !rx)
			exit(3);
	}
	memset(w, 0, sizeof(*w));
	w->index = index;
	w->seed = index < 0 ? cfg->seed ^ 0x5eedULL : worker_seed(cfg->seed, index);
	w->rng.s = w->seed;
	w->quota = index < 0 ? 0 : quota_of(cfg, index);
	w->sh = sh;
	w->cfg = cfg;
	w->confine = c;
	w->family = family;
	w->mcgrp = mcgrp;
	w->msg.data = msg;
	w->msg.cap = FZ_MSG_MAX;
	w->rx = rx;
	w->main.fd = w->sub.fd = -1;
	fz_gen_init(w);
}

static void add_stats(struct fz_stats *sum, const struct fz_stats *s)
{
	unsigned int i;

	sum->messages += s->messages;
	sum->sends += s->sends;
	sum->bytes += s->bytes;
	for (i = 0; i < FZ_ERRNO_SLOTS; i++) {
		sum->send_err[i] += s->send_err[i];
		sum->reply_err[i] += s->reply_err[i];
	}
	sum->data += s->data;
	sum->dump_done += s->dump_done;
	sum->dump_intr += s->dump_intr;
	sum->events += s->events;
	sum->overruns += s->overruns;
	sum->confined += s->confined;
	sum->closed_dumps += s->closed_dumps;
	sum->storms += s->storms;
	sum->subscriptions += s->subscriptions;
	for (i = 0; i < FZ_F_N; i++)
		sum->findings[i] += s->findings[i];
	for (i = 0; i < 256; i++) {
		sum->op_ns[i] += s->op_ns[i];
		sum->op_sends[i] += s->op_sends[i];
		sum->op_ok[i] += s->op_ok[i];
		if (s->op_max_ns[i] > sum->op_max_ns[i])
			sum->op_max_ns[i] = s->op_max_ns[i];
	}
}

/* Where the kernel spent its time: the costliest commands. */
static void print_costs(const struct fz_stats *sum)
{
	bool shown[256] = { false };
	unsigned int i, k, best;

	printf("kcg-fuzz: time in sendmsg by cmd (total/count, longest):");
	for (k = 0; k < 6; k++) {
		best = 256;
		for (i = 0; i < 256; i++)
			if (sum->op_sends[i] && !shown[i] &&
			    (best == 256 || sum->op_ns[i] > sum->op_ns[best]))
				best = i;
		if (best == 256)
			break;
		shown[best] = true;
		printf(" %s %.1fs/%" PRIu64 " %.2fs", fz_op_by_cmd(best) ? fz_op_by_cmd(best)->name : "?",
		       sum->op_ns[best] / 1e9, sum->op_sends[best], sum->op_max_ns[best] / 1e9);
	}
	printf("\n");
	printf("kcg-fuzz: acknowledged successes by cmd:");
	for (i = 0; i < 256; i++)
		if (sum->op_ok[i])
			printf(" %s %" PRIu64, fz_op_by_cmd(i) ? fz_op_by_cmd(i)->name : "?",
			       sum->op_ok[i]);
	printf("\n");
}

static void print_errnos(const char *what, const uint64_t *counts, unsigned int from)
{
	bool shown[FZ_ERRNO_SLOTS] = { false };
	unsigned int i, best, printed = 0;

	printf("kcg-fuzz: %s:", what);
	for (;;) {
		best = FZ_ERRNO_SLOTS;
		for (i = from; i < FZ_ERRNO_SLOTS; i++)
			if (counts[i] && !shown[i] && (best == FZ_ERRNO_SLOTS || counts[i] > counts[best]))
				best = i;
		if (best == FZ_ERRNO_SLOTS)
			break;
		shown[best] = true;
		printf(" %s %" PRIu64, best == FZ_ERRNO_SLOTS - 1 ? "other" :
		       strerrorname_np((int)best) ?: "?", counts[best]);
		printed++;
	}
	printf("%s\n", printed ? "" : " none");
}

static uint64_t summary(const struct fz_config *cfg, const struct fz_stats *sum, double secs)
{
	uint64_t findings = 0;
	unsigned int i;

	printf("kcg-fuzz: %" PRIu64 " messages in %" PRIu64 " sends (%.1f MiB) in %.1f s: "
	       "%.0f messages/s\n", sum->messages, sum->sends, sum->bytes / 1048576.0, secs,
	       secs > 0 ? sum->messages / secs : 0.0);
	printf("kcg-fuzz: answers: %" PRIu64 " acks, %" PRIu64 " replies, %" PRIu64
	       " dumps done (%" PRIu64 " interrupted), %" PRIu64 " events, %" PRIu64 " overruns\n",
	       sum->reply_err[0], sum->data, sum->dump_done, sum->dump_intr, sum->events,
	       sum->overruns);
	print_errnos("errors", sum->reply_err, 1);
	print_errnos("send/join errors", sum->send_err, 1);
	print_costs(sum);
	printf("kcg-fuzz: %" PRIu64 " kept back by confinement, %" PRIu64 " dumps closed early, %"
	       PRIu64 " subscribe storms (%" PRIu64 " sockets)\n", sum->confined, sum->closed_dumps,
	       sum->storms, sum->subscriptions);
	printf("kcg-fuzz: findings:");
	for (i = 0; i < FZ_F_N; i++) {
		if (sum->findings[i])
			printf(" %s %" PRIu64, fz_finding_names[i], sum->findings[i]);
		findings += sum->findings[i];
	}
	printf("%s\n", findings ? "" : " none");
	printf("kcg-fuzz: result seed=%#" PRIx64 " messages=%" PRIu64 " findings=%" PRIu64 "\n",
	       cfg->seed, sum->messages, findings);
	return findings;
}

static int parse(int argc, char **argv, struct fz_config *cfg, bool *cleanup_only, bool *as_root)
{
	static const struct option opts[] = {
		{ "seed", 1, 0, 's' }, { "count", 1, 0, 'n' }, { "workers", 1, 0, 'w' },
		{ "worker", 1, 0, 'i' }, { "time", 1, 0, 't' }, { "hang-timeout", 1, 0, 'H' },
		{ "prefix", 1, 0, 'p' }, { "base", 1, 0, 'b' }, { "foreign", 1, 0, 'f' },
		{ "pid", 1, 0, 'P' }, { "workload", 0, 0, 'W' }, { "stranger", 0, 0, 'S' },
		{ "cleanup", 0, 0, 'C' }, { "keep", 0, 0, 'K' }, { "dry-run", 0, 0, 'd' }, { "as-root", 0, 0, 'R' },
		{ "hexdump", 0, 0, 'x' }, { "verbose", 0, 0, 'v' }, { "help", 0, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's': cfg->seed = strtoull(optarg, NULL, 0); break;
		case 'n': cfg->count = strtoull(optarg, NULL, 0); break;
		case 'w': cfg->workers = (unsigned int)atoi(optarg); break;
		case 'i': cfg->only_worker = atoi(optarg); break;
		case 't': cfg->seconds = (unsigned int)atoi(optarg); break;
		case 'H': cfg->hang_timeout = (unsigned int)atoi(optarg); break;
		case 'p': cfg->prefix = optarg; break;
		case 'b':
			if (cfg->n_bases < FZ_NAMES_MAX)
				cfg->bases[cfg->n_bases++] = optarg;
			break;
		case 'f':
			if (cfg->n_foreign < FZ_NAMES_MAX)
				cfg->foreign[cfg->n_foreign++] = optarg;
			break;
		case 'P':
			if (cfg->n_extra_pids < FZ_NAMES_MAX)
				cfg->extra_pids[cfg->n_extra_pids++] = (uint32_t)atoi(optarg);
			break;
		case 'W': cfg->workload = true; break;
		case 'S': cfg->stranger = true; break;
		case 'C': *cleanup_only = true; break;
		case 'K': cfg->keep = true; break;
		case 'd': cfg->dry_run = true; break;
		case 'R': *as_root = true; break;
		case 'x': cfg->hexdump = true; break;
		case 'v': cfg->verbose = true; break;
		case 'h': fputs(usage, stdout); exit(0);
		default: return -1;
		}
	}
	if (optind != argc || !cfg->workers || cfg->workers > FZ_OWN_MAX - 1 ||
	    cfg->only_worker >= (int)cfg->workers || !cfg->hang_timeout)
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	static struct fz_config cfg = { .count = 10000, .workers = 2, .only_worker = -1,
					.hang_timeout = 120 };
	static struct fz_worker master;
	static struct fz_stats master_stats;
	static char prefix[32];
	struct fz_confine confine = { 0 };
	struct fz_stats sum = { 0 };
	bool cleanup_only = false, as_root = false, broken = false;
	uint64_t last_beat[FZ_OWN_MAX] = { 0 };
	double last_move[FZ_OWN_MAX], start;
	pid_t pids[FZ_OWN_MAX] = { 0 };
	struct fz_shared *sh;
	unsigned int i, alive, ticks = 0;
	uint16_t family = 0x20;		/* any id will do for a dry run */
	uint32_t mcgrp = 0;
	size_t shared_size;
	uint64_t findings;
	int err;

	if (parse(argc, argv, &cfg, &cleanup_only, &as_root)) {
		fputs(usage, stderr);
		return 2;
	}
	if (!cfg.prefix) {
		snprintf(prefix, sizeof(prefix), "fz%d", (int)getpid());
		cfg.prefix = prefix;
	}
	if (!cfg.seed) {
		struct fz_rng r = { .s = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) };

		cfg.seed = fz_rand(&r) | 1;
	}
	cfg.privileged = cfg.dry_run ? as_root : privileged();
	confine = (struct fz_confine){ .on = cfg.privileged, .prefix = cfg.prefix };
	for (i = 0; i < cfg.n_bases; i++)
		if (cfg.privileged && !fz_confine_name(&confine, cfg.bases[i], strlen(cfg.bases[i]))) {
			fprintf(stderr, "kcg-fuzz: privileged, so --base %s must be under --prefix %s\n",
				cfg.bases[i], cfg.prefix);
			return 2;
		}
	if (!cfg.dry_run && (err = fz_resolve(&family, &mcgrp))) {
		fprintf(stderr, "kcg-fuzz: cannot resolve the %s family: %s\n", fz_family_name,
			strerror(-err));
		return 2;
	}
	shared_size = sizeof(*sh) + cfg.workers * sizeof(struct fz_stats);
	sh = mmap(NULL, shared_size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return 3;
	sh->own[0] = (uint32_t)getpid();
	confine.family = family;
	confine.pids = sh->workload;
	confine.n_pids = FZ_WORKLOAD_MAX;

	context(&master, &cfg, sh, &confine, -1, family, mcgrp);
	master.st = &master_stats;
	if (!cfg.dry_run)
		fz_sock_open(&master, &master.main, false);
	if (cleanup_only) {
		fz_cleanup(&master);
		return summary(&cfg, &master_stats, 0) ? 1 : 0;
	}
	printf("kcg-fuzz: seed %#" PRIx64 ", %" PRIu64 " messages, %u workers%s, %s, prefix %s%s\n",
	       cfg.seed, cfg.count, cfg.workers, cfg.only_worker >= 0 ? " (one replayed)" : "",
	       cfg.privileged ? "privileged (confined to the prefix)" : "unprivileged",
	       cfg.prefix, cfg.dry_run ? ", dry run" : "");
	fflush(stdout);
	if (!cfg.dry_run) {
		fz_setup(&master);
		if (cfg.workload)
			fz_workload_start(&master);
	}

	start = now();
	for (i = 0; i < cfg.workers; i++) {
		if (cfg.only_worker >= 0 && (int)i != cfg.only_worker)
			continue;
		pids[i] = fork();
		if (pids[i] < 0) {
			perror("kcg-fuzz: fork");
			broken = true;
			break;
		}
		if (pids[i] == 0) {
			struct fz_worker w;

			prctl(PR_SET_PDEATHSIG, SIGKILL);
			context(&w, &cfg, sh, &confine, (int)i, family, mcgrp);
			w.st = &sh->stats[i];
			printf("kcg-fuzz: worker %u seed %#" PRIx64 ", %" PRIu64 " messages\n", i,
			       w.seed, w.quota);
			fflush(stdout);
			fz_worker_run(&w);
			w.st->done = 1;
			fflush(stdout);
			_exit(0);
		}
		sh->own[i + 1] = (uint32_t)pids[i];
		last_move[i] = now();
	}

	/* The watchdog: a worker whose heartbeat stops is stuck in the kernel. */
	do {
		struct timespec tick = { 0, 200 * 1000000L };

		nanosleep(&tick, NULL);
		alive = 0;
		for (i = 0; i < cfg.workers; i++) {
			int status;

			if (pids[i] <= 0)
				continue;
			if (waitpid(pids[i], &status, WNOHANG) == pids[i]) {
				if (!WIFEXITED(status) || WEXITSTATUS(status)) {
					fprintf(stderr, "kcg-fuzz: worker %u died (status %#x) in: %s\n",
						i, status, sh->stats[i].doing);
					broken = true;
				}
				pids[i] = 0;
				continue;
			}
			alive++;
			if (sh->stats[i].heartbeat != last_beat[i]) {
				last_beat[i] = sh->stats[i].heartbeat;
				last_move[i] = now();
			} else if (now() - last_move[i] > cfg.hang_timeout) {
				master.index = (int)i;
				master.seed = worker_seed(cfg.seed, (int)i);
				snprintf(master.desc, sizeof(master.desc), "%s", sh->stats[i].doing);
				master.sent = sh->stats[i].last;
				master.sent_len = sh->stats[i].last_len < sizeof(sh->stats[i].last) ?
						  sh->stats[i].last_len : sizeof(sh->stats[i].last);
				master.st = &sh->stats[i];	/* counted and told as the worker's */
				fz_finding(&master, FZ_F_HANG, NULL, 0,
					   "no progress for %u s (pid %d)", cfg.hang_timeout, pids[i]);
				master.st = &master_stats;
				master.sent = NULL;
				kill(pids[i], SIGKILL);
				pids[i] = -pids[i];	/* not waited for: it may never return */
			}
		}
		if (!cfg.dry_run && ++ticks % 10 == 0)
			fz_refresh_family(&master);
		if (cfg.workload && !cfg.dry_run)
			fz_workload_tend(&master);
		if (!cfg.dry_run && (cfg.privileged || cfg.n_bases))
			fz_thaw_tops(&master);
	} while (alive);

	for (i = 0; i < cfg.workers; i++)
		add_stats(&sum, &sh->stats[i]);
	start = now() - start;
	if (!cfg.dry_run) {
		if (cfg.workload)
			fz_workload_stop(&master);
		if ((cfg.privileged || cfg.n_bases) && !cfg.keep) {
			fz_refresh_family(&master);
			fz_cleanup(&master);
		}
	}
	for (i = 0; i < FZ_F_N; i++)
		sum.findings[i] += master_stats.findings[i];
	findings = summary(&cfg, &sum, start);
	if (broken)
		return 3;
	return findings ? 1 : 0;
}
