// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Argument parsers for the kcg CLI. No strtoul()/strtod(): they accept signs,
 * spaces, hex and locale-dependent decimal points, all of which we reject.
 * Everything below works on [s, s + n) spans so that list items can be
 * parsed in place without copying.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <strings.h>

#include <linux/kcg.h>

#include "parse.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool span_is(const char *s, size_t n, const char *word)
{
	return strlen(word) == n && memcmp(s, word, n) == 0;
}

/*
 * Decimal digits only, at least one. All characters are checked before an
 * overflow is reported, so "99999999999999999999x" is junk, not a range error.
 */
static int dec_n(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	bool over = false;
	size_t i;

	if (!n)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		unsigned int d;

		if (!is_digit(s[i]))
			return -EINVAL;
		d = s[i] - '0';
		if (v > (UINT64_MAX - d) / 10)
			over = true;
		else
			v = v * 10 + d;
	}
	if (over)
		return -ERANGE;
	*out = v;
	return 0;
}

static int dec(const char *s, uint64_t *out)
{
	return dec_n(s, strlen(s), out);
}

static int size_n(const char *s, size_t n, uint64_t *out)
{
	/* memparse's suffixes, each a further factor of 1024 */
	static const char suffixes[] = "KMGTPE";
	const char *suf = n ? strchr(suffixes, s[n - 1] & ~0x20) : NULL;
	unsigned int shift = 0;
	uint64_t v;
	int err;

	if (suf && *suf) {
		shift = 10 * (unsigned int)(suf - suffixes + 1);
		n--;
	}
	err = dec_n(s, n, &v);
	if (err)
		return err;
	if (shift && v > (UINT64_MAX >> shift))
		return -ERANGE;
	*out = v << shift;
	return 0;
}

static int size_or_max_n(const char *s, size_t n, uint64_t *out)
{
	if (span_is(s, n, "max")) {
		*out = KCG_LIMIT_MAX;
		return 0;
	}
	return size_n(s, n, out);
}

int parse_size(const char *s, uint64_t *bytes)
{
	return size_n(s, strlen(s), bytes);
}

int parse_size_or_max(const char *s, uint64_t *bytes)
{
	return size_or_max_n(s, strlen(s), bytes);
}

int parse_cpu_max(const char *s, uint64_t *quota, uint64_t *period)
{
	const char *slash = strchr(s, '/');
	size_t qlen = slash ? (size_t)(slash - s) : strlen(s);
	uint64_t q, p = 0;
	int err;

	if (qlen && s[qlen - 1] == '%') {
		if (slash)	/* "50%/100000" mixes both forms */
			return -EINVAL;
		err = dec_n(s, qlen - 1, &q);
		if (err)
			return err;
		/* percent of the default period: 1% of 100000 us is 1000 us */
		if (q > UINT64_MAX / (PARSE_CPU_PERIOD_DEFAULT / 100))
			return -ERANGE;
		q *= PARSE_CPU_PERIOD_DEFAULT / 100;
		p = PARSE_CPU_PERIOD_DEFAULT;
	} else if (span_is(s, qlen, "max")) {
		q = KCG_LIMIT_MAX;
	} else {
		err = dec_n(s, qlen, &q);
		if (err)
			return err;
	}

	if (slash) {
		err = dec(slash + 1, &p);
		if (err)
			return err;
		if (p < PARSE_CPU_PERIOD_MIN || p > PARSE_CPU_PERIOD_MAX)
			return -ERANGE;
	}
	if (q < PARSE_CPU_QUOTA_MIN)
		return -ERANGE;
	*quota = q;
	*period = p;
	return 0;
}

int parse_u32_range(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	uint64_t v;
	int err = dec(s, &v);

	if (err)
		return err;
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int parse_pids_max(const char *s, uint64_t *out)
{
	uint64_t v;
	int err;

	if (!strcmp(s, "max")) {
		*out = KCG_LIMIT_MAX;
		return 0;
	}
	err = dec(s, &v);
	if (err)
		return err;
	if (v > PARSE_PIDS_MAX)
		return -ERANGE;
	*out = v;
	return 0;
}

static int cpu_n(const char *s, size_t n, uint64_t *cpu)
{
	int err = dec_n(s, n, cpu);

	if (!err && *cpu >= PARSE_CPUS_MAX)
		err = -ERANGE;
	return err;
}

int parse_cpulist(const char *s)
{
	if (!*s)	/* empty: inherit the parent's CPUs */
		return 0;
	for (;;) {
		size_t n = strcspn(s, ",");
		const char *dash = memchr(s, '-', n);
		uint64_t a, b;
		int err;

		if (dash) {
			err = cpu_n(s, dash - s, &a);
			if (!err)
				err = cpu_n(dash + 1, s + n - dash - 1, &b);
			if (!err && a > b)
				err = -EINVAL;
		} else {
			err = cpu_n(s, n, &a);
		}
		if (err)
			return err;
		if (!s[n])
			return 0;
		s += n + 1;
	}
}

/* The kernel's dev_t: 12 bits of major, 20 of minor. */
#define IO_MAJOR_MAX	((1U << 12) - 1)
#define IO_MINOR_MAX	((1U << 20) - 1)

static int dev_part(const char **s, uint32_t max, uint32_t *out)
{
	const char *colon = strchr(*s, ':');
	uint64_t v;
	int err;

	if (!colon)
		return -EINVAL;
	err = dec_n(*s, colon - *s, &v);
	if (err)
		return err;
	if (v > max)
		return -ERANGE;
	*out = v;
	*s = colon + 1;
	return 0;
}

int parse_io_max(const char *s, struct io_max_spec *out)
{
	static const char *const keys[] = { "rbps", "wbps", "riops", "wiops" };
	uint64_t val[4] = { PARSE_IO_UNSET, PARSE_IO_UNSET,
			    PARSE_IO_UNSET, PARSE_IO_UNSET };
	uint32_t major = 0, minor = 0;
	const char *path = NULL;
	size_t path_len = 0;
	int err;

	if (*s == '/') {
		const char *eq = strchr(s, '='), *colon = NULL;

		for (const char *p = s; eq && p < eq; p++)
			if (*p == ':')
				colon = p;
		if (!colon)
			return -EINVAL;
		path = s;
		path_len = colon - s;
		if (path_len >= PARSE_IO_PATH_MAX)
			return -ERANGE;
		s = colon + 1;
	} else {
		err = dev_part(&s, IO_MAJOR_MAX, &major);
		if (!err)
			err = dev_part(&s, IO_MINOR_MAX, &minor);
		if (err)
			return err;
	}

	/* Loop at least once: "8:0:" has no key, which is junk. */
	for (;;) {
		size_t n = strcspn(s, ",");
		const char *eq = memchr(s, '=', n);
		const char *v;
		size_t i, klen, vlen;
		uint64_t x;

		if (!eq)
			return -EINVAL;
		klen = eq - s;
		v = eq + 1;
		vlen = s + n - v;
		for (i = 0; i < 4; i++)
			if (span_is(s, klen, keys[i]))
				break;
		if (i == 4 || val[i] != PARSE_IO_UNSET)
			return -EINVAL;
		x = KCG_LIMIT_MAX;
		err = 0;
		if (i < 2)	/* bytes per second: sizes */
			err = size_or_max_n(v, vlen, &x);
		else if (!span_is(v, vlen, "max"))
			err = dec_n(v, vlen, &x);
		if (err)
			return err;
		if (x == PARSE_IO_UNSET)
			return -ERANGE;
		val[i] = x;
		if (!s[n])
			break;
		s += n + 1;
	}

	out->major = major;
	out->minor = minor;
	memcpy(out->path, path ? path : "", path_len);
	out->path[path_len] = '\0';
	out->rbps = val[0];
	out->wbps = val[1];
	out->riops = val[2];
	out->wiops = val[3];
	return 0;
}

static bool name_char(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c == '_' || c == '.' || c == '-';
}

int parse_group_name(const char *s)
{
	const char *p = s;

	for (;;) {
		const char *lvl = p;
		size_t n;

		while (name_char(*p))
			p++;
		if (*p && *p != '/')
			return -EINVAL;
		n = p - lvl;
		if (!n || span_is(lvl, n, ".") || span_is(lvl, n, ".."))
			return -EINVAL;
		if (n > KCG_NAME_LEVEL_MAX)
			return -ENAMETOOLONG;
		if (p - s > KCG_NAME_MAX)
			return -ENAMETOOLONG;
		if (!*p)
			return 0;
		p++;	/* a trailing '/' leaves an empty last level */
	}
}

/* Does s end with suffix (and hold more than it)? */
static bool ends_with(const char *s, size_t len, const char *suffix)
{
	size_t n = strlen(suffix);

	return len > n && memcmp(s + len - n, suffix, n) == 0;
}

static bool is_lower_hex(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f');
}

#define CONTAINER_ID_LEN	64	/* docker, containerd, CRI-O, podman */
#define CONTAINER_ID_SHORT	12	/* as `docker ps` shows them */

int parse_default_name(const char *component, char *name, size_t size)
{
	/* systemd units that own cgroups; the type says nothing of the group. */
	static const char *const unit_types[] = {
		".scope", ".slice", ".service", ".socket", ".mount", ".swap",
	};
	const char *start = component;
	size_t len = strlen(component), i;
	bool slice = false;

	for (i = 0; i < sizeof(unit_types) / sizeof(unit_types[0]); i++) {
		if (ends_with(component, len, unit_types[i])) {
			len -= strlen(unit_types[i]);
			slice = i == 1;
			break;
		}
	}
	/*
	 * A slice's name is the path of slices down to it, joined by '-':
	 * kubepods-burstable-pod<uid> is the pod; its uid has '_' for '-'.
	 */
	if (slice) {
		for (const char *p = component; p + 4 <= component + len; p++) {
			if (*p == '-' && strncmp(p + 1, "pod", 3) == 0 && p + 4 < component + len) {
				len -= (size_t)(p + 1 - start);
				start = p + 1;
				break;
			}
		}
	}
	/* A trailing container id, alone or after '-', shortened as docker shows it. */
	if (len >= CONTAINER_ID_LEN &&
	    (len == CONTAINER_ID_LEN || start[len - CONTAINER_ID_LEN - 1] == '-')) {
		for (i = len - CONTAINER_ID_LEN; i < len && is_lower_hex(start[i]); i++)
			;
		if (i == len)
			len -= CONTAINER_ID_LEN - CONTAINER_ID_SHORT;
	}
	for (i = 0; i < len; i++)
		if (!name_char(start[i]))
			return -EINVAL;
	if (!len || span_is(start, len, ".") || span_is(start, len, ".."))
		return -EINVAL;
	if (len > KCG_NAME_LEVEL_MAX || len >= size)
		return -ENAMETOOLONG;
	memcpy(name, start, len);
	name[len] = '\0';
	return 0;
}

/* Canonical names first: parse_signal_name() returns the first match. */
static const struct {
	int sig;
	const char *name;
} signals[] = {
	{ SIGHUP, "HUP" }, { SIGINT, "INT" }, { SIGQUIT, "QUIT" },
	{ SIGILL, "ILL" }, { SIGTRAP, "TRAP" }, { SIGABRT, "ABRT" },
	{ SIGBUS, "BUS" }, { SIGFPE, "FPE" }, { SIGKILL, "KILL" },
	{ SIGUSR1, "USR1" }, { SIGSEGV, "SEGV" }, { SIGUSR2, "USR2" },
	{ SIGPIPE, "PIPE" }, { SIGALRM, "ALRM" }, { SIGTERM, "TERM" },
	{ SIGSTKFLT, "STKFLT" }, { SIGCHLD, "CHLD" }, { SIGCONT, "CONT" },
	{ SIGSTOP, "STOP" }, { SIGTSTP, "TSTP" }, { SIGTTIN, "TTIN" },
	{ SIGTTOU, "TTOU" }, { SIGURG, "URG" }, { SIGXCPU, "XCPU" },
	{ SIGXFSZ, "XFSZ" }, { SIGVTALRM, "VTALRM" }, { SIGPROF, "PROF" },
	{ SIGWINCH, "WINCH" }, { SIGIO, "IO" }, { SIGPWR, "PWR" },
	{ SIGSYS, "SYS" },
	/* aliases */
	{ SIGABRT, "IOT" }, { SIGCHLD, "CLD" }, { SIGIO, "POLL" },
};

#define SIGNAL_NUM_MAX	64	/* _NSIG - 1 on Linux: realtime signals included */

int parse_signal(const char *s, int *sig)
{
	uint64_t v;
	size_t i;
	int err;

	if (is_digit(*s)) {
		err = dec(s, &v);
		if (err)
			return err;
		if (v < 1 || v > SIGNAL_NUM_MAX)
			return -ERANGE;
		*sig = v;
		return 0;
	}
	if (!strncasecmp(s, "SIG", 3))
		s += 3;
	for (i = 0; i < ARRAY_SIZE(signals); i++) {
		if (!strcasecmp(s, signals[i].name)) {
			*sig = signals[i].sig;
			return 0;
		}
	}
	return -EINVAL;
}

const char *parse_signal_name(int sig)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(signals); i++)
		if (signals[i].sig == sig)
			return signals[i].name;
	return NULL;
}

int parse_ns_list(const char *s, int *clone_flags)
{
	static const struct {
		const char *name;
		int flag;
	} ns[] = {
		{ "pid", CLONE_NEWPID }, { "mnt", CLONE_NEWNS },
		{ "uts", CLONE_NEWUTS }, { "ipc", CLONE_NEWIPC },
		{ "net", CLONE_NEWNET }, { "user", CLONE_NEWUSER },
		{ "all", CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS |
			 CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWUSER },
	};
	int flags = 0;

	for (;;) {
		size_t n = strcspn(s, ","), i;

		for (i = 0; i < ARRAY_SIZE(ns); i++)
			if (span_is(s, n, ns[i].name))
				break;
		if (i == ARRAY_SIZE(ns))
			return -EINVAL;	/* also catches "" and ",," */
		flags |= ns[i].flag;
		if (!s[n])
			break;
		s += n + 1;
	}
	*clone_flags = flags;
	return 0;
}

#define SECONDS_FRAC_DIGITS	9	/* nanoseconds: finer is noise */

int parse_seconds(const char *s, double *seconds)
{
	size_t ilen = strcspn(s, ".");
	uint64_t whole, frac = 0, scale = 1;
	double v;
	int err;

	err = dec_n(s, ilen, &whole);
	if (err == -EINVAL)
		return err;
	if (s[ilen]) {
		const char *f = s + ilen + 1;
		size_t i;

		if (!*f)	/* "5." */
			return -EINVAL;
		for (i = 0; f[i]; i++) {
			if (!is_digit(f[i]))
				return -EINVAL;
			if (i < SECONDS_FRAC_DIGITS) {
				frac = frac * 10 + (f[i] - '0');
				scale *= 10;
			}
		}
	}
	/* whole overflowed uint64: certainly above the bound */
	if (err || whole > PARSE_SECONDS_MAX)
		return -ERANGE;
	v = (double)whole + (double)frac / (double)scale;
	if (v <= 0 || v > PARSE_SECONDS_MAX)
		return -ERANGE;
	*seconds = v;
	return 0;
}
