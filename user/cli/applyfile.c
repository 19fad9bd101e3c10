// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * `kcg apply`'s file: parse it into entries, and compare an entry's limits
 * with a group's. See applyfile.h for the format.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <linux/kcg.h>

#include "applyfile.h"
#include "parse.h"
#include "print.h"

enum apply_opt {
	A_OWNER,
	A_CPU_MAX,
	A_CPU_WEIGHT,
	A_MEMORY_MAX,
	A_MEMORY_HIGH,
	A_MEMORY_LOW,
	A_PIDS_MAX,
	A_CPUSET,
	A_IO_MAX,
	A_COUNT,
};

/* Option names and what a bad value should have been, as create says it. */
static const struct {
	const char *name;
	const char *expected;
} options[A_COUNT] = {
	[A_OWNER]       = { "owner", "a uid" },
	[A_CPU_MAX]     = { "cpu-max", "50%, QUOTA/PERIOD in microseconds, or max" },
	[A_CPU_WEIGHT]  = { "cpu-weight", "1..10000" },
	[A_MEMORY_MAX]  = { "memory-max", "SIZE or max" },
	[A_MEMORY_HIGH] = { "memory-high", "SIZE or max" },
	[A_MEMORY_LOW]  = { "memory-low", "SIZE" },
	[A_PIDS_MAX]    = { "pids-max", "N or max" },
	[A_CPUSET]      = { "cpuset", "a CPU list such as 0-3,6" },
	[A_IO_MAX]      = { "io-max", "MAJ:MIN:rbps=N,wbps=N,riops=N,wiops=N" },
};

static void set_err(char *err, size_t errlen, const char *path, unsigned int line,
		    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void set_err(char *err, size_t errlen, const char *path, unsigned int line,
		    const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(err, errlen, "%s:%u: ", path, line);
	if (n < 0 || (size_t)n >= errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err + n, errlen - n, fmt, ap);
	va_end(ap);
}

/* Apply one option's value to e. 0, -EINVAL/-ERANGE (bad value) or -ENOMEM. */
static int apply_option(struct apply_entry *e, enum apply_opt opt, const char *arg)
{
	uint64_t value, period;
	uint32_t u32;
	int err;

	switch (opt) {
	case A_OWNER:
		err = parse_u32_range(arg, 0, UINT32_MAX - 1, &u32);
		if (!err)
			e->owner = u32;
		return err;
	case A_CPU_MAX:
		err = parse_cpu_max(arg, &value, &period);
		if (!err)
			kcg_limits_set_cpu_max(e->limits, value, period);
		return err;
	case A_CPU_WEIGHT:
		err = parse_u32_range(arg, 1, 10000, &u32);
		if (!err)
			kcg_limits_set_cpu_weight(e->limits, u32);
		return err;
	case A_MEMORY_MAX:
	case A_MEMORY_HIGH:
		err = parse_size_or_max(arg, &value);
		if (!err && opt == A_MEMORY_MAX)
			kcg_limits_set_memory_max(e->limits, value);
		else if (!err)
			kcg_limits_set_memory_high(e->limits, value);
		return err;
	case A_MEMORY_LOW:
		err = parse_size(arg, &value);
		if (!err)
			kcg_limits_set_memory_low(e->limits, value);
		return err;
	case A_PIDS_MAX:
		err = parse_pids_max(arg, &value);
		if (!err)
			kcg_limits_set_pids_max(e->limits, value);
		return err;
	case A_CPUSET:
		err = parse_cpulist(arg);
		return err ? err : kcg_limits_set_cpuset_cpus(e->limits, arg);
	case A_IO_MAX: {
		struct io_max_spec s;
		size_t i;

		err = parse_io_max(arg, &s);
		if (err)
			return err;
		for (i = 0; i < kcg_limits_io_max_count(e->limits); i++) {
			const struct kcg_io_max *io = kcg_limits_io_max_at(e->limits, i);

			if (io->major == s.major && io->minor == s.minor)
				return -EEXIST;
		}
		return kcg_limits_add_io_max(e->limits, &(struct kcg_io_max){
			.major = s.major, .minor = s.minor, .rbps = s.rbps,
			.wbps = s.wbps, .riops = s.riops, .wiops = s.wiops });
	}
	default:
		return -EINVAL;
	}
}

static int find_option(const char *name, size_t len)
{
	int i;

	for (i = 0; i < A_COUNT; i++)
		if (strlen(options[i].name) == len && !strncmp(options[i].name, name, len))
			return i;
	return -1;
}

/* Group name order with '/' before every name character: parents first. */
static int name_cmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		unsigned char ca = *a == '/' ? 1 : (unsigned char)*a;
		unsigned char cb = *b == '/' ? 1 : (unsigned char)*b;

		if (ca != cb || !ca)
			return ca - cb;
	}
}

static int entry_cmp(const void *a, const void *b)
{
	const struct apply_entry *x = *(const struct apply_entry *const *)a;
	const struct apply_entry *y = *(const struct apply_entry *const *)b;
	int c = name_cmp(x->name, y->name);

	return c ? c : (x->line > y->line) - (x->line < y->line);
}

/* Index of the first sorted entry not before name. */
static size_t lower_bound(const struct apply_file *file, const char *name)
{
	size_t lo = 0, hi = file->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (name_cmp(file->sorted[mid]->name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct apply_entry *apply_find(const struct apply_file *file, const char *name)
{
	size_t i = lower_bound(file, name);

	if (i < file->count && !strcmp(file->sorted[i]->name, name))
		return file->sorted[i];
	return NULL;
}

bool apply_lists_below(const struct apply_file *file, const char *name)
{
	char key[KCG_NAME_MAX + 2];
	size_t i, len;

	len = (size_t)snprintf(key, sizeof(key), "%s/", name);
	if (len >= sizeof(key))
		return false;
	i = lower_bound(file, key);
	return i < file->count && !strncmp(file->sorted[i]->name, key, len);
}

bool apply_lists_above(const struct apply_file *file, const char *name)
{
	char buf[KCG_NAME_MAX + 1], *slash;

	snprintf(buf, sizeof(buf), "%s", name);
	while ((slash = strrchr(buf, '/')) != NULL) {
		*slash = '\0';
		if (apply_find(file, buf))
			return true;
	}
	return false;
}

/* One non-empty line, comment already cut, into a new entry of f. */
static int parse_line(char *text, unsigned int line, const char *path, struct apply_file *f,
		      char *err, size_t errlen)
{
	static const char *const blanks = " \t\r\f\v";
	struct apply_entry *e, *grown;
	bool given[A_COUNT] = { false };
	char *save = NULL, *tok, *arg;
	int opt, rc;

	tok = strtok_r(text, blanks, &save);
	/* The grammar allows a leading '-', but here it is an option without a name. */
	if (tok[0] == '-') {
		set_err(err, errlen, path, line, "a line starts with a group name, not '%s'", tok);
		return -EINVAL;
	}
	rc = parse_group_name(tok);
	if (rc) {
		set_err(err, errlen, path, line, "bad group name '%s'%s", tok,
			rc == -ENAMETOOLONG ? " (too long)" : "");
		return -EINVAL;
	}
	grown = realloc(f->entries, (f->count + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	f->entries = grown;
	e = &f->entries[f->count];
	*e = (struct apply_entry){ .line = line, .owner = KCG_OWNER_NONE };
	e->name = strdup(tok);
	e->limits = kcg_limits_new();
	f->count++;	/* so that apply_file_free() frees it on any error below */
	if (!e->name || !e->limits)
		return -ENOMEM;

	while ((tok = strtok_r(NULL, blanks, &save)) != NULL) {
		size_t len;

		if (strncmp(tok, "--", 2) || !tok[2]) {
			set_err(err, errlen, path, line, "expected an option such as --memory-max, "
				"not '%s'", tok);
			return -EINVAL;
		}
		tok += 2;
		arg = strchr(tok, '=');
		len = arg ? (size_t)(arg - tok) : strlen(tok);
		opt = find_option(tok, len);
		if (opt < 0) {
			set_err(err, errlen, path, line, "unknown option '--%.*s'", (int)len, tok);
			return -EINVAL;
		}
		if (arg) {
			arg++;
		} else {
			arg = strtok_r(NULL, blanks, &save);
			if (!arg) {
				set_err(err, errlen, path, line, "--%s needs a value",
					options[opt].name);
				return -EINVAL;
			}
		}
		if (given[opt] && opt != A_IO_MAX) {
			set_err(err, errlen, path, line, "--%s given twice", options[opt].name);
			return -EINVAL;
		}
		given[opt] = true;
		rc = apply_option(e, opt, arg);
		if (rc == -ENOMEM)
			return rc;
		if (rc == -EEXIST) {
			set_err(err, errlen, path, line, "--io-max given twice for one device");
			return -EINVAL;
		}
		if (rc) {
			set_err(err, errlen, path, line, "bad --%s '%s'%s: expected %s",
				options[opt].name, arg, rc == -ERANGE ? " (out of range)" : "",
				options[opt].expected);
			return -EINVAL;
		}
	}
	return 0;
}

/* Index the entries by name; a name listed twice is an error at its second line. */
static int sort_and_check(struct apply_file *f, const char *path, char *err, size_t errlen)
{
	size_t i;

	f->sorted = calloc(f->count + 1, sizeof(*f->sorted));
	if (!f->sorted)
		return -ENOMEM;
	for (i = 0; i < f->count; i++)
		f->sorted[i] = &f->entries[i];
	qsort(f->sorted, f->count, sizeof(*f->sorted), entry_cmp);
	for (i = 1; i < f->count; i++) {
		if (strcmp(f->sorted[i - 1]->name, f->sorted[i]->name))
			continue;
		set_err(err, errlen, path, f->sorted[i]->line, "group '%s' already listed on line %u",
			f->sorted[i]->name, f->sorted[i - 1]->line);
		return -EINVAL;
	}
	return 0;
}

int apply_parse(FILE *in, const char *path, struct apply_file *out, char *err, size_t errlen)
{
	struct apply_file f = { 0 };
	char *text = NULL, *hash;
	size_t cap = 0, len;
	unsigned int line = 0;
	ssize_t n;
	int rc = 0;

	err[0] = '\0';
	while ((n = getline(&text, &cap, in)) >= 0) {
		line++;
		len = (size_t)n;
		if (len >= APPLY_LINE_MAX) {
			set_err(err, errlen, path, line, "line longer than %d characters",
				APPLY_LINE_MAX - 1);
			rc = -E2BIG;
			break;
		}
		if (memchr(text, '\0', len)) {
			set_err(err, errlen, path, line, "a NUL byte in the line");
			rc = -EINVAL;
			break;
		}
		hash = strchr(text, '#');
		if (hash)
			*hash = '\0';
		if (text[strspn(text, " \t\r\n\f\v")] == '\0')
			continue;
		text[strcspn(text, "\n")] = '\0';
		rc = parse_line(text, line, path, &f, err, errlen);
		if (rc)
			break;
	}
	if (!rc && ferror(in)) {
		set_err(err, errlen, path, line + 1, "read error");
		rc = -EIO;
	}
	free(text);
	if (!rc)
		rc = sort_and_check(&f, path, err, errlen);
	if (rc == -ENOMEM && !err[0])
		set_err(err, errlen, path, line, "out of memory");
	if (rc) {
		apply_file_free(&f);
		return rc;
	}
	*out = f;
	return 0;
}

void apply_file_free(struct apply_file *file)
{
	size_t i;

	for (i = 0; i < file->count; i++) {
		free(file->entries[i].name);
		kcg_limits_free(file->entries[i].limits);
	}
	free(file->entries);
	free(file->sorted);
	file->sorted = NULL;
	file->entries = NULL;
	file->count = 0;
}

/* The comparison. */

static void limit_text(uint64_t value, bool size, char *buf, size_t len)
{
	if (value == KCG_LIMIT_MAX)
		snprintf(buf, len, "max");
	else if (size)
		format_size(value, buf, len);
	else
		snprintf(buf, len, "%" PRIu64, value);
}

static void add_change(struct apply_change *changes, int *n, const char *limit,
		       const char *from, const char *to)
{
	struct apply_change *c;

	if (*n >= APPLY_CHANGES_MAX)
		return;
	c = &changes[(*n)++];
	snprintf(c->limit, sizeof(c->limit), "%s", limit);
	snprintf(c->from, sizeof(c->from), "%s", from);
	snprintf(c->to, sizeof(c->to), "%s", to);
}

/* A memory value as the kernel keeps it: whole pages. */
static uint64_t page_round(uint64_t bytes, long page_size)
{
	if (bytes == KCG_LIMIT_MAX || page_size <= 0)
		return bytes;
	return bytes - bytes % (uint64_t)page_size;
}

typedef bool (*get_u64_fn)(const struct kcg_limits *, uint64_t *);
typedef void (*set_u64_fn)(struct kcg_limits *, uint64_t);

static void diff_u64(const struct kcg_limits *want, const struct kcg_limits *have,
		     get_u64_fn get, set_u64_fn set_fn, const char *name, long page_size,
		     struct kcg_limits *set, struct kcg_limits *undo,
		     struct apply_change *changes, int *n)
{
	bool size = !strncmp(name, "memory", 6);
	char from[32] = "-", to[32];
	uint64_t w, h;
	bool has;

	if (!get(want, &w))
		return;
	has = have && get(have, &h);
	if (!size)
		page_size = 0;
	if (has && page_round(w, page_size) == page_round(h, page_size))
		return;
	set_fn(set, w);
	if (has) {
		if (undo)
			set_fn(undo, h);
		limit_text(h, size, from, sizeof(from));
	}
	limit_text(w, size, to, sizeof(to));
	add_change(changes, n, name, from, to);
}

static void set_weight(struct kcg_limits *l, uint64_t v)
{
	kcg_limits_set_cpu_weight(l, (uint32_t)v);
}

static bool get_weight(const struct kcg_limits *l, uint64_t *v)
{
	uint32_t w;

	if (!kcg_limits_get_cpu_weight(l, &w))
		return false;
	*v = w;
	return true;
}

static void cpu_max_text(uint64_t quota, uint64_t period, char *buf, size_t len)
{
	char q[24];

	limit_text(quota, false, q, sizeof(q));
	if (period)
		snprintf(buf, len, "%s/%" PRIu64, q, period);
	else
		snprintf(buf, len, "%s", q);
}

static void diff_cpu_max(const struct kcg_limits *want, const struct kcg_limits *have,
			 struct kcg_limits *set, struct kcg_limits *undo,
			 struct apply_change *changes, int *n)
{
	uint64_t wq, wp, hq = 0, hp = 0;
	char from[48] = "-", to[48];
	bool has;

	if (!kcg_limits_get_cpu_max(want, &wq, &wp))
		return;
	has = have && kcg_limits_get_cpu_max(have, &hq, &hp);
	/* A period of 0 in the file keeps the group's: only the quota counts. */
	if (has && wq == hq && (!wp || wp == hp))
		return;
	kcg_limits_set_cpu_max(set, wq, wp);
	if (has) {
		if (undo)
			kcg_limits_set_cpu_max(undo, hq, hp);
		cpu_max_text(hq, hp, from, sizeof(from));
	}
	cpu_max_text(wq, wp, to, sizeof(to));
	add_change(changes, n, "cpu-max", from, to);
}

/*
 * A CPU list into a bitmap. parse_cpulist() has checked its syntax
 * already; false for anything it would not have passed.
 */
#define CPU_WORDS (PARSE_CPUS_MAX / 64)
static bool cpulist_bits(const char *s, uint64_t bits[CPU_WORDS])
{
	unsigned long lo, hi, c;
	char *end;

	memset(bits, 0, CPU_WORDS * sizeof(uint64_t));
	while (*s) {
		lo = strtoul(s, &end, 10);
		hi = lo;
		if (end == s)
			return false;
		if (*end == '-') {
			s = end + 1;
			hi = strtoul(s, &end, 10);
			if (end == s)
				return false;
		}
		if (lo > hi || hi >= PARSE_CPUS_MAX)
			return false;
		for (c = lo; c <= hi; c++)
			bits[c / 64] |= UINT64_C(1) << (c % 64);
		s = end;
		if (*s == ',')
			s++;
		else if (*s)
			return false;
	}
	return true;
}

static bool same_cpus(const char *a, const char *b)
{
	uint64_t x[CPU_WORDS], y[CPU_WORDS];

	if (!cpulist_bits(a, x) || !cpulist_bits(b, y))
		return !strcmp(a, b);
	return !memcmp(x, y, sizeof(x));
}

static int diff_cpuset(const struct kcg_limits *want, const struct kcg_limits *have,
		       struct kcg_limits *set, struct kcg_limits *undo,
		       struct apply_change *changes, int *n)
{
	const char *w = kcg_limits_get_cpuset_cpus(want);
	const char *h = have ? kcg_limits_get_cpuset_cpus(have) : NULL;

	if (!w || (h && same_cpus(w, h)))
		return 0;
	if (kcg_limits_set_cpuset_cpus(set, w))
		return -ENOMEM;
	if (h && undo && kcg_limits_set_cpuset_cpus(undo, h))
		return -ENOMEM;
	add_change(changes, n, "cpuset", h ? (*h ? h : "\"\"") : "-", *w ? w : "\"\"");
	return 0;
}

static const struct kcg_io_max *io_find(const struct kcg_limits *l, uint32_t major, uint32_t minor)
{
	size_t i;

	for (i = 0; l && i < kcg_limits_io_max_count(l); i++) {
		const struct kcg_io_max *io = kcg_limits_io_max_at(l, i);

		if (io->major == major && io->minor == minor)
			return io;
	}
	return NULL;
}

static void io_text(const struct kcg_io_max *io, const struct kcg_io_max *mask,
		    char *buf, size_t len)
{
	const uint64_t v[4] = { io->rbps, io->wbps, io->riops, io->wiops };
	const uint64_t m[4] = { mask->rbps, mask->wbps, mask->riops, mask->wiops };
	static const char *const keys[4] = { "rbps", "wbps", "riops", "wiops" };
	char sep = ':';
	size_t used;
	int i;

	used = (size_t)snprintf(buf, len, "%" PRIu32 ":%" PRIu32, io->major, io->minor);
	for (i = 0; i < 4 && used < len; i++) {
		char value[24];

		if (m[i] == KCG_IO_UNSET)
			continue;
		limit_text(v[i] == KCG_IO_UNSET ? KCG_LIMIT_MAX : v[i], false, value,
			   sizeof(value));
		used += (size_t)snprintf(buf + used, len - used, "%c%s=%s", sep, keys[i], value);
		sep = ',';
	}
}

static int diff_io(const struct kcg_limits *want, const struct kcg_limits *have,
		   struct kcg_limits *set, struct kcg_limits *undo,
		   struct apply_change *changes, int *n)
{
	size_t i;

	for (i = 0; i < kcg_limits_io_max_count(want); i++) {
		const struct kcg_io_max *w = kcg_limits_io_max_at(want, i);
		const struct kcg_io_max *h = io_find(have, w->major, w->minor);
		/* A device without a line in io.max has every rate at max. */
		struct kcg_io_max old = { .major = w->major, .minor = w->minor,
					  .rbps = KCG_LIMIT_MAX, .wbps = KCG_LIMIT_MAX,
					  .riops = KCG_LIMIT_MAX, .wiops = KCG_LIMIT_MAX };
		char from[64], to[64];

		if (h) {
			old.rbps = h->rbps ? h->rbps : KCG_LIMIT_MAX;
			old.wbps = h->wbps ? h->wbps : KCG_LIMIT_MAX;
			old.riops = h->riops ? h->riops : KCG_LIMIT_MAX;
			old.wiops = h->wiops ? h->wiops : KCG_LIMIT_MAX;
		}
		if ((!w->rbps || w->rbps == old.rbps) && (!w->wbps || w->wbps == old.wbps) &&
		    (!w->riops || w->riops == old.riops) && (!w->wiops || w->wiops == old.wiops))
			continue;
		if (kcg_limits_add_io_max(set, w))
			return -ENOMEM;
		/* Undo puts back only the rates the file sets. */
		if (undo && kcg_limits_add_io_max(undo, &(struct kcg_io_max){
				.major = w->major, .minor = w->minor,
				.rbps = w->rbps ? old.rbps : 0, .wbps = w->wbps ? old.wbps : 0,
				.riops = w->riops ? old.riops : 0,
				.wiops = w->wiops ? old.wiops : 0 }))
			return -ENOMEM;
		io_text(&old, w, from, sizeof(from));
		io_text(w, w, to, sizeof(to));
		add_change(changes, n, "io-max", have ? from : "-", to);
	}
	return 0;
}

int apply_diff(const struct kcg_limits *want, const struct kcg_limits *have, long page_size,
	       struct kcg_limits *set, struct kcg_limits *undo,
	       struct apply_change *changes)
{
	int n = 0;

	diff_cpu_max(want, have, set, undo, changes, &n);
	diff_u64(want, have, get_weight, set_weight, "cpu-weight", page_size, set, undo, changes, &n);
	diff_u64(want, have, kcg_limits_get_memory_max, kcg_limits_set_memory_max,
		 "memory-max", page_size, set, undo, changes, &n);
	diff_u64(want, have, kcg_limits_get_memory_high, kcg_limits_set_memory_high,
		 "memory-high", page_size, set, undo, changes, &n);
	diff_u64(want, have, kcg_limits_get_memory_low, kcg_limits_set_memory_low,
		 "memory-low", page_size, set, undo, changes, &n);
	diff_u64(want, have, kcg_limits_get_pids_max, kcg_limits_set_pids_max,
		 "pids-max", page_size, set, undo, changes, &n);
	if (diff_cpuset(want, have, set, undo, changes, &n) ||
	    diff_io(want, have, set, undo, changes, &n))
		return -ENOMEM;
	return n;
}
