// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * export: the groups' stats in Prometheus text format (metrics.c), served
 * on /metrics by libmicrohttpd or written to a node_exporter textfile.
 * Every scrape or write reads afresh: one stats dump and one group dump
 * (owners, limits), nothing kept in between. The dumps show only what the
 * caller may see, so an owner's exporter exports its own subtree.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <libgen.h>
#include <netdb.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "cli.h"
#include "metrics.h"
#include "sample.h"

#define DEFAULT_LISTEN "127.0.0.1:9477"
#define CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

struct exporter {
	struct kcg *k;		/* reopened after a failure: the module may have been reloaded */
};

static void counters_from(struct metrics_counters *c, const struct kcg_counters *from)
{
	memset(c, 0, sizeof(*c));
	for (int id = 1; id <= KCG_A_COUNTERS_MAX; id++)
		if (id != KCG_A_COUNTERS_RUN_DELAY_HIST && id != KCG_A_COUNTERS_PAD)
			c->has[id] = kcg_counters_get(from, id, &c->value[id]);
	c->has_hist = kcg_counters_run_delay_hist(from, c->hist);
}

static int compare_group_ids(const void *a, const void *b)
{
	uint64_t x = kcg_group_id(*(const struct kcg_group *const *)a);
	uint64_t y = kcg_group_id(*(const struct kcg_group *const *)b);

	return x < y ? -1 : x > y;
}

static int compare_metric_names(const void *a, const void *b)
{
	return cli_compare_names(((const struct metrics_group *)a)->name,
				 ((const struct metrics_group *)b)->name);
}

static const struct kcg_group *find_group(const struct kcg_group **by_id, size_t n, uint64_t id)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		uint64_t m = kcg_group_id(by_id[mid]);

		if (m == id)
			return by_id[mid];
		if (m < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The two dumps joined by id, sorted by name, formatted into out. */
static int format(FILE *out, const struct kcg_stats_list *stats, const struct kcg_group_list *groups)
{
	size_t n = kcg_stats_list_count(stats), ng = kcg_group_list_count(groups);
	const struct kcg_group **by_id = calloc(ng ? ng : 1, sizeof(*by_id));
	struct metrics_group *m = calloc(n ? n : 1, sizeof(*m));
	int err = -ENOMEM;

	if (!by_id || !m)
		goto out;
	for (size_t i = 0; i < ng; i++)
		by_id[i] = kcg_group_list_at(groups, i);
	qsort(by_id, ng, sizeof(*by_id), compare_group_ids);
	for (size_t i = 0; i < n; i++) {
		const struct kcg_stats *s = kcg_stats_list_at(stats, i);
		const struct kcg_group *g = find_group(by_id, ng, kcg_stats_id(s));

		m[i].name = kcg_stats_name(s);
		m[i].id = kcg_stats_id(s);
		counters_from(&m[i].counters, kcg_stats_total(s));
		if (!g)
			continue;
		m[i].has_info = true;
		m[i].has_owner = kcg_group_owner(g) != KCG_OWNER_NONE;
		m[i].owner = (uint32_t)kcg_group_owner(g);
		m[i].parent = kcg_group_parent(g);
		m[i].cgroup_path = kcg_group_cgroup_path(g);
		m[i].flags = kcg_group_flags(g);
		m[i].limits = kcg_group_limits(g);
	}
	qsort(m, n, sizeof(*m), compare_metric_names);
	err = metrics_write(out, m, n);
out:
	free(by_id);
	free(m);
	return err;
}

static int dump_and_format(struct kcg *k, FILE *out, const char **what)
{
	struct kcg_stats_list *stats = NULL;
	struct kcg_group_list *groups = NULL;
	int err;

	*what = "stats dump";
	err = kcg_stats_dump(k, NULL, &stats);
	if (!err) {
		*what = "group dump";
		err = kcg_group_dump(k, NULL, &groups);
	}
	if (!err) {
		*what = "output";
		err = format(out, stats, groups);
	}
	kcg_stats_list_free(stats);
	kcg_group_list_free(groups);
	return err;
}

/*
 * The metrics, formatted into *body (malloc'd, *len bytes); on failure, a
 * one-line reason into why. A failed dump is tried once more on a new
 * handle: the module may have been reloaded since the last one.
 */
static int collect(struct exporter *e, char **body, size_t *len, char *why, size_t why_len)
{
	const char *what = "connect";
	FILE *out;
	int err = -ENOENT;

	for (int attempt = 0; attempt < 2; attempt++) {
		if (!e->k && kcg_open(&e->k)) {
			e->k = NULL;
			snprintf(why, why_len, "the kcg module is not loaded (modprobe kcg)");
			return -ENOENT;
		}
		*body = NULL;
		out = open_memstream(body, len);
		if (!out) {
			snprintf(why, why_len, "%s", strerror(ENOMEM));
			return -ENOMEM;
		}
		err = dump_and_format(e->k, out, &what);
		if (fclose(out) && !err)
			err = -ENOMEM;
		if (!err)
			return 0;
		free(*body);
		*body = NULL;
		snprintf(why, why_len, "%s: %s", what,
			 kcg_errmsg(e->k) ? kcg_errmsg(e->k) : strerror(-err));
		if (err == -ENOMEM)
			break;
		kcg_close(e->k);
		e->k = NULL;
	}
	return err;
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned int status, char *body, size_t len,
			     const char *type)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
	enum MHD_Result ret;

	if (!r) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result reply_text(struct MHD_Connection *c, unsigned int status, const char *text)
{
	char *body = strdup(text);

	return body ? reply(c, status, body, strlen(body), "text/plain; charset=utf-8") : MHD_NO;
}

/* libmicrohttpd's one polling thread calls this: scrapes never overlap. */
static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_size, void **state)
{
	struct exporter *e = cls;
	char why[512], msg[600], *body = NULL;
	size_t len = 0;
	int err;

	(void)version;
	(void)upload;
	(void)state;
	if (strcmp(method, MHD_HTTP_METHOD_GET) && strcmp(method, MHD_HTTP_METHOD_HEAD))
		return reply_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET and HEAD\n");
	if (*upload_size)
		return reply_text(c, MHD_HTTP_BAD_REQUEST, "no request body\n");
	if (!strcmp(url, "/"))
		return reply_text(c, MHD_HTTP_OK, "kcg exporter: the metrics are on /metrics\n");
	if (strcmp(url, "/metrics"))
		return reply_text(c, MHD_HTTP_NOT_FOUND, "not found; the metrics are on /metrics\n");
	err = collect(e, &body, &len, why, sizeof(why));
	if (!err)
		return reply(c, MHD_HTTP_OK, body, len, CONTENT_TYPE);
	free(body);
	cli_message("export: scrape failed: %s", why);
	snprintf(msg, sizeof(msg), "kcg: %s\n", why);
	return reply_text(c, MHD_HTTP_SERVICE_UNAVAILABLE, msg);
}

/* ADDR:PORT, [IPV6]:PORT; the address as getaddrinfo takes it. */
static int parse_listen(const char *arg, struct addrinfo **ai)
{
	static const struct addrinfo hints = {
		.ai_flags = AI_PASSIVE | AI_NUMERICSERV,
		.ai_socktype = SOCK_STREAM,
	};
	char host[256], *colon, *end;
	const char *h = host;
	unsigned long port;

	if (strlen(arg) >= sizeof(host))
		return -EINVAL;
	strcpy(host, arg);
	colon = strrchr(host, ':');
	if (!colon || colon == host)
		return -EINVAL;
	*colon = '\0';
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (errno || *end || end == colon + 1 || colon[1] == '-' || colon[1] == '+' || port > 65535)
		return -EINVAL;
	if (host[0] == '[') {
		if (colon[-1] != ']')
			return -EINVAL;
		colon[-1] = '\0';
		h = host + 1;
	}
	return getaddrinfo(h, colon + 1, &hints, ai) ? -EINVAL : 0;
}

static void block_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
	/* Blocked before the server's thread exists, which inherits the mask. */
	pthread_sigmask(SIG_BLOCK, set, NULL);
}

static int serve(struct exporter *e, const char *listen, struct addrinfo *ai)
{
	struct MHD_Daemon *d;
	const union MHD_DaemonInfo *info;
	unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
	char host[NI_MAXHOST] = "?";
	sigset_t set;
	int sig;

	if (ai->ai_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	getnameinfo(ai->ai_addr, ai->ai_addrlen, host, sizeof(host), NULL, 0, NI_NUMERICHOST);
	block_signals(&set);
	d = MHD_start_daemon(flags, 0, NULL, NULL, answer, e,
			     MHD_OPTION_SOCK_ADDR, ai->ai_addr,
			     MHD_OPTION_CONNECTION_LIMIT, (unsigned int)64,
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)30,
			     MHD_OPTION_END);
	if (!d) {
		cli_message("export: cannot listen on %s", listen);
		return 1;
	}
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	cli_message("export: serving /metrics on %s%s%s:%u", strchr(host, ':') ? "[" : "", host,
		    strchr(host, ':') ? "]" : "", info ? info->port : 0);
	while (sigwait(&set, &sig) == 0 && sig == SIGHUP)
		;	/* nothing to reload: every scrape reads afresh */
	MHD_stop_daemon(d);
	return 0;
}

/* Into a temporary file beside path, then renamed over it: readers see whole files. */
static int write_textfile(struct exporter *e, const char *path)
{
	char *dir = strdup(path), *base = strdup(path), *tmp = NULL, *body = NULL, why[512];
	size_t len = 0;
	FILE *out = NULL;
	int fd = -1, err;
	bool made = false;

	err = collect(e, &body, &len, why, sizeof(why));
	if (err)
		goto out;
	if (!dir || !base || asprintf(&tmp, "%s/.%s.XXXXXX", dirname(dir), basename(base)) < 0) {
		tmp = NULL;
		err = -ENOMEM;
		snprintf(why, sizeof(why), "%s", strerror(ENOMEM));
		goto out;
	}
	/* mkstemp makes it 0600; node_exporter may run as another user. */
	fd = mkstemp(tmp);
	made = fd >= 0;
	if (fd < 0 || fchmod(fd, 0644) || !(out = fdopen(fd, "w")) ||
	    fwrite(body, 1, len, out) != len || fflush(out) || fsync(fd)) {
		err = -errno;
		snprintf(why, sizeof(why), "%s: %s", fd < 0 ? path : tmp, strerror(errno));
		goto out;
	}
	fd = -1;
	err = fclose(out) ? -errno : 0;
	out = NULL;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		snprintf(why, sizeof(why), "%s: %s", path, strerror(-err));
out:
	if (out)
		fclose(out);
	else if (fd >= 0)
		close(fd);
	if (err && made)
		unlink(tmp);
	if (err)
		cli_message("export: %s", why);
	free(body);
	free(tmp);
	free(dir);
	free(base);
	return err ? 1 : 0;
}

static int write_stdout(struct exporter *e)
{
	char why[512], *body = NULL;
	size_t len = 0;

	if (collect(e, &body, &len, why, sizeof(why))) {
		cli_message("export: %s", why);
		return 1;
	}
	fwrite(body, 1, len, stdout);
	free(body);
	return 0;
}

/*
 * Every interval, on a fixed schedule, until SIGINT or SIGTERM. A failed
 * write is said on stderr and leaves the last file as it was.
 */
static int textfile_loop(struct exporter *e, const char *path, const struct watch *w)
{
	uint64_t interval = watch_interval_ns(w), deadline = monotonic_ns(), now;
	struct timespec wait;
	sigset_t set;
	int sig;

	block_signals(&set);
	for (;;) {
		write_textfile(e, path);
		deadline += interval;
		now = monotonic_ns();
		if (deadline < now)
			deadline = now;		/* late: no burst of catch-up writes */
		wait.tv_sec = (time_t)((deadline - now) / 1000000000);
		wait.tv_nsec = (long)((deadline - now) % 1000000000);
		sig = sigtimedwait(&set, NULL, &wait);
		if (sig > 0 && sig != SIGHUP)
			return 0;
	}
}

int cmd_export(int argc, char **argv)
{
	static const struct option options[] = {
		{ "listen",   required_argument, NULL, 'l' },
		{ "textfile", required_argument, NULL, 't' },
		{ "interval", required_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 },
	};
	const char *listen = NULL, *textfile = NULL;
	struct addrinfo *ai = NULL;
	struct exporter e = { 0 };
	struct watch w = { 0 };
	bool interval = false;
	int opt, err;

	while ((opt = cli_getopt(argc, argv, options, false)) != -1) {
		switch (opt) {
		case 'l':
			listen = optarg;
			break;
		case 't':
			textfile = optarg;
			break;
		case 'i':
			err = cli_watch_option("export", opt, optarg, &w);
			if (err)
				return err;
			interval = true;
			break;
		default:
			return cli_bad_option(argv);
		}
	}
	if (optind < argc)
		return cli_syntax("export: unexpected argument '%s'", argv[optind]);
	if (listen && textfile)
		return cli_usage("export: --listen and --textfile exclude each other");
	if (interval && !textfile)
		return cli_usage("export: --interval needs --textfile");
	if (textfile && !*textfile)
		return cli_usage("export: empty --textfile");
	if (textfile && !strcmp(textfile, "-") && interval)
		return cli_usage("export: --textfile - writes once: no --interval");
	if (!textfile) {
		if (!listen)
			listen = DEFAULT_LISTEN;
		if (parse_listen(listen, &ai))
			return cli_usage("export: bad --listen '%s': ADDR:PORT or [IPV6]:PORT, a port <= 65535",
					 listen);
	}
	/* Said once at the start; later failures are reported per scrape or write. */
	e.k = cli_connect();
	if (!e.k)
		err = 1;
	else if (!textfile)
		err = serve(&e, listen, ai);
	else if (!strcmp(textfile, "-"))
		err = write_stdout(&e);
	else if (interval)
		err = textfile_loop(&e, textfile, &w);
	else
		err = write_textfile(&e, textfile);
	if (e.k)
		kcg_close(e.k);
	if (ai)
		freeaddrinfo(ai);
	return err;
}
