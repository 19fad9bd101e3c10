// SPDX-License-Identifier: GPL-2.0
/*
 * Requests from the spec. A request starts valid: every attribute of the
 * op's request list with a value from its type and checks (boundaries
 * first), names from the worker's pool. Then, as the dice say, it is
 * mutated in structure (missing, repeated, unknown and foreign attributes,
 * wrong sizes and types, deep nests, thousands of multi-attrs, bad flags,
 * command, version and reserved field) and in bytes (truncation, lying
 * lengths, flipped bytes, oversized). Every choice comes from the worker's
 * random source, never from a reply, so a seed replays.
 */
#include <string.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "confine.h"
#include "fuzz.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Mutations; a mutated request gets one to three of them for sure. */
enum mutation {
	M_FLAGS, M_CTLTYPE, M_CMD, M_VERSION, M_RESERVED, M_BYTES, M_NESTBIT, M_BYTEORDER,
	M_WRONGSIZE, M_NONUL, M_LONG, M_FLAGLOAD, M_DEEP, M_MANY, M_REPEAT, M_MISSING,
	M_UNKNOWN, M_FOREIGN, M_N
};

static const char *const mutation_names[M_N] = {
	"flags", "control-type", "cmd", "version", "reserved", "bytes", "nested-bit",
	"byteorder-bit", "wrong-size", "no-nul", "long-string", "flag-payload", "deep", "many",
	"repeat", "missing", "unknown", "foreign",
};

struct gen {
	struct fz_worker *w;
	struct fz_rng *r;
	struct fz_buf *b;
	const struct fz_op *op;
	bool destructive;	/* names must stay under the prefix when confined */
	bool mutate;
	bool valid;		/* in-range values only, no mutation */
	const char *name;	/* fz_gen_valid: the group to name */
	uint32_t forced;	/* mutations chosen for this request */
	char muts[160];
};

static void note(struct gen *g, const char *what)
{
	size_t len = strlen(g->muts);

	if (strstr(g->muts, what))
		return;
	snprintf(g->muts + len, sizeof(g->muts) - len, "%s%s", len ? "," : "", what);
}

/*
 * Whether to apply mutation m here: always at message level when it was
 * chosen (per_attr 0), at some attributes when chosen (per_attr > 0), and
 * rarely otherwise, so mutations also come in unusual combinations.
 */
static bool want(struct gen *g, enum mutation m, unsigned int per_attr, unsigned int background)
{
	bool yes;

	if (!g->mutate || g->valid)
		return false;
	if (g->forced & (1u << m))
		yes = !per_attr || fz_chance(g->r, per_attr);
	else
		yes = fz_chance(g->r, background);
	if (yes)
		note(g, mutation_names[m]);
	return yes;
}

static bool confined(const struct gen *g)
{
	return g->w->confine && g->w->confine->on;
}

static const uint64_t edges[] = {
	0, 1, 2, 3, 7, 8, 15, 16, 63, 64, 100, 127, 128, 255, 256, 999, 1000, 1001, 1023,
	1024, 4095, 4096, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000,
	0xfffffffe, 0xffffffff, 0x100000000ULL, 0x7fffffffffffffffULL,
	0x8000000000000000ULL, 0xfffffffffffffffeULL, 0xffffffffffffffffULL,
};

static uint64_t pick_from(struct fz_rng *r, const uint64_t *v, size_t n)
{
	return v[fz_below(r, n)];
}

uint32_t fz_gen_pid(struct fz_worker *w)
{
	static const uint64_t impossible[] = { 0, FZ_PID_LIMIT, FZ_PID_LIMIT + 1, 0x7fffffff,
					       0x80000000, 0xffffffff };
	struct fz_rng *r = &w->rng;
	uint64_t roll = fz_below(r, 100);
	uint32_t pid;
	unsigned int i;

	if (roll < 60) {
		pid = w->sh->workload[fz_below(r, FZ_WORKLOAD_MAX)];
		if (pid)
			return pid;
	}
	if (roll < 70 && w->cfg->n_extra_pids)
		return w->cfg->extra_pids[fz_below(r, w->cfg->n_extra_pids)];
	if (roll < 85 || (w->confine && w->confine->on))
		return (uint32_t)pick_from(r, impossible, ARRAY_SIZE(impossible));
	/* Anybody's process: the kernel must refuse what is not ours. */
	pid = 1 + (uint32_t)fz_below(r, 4096);
	for (i = 0; i < FZ_OWN_MAX; i++)
		if (w->sh->own[i] == pid)
			return FZ_PID_LIMIT;	/* never freeze or kill the fuzzer itself */
	return pid;
}

/* Values with a meaning, by attribute name; generic edges otherwise. */
static bool pick_meaningful(struct gen *g, const struct fz_attr *a, uint64_t *v)
{
	static const uint64_t owners[] = { 0, 1000, 3000, 65534, 0xffffffff, 0xfffffffe, 100000 };
	static const uint64_t signals[] = { 9, 9, 15, 18, 19, 10, 1, 34, 64, 0, 65 };
	static const uint64_t memory[] = { 0, 4096, 1 << 20, 16 << 20, 64 << 20, 256 << 20,
					   1ULL << 30, 0xffffffffffffffffULL,
					   0xfffffffffffff000ULL };
	static const uint64_t pids_max[] = { 0, 1, 2, 5, 20, 100, 1000, 0xffffffffffffffffULL };
	static const uint64_t majors[] = { 0, 1, 7, 8, 11, 252, 253, 254, 259 };
	struct fz_rng *r = g->r;

	if (!g->valid && !fz_chance(r, 70))
		return false;
	if (!strcmp(a->name, "owner"))
		*v = pick_from(r, owners, ARRAY_SIZE(owners));
	else if (!strcmp(a->name, "signal"))
		*v = pick_from(r, signals, ARRAY_SIZE(signals));
	else if (!strncmp(a->name, "memory-", 7))
		*v = fz_chance(r, 70) ? pick_from(r, memory, ARRAY_SIZE(memory))
				      : fz_below(r, 1 << 16) * 4096;
	else if (!strcmp(a->name, "pids-max"))
		*v = pick_from(r, pids_max, ARRAY_SIZE(pids_max));
	else if (!strcmp(a->name, "major"))
		*v = pick_from(r, majors, ARRAY_SIZE(majors));
	else if (!strcmp(a->name, "minor"))
		*v = fz_below(r, 20);
	else if (!strcmp(a->name, "id"))
		*v = fz_chance(r, 80) ? fz_below(r, 20000) : pick_from(r, edges, ARRAY_SIZE(edges));
	else
		return false;
	return true;
}

static bool in_range(const struct fz_attr *a, uint64_t v)
{
	return (!a->has_min || v >= a->min) && (!a->has_max || v <= a->max);
}

static uint64_t pick_number(struct gen *g, const struct fz_attr *a)
{
	struct fz_rng *r = g->r;
	uint64_t v, roll = fz_below(r, 100);
	bool valid = g->valid;

	if (!strcmp(a->name, "pid"))	/* only ever the fuzzer's own, or none */
		return fz_gen_pid(g->w);
	if (pick_meaningful(g, a, &v) && (!valid || in_range(a, v)))
		return v;
	if (a->has_enum) {
		if (valid || roll < 75)
			return a->enum_first + fz_below(r, a->enum_last - a->enum_first + 1);
		return roll < 85 ? a->enum_last + 1 : pick_from(r, edges, ARRAY_SIZE(edges));
	}
	if (a->enum_flags)
		return valid || roll < 75 ? fz_rand(r) & a->enum_mask : fz_rand(r);
	if (a->has_min || a->has_max) {
		uint64_t lo = a->has_min ? a->min : 0, hi = a->has_max ? a->max : UINT64_MAX;
		uint64_t span = hi - lo + 1;

		if (valid) {
			/* Sensible in-range values: near the bottom, or the top. */
			if (span == 0 || span > 1000000000)
				return fz_chance(r, 70) ? lo + fz_below(r, 1000000) : hi;
			roll = 60 + fz_below(r, 40);
		}
		if (roll < 20)
			return lo;
		if (roll < 35)
			return hi;
		if (roll < 45)
			return lo - 1;		/* just out of range, both ways */
		if (roll < 55)
			return hi + 1;
		if (roll < 60)
			return pick_from(r, edges, ARRAY_SIZE(edges));
		return span ? lo + fz_below(r, span) : fz_rand(r);
	}
	if (roll < 55)
		return pick_from(r, edges, ARRAY_SIZE(edges));
	if (roll < 85)
		return fz_below(r, 100000);
	return fz_rand(r);
}

static char *scratch(struct fz_worker *w)
{
	/* A request holds a few strings at once: rotate through buffers. */
	static char bufs[8][4200];
	static unsigned int next;

	(void)w;
	return bufs[next++ % 8];
}

static void append(char *dst, size_t cap, const char *s)
{
	size_t len = strlen(dst);

	snprintf(dst + len, cap - len, "%s", s);
}

static void fill(char *dst, size_t cap, char c, size_t n)
{
	size_t len = strlen(dst);

	if (n > cap - len - 1)
		n = cap - len - 1;
	memset(dst + len, c, n);
	dst[len + n] = 0;
}

const char *fz_gen_name(struct fz_worker *w, bool destructive)
{
	static const char *const levels[] = { "a", "b", "c", "d0", "x-y", "u_v", "w.1", "load" };
	static const char *const others[] = { "kcg", "init.scope", "t15", "a", "fz", "root" };
	struct fz_rng *r = &w->rng;
	bool safe = destructive && w->confine && w->confine->on;
	char *s = scratch(w);
	unsigned int depth, i;
	uint64_t kind;

	*s = 0;
	append(s, 4200, w->names[fz_below(r, w->n_names)]);
	/* Kinds 12-14 are 9 again: a byte outside the name's alphabet. */
	kind = fz_chance(r, 80) ? 0 : 1 + fz_below(r, 14);
	kind = kind >= 13 ? 9 : kind;
	if (safe && (kind == 8 || kind >= 10))
		kind = 0;
	switch (kind) {
	case 0:		/* valid: a few levels below a base */
		depth = (unsigned int)fz_below(r, 10);
		depth = depth < 2 ? 0 : depth < 6 ? 1 : depth < 9 ? 2 : 3;
		for (i = 0; i < depth; i++) {
			append(s, 4200, "/");
			append(s, 4200, levels[fz_below(r, ARRAY_SIZE(levels))]);
		}
		break;
	case 1:		/* a level one too long */
		append(s, 4200, "/");
		fill(s, 4200, 'l', 64);
		break;
	case 2:		/* a level exactly as long as allowed */
		append(s, 4200, "/");
		fill(s, 4200, 'm', 63);
		break;
	case 3:		/* the whole name at 255 and at 256 */
	case 4:
		while (strlen(s) < (kind == 3 ? 255u : 256u)) {
			append(s, 4200, "/");
			fill(s, 4200, 'n', (kind == 3 ? 255 : 256) - strlen(s) < 63 ?
					  (kind == 3 ? 255 : 256) - strlen(s) : 63);
		}
		break;
	case 5:
		append(s, 4200, "//a");
		break;
	case 6:
		append(s, 4200, "/");
		break;
	case 7:
		append(s, 4200, fz_chance(r, 50) ? "/." : "/./a");
		break;
	case 8:
		append(s, 4200, fz_chance(r, 50) ? "/.." : "/../x");
		break;
	case 9: {	/* one byte outside [A-Za-z0-9_.-] in a level */
		static const char punct[] = " !\"#$%&'()*+,:;<=>?@[\\]^`{|}~";
		char bad[4] = { 'a', 0, 'b', 0 };
		uint64_t roll = fz_below(r, 10);

		/* Bytes 0x80-0xff too: the kernel's isalnum() is Latin-1. */
		bad[1] = roll < 4 ? (char)(0x80 + fz_below(r, 0x80)) :
			 roll < 7 ? punct[fz_below(r, sizeof(punct) - 1)] :
			 roll < 9 ? (char)(1 + fz_below(r, 0x1f)) : 0x7f;
		append(s, 4200, "/");
		append(s, 4200, bad);
		break;
	}
	case 10:
		*s = 0;
		break;
	case 11:
		*s = 0;
		append(s, 4200, "/");
		append(s, 4200, w->names[fz_below(r, w->n_names)]);
		break;
	default:	/* somebody else's group */
		*s = 0;
		if (w->cfg->n_foreign && fz_chance(r, 70))
			append(s, 4200, w->cfg->foreign[fz_below(r, w->cfg->n_foreign)]);
		else
			append(s, 4200, others[fz_below(r, ARRAY_SIZE(others))]);
		if (fz_chance(r, 50))
			append(s, 4200, fz_chance(r, 50) ? "/a" : "/load");
		break;
	}
	return s;
}

static const char *pick_path(struct gen *g)
{
	static const char *const wild[] = { "/", "/..", "/kcg", "kcg", "", "/init.scope",
					    "/a/../b", "//", "/kcg/", "/sys" };
	static const char *const own[] = { "-cg0", "-cg0/sub", "-cg1", "-cg0/", "-none",
					   "-cg0//sub", "-cg0/sub/deeper" };
	char *s = scratch(g->w);

	if (!(confined(g) && g->destructive) && fz_chance(g->r, 15))
		return wild[fz_below(g->r, ARRAY_SIZE(wild))];
	snprintf(s, 4200, "%s%s", fz_chance(g->r, 10) ? "/kcg/" : "/", g->w->cfg->prefix);
	if (fz_chance(g->r, 90))
		append(s, 4200, own[fz_below(g->r, ARRAY_SIZE(own))]);
	if (fz_chance(g->r, 3))
		fill(s, 4200, 'p', fz_chance(g->r, 50) ? 4095 - strlen(s) : 4096 - strlen(s));
	return s;
}

static const char *pick_string(struct gen *g, const struct fz_attr *a)
{
	bool valid = g->valid;

	static const char *const cpus[] = { "", "0", "1", "0-1", "0,1", "1-0", "0-3", "2",
					    "0-4095", "4096", "a", "0-", ",", "-1", "0-1:1",
					    "0-1,0-1", " 0", "0\n" };
	struct fz_rng *r = g->r;
	char *s;
	size_t n, i;

	if (!strcmp(a->name, "name") || !strcmp(a->name, "parent") ||
	    !strcmp(a->name, "group-name")) {
		if (g->name && (valid || fz_chance(r, 80)))
			return g->name;
		return fz_gen_name(g->w, g->destructive || !g->op->readonly);
	}
	if (strstr(a->name, "path"))
		return pick_path(g);
	/* cpuset.mems lists are written like CPU lists: the same near misses. */
	if ((!strcmp(a->name, "cpuset-cpus") || !strcmp(a->name, "cpuset-mems")) &&
	    fz_chance(r, 85))
		return cpus[fz_below(r, valid ? 4 : ARRAY_SIZE(cpus))];
	s = scratch(g->w);
	n = fz_below(r, 100);
	n = n < 50 ? fz_below(r, 16) : n < 75 && a->has_max_len ? a->max_len :
	    n < 90 && a->has_max_len ? a->max_len + 1 : fz_below(r, 300);
	if (valid && a->has_max_len && n > a->max_len)
		n = a->max_len;
	if (n > 4199)
		n = 4199;
	for (i = 0; i < n; i++)
		s[i] = (char)(' ' + fz_below(r, 95));
	s[n] = 0;
	return s;
}

static void gen_set(struct gen *g, const struct fz_set *set, const uint16_t *ids, size_t n,
		    bool top);

static void put_number(struct gen *g, const struct fz_attr *a, uint16_t type, uint64_t v)
{
	size_t width = 8;
	uint8_t bytes[8];

	switch (a->type) {
	case FZ_U8: case FZ_S8: width = 1; break;
	case FZ_U16: case FZ_S16: width = 2; break;
	case FZ_U32: case FZ_S32: width = 4; break;
	case FZ_UINT: case FZ_SINT: width = v >> 32 || fz_chance(g->r, 20) ? 8 : 4; break;
	default: break;
	}
	if (a->big_endian)
		v = __builtin_bswap64(v) >> (64 - 8 * width);
	memcpy(bytes, &v, 8);		/* little endian: the low bytes first */
	fz_put_attr(g->b, type, bytes, width);
}

/* A chain of nests far deeper than any policy, around a small payload. */
static void put_deep(struct gen *g, const struct fz_set *set)
{
	uint64_t roll = fz_below(g->r, 100);
	size_t depth, i;
	uint32_t leaf = 1;

	depth = roll < 60 ? 2 + fz_below(g->r, 30) : roll < 90 ? 100 + fz_below(g->r, 400) : 8000;
	for (i = 0; i < depth; i++) {
		/* Level i holds every level below it and the u32 leaf. */
		struct nlattr h = {
			.nla_len = (uint16_t)(NLA_HDRLEN * (depth - i) + NLA_HDRLEN + sizeof(leaf)),
			.nla_type = (uint16_t)(1 + fz_below(g->r, set->max + 2u)) | NLA_F_NESTED,
		};
		const struct fz_attr *a = fz_attr_by_id(set, h.nla_type & NLA_TYPE_MASK);

		/* Confined, the outer level must not pose as a name or a pid. */
		if (i == 0 && confined(g) && a && a->type != FZ_NEST)
			h.nla_type = (uint16_t)(set->max + 1) | NLA_F_NESTED;

		fz_put_bytes(g->b, &h, sizeof(h));
	}
	fz_put_attr(g->b, 1, &leaf, sizeof(leaf));
}

static void gen_attr(struct gen *g, const struct fz_attr *a)
{
	bool valid = g->valid;
	struct fz_rng *r = g->r;
	uint16_t type = a->id;
	const char *s;

	if (a->type == FZ_NEST)
		type |= NLA_F_NESTED;
	if (g->mutate && !valid) {
		if (want(g, M_NESTBIT, 50, 2))
			type ^= NLA_F_NESTED;
		if (want(g, M_BYTEORDER, 50, 1))
			type |= NLA_F_NET_BYTEORDER;
		/* Under confinement names and pids keep their form: they are checked. */
		if (!(confined(g) && (a->type == FZ_STRING || !strcmp(a->name, "pid"))) &&
		    want(g, M_WRONGSIZE, 40, 2)) {
			static const size_t sizes[] = { 0, 1, 2, 3, 4, 5, 7, 8, 9, 12, 16, 64 };
			uint8_t junk[64];
			size_t n = sizes[fz_below(r, ARRAY_SIZE(sizes))], i;

			for (i = 0; i < n; i++)
				junk[i] = (uint8_t)fz_rand(r);
			fz_put_attr(g->b, type, junk, n);
			return;
		}
	}
	switch (a->type) {
	case FZ_U8: case FZ_U16: case FZ_U32: case FZ_U64:
	case FZ_S8: case FZ_S16: case FZ_S32: case FZ_S64:
	case FZ_UINT: case FZ_SINT:
		put_number(g, a, type, pick_number(g, a));
		break;
	case FZ_STRING: {
		size_t len;

		s = pick_string(g, a);
		len = strlen(s) + 1;
		if (!confined(g) && want(g, M_NONUL, 60, 2))
			len--;		/* the NUL left off */
		if (!confined(g) && want(g, M_LONG, 60, 1)) {
			char *big = scratch(g->w);

			snprintf(big, 4200, "%s", s);
			fill(big, 4200, 'z', 4199);
			s = big;
			len = fz_chance(r, 50) ? 4200 : (a->has_max_len ? a->max_len + 2 : 300);
		}
		fz_put_attr(g->b, type, s, len);
		break;
	}
	case FZ_FLAG:
		fz_put_attr(g->b, type, "\1\0\0", want(g, M_FLAGLOAD, 80, 2) ? 4 : 0);
		break;
	case FZ_BINARY:
	case FZ_PAD: {
		uint8_t junk[64] = { 0 };

		fz_put_attr(g->b, type, junk, fz_below(r, a->type == FZ_PAD ? 9 : 64));
		break;
	}
	case FZ_BITFIELD32: {
		uint32_t bf[2] = { (uint32_t)fz_rand(r), (uint32_t)fz_rand(r) };

		fz_put_attr(g->b, type, bf, sizeof(bf));
		break;
	}
	case FZ_NEST: {
		size_t start = fz_nest_begin(g->b, type);

		if (want(g, M_DEEP, 50, 2))
			put_deep(g, &fz_sets[a->nest]);
		else
			gen_set(g, &fz_sets[a->nest], NULL, 0, false);
		fz_nest_end(g->b, start);
		break;
	}
	}
}

static unsigned int copies(struct gen *g, const struct fz_attr *a)
{
	struct fz_rng *r = g->r;

	if (!a->multi)
		return 1;
	if (want(g, M_MANY, 70, 3))
		return 100 + (unsigned int)fz_below(r, 4000);
	return 1 + (unsigned int)fz_below(r, 3);
}

static void gen_set(struct gen *g, const struct fz_set *set, const uint16_t *ids, size_t n,
		    bool top)
{
	struct fz_rng *r = g->r;
	unsigned int i, k, c;

	for (i = 0; i < (ids ? n : set->n_attrs); i++) {
		const struct fz_attr *a = ids ? fz_attr_by_id(set, ids[i]) : &set->attrs[i];
		bool is_name = top && !strcmp(a->name, "name");

		if (!a || a->type == FZ_PAD)
			continue;
		if (is_name ? want(g, M_MISSING, 80, 2) : !fz_chance(r, ids ? 65 : 45))
			continue;
		c = copies(g, a);
		if (!a->multi && want(g, M_REPEAT, 30, 2))
			c = 2 + (unsigned int)fz_below(r, 3);
		for (k = 0; k < c; k++)
			gen_attr(g, a);
	}
	if (want(g, M_UNKNOWN, 0, 3)) {		/* an id the set does not have */
		static const uint16_t extra[] = { 0, 1, 2, 7, 0x3fff };
		uint16_t id = fz_chance(r, 50) ? set->max + 1 + (uint16_t)fz_below(r, 4)
					       : extra[fz_below(r, ARRAY_SIZE(extra))];
		uint32_t v = (uint32_t)fz_rand(r);

		if (!fz_attr_by_id(set, id))
			fz_put_attr(g->b, id, &v, fz_below(r, 5));
	}
	if (ids && want(g, M_FOREIGN, 0, 3)) {	/* in the set, but not this op's */
		const struct fz_attr *a = &set->attrs[fz_below(r, set->n_attrs)];

		if (!(confined(g) && a->type == FZ_STRING))
			gen_attr(g, a);
	}
	if (top && want(g, M_DEEP, 40, 1))
		put_deep(g, set);
}

void fz_gen_init(struct fz_worker *w)
{
	const struct fz_config *cfg = w->cfg;
	static char own_names[3][64];
	unsigned int i;

	w->n_names = 0;
	if (cfg->privileged || !cfg->n_bases) {
		snprintf(own_names[0], sizeof(own_names[0]), "%s", cfg->prefix);
		snprintf(own_names[1], sizeof(own_names[1]), "%s-a", cfg->prefix);
		snprintf(own_names[2], sizeof(own_names[2]), "%s-b", cfg->prefix);
		for (i = 0; i < 3; i++)
			w->names[w->n_names++] = own_names[i];
	}
	for (i = 0; i < cfg->n_bases; i++)
		w->names[w->n_names++] = cfg->bases[i];
}

static void build(struct gen *g, struct fz_sock *s, const struct fz_op *op, uint8_t cmd,
		  bool dump, uint16_t flags)
{
	struct fz_worker *w = g->w;
	struct fz_rng *r = g->r;
	uint16_t type = w->family;
	uint8_t version = (uint8_t)fz_family_version;
	size_t start;

	if (g->mutate) {
		unsigned int n = 1 + (unsigned int)fz_below(r, 3);

		while (n--)
			g->forced |= 1u << fz_below(r, M_N);
	}
	if (want(g, M_FLAGS, 0, 8)) {
		if (fz_chance(r, 50))
			flags = (uint16_t)fz_rand(r) | (fz_chance(r, 80) ? NLM_F_REQUEST : 0);
		else
			flags ^= (uint16_t)(1u << fz_below(r, 16));
	}
	if (want(g, M_CTLTYPE, 0, 1))
		type = (uint16_t)fz_below(r, NLMSG_MIN_TYPE);
	if (want(g, M_CMD, 0, 2)) {
		/* Confined, only commands the spec knows: the check refuses the rest. */
		cmd = fz_chance(r, 50) && !confined(g) ? (uint8_t)fz_rand(r)
						      : fz_ops[fz_below(r, fz_n_ops)].cmd;
		g->destructive = true;	/* the kernel may read it as any op */
	}
	if (want(g, M_VERSION, 0, 2))
		version = (uint8_t)fz_rand(r);
	start = fz_msg_begin(g->b, type, flags, ++s->seq, cmd, version);
	if (want(g, M_RESERVED, 0, 2)) {
		uint16_t reserved = (uint16_t)(1 + fz_below(r, 0xffff));

		memcpy(g->b->data + start + NLMSG_HDRLEN + 2, &reserved, 2);
	}
	if (op)
		gen_set(g, &fz_sets[op->set], dump ? op->dump_req : op->do_req,
			dump ? op->n_dump_req : op->n_do_req, true);
	fz_msg_end(g->b, start);
	if (want(g, M_BYTES, 0, 5))
		fz_mutate_bytes(w, start);
	w->n_built++;
	snprintf(w->desc, sizeof(w->desc), "%s%s seq=%u flags=%#x cmd=%u%s%s",
		 op ? op->name : "?", dump ? " dump" : "", s->seq, flags, cmd,
		 g->muts[0] ? " mut=" : "", g->muts);
}

void fz_gen_request(struct fz_worker *w, struct fz_sock *s, const struct fz_op *op,
		    bool dump, unsigned int mutate_percent)
{
	uint16_t flags = NLM_F_REQUEST | NLM_F_ACK;
	bool mutate = fz_chance(&w->rng, mutate_percent);
	unsigned int tries;

	if (dump)
		flags |= NLM_F_DUMP;
	if (fz_chance(&w->rng, 20))
		flags |= NLM_F_ECHO;
	if (fz_chance(&w->rng, 10))
		flags &= (uint16_t)~NLM_F_ACK;
	/*
	 * Confined, a request the check would refuse is drawn again (a few
	 * times) rather than dropped at sending: most mutations have forms
	 * that stay inside the prefix.
	 */
	for (tries = 0;; tries++) {
		struct gen g = { .w = w, .r = &w->rng, .b = &w->msg, .op = op,
				 .destructive = !op->readonly, .mutate = mutate };
		size_t start = w->msg.len;

		build(&g, s, op, op->cmd, dump, flags);
		if (!w->confine || !w->confine->on || tries == 4 ||
		    !fz_confine_check(w->confine, w->msg.data + start, w->msg.len - start))
			break;
		w->msg.len = start;
		w->n_built--;
		s->seq--;
	}
}

/* A request meant to succeed: op's do with in-range values, on name. */
void fz_gen_valid(struct fz_worker *w, struct fz_sock *s, const char *op_name,
		  const char *name, uint16_t extra_flags)
{
	const struct fz_op *op = fz_op_by_name(op_name);
	struct gen g = { .w = w, .r = &w->rng, .b = &w->msg, .op = op, .name = name,
			 .destructive = true, .valid = true };
	const struct fz_set *set;
	size_t start;
	unsigned int i, k;

	if (!op)
		return;
	set = &fz_sets[op->set];
	start = fz_msg_begin(g.b, w->family, NLM_F_REQUEST | NLM_F_ACK | extra_flags, ++s->seq,
			     op->cmd, (uint8_t)fz_family_version);
	for (i = 0; i < op->n_do_req; i++) {
		const struct fz_attr *a = fz_attr_by_id(set, op->do_req[i]);

		if (!a || (strcmp(a->name, "name") && !fz_chance(&w->rng, 60)))
			continue;
		if (!strcmp(a->name, "owner"))
			continue;	/* needs CAP_SYS_ADMIN; left to the mutated requests */
		for (k = 0; k < (a->multi ? 1 + fz_below(&w->rng, 2) : 1); k++)
			gen_attr(&g, a);
	}
	fz_msg_end(g.b, start);
	w->n_built++;
	snprintf(w->desc, sizeof(w->desc), "%s (valid) %s seq=%u", op->name, name ? name : "",
		 s->seq);
}
