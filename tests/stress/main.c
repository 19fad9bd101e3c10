// SPDX-License-Identifier: GPL-2.0
/*
 * kcg-stress: the master. It starts the workload (processes the clients move
 * between groups, replaced as they die), forks the clients, reloads the
 * module every --reload-ms under them, and watches for clients that stop
 * making progress. When time is up it stops the clients, makes sure the
 * module is loaded, logs which workload processes are alive, prints the
 * summary, and holds the workload until SIGTERM so a checker can compare
 * the kernel's state with the logs (tests/stress/check); then it ends the
 * workload and deletes the groups of the name set.
 *
 * With --plain it is the warm-up instead: the same workload and ops on
 * cgroupfs directly, no kcg, no reloads; it cleans up and exits.
 *
 * Files in --dir: client-N.log (see client.c), master.log with lines
 *   home CGROUP | spawn T SLOT PID | died T SLOT PID |
 *   reload T UNLOAD_NS LOAD_NS REFUSED | alive SLOT PID
 * figures (key value lines for the report) and ready (the clients have stopped).
 *
 * Exit status: 0, 1 when a client's answers broke the spec, went missing
 * or hung, 2 for a usage error, 3 when the run itself broke (a reload
 * failed, a client died).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "stress.h"

#define REAP_AFTER_NS	(60 * 1000000000ULL)	/* a dead workload pid stays reserved */
#define TICK_MS		50

static const char usage[] =
"usage: kcg-stress --ko PATH --dir DIR [options]\n"
"  --seed S          master seed (default: from the clock); printed either way\n"
"  --clients N       client processes (default 8, at most 16)\n"
"  --seconds S       how long the clients run (default 60)\n"
"  --reload-ms MS    rmmod + insmod every MS (default 0: never)\n"
"  --min-reloads N   run past --seconds (up to 3 times as long) until N reloads\n"
"  --ko PATH         kcg.ko, loaded again after each rmmod\n"
"  --prefix P        the group holding the name set; must exist (default st)\n"
"  --dir DIR         logs and figures go here\n"
"  --hang-timeout S  a client without progress this long hangs (default 120)\n"
"  --plain           the ops on cgroupfs, without kcg (the warm-up); --ko not needed\n";

static struct st_config cfg = { .clients = 8, .seconds = 60, .hang_timeout = 120,
				.prefix = "st" };
static struct st_shared *sh;
static FILE *mlog;

static struct {
	pid_t pid;
	uint64_t since;
} *zombies;
static unsigned int n_zombies, zombies_cap;
static uint64_t spawned, died;
static uint64_t reloads, refused, refused_now, unload_max, load_max, unload_sum, load_sum;
static uint64_t min_reloads;
static bool broken;

static void workload_body(unsigned int slot)
{
	switch ((slot + slot / cfg.clients) % 4) {
	case 0:
		prctl(PR_SET_NAME, "st-forker");
		fz_forker(200);
		break;
	case 1:
		prctl(PR_SET_NAME, "st-hog");
		fz_hog(16, 1000);
		break;
	default:
		prctl(PR_SET_NAME, "st-sleeper");
		fz_sleeper();
	}
}

static pid_t spawn(unsigned int slot)
{
	pid_t pid = fork();

	if (pid == 0) {
		/* Its own process group: what a forker leaves goes with it. */
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		workload_body(slot);
		_exit(0);
	}
	if (pid < 0) {
		perror("kcg-stress: fork");
		return 0;
	}
	spawned++;
	fprintf(mlog, "spawn %" PRIu64 " %u %d\n", st_now_ns(), slot, (int)pid);
	return pid;
}

static bool exited(pid_t pid)
{
	siginfo_t si = { 0 };

	return !waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) && si.si_pid == pid;
}

/* Replace the dead; keep their pids as zombies for a while, then reap them. */
static void tend(void)
{
	unsigned int slot, i, slots = cfg.clients * ST_SLOTS_EACH;
	uint64_t now = st_now_ns();

	for (slot = 0; slot < slots; slot++) {
		pid_t pid = (pid_t)sh->slot_pid[slot];

		if (!pid || !exited(pid))
			continue;
		if (n_zombies == zombies_cap) {
			zombies_cap = zombies_cap ? 2 * zombies_cap : 256;
			zombies = realloc(zombies, zombies_cap * sizeof(*zombies));
			if (!zombies)
				exit(3);
		}
		sh->slot_pid[slot] = 0;
		kill(-pid, SIGKILL);
		zombies[n_zombies].pid = pid;
		zombies[n_zombies++].since = now;
		died++;
		fprintf(mlog, "died %" PRIu64 " %u %d\n", now, slot, (int)pid);
		sh->slot_pid[slot] = (uint32_t)spawn(slot);
	}
	for (i = 0; i < n_zombies; i++) {
		if (now - zombies[i].since < REAP_AFTER_NS)
			continue;
		waitpid(zombies[i].pid, NULL, 0);
		zombies[i--] = zombies[--n_zombies];
	}
}

static int load(void)
{
	int fd = open(cfg.ko, O_RDONLY | O_CLOEXEC), err;

	if (fd < 0)
		return -errno;
	err = (int)syscall(SYS_finit_module, fd, "", 0);
	err = err ? -errno : 0;
	close(fd);
	return err;
}

/*
 * rmmod when due (again soon if the module is busy), then insmod at once.
 * Reloads start every --reload-ms, or right after the last if it took longer.
 */
static void reload(uint64_t *due)
{
	static uint64_t retry;
	uint64_t t0 = st_now_ns(), t1, t2;
	int err;

	if (!cfg.reload_ms || t0 < *due || t0 < retry)
		return;
	if (syscall(SYS_delete_module, "kcg", O_NONBLOCK)) {
		if (errno != EWOULDBLOCK && errno != EBUSY) {
			fprintf(stderr, "kcg-stress: rmmod: %s\n", strerror(errno));
			broken = true;
			sh->stop = 1;
			return;
		}
		refused++;
		refused_now++;
		retry = t0 + 50 * 1000000ULL;
		return;
	}
	t1 = st_now_ns();
	err = load();
	t2 = st_now_ns();
	if (err) {
		fprintf(stderr, "kcg-stress: insmod %s: %s\n", cfg.ko, strerror(-err));
		broken = true;
		sh->stop = 1;
		return;
	}
	reloads++;
	unload_sum += t1 - t0;
	load_sum += t2 - t1;
	if (t1 - t0 > unload_max)
		unload_max = t1 - t0;
	if (t2 - t1 > load_max)
		load_max = t2 - t1;
	fprintf(mlog, "reload %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 "\n", t0, t1 - t0,
		t2 - t1, refused_now);
	refused_now = 0;
	*due += cfg.reload_ms * 1000000ULL;
	if (*due < t2)
		*due = t2;
}

static void summary(FILE *f, bool human, double secs)
{
	struct st_client_stats sum = { 0 };
	uint64_t findings[FZ_F_N] = { 0 }, events = 0, intr = 0, total = 0, all = 0;
	unsigned int i, k;

	for (i = 0; i < cfg.clients; i++) {
		for (k = 0; k < ST_OPS; k++) {
			sum.ops[k] += sh->client[i].ops[k];
			sum.ok[k] += sh->client[i].ok[k];
		}
		for (k = 0; k < FZ_ERRNO_SLOTS; k++)
			sum.err[k] += sh->client[i].err[k];
		sum.gone += sh->client[i].gone;
		sum.no_answer += sh->client[i].no_answer;
		sum.recoveries += sh->client[i].recoveries;
		sum.subscribes += sh->client[i].subscribes;
		for (k = 0; k < FZ_F_N; k++)
			findings[k] += sh->fz[i].findings[k];
		events += sh->fz[i].events;
		intr += sh->fz[i].dump_intr;
	}
	for (k = 0; k < ST_OPS; k++)
		total += sum.ops[k];
	for (k = 0; k < FZ_F_N; k++)
		all += findings[k];
	if (!human) {
		fprintf(f, "seed %#" PRIx64 "\nclients %u\nseconds %.1f\nops %" PRIu64 "\n",
			cfg.seed, cfg.clients, secs, total);
		for (k = 0; k < ST_OPS; k++)
			fprintf(f, "op.%s %" PRIu64 " %" PRIu64 "\n", st_op_names[k], sum.ops[k],
				sum.ok[k]);
		for (k = 1; k < FZ_ERRNO_SLOTS; k++)
			if (sum.err[k])
				fprintf(f, "errno.%s %" PRIu64 "\n", k == FZ_ERRNO_SLOTS - 1 ? "other" :
					strerrorname_np((int)k) ?: "?", sum.err[k]);
		fprintf(f, "gone %" PRIu64 "\nno_answer %" PRIu64 "\nevents %" PRIu64 "\n"
			"dump_intr %" PRIu64 "\nreloads %" PRIu64 "\nrefused %" PRIu64 "\n"
			"unload_ms %.1f %.1f\nload_ms %.1f %.1f\nspawned %" PRIu64 "\ndied %" PRIu64
			"\nfindings %" PRIu64 "\n", sum.gone, sum.no_answer, events, intr, reloads,
			refused, reloads ? unload_sum / 1e6 / reloads : 0.0, unload_max / 1e6,
			reloads ? load_sum / 1e6 / reloads : 0.0, load_max / 1e6, spawned, died, all);
		return;
	}
	fprintf(f, "kcg-stress: seed %#" PRIx64 ", %u clients, %.1f s: %" PRIu64 " ops, %" PRIu64
		" reloads (%" PRIu64 " rmmods refused: module busy)\n", cfg.seed, cfg.clients, secs,
		total, reloads, refused);
	fprintf(f, "kcg-stress: ops (done/ok):");
	for (k = 0; k < ST_OPS; k++)
		fprintf(f, " %s %" PRIu64 "/%" PRIu64, st_op_names[k], sum.ops[k], sum.ok[k]);
	fprintf(f, "\nkcg-stress: errors:");
	for (k = 1; k < FZ_ERRNO_SLOTS; k++)
		if (sum.err[k])
			fprintf(f, " %s %" PRIu64, k == FZ_ERRNO_SLOTS - 1 ? "other" :
				strerrorname_np((int)k) ?: "?", sum.err[k]);
	fprintf(f, "; module out %" PRIu64 ", unanswered %" PRIu64 "\n", sum.gone, sum.no_answer);
	fprintf(f, "kcg-stress: rmmod %.0f ms mean, %.0f max; insmod %.0f ms mean, %.0f max; "
		"%" PRIu64 " family lookups after a reload, %" PRIu64 " subscriptions, %" PRIu64
		" events read, %" PRIu64 " dumps interrupted\n",
		reloads ? unload_sum / 1e6 / reloads : 0.0, unload_max / 1e6,
		reloads ? load_sum / 1e6 / reloads : 0.0, load_max / 1e6, sum.recoveries,
		sum.subscribes, events, intr);
	fprintf(f, "kcg-stress: workload: %" PRIu64 " processes started, %" PRIu64 " died\n",
		spawned, died);
	fprintf(f, "kcg-stress: findings:");
	for (k = 0; k < FZ_F_N; k++)
		if (findings[k])
			fprintf(f, " %s %" PRIu64, fz_finding_names[k], findings[k]);
	fprintf(f, "%s\n", all ? "" : " none");
}

static int parse(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seed", 1, 0, 's' }, { "clients", 1, 0, 'c' }, { "seconds", 1, 0, 't' },
		{ "reload-ms", 1, 0, 'r' }, { "ko", 1, 0, 'k' }, { "prefix", 1, 0, 'p' },
		{ "dir", 1, 0, 'd' }, { "hang-timeout", 1, 0, 'H' }, { "plain", 0, 0, 'P' },
		{ "min-reloads", 1, 0, 'm' },
		{ "help", 0, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	int o;

	while ((o = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (o) {
		case 's': cfg.seed = strtoull(optarg, NULL, 0); break;
		case 'c': cfg.clients = (unsigned int)atoi(optarg); break;
		case 't': cfg.seconds = (unsigned int)atoi(optarg); break;
		case 'r': cfg.reload_ms = (unsigned int)atoi(optarg); break;
		case 'k': cfg.ko = optarg; break;
		case 'p': cfg.prefix = optarg; break;
		case 'd': cfg.dir = optarg; break;
		case 'H': cfg.hang_timeout = (unsigned int)atoi(optarg); break;
		case 'P': cfg.plain = true; break;
		case 'm': min_reloads = strtoull(optarg, NULL, 0); break;
		case 'h': fputs(usage, stdout); exit(0);
		default: return -1;
		}
	}
	if (cfg.plain)
		cfg.reload_ms = 0;
	return optind != argc || (!cfg.ko && !cfg.plain) || !cfg.dir || !cfg.clients ||
	       cfg.clients > ST_CLIENTS_MAX || !cfg.hang_timeout ? -1 : 0;
}

static FILE *open_in_dir(const char *name)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", cfg.dir, name);
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(2);
	}
	return f;
}

/* A client whose requests stopped moving: a hang, told with what it was doing. */
static void watch(pid_t *pids, uint64_t *beat, uint64_t *moved)
{
	uint64_t now = st_now_ns();
	unsigned int i;

	for (i = 0; i < cfg.clients; i++) {
		if (pids[i] <= 0)
			continue;
		if (sh->fz[i].heartbeat != beat[i]) {
			beat[i] = sh->fz[i].heartbeat;
			moved[i] = now;
		} else if (now - moved[i] > cfg.hang_timeout * 1000000000ULL) {
			fprintf(stderr, "kcg-stress: FINDING hang: client %u made no progress for %u s"
				" in: %s\n", i, cfg.hang_timeout, sh->fz[i].doing);
			sh->fz[i].findings[FZ_F_HANG]++;
			kill(pids[i], SIGKILL);
			pids[i] = -pids[i];
		}
	}
}

/* --seconds are over, and so are --min-reloads unless that takes too long. */
static bool time_up(uint64_t start)
{
	uint64_t ran = st_now_ns() - start, planned = cfg.seconds * 1000000000ULL;

	return ran >= planned && (reloads >= min_reloads || !cfg.reload_ms || ran >= 3 * planned);
}

int main(int argc, char **argv)
{
	pid_t pids[ST_CLIENTS_MAX] = { 0 };
	uint64_t beat[ST_CLIENTS_MAX] = { 0 }, moved[ST_CLIENTS_MAX], start, end, next_reload;
	unsigned int i, slots;
	char home[256] = "?";
	sigset_t term;
	FILE *f;
	int sig, status;

	if (parse(argc, argv)) {
		fputs(usage, stderr);
		return 2;
	}
	if (!cfg.seed) {
		struct fz_rng r = { .s = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32) };

		cfg.seed = fz_rand(&r) | 1;
	}
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigaddset(&term, SIGINT);
	sigprocmask(SIG_BLOCK, &term, NULL);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return 3;
	mlog = open_in_dir("master.log");
	setvbuf(mlog, NULL, _IOLBF, 0);
	f = fopen("/proc/self/cgroup", "r");
	if (f && fgets(home, sizeof(home), f))
		home[strcspn(home, "\n")] = 0;
	if (f)
		fclose(f);
	fprintf(mlog, "home %s\n", strncmp(home, "0::", 3) ? home : home + 3);
	printf("kcg-stress: seed %#" PRIx64 ", %u clients, %u s, %s, prefix %s\n", cfg.seed,
	       cfg.clients, cfg.seconds, cfg.plain ? "on cgroupfs without kcg (warm-up)" :
	       cfg.reload_ms ? "reloads" : "no reloads", cfg.prefix);
	if (cfg.plain && st_plain_setup(&cfg)) {
		perror("kcg-stress: the plain top cgroup");
		return 3;
	}
	fflush(stdout);

	slots = cfg.clients * ST_SLOTS_EACH;
	for (i = 0; i < slots; i++)
		sh->slot_pid[i] = (uint32_t)spawn(i);
	start = st_now_ns();
	for (i = 0; i < cfg.clients; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			sigprocmask(SIG_UNBLOCK, &term, NULL);
			if (cfg.plain)
				st_plain_run(&cfg, sh, (int)i);
			else
				st_client_run(&cfg, sh, (int)i);
			_exit(0);
		}
		if (pids[i] < 0) {
			perror("kcg-stress: fork");
			broken = true;
			sh->stop = 1;
			break;
		}
		moved[i] = start;
	}

	next_reload = start + cfg.reload_ms * 1000000ULL;
	while (!sh->stop && !time_up(start)) {
		fz_pause_ms(TICK_MS);
		tend();
		reload(&next_reload);
		watch(pids, beat, moved);
		for (i = 0; i < cfg.clients; i++)
			if (pids[i] > 0 && waitpid(pids[i], &status, WNOHANG) == pids[i]) {
				fprintf(stderr, "kcg-stress: client %u died (status %#x) in: %s\n", i,
					status, sh->fz[i].doing);
				pids[i] = 0;
				broken = true;
			}
	}
	sh->stop = 1;
	/* A client may be waiting for the module; it must be there. */
	if (!cfg.plain && !st_module_live() && load()) {
		fprintf(stderr, "kcg-stress: the final insmod failed\n");
		broken = true;
	}
	for (;;) {
		unsigned int alive = 0;

		for (i = 0; i < cfg.clients; i++) {
			if (pids[i] <= 0)
				continue;
			if (waitpid(pids[i], &status, WNOHANG) == pids[i]) {
				if (!WIFEXITED(status) || WEXITSTATUS(status))
					broken = true;
				pids[i] = 0;
				continue;
			}
			alive++;
		}
		if (!alive)
			break;
		watch(pids, beat, moved);
		tend();
		fz_pause_ms(TICK_MS);
	}
	end = st_now_ns();
	tend();
	for (i = 0; i < slots; i++)
		if (sh->slot_pid[i] && !exited((pid_t)sh->slot_pid[i]))
			fprintf(mlog, "alive %u %u\n", i, sh->slot_pid[i]);
	fflush(mlog);
	summary(stdout, true, (end - start) / 1e9);
	f = open_in_dir("figures");
	summary(f, false, (end - start) / 1e9);
	fprintf(f, "broken %d\n", broken);
	fclose(f);
	fflush(stdout);
	fclose(open_in_dir("ready"));

	/* Hold the workload where it is until the checker is done. */
	if (!cfg.plain)
		sigwait(&term, &sig);
	for (i = 0; i < slots; i++)
		if (sh->slot_pid[i])
			kill(-(pid_t)sh->slot_pid[i], SIGKILL);
	for (i = 0; i < n_zombies; i++)
		kill(-zombies[i].pid, SIGKILL);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	if (cfg.plain)
		st_plain_cleanup(&cfg);
	else
		st_cleanup(&cfg, sh, 0);
	fclose(mlog);
	if (broken)
		return 3;
	for (i = 0; i < cfg.clients; i++) {
		uint64_t k, bad = sh->client[i].no_answer;

		for (k = 0; k < FZ_F_N; k++)
			bad += sh->fz[i].findings[k];
		if (bad)
			return 1;
	}
	return 0;
}
