// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Prometheus text exposition of group stats; see metrics.h. A table of
 * families drives the output: the text format wants every sample of a
 * metric together under one HELP and TYPE, so the loop is family first,
 * then groups. Values are printed exactly (ns as decimal seconds), never
 * through a double.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "metrics.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

enum source {
	SRC_COUNTER,	/* counters.value[id] */
	SRC_HIST,	/* the run-delay histogram */
	SRC_LIMIT,	/* limits, by enum limit in id */
	SRC_INFO,	/* 1, with the group's details as labels */
	SRC_FROZEN,	/* flags & FROZEN */
	SRC_GROUPS,	/* how many groups, no labels */
};

enum unit { UNIT_ONE, UNIT_NS, UNIT_US };

enum limit {
	LIMIT_CPU_QUOTA, LIMIT_CPU_PERIOD, LIMIT_CPU_WEIGHT, LIMIT_MEMORY_MAX,
	LIMIT_MEMORY_HIGH, LIMIT_MEMORY_LOW, LIMIT_PIDS_MAX,
};

/* One series of a family: where its value comes from, and its extra label. */
struct series {
	int id;
	const char *label;	/* NULL: none beyond group, id, owner */
	const char *value;
};

static const struct family {
	const char *name;
	const char *type;
	const char *help;
	enum source source;
	enum unit unit;
	struct series series[4];
} families[] = {
	{ "kcg_cpu_usage_seconds_total", "counter",
	  "CPU time used by the group's tasks and its subgroups'.", SRC_COUNTER, UNIT_NS,
	  { { .id = KCG_A_COUNTERS_CPU_NS } } },
	{ "kcg_run_delay_seconds_total", "counter",
	  "Time the group's tasks spent runnable, waiting for a CPU.", SRC_COUNTER, UNIT_NS,
	  { { .id = KCG_A_COUNTERS_RUN_DELAY_NS } } },
	{ "kcg_run_delay_wait_seconds", "histogram",
	  "Each wait for a CPU, from runnable to running, in log2 buckets.", SRC_HIST, UNIT_NS,
	  { { .id = KCG_A_COUNTERS_RUN_DELAY_NS } } },
	{ "kcg_context_switches_total", "counter",
	  "Context switches away from the group's tasks, by type.", SRC_COUNTER, UNIT_ONE,
	  { { KCG_A_COUNTERS_NVCSW, "type", "voluntary" },
	    { KCG_A_COUNTERS_NIVCSW, "type", "involuntary" } } },
	{ "kcg_wakeups_total", "counter", "Wakeups of the group's tasks.", SRC_COUNTER, UNIT_ONE,
	  { { .id = KCG_A_COUNTERS_WAKEUPS } } },
	{ "kcg_migrations_total", "counter", "Migrations of the group's tasks between CPUs.",
	  SRC_COUNTER, UNIT_ONE, { { .id = KCG_A_COUNTERS_MIGRATIONS } } },
	{ "kcg_forks_total", "counter", "Tasks (processes and threads) forked in the group.",
	  SRC_COUNTER, UNIT_ONE, { { .id = KCG_A_COUNTERS_FORKS } } },
	{ "kcg_exits_total", "counter", "Tasks that exited in the group.", SRC_COUNTER, UNIT_ONE,
	  { { .id = KCG_A_COUNTERS_EXITS } } },
	{ "kcg_tasks", "gauge", "Tasks (threads) in the group now.", SRC_COUNTER, UNIT_ONE,
	  { { .id = KCG_A_COUNTERS_TASKS } } },
	{ "kcg_memory_current_bytes", "gauge", "Memory charged to the group's cgroup now.",
	  SRC_COUNTER, UNIT_ONE, { { .id = KCG_A_COUNTERS_MEMORY_CURRENT } } },
	{ "kcg_memory_peak_bytes", "gauge", "Highest memory charged to the group's cgroup.",
	  SRC_COUNTER, UNIT_ONE, { { .id = KCG_A_COUNTERS_MEMORY_PEAK } } },
	{ "kcg_memory_events_total", "counter", "The cgroup's memory.events, by type.",
	  SRC_COUNTER, UNIT_ONE,
	  { { KCG_A_COUNTERS_MEMORY_HIGH, "type", "high" },
	    { KCG_A_COUNTERS_MEMORY_MAX, "type", "max" },
	    { KCG_A_COUNTERS_MEMORY_OOM, "type", "oom" },
	    { KCG_A_COUNTERS_MEMORY_OOM_KILL, "type", "oom_kill" } } },
	{ "kcg_oom_kills_total", "counter", "Tasks of the group the OOM killer killed.",
	  SRC_COUNTER, UNIT_ONE, { { .id = KCG_A_COUNTERS_MEMORY_OOM_KILL } } },
	{ "kcg_limit_cpu_quota_seconds", "gauge",
	  "cpu.max quota: CPU time allowed per period (+Inf: max).", SRC_LIMIT, UNIT_US,
	  { { .id = LIMIT_CPU_QUOTA } } },
	{ "kcg_limit_cpu_period_seconds", "gauge", "cpu.max period.", SRC_LIMIT, UNIT_US,
	  { { .id = LIMIT_CPU_PERIOD } } },
	{ "kcg_limit_cpu_weight", "gauge", "cpu.weight, 1 to 10000.", SRC_LIMIT, UNIT_ONE,
	  { { .id = LIMIT_CPU_WEIGHT } } },
	{ "kcg_limit_memory_max_bytes", "gauge", "memory.max (+Inf: max).", SRC_LIMIT, UNIT_ONE,
	  { { .id = LIMIT_MEMORY_MAX } } },
	{ "kcg_limit_memory_high_bytes", "gauge", "memory.high (+Inf: max).", SRC_LIMIT, UNIT_ONE,
	  { { .id = LIMIT_MEMORY_HIGH } } },
	{ "kcg_limit_memory_low_bytes", "gauge", "memory.low.", SRC_LIMIT, UNIT_ONE,
	  { { .id = LIMIT_MEMORY_LOW } } },
	{ "kcg_limit_pids_max", "gauge", "pids.max (+Inf: max).", SRC_LIMIT, UNIT_ONE,
	  { { .id = LIMIT_PIDS_MAX } } },
	{ "kcg_group_info", "gauge", "1 for each group, with its parent, cgroup and kind.",
	  SRC_INFO, UNIT_ONE, { { .id = 0 } } },
	{ "kcg_group_frozen", "gauge", "1 if the group's cgroup is frozen.", SRC_FROZEN,
	  UNIT_ONE, { { .id = 0 } } },
	{ "kcg_groups", "gauge", "Groups this exporter's caller may see.", SRC_GROUPS,
	  UNIT_ONE, { { .id = 0 } } },
};

void metrics_label_value(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len, bad;
	uint32_t cp;

	/* Group names and most paths are plain ASCII with nothing to escape: one write. */
	while (*p && *p < 0x80 && *p != '\\' && *p != '"' && *p != '\n')
		p++;
	if (!*p) {
		fputs(s, out);
		return;
	}
	p = (const unsigned char *)s;
	while (*p) {
		len = utf8_decode(p, &cp, &bad);
		if (!len) {
			/* Label values must be UTF-8: each ill-formed part is one U+FFFD. */
			fputs("\xef\xbf\xbd", out);
			p += bad;
			continue;
		}
		if (cp == '\\')
			fputs("\\\\", out);
		else if (cp == '"')
			fputs("\\\"", out);
		else if (cp == '\n')
			fputs("\\n", out);
		else
			fwrite(p, 1, len, out);
		p += len;
	}
}

static void label(FILE *out, const char *key, const char *value, bool first)
{
	fprintf(out, "%s%s=\"", first ? "" : ",", key);
	metrics_label_value(out, value);
	fputc('"', out);
}

/* A group with its labels, rendered once for all its samples. */
struct row {
	const struct metrics_group *g;
	const char *labels;
};

static void group_labels(FILE *out, const struct row *r)
{
	fputs(r->labels, out);
}

/* {group="..",id="..",owner=".." without the closing brace. */
static void render_labels(FILE *out, const struct metrics_group *g)
{
	char num[24];

	fputc('{', out);
	label(out, "group", g->name, true);
	snprintf(num, sizeof(num), "%" PRIu64, g->id);
	label(out, "id", num, false);
	if (g->has_owner)
		snprintf(num, sizeof(num), "%" PRIu32, g->owner);
	else
		num[0] = '\0';
	label(out, "owner", num, false);
}

/* v / 10^9 (ns) or v / 10^6 (us) exactly, without trailing zeros. */
static const char *decimal(char *buf, size_t len, uint64_t v, enum unit unit)
{
	uint64_t scale = unit == UNIT_NS ? 1000000000 : 1000000, frac;
	int digits = unit == UNIT_NS ? 9 : 6;

	if (unit == UNIT_ONE || !(frac = v % scale)) {
		snprintf(buf, len, "%" PRIu64, unit == UNIT_ONE ? v : v / scale);
		return buf;
	}
	while (frac % 10 == 0) {
		frac /= 10;
		digits--;
	}
	snprintf(buf, len, "%" PRIu64 ".%0*" PRIu64, v / scale, digits, frac);
	return buf;
}

/* A sample's value and the end of its line; "max" is +Inf where asked. */
static void value(FILE *out, uint64_t v, enum unit unit, bool max_is_inf)
{
	char buf[32];

	fprintf(out, " %s\n", max_is_inf && v == KCG_LIMIT_MAX ? "+Inf" :
		decimal(buf, sizeof(buf), v, unit));
}

static bool limit_value(const struct kcg_limits *l, int which, uint64_t *v)
{
	uint64_t quota, period;
	uint32_t weight;

	if (!l)
		return false;
	switch (which) {
	case LIMIT_CPU_QUOTA:
	case LIMIT_CPU_PERIOD:
		if (!kcg_limits_get_cpu_max(l, &quota, &period))
			return false;
		*v = which == LIMIT_CPU_QUOTA ? quota : period;
		return true;
	case LIMIT_CPU_WEIGHT:
		if (!kcg_limits_get_cpu_weight(l, &weight))
			return false;
		*v = weight;
		return true;
	case LIMIT_MEMORY_MAX:
		return kcg_limits_get_memory_max(l, v);
	case LIMIT_MEMORY_HIGH:
		return kcg_limits_get_memory_high(l, v);
	case LIMIT_MEMORY_LOW:
		return kcg_limits_get_memory_low(l, v);
	default:
		return kcg_limits_get_pids_max(l, v);
	}
}

/*
 * Bucket i of the module counts waits below 2^(i+1) us (the last one is
 * open): the text format's cumulative le buckets, the last as +Inf.
 */
static void histogram(FILE *out, const struct family *f, const struct row *r)
{
	const struct metrics_counters *c = &r->g->counters;
	uint64_t count = 0;
	char le[32];

	/* Its _sum is the run-delay total: both count the same waits. */
	if (!c->has_hist || !c->has[KCG_A_COUNTERS_RUN_DELAY_NS])
		return;
	for (unsigned int i = 0; i < KCG_RUN_DELAY_BUCKETS; i++) {
		uint64_t us = UINT64_C(2) << i;

		count += c->hist[i];
		if (i + 1 < KCG_RUN_DELAY_BUCKETS)
			decimal(le, sizeof(le), us, UNIT_US);
		else
			snprintf(le, sizeof(le), "+Inf");
		fprintf(out, "%s_bucket", f->name);
		group_labels(out, r);
		label(out, "le", le, false);
		fputc('}', out);
		value(out, count, UNIT_ONE, false);
	}
	fprintf(out, "%s_sum", f->name);
	group_labels(out, r);
	fputc('}', out);
	value(out, c->value[KCG_A_COUNTERS_RUN_DELAY_NS], UNIT_NS, false);
	fprintf(out, "%s_count", f->name);
	group_labels(out, r);
	fputc('}', out);
	value(out, count, UNIT_ONE, false);
}

static void info(FILE *out, const struct family *f, const struct row *r)
{
	const struct metrics_group *g = r->g;

	if (!g->has_info)
		return;
	fputs(f->name, out);
	group_labels(out, r);
	label(out, "parent", g->parent ? g->parent : "", false);
	label(out, "cgroup", g->cgroup_path ? g->cgroup_path : "", false);
	label(out, "adopted", g->flags & KCG_GROUP_FLAG_ADOPTED ? "true" : "false", false);
	fputs("}", out);
	value(out, 1, UNIT_ONE, false);
}

static void sample(FILE *out, const struct family *f, const struct series *s,
		   const struct row *r, uint64_t v, bool max_is_inf)
{
	fputs(f->name, out);
	group_labels(out, r);
	if (s->label)
		label(out, s->label, s->value, false);
	fputc('}', out);
	value(out, v, f->unit, max_is_inf);
}

static void family(FILE *out, const struct family *f, const struct row *rows, size_t count)
{
	uint64_t v;

	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", f->name, f->help, f->name, f->type);
	if (f->source == SRC_GROUPS) {
		fprintf(out, "%s", f->name);
		value(out, count, UNIT_ONE, false);
		return;
	}
	for (size_t i = 0; i < count; i++) {
		const struct row *r = &rows[i];
		const struct metrics_group *g = r->g;

		switch (f->source) {
		case SRC_HIST:
			histogram(out, f, r);
			break;
		case SRC_INFO:
			info(out, f, r);
			break;
		case SRC_FROZEN:
			if (g->has_info)
				sample(out, f, &f->series[0], r,
				       !!(g->flags & KCG_GROUP_FLAG_FROZEN), false);
			break;
		case SRC_LIMIT:
			if (limit_value(g->limits, f->series[0].id, &v))
				sample(out, f, &f->series[0], r, v,
				       f->series[0].id != LIMIT_CPU_WEIGHT &&
				       f->series[0].id != LIMIT_CPU_PERIOD);
			break;
		default:
			for (size_t j = 0; j < ARRAY_SIZE(f->series) && f->series[j].id; j++)
				if (g->counters.has[f->series[j].id])
					sample(out, f, &f->series[j], r,
					       g->counters.value[f->series[j].id], false);
			break;
		}
	}
}

int metrics_write(FILE *out, const struct metrics_group *groups, size_t count)
{
	struct row *rows = calloc(count ? count : 1, sizeof(*rows));
	int err = 0;

	if (!rows)
		return -ENOMEM;
	for (size_t i = 0; i < count && !err; i++) {
		char *buf = NULL;
		size_t len;
		FILE *m = open_memstream(&buf, &len);

		if (!m) {
			err = -ENOMEM;
			break;
		}
		render_labels(m, &groups[i]);
		if (fclose(m))
			err = -ENOMEM;
		rows[i].g = &groups[i];
		rows[i].labels = buf;
	}
	/* One lock for the whole text, not one per field (51 lines per group). */
	flockfile(out);
	for (size_t i = 0; i < ARRAY_SIZE(families) && !err; i++)
		family(out, &families[i], rows, count);
	funlockfile(out);
	for (size_t i = 0; i < count; i++)
		free((char *)rows[i].labels);
	free(rows);
	if (!err && ferror(out))
		err = -EIO;
	return err;
}
