// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The fuzzer's own safety and judgement, on the host: the confinement check
 * refuses every request that could reach beyond the fuzzer's prefix, the
 * generator replays from a seed and stays inside its confinement, and the
 * reply checker flags answers that break netlink or the spec.
 */
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "confine.h"
#include "fuzz.h"
#include "tap.h"

#define FAMILY 0x20

static uint8_t buf[FZ_MSG_MAX];
static struct fz_buf b = { .data = buf, .cap = sizeof(buf) };
static volatile uint32_t workload[FZ_WORKLOAD_MAX] = { 4242 };
static struct fz_confine on = { .on = true, .prefix = "fz7", .family = FAMILY,
				      .pids = workload, .n_pids = FZ_WORKLOAD_MAX };
static struct fz_confine off = { .on = false, .prefix = "fz7", .family = FAMILY };

static uint16_t attr_id(const char *op_name, const char *attr)
{
	return fz_attr_by_name(&fz_sets[fz_op_by_name(op_name)->set], attr)->id;
}

/* One request: op (by name, or cmd if op is NULL), a string attribute and a pid. */
static size_t request(uint16_t type, const char *op_name, int cmd, const char *attr,
		      const char *value, size_t value_len, uint32_t pid)
{
	const struct fz_op *op = fz_op_by_name(op_name);
	size_t start = fz_msg_begin(&b, type, NLM_F_REQUEST | NLM_F_ACK, 1,
				    cmd >= 0 ? (uint8_t)cmd : op->cmd, 1);

	if (value)
		fz_put_attr(&b, attr_id(op_name, attr), value, value_len);
	if (pid)
		fz_put_attr(&b, attr_id("task-attach", "pid"), &pid, 4);
	fz_msg_end(&b, start);
	return b.len;
}

static const char *check(const struct fz_confine *c)
{
	const char *why = fz_confine_check(c, buf, b.len);

	b.len = 0;
	return why;
}

#define STR(s) (s), sizeof(s)

static void confinement(void)
{
	request(FAMILY, "group-del", -1, "name", STR("fz7/a"), 0);
	CHECK(!check(&on), "deleting a group under the prefix is allowed");
	request(FAMILY, "group-new", -1, "name", STR("fz7-x"), 0);
	CHECK(!check(&on), "a sibling top-level name under the prefix is allowed");
	request(FAMILY, "group-del", -1, "name", STR("fz77/a"), 0);
	CHECK(check(&on), "fz7 does not claim fz77");
	request(FAMILY, "group-kill", -1, "name", STR("t15"), 0);
	CHECK(check(&on), "killing somebody else's group is refused");
	request(FAMILY, "group-del", -1, "name", STR("fz7/../t15"), 0);
	CHECK(check(&on), "'..' is refused even under the prefix");
	request(FAMILY, "group-del", -1, "name", "fz7/a", 5, 0);
	CHECK(check(&on), "a name without its NUL is refused");
	request(FAMILY, "group-get", -1, "name", STR("t15"), 0);
	CHECK(!check(&on), "reading somebody else's group is allowed");
	request(FAMILY, "group-get", fz_op_by_name("group-del")->cmd, "name", STR("t15"), 0);
	CHECK(check(&on), "a get whose cmd byte says delete is judged as a delete");
	request(FAMILY, "group-get", 200, "name", STR("t15"), 0);
	CHECK(check(&on), "an unknown cmd is refused when privileged");
	request(FAMILY, "group-new", -1, "name", STR("fz7/a"), 0);
	request(FAMILY, "group-freeze", -1, "name", STR("kcg-other"), 0);
	CHECK(check(&on), "a bad request later in a batch is found");
	request(FAMILY, "group-del", -1, "name", STR("fz7/a"), 0);
	memcpy(buf, &(uint32_t){ 8 }, 4);	/* nlmsg_len too short: never processed */
	request(FAMILY, "group-freeze", -1, "name", STR("kcg-other"), 0);
	CHECK(!check(&on), "a batch the kernel stops reading early is judged as the kernel reads it");
	request(0x30, "group-get", -1, "name", STR("fz7"), 0);
	CHECK(check(&off), "another family is refused even unprivileged");
	request(NLMSG_NOOP, "group-del", -1, "name", STR("t15"), 0);
	CHECK(!check(&on), "control types are only acknowledged");
	request(FAMILY, "task-attach", -1, "name", STR("fz7/a"), 4242);
	CHECK(!check(&on), "moving the fuzzer's own workload is allowed");
	request(FAMILY, "task-attach", -1, "name", STR("fz7/a"), 1);
	CHECK(check(&on), "moving pid 1 is refused");
	request(FAMILY, "task-attach", -1, "name", STR("fz7/a"), 0xffffffff);
	CHECK(!check(&on), "a pid no process can have is allowed");
	request(FAMILY, "task-attach", -1, "name", STR("fz7/a"), 0);
	fz_put_attr(&b, attr_id("task-attach", "pid") | NLA_F_NESTED, &(uint32_t){ 1 }, 4);
	fz_msg_end(&b, 0);
	CHECK(check(&on), "flag bits on an attribute type do not hide a pid");
	request(FAMILY, "group-adopt", -1, "cgroup-path", STR("/fz7-cg0"), 0);
	CHECK(!check(&on), "adopting the fuzzer's own cgroup is allowed");
	request(FAMILY, "group-adopt", -1, "cgroup-path", STR("/system.slice"), 0);
	CHECK(check(&on), "adopting another cgroup is refused");
	request(FAMILY, "group-adopt", -1, "cgroup-path", STR("/fz7-cg0/.."), 0);
	CHECK(check(&on), "a path that climbs out is refused");
	request(FAMILY, "group-del", -1, "name", STR("t15"), 0);
	CHECK(!check(&off), "unprivileged, the kernel is the judge");
}

static uint64_t stream_hash(uint64_t seed, bool as_root, unsigned int *refused)
{
	static struct fz_shared *sh;
	struct fz_config cfg = { .seed = seed, .dry_run = true, .privileged = as_root,
				 .prefix = "fz7" };
	struct fz_stats st = { 0 };
	struct fz_worker w = { .rng = { seed }, .cfg = &cfg, .confine = as_root ? &on : &off,
			       .family = FAMILY, .st = &st };
	struct fz_sock s = { .fd = -1 };
	uint64_t h = 1469598103934665603ULL;
	unsigned int i;
	size_t k;

	if (!sh)
		sh = calloc(1, sizeof(*sh));
	sh->workload[0] = 4242;
	w.sh = sh;
	w.msg = b;
	fz_gen_init(&w);
	*refused = 0;
	for (i = 0; i < 4000; i++) {
		const struct fz_op *op = &fz_ops[fz_below(&w.rng, fz_n_ops)];

		if (!op->has_do && !op->has_dump)
			continue;
		fz_gen_request(&w, &s, op, op->has_dump && fz_chance(&w.rng, 50), 70);
		for (k = 0; k < w.msg.len; k++)
			h = (h ^ w.msg.data[k]) * 1099511628211ULL;
		*refused += fz_confine_check(w.confine, w.msg.data, w.msg.len) != NULL;
		w.msg.len = 0;
		w.n_built = 0;
	}
	return h;
}

static void generator(void)
{
	unsigned int refused, again;
	uint64_t one = stream_hash(42, false, &refused);

	CHECK(one == stream_hash(42, false, &again), "a seed replays the same requests");
	CHECK(one != stream_hash(43, false, &again), "another seed makes other requests");
	stream_hash(42, true, &refused);
	printf("# confined: %u of 4000 requests kept back\n", refused);
	CHECK(refused < 40, "confined, the generator rarely makes what confinement refuses");
}

/*
 * Replies as the kernel would send them, through a socketpair; sent, when
 * given, is the request they answer (its seq must be last_seq).
 */
static uint64_t judge_sent(const void *reply, size_t len, uint32_t last_seq,
			   const uint8_t *sent, size_t sent_len)
{
	struct fz_config cfg = { .prefix = "fz7" };
	struct fz_stats st = { 0 };
	static uint8_t rx[FZ_RX_MAX];
	struct fz_worker w = { .cfg = &cfg, .confine = &off, .family = FAMILY, .st = &st,
			       .rx = rx, .index = 0 };
	struct fz_sock s = { .seq = last_seq };
	uint64_t total = 0;
	unsigned int i;
	int sv[2];

	if (sent) {
		w.sent = sent;
		w.sent_len = sent_len;
		w.sent_sock = &s;
		s.n_expect = 1;
		s.expect[0] = last_seq;
		s.expect_cmd[0] = sent[NLMSG_HDRLEN];
	}

	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv))
		return ~0ULL;
	if (write(sv[1], reply, len) != (ssize_t)len)
		return ~0ULL;
	s.fd = sv[0];
	fz_recv_one(&w, &s, 1000);
	close(sv[0]);
	close(sv[1]);
	for (i = 0; i < FZ_F_N; i++)
		total += st.findings[i];
	return total;
}

static uint64_t judge(const void *reply, size_t len, uint32_t last_seq)
{
	return judge_sent(reply, len, last_seq, NULL, 0);
}

static size_t kcg_reply(const char *op_name, uint16_t attr, const void *value, size_t len)
{
	size_t start = fz_msg_begin(&b, FAMILY, 0, 3, fz_op_by_name(op_name)->cmd, 1);

	fz_put_attr(&b, attr, value, len);
	fz_msg_end(&b, start);
	return b.len;
}

static void replies(void)
{
	struct { struct nlmsghdr h; struct nlmsgerr e; } ack = {
		{ sizeof(ack), NLMSG_ERROR, NLM_F_CAPPED, 3, 0 }, { 0, { 16, FAMILY, 5, 3, 0 } } };
	uint16_t name = attr_id("group-get", "name");

	fprintf(stderr, "(findings printed below are expected)\n");
	CHECK(judge(&ack, sizeof(ack), 3) == 0, "a plain ack passes");
	CHECK(judge(&ack, sizeof(ack), 2) == 1, "an answer to a seq never sent is a finding");
	ack.e.error = 5;
	CHECK(judge(&ack, sizeof(ack), 3) == 1, "a positive error code is a finding");
	ack.e.error = 0;
	ack.h.nlmsg_len = 200;
	CHECK(judge(&ack, sizeof(ack), 3) == 1, "a message longer than its datagram is a finding");
	kcg_reply("group-get", name, STR("fz7/a"));
	CHECK(judge(buf, b.len, 3) == 0, "a group reply with its name passes");
	b.len = 0;
	kcg_reply("group-get", name, "fz7/a", 5);
	CHECK(judge(buf, b.len, 3) == 1, "a string without its NUL is a finding");
	b.len = 0;
	kcg_reply("group-get", name, STR("fz7/\xff\xfe"));
	CHECK(judge(buf, b.len, 3) == 1, "a name outside the spec's grammar is a finding");
	b.len = 0;
	kcg_reply("group-get", name, STR("fz7/.."));
	CHECK(judge(buf, b.len, 3) == 1, "a name with a '..' level is a finding");
	b.len = 0;
	ack.h.nlmsg_len = sizeof(ack);
	request(FAMILY, "group-new", -1, "name", STR("fz7/caf\xe9"), 0);
	memcpy(&((struct nlmsghdr *)buf)->nlmsg_seq, &(uint32_t){ 3 }, 4);
	{
		static uint8_t sent[256];
		size_t sent_len = b.len;

		memcpy(sent, buf, sent_len);
		b.len = 0;
		CHECK(judge_sent(&ack, sizeof(ack), 3, sent, sent_len) == 1,
		      "a group made with a name outside the grammar is a finding");
		memcpy(sent + 24, "fz7/cafe", 8);
		CHECK(judge_sent(&ack, sizeof(ack), 3, sent, sent_len) == 0,
		      "a group made with a good name is not");
	}
	kcg_reply("group-get", 60, STR("x"));
	CHECK(judge(buf, b.len, 3) == 1, "an attribute the spec does not have is a finding");
	b.len = 0;
	kcg_reply("group-get", attr_id("group-get", "owner"), "\1\0", 2);
	CHECK(judge(buf, b.len, 3) == 1, "a u32 of two bytes is a finding");
	b.len = 0;
	kcg_reply("group-get", attr_id("group-get", "force"), NULL, 0);
	CHECK(judge(buf, b.len, 3) == 1, "an attribute the op's reply does not list is a finding");
	b.len = 0;
	kcg_reply("event", attr_id("event", "type"), &(uint32_t){ 99 }, 4);
	CHECK(judge(buf, b.len, 3) == 1, "an event type outside the enum is a finding");
	b.len = 0;
	kcg_reply("group-del", name, STR("fz7"));
	CHECK(judge(buf, b.len, 3) == 1, "a reply from an op that has none is a finding");
	b.len = 0;
}

int main(void)
{
	confinement();
	generator();
	replies();
	TAP_EXIT();
}
