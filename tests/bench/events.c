// SPDX-License-Identifier: GPL-2.0
/*
 * P4: event latency. A group under a small memory.max gets, in turn, a
 * memory hog that the memcg OOM killer kills and a sleeping task that we
 * SIGKILL ourselves. Two threads watch the group while that happens:
 *
 * - the kcg listener, subscribed through libkcg (kcg_events_open), notes
 *   when it has read each oom-kill and task-exit event of the group;
 * - the inotify watcher does what container runtimes do today: IN_MODIFY
 *   on the group's memory.events, and on each wake-up reads the file and
 *   notes when its oom_kill count went up.
 *
 * Both are measured against the same reference, so their figures compare
 * kill by kill. For an OOM kill that is the oom-kill event's own timestamp,
 * ktime_get_ns() in the module's mark_victim probe: the moment of the kill,
 * on the clock of CLOCK_MONOTONIC. For a plain exit it is our clock just
 * before kill(2).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libkcg.h>
#include <linux/kcg.h>

#include "bench.h"

#define HOG_BYTES	(1024ul << 20)	/* far above any memory.max a group gets here */
#define WAIT_MS		5000		/* then an event that did not come is missed */
#define POLL_MS		100		/* how often the watchers look at w->stop */

/* An oom-kill or task-exit event of the group, as the listener read it. */
struct kcg_seen {
	uint32_t type;
	pid_t pid;
	uint64_t ts_ns;		/* the module's timestamp */
	uint64_t read_ns;	/* our clock when kcg_event_next() returned it */
};

/* A new oom_kill count in memory.events, as the inotify watcher read it. */
struct ino_seen {
	uint64_t oom_kill;
	uint64_t read_ns;	/* our clock once the file was read and parsed */
};

/* What the two watcher threads share with the main thread, under lock. */
struct watch {
	pthread_mutex_t lock;
	pthread_cond_t cond;	/* broadcast on every new record */
	atomic_bool stop;

	const char *group;
	struct kcg *kcg;	/* events handle, the listener's alone */
	int inotify_fd;
	char events_path[PATH_MAX];

	struct kcg_seen *kcg_v;
	size_t kcg_n, kcg_cap;
	struct ino_seen *ino_v;
	size_t ino_n, ino_cap;
	uint64_t last_seq;	/* 0 before the first event */
	uint64_t lost;		/* events lost, from gaps in seq */
	uint64_t wakeups;	/* inotify wake-ups, for the summary */
};

/* One round: an OOM kill, then a plain exit. */
struct round {
	pid_t hog;
	pid_t sleeper;
	uint64_t kill_ns;	/* just before kill(sleeper, SIGKILL) */
};

static void *grow(void *v, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return v;
	*cap = *cap ? 2 * *cap : 256;
	v = realloc(v, *cap * size);
	if (!v)
		die(ENOMEM, "records");
	return v;
}

static void note_kcg(struct watch *w, const struct kcg_event *e, uint64_t read_ns)
{
	uint32_t type = kcg_event_type(e);
	uint64_t seq = kcg_event_seq(e);
	struct kcg_seen *s;
	pid_t pid;

	pthread_mutex_lock(&w->lock);
	if (w->last_seq && seq > w->last_seq + 1)
		w->lost += seq - w->last_seq - 1;
	w->last_seq = seq;
	if ((type == KCG_EVENT_TYPE_OOM_KILL || type == KCG_EVENT_TYPE_TASK_EXIT) &&
	    kcg_event_pid(e, &pid) && !strcmp(kcg_event_group_name(e), w->group)) {
		w->kcg_v = grow(w->kcg_v, &w->kcg_cap, w->kcg_n, sizeof(*w->kcg_v));
		s = &w->kcg_v[w->kcg_n++];
		s->type = type;
		s->pid = pid;
		s->ts_ns = kcg_event_timestamp_ns(e);
		s->read_ns = read_ns;
		pthread_cond_broadcast(&w->cond);
	}
	pthread_mutex_unlock(&w->lock);
}

static void *kcg_listener(void *arg)
{
	struct watch *w = arg;
	struct kcg_event *e;
	uint64_t t;
	int err;

	while (!atomic_load(&w->stop)) {
		err = kcg_event_next(w->kcg, &e, POLL_MS);
		t = now_ns();
		if (err == -EAGAIN || err == -EINTR)
			continue;
		if (err)
			die(-err, "kcg_event_next");
		note_kcg(w, e, t);
		kcg_event_free(e);
	}
	return NULL;
}

/* The oom_kill line of memory.events, read the way a runtime reads it. */
static uint64_t read_oom_kill(const char *path)
{
	char buf[512], *line, *save;
	unsigned long long v;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die(errno, "open %s", path);
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0)
		die(errno, "read %s", path);
	close(fd);
	buf[n] = '\0';
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (sscanf(line, "oom_kill %llu", &v) == 1)
			return v;
	die(0, "no oom_kill in %s", path);
}

static void *ino_watcher(void *arg)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	struct watch *w = arg;
	struct pollfd pfd = { .fd = w->inotify_fd, .events = POLLIN };
	uint64_t count, last = read_oom_kill(w->events_path), t;
	int n;

	while (!atomic_load(&w->stop)) {
		n = poll(&pfd, 1, POLL_MS);
		if (n < 0 && errno != EINTR)
			die(errno, "poll inotify");
		if (n <= 0)
			continue;
		/* Drain the queue: one read of the file answers all of it. */
		while (read(w->inotify_fd, buf, sizeof(buf)) > 0)
			;
		if (errno != EAGAIN)
			die(errno, "read inotify");
		count = read_oom_kill(w->events_path);
		t = now_ns();
		pthread_mutex_lock(&w->lock);
		w->wakeups++;
		if (count != last) {
			w->ino_v = grow(w->ino_v, &w->ino_cap, w->ino_n, sizeof(*w->ino_v));
			w->ino_v[w->ino_n++] = (struct ino_seen){ .oom_kill = count, .read_ns = t };
			last = count;
			pthread_cond_broadcast(&w->cond);
		}
		pthread_mutex_unlock(&w->lock);
	}
	return NULL;
}

/* Under w->lock. */
static const struct kcg_seen *find_kcg(const struct watch *w, uint32_t type, pid_t pid)
{
	for (size_t i = 0; i < w->kcg_n; i++)
		if (w->kcg_v[i].type == type && w->kcg_v[i].pid == pid)
			return &w->kcg_v[i];
	return NULL;
}

/* Under w->lock: the first reading that shows oom_kill at count or more. */
static const struct ino_seen *find_ino(const struct watch *w, uint64_t count)
{
	for (size_t i = 0; i < w->ino_n; i++)
		if (w->ino_v[i].oom_kill >= count)
			return &w->ino_v[i];
	return NULL;
}

/*
 * Wait until the listener has the event (type, pid) and, for oom_kill not
 * 0, the watcher has seen that count; at most WAIT_MS. What still has not
 * come then is counted as missed when the figures are made.
 */
static void await(struct watch *w, uint32_t type, pid_t pid, uint64_t oom_kill)
{
	struct timespec until;

	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += WAIT_MS / 1000;
	until.tv_nsec += (WAIT_MS % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&w->lock);
	while (!find_kcg(w, type, pid) || (oom_kill && !find_ino(w, oom_kill))) {
		if (pthread_cond_timedwait(&w->cond, &w->lock, &until) == ETIMEDOUT)
			break;
	}
	pthread_mutex_unlock(&w->lock);
}

static void sleep_ms(unsigned long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Touch one byte per page until the OOM killer stops us. arg: page size. */
static void hog(long page)
{
	volatile char *p = mmap(NULL, HOG_BYTES, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		_exit(2);
	for (size_t i = 0; i < HOG_BYTES; i += (size_t)page)
		p[i] = 1;
	_exit(3);
}

/* Tell the parent we run, then sleep until killed. arg: a pipe's write end. */
static void sleeper(long fd)
{
	char c = 1;

	if (write((int)fd, &c, 1) != 1)
		_exit(2);
	for (;;)
		pause();
}

static void oom_round(struct watch *w, int cgroup_fd, uint64_t oom_kill, struct round *r)
{
	int status;

	r->hog = spawn_in_cgroup(cgroup_fd, hog, sysconf(_SC_PAGESIZE));
	if (waitpid(r->hog, &status, 0) < 0)
		die(errno, "waitpid hog");
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
		die(0, "hog %d was not OOM-killed (wait status %#x); is memory.max set?",
		    r->hog, status);
	await(w, KCG_EVENT_TYPE_OOM_KILL, r->hog, oom_kill);
}

/* settle_ms: how long the sleeper sleeps before the kill. */
static void exit_round(struct watch *w, int cgroup_fd, unsigned long settle_ms,
		       struct round *r)
{
	int pipefd[2], status;
	char c;

	if (pipe2(pipefd, O_CLOEXEC))
		die(errno, "pipe");
	r->sleeper = spawn_in_cgroup(cgroup_fd, sleeper, pipefd[1]);
	close(pipefd[1]);
	if (read(pipefd[0], &c, 1) != 1)
		die(errno, "sleeper %d did not start", r->sleeper);
	close(pipefd[0]);
	/* Let it get into pause(), as a long-running task would be. */
	sleep_ms(settle_ms);
	r->kill_ns = now_ns();
	if (kill(r->sleeper, SIGKILL))
		die(errno, "kill %d", r->sleeper);
	if (waitpid(r->sleeper, &status, 0) < 0)
		die(errno, "waitpid sleeper");
	await(w, KCG_EVENT_TYPE_TASK_EXIT, r->sleeper, 0);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * "KEY N MEDIAN P99 MIN MAX" in microseconds. The median of an even count
 * is the mean of the middle two; p99 is the nearest rank, the value at
 * ceil(0.99 N) in ascending order (the largest for N < 100).
 */
static void summary(const char *key, double *v, size_t n)
{
	double median;

	if (!n) {
		printf("%s 0\n", key);
		return;
	}
	qsort(v, n, sizeof(*v), cmp_double);
	median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	printf("%s %zu %.1f %.1f %.1f %.1f\n", key, n, median,
	       v[(99 * n + 99) / 100 - 1], v[0], v[n - 1]);
}

static double us(uint64_t later, uint64_t earlier)
{
	return (double)(int64_t)(later - earlier) / 1000.0;
}

static void put_sample(FILE *f, bool have, double v)
{
	if (have)
		fprintf(f, " %.1f", v);
	else
		fputs(" -", f);
}

/*
 * Pair each round with what the watchers saw, print the summaries and
 * write one line per round to samples (NULL: none).
 */
static void report(struct watch *w, const struct round *rounds, size_t count,
		   uint64_t base, FILE *samples)
{
	double *oom = calloc(count, sizeof(double)), *ino = calloc(count, sizeof(double));
	double *ex = calloc(count, sizeof(double)), *deliv = calloc(count, sizeof(double));
	size_t n_oom = 0, n_ino = 0, n_ex = 0;

	if (!oom || !ino || !ex || !deliv)
		die(ENOMEM, "samples");
	if (samples)
		fputs("# round hog oom_kcg_us oom_inotify_us sleeper exit_kcg_us "
		      "exit_delivery_us\n", samples);
	pthread_mutex_lock(&w->lock);
	for (size_t i = 0; i < count; i++) {
		const struct kcg_seen *k = find_kcg(w, KCG_EVENT_TYPE_OOM_KILL, rounds[i].hog);
		const struct kcg_seen *x = find_kcg(w, KCG_EVENT_TYPE_TASK_EXIT, rounds[i].sleeper);
		const struct ino_seen *s = find_ino(w, base + i + 1);

		if (k)
			oom[n_oom++] = us(k->read_ns, k->ts_ns);
		if (k && s)
			ino[n_ino++] = us(s->read_ns, k->ts_ns);
		if (x) {
			ex[n_ex] = us(x->read_ns, rounds[i].kill_ns);
			deliv[n_ex++] = us(x->read_ns, x->ts_ns);
		}
		if (!samples)
			continue;
		fprintf(samples, "%zu %d", i, rounds[i].hog);
		put_sample(samples, k, k ? oom[n_oom - 1] : 0);
		put_sample(samples, k && s, k && s ? ino[n_ino - 1] : 0);
		fprintf(samples, " %d", rounds[i].sleeper);
		put_sample(samples, x, x ? ex[n_ex - 1] : 0);
		put_sample(samples, x, x ? deliv[n_ex - 1] : 0);
		fputc('\n', samples);
	}
	summary("oom.kcg", oom, n_oom);
	summary("oom.inotify", ino, n_ino);
	summary("exit.kcg", ex, n_ex);
	summary("exit.delivery", deliv, n_ex);
	printf("checks %zu %llu %llu %llu\n", count,
	       (unsigned long long)(read_oom_kill(w->events_path) - base),
	       (unsigned long long)w->lost, (unsigned long long)w->wakeups);
	pthread_mutex_unlock(&w->lock);
	free(oom);
	free(ino);
	free(ex);
	free(deliv);
}

static void watch_init(struct watch *w, const char *group, const char *dir)
{
	pthread_condattr_t attr;
	int err;

	memset(w, 0, sizeof(*w));
	w->group = group;
	pthread_mutex_init(&w->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cond, &attr);
	pthread_condattr_destroy(&attr);
	atomic_init(&w->stop, false);

	err = kcg_open(&w->kcg);
	if (err)
		die(-err, "kcg_open (module not loaded?)");
	err = kcg_events_open(w->kcg);
	if (err)
		die(-err, "kcg_events_open");

	if (snprintf(w->events_path, sizeof(w->events_path), "%s/memory.events", dir) >=
	    (int)sizeof(w->events_path))
		die(ENAMETOOLONG, "%s", dir);
	w->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->inotify_fd < 0)
		die(errno, "inotify_init1");
	if (inotify_add_watch(w->inotify_fd, w->events_path, IN_MODIFY) < 0)
		die(errno, "inotify_add_watch %s", w->events_path);
}

/*
 * kcgbench events GROUP ROUNDS SPACING_MS [SAMPLES_FILE]: ROUNDS times an
 * OOM kill and a plain exit in the kcg group GROUP (which must have a small
 * memory.max), SPACING_MS apart. Prints the summaries (see summary()) for
 * oom.kcg, oom.inotify, exit.kcg and exit.delivery (the exit event's read
 * time minus its own timestamp), then "checks ROUNDS OOM_KILLS LOST
 * WAKEUPS": the rise of memory.events oom_kill, the events the listener
 * lost and the inotify watcher's wake-ups.
 */
int cmd_events(int argc, char **argv)
{
	pthread_t listener, watcher;
	unsigned long count, spacing;
	char dir[PATH_MAX];
	struct round *rounds;
	FILE *samples = NULL;
	struct watch w;
	uint64_t base;
	int cgroup_fd, err;

	if (argc != 4 && argc != 5)
		die(0, "usage: events GROUP ROUNDS SPACING_MS [SAMPLES_FILE]");
	count = arg_ulong(argv[2], "rounds");
	spacing = arg_ulong(argv[3], "spacing");
	rounds = calloc(count ? count : 1, sizeof(*rounds));
	if (!rounds)
		die(ENOMEM, "rounds");
	if (snprintf(dir, sizeof(dir), "%s/%s", KCG_CGROUP_DIR, argv[1]) >= (int)sizeof(dir))
		die(ENAMETOOLONG, "group %s", argv[1]);
	cgroup_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cgroup_fd < 0)
		die(errno, "open %s", dir);
	if (argc == 5) {
		samples = fopen(argv[4], "we");
		if (!samples)
			die(errno, "create %s", argv[4]);
	}

	/* Both watchers are in place before the first kill. */
	watch_init(&w, argv[1], dir);
	base = read_oom_kill(w.events_path);
	err = pthread_create(&listener, NULL, kcg_listener, &w);
	if (!err)
		err = pthread_create(&watcher, NULL, ino_watcher, &w);
	if (err)
		die(err, "pthread_create");

	for (size_t i = 0; i < count; i++) {
		oom_round(&w, cgroup_fd, base + i + 1, &rounds[i]);
		sleep_ms(spacing);
		exit_round(&w, cgroup_fd, spacing, &rounds[i]);
		sleep_ms(spacing);
	}

	atomic_store(&w.stop, true);
	pthread_join(listener, NULL);
	pthread_join(watcher, NULL);
	report(&w, rounds, count, base, samples);
	if (samples && fclose(samples))
		die(errno, "write %s", argv[4]);
	kcg_close(w.kcg);
	close(w.inotify_fd);
	close(cgroup_fd);
	free(w.kcg_v);
	free(w.ino_v);
	free(rounds);
	return 0;
}
