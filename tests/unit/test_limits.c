// SPDX-License-Identifier: GPL-2.0-or-later
/* libkcg encodes limits as the kernel's strict policy wants and reads them back. */
#include <errno.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "internal.h"
#include "tap.h"

int main(void)
{
	struct kcg_limits *in = kcg_limits_new(), out = { 0 };
	const struct kcg_io_max io = { .major = 8, .minor = 16, .rbps = 1 << 20,
				       .wiops = KCG_LIMIT_MAX };
	struct nl_msg *msg = nlmsg_alloc();
	struct nlattr *nest, *pos;
	uint64_t quota = 0, period = 1, value = 0;
	uint32_t weight = 0;
	int rem, io_nests = 0;

	kcg_limits_set_cpu_max(in, 50000, 0);
	kcg_limits_set_cpu_weight(in, 200);
	kcg_limits_set_memory_max(in, 256 << 20);
	kcg_limits_set_pids_max(in, KCG_LIMIT_MAX);
	CHECK(kcg_limits_set_cpuset_cpus(in, "0-3,6") == 0, "cpuset list accepted");
	kcg_limits_set_memory_low(in, KCG_LIMIT_MAX);
	kcg_limits_set_memory_min(in, 64 << 20);
	kcg_limits_set_memory_swap_max(in, 0);
	CHECK(kcg_limits_set_cpuset_mems(in, "0") == 0, "cpuset.mems list accepted");
	kcg_limits_set_io_weight(in, 300);
	kcg_limits_set_cpu_idle(in, true);
	CHECK(kcg_limits_add_io_max(in, &io) == 0, "first io.max line");
	CHECK(kcg_limits_add_io_max(in, &(struct kcg_io_max){ .major = 8, .minor = 0,
							       .wbps = 4096 }) == 0,
	      "second io.max line");
	CHECK(!kcg_limits_get_memory_high(in, &value), "an unset limit is absent");

	char long_list[300];
	memset(long_list, '1', sizeof(long_list) - 1);
	long_list[sizeof(long_list) - 1] = '\0';
	CHECK(kcg_limits_set_cpuset_cpus(in, long_list) == -ERANGE, "cpuset over 255 refused");
	CHECK_STR(kcg_limits_get_cpuset_cpus(in), "0-3,6", "a refused cpuset keeps the old one");
	CHECK(kcg_limits_set_cpuset_mems(in, long_list) == -ERANGE, "cpuset.mems over 255 refused");
	CHECK_STR(kcg_limits_get_cpuset_mems(in), "0", "a refused mems list keeps the old one");

	CHECK(kcg_limits_put(msg, KCG_A_GROUP_LIMITS, in) == 0, "limits encode");
	nest = nlmsg_find_attr(nlmsg_hdr(msg), 0, KCG_A_GROUP_LIMITS);
	CHECK(nest && (nest->nla_type & NLA_F_NESTED), "the limits nest is flagged NLA_F_NESTED");
	CHECK(nest && !nla_find(nla_data(nest), nla_len(nest), KCG_A_LIMITS_MEMORY_HIGH),
	      "absent limits are not sent");
	CHECK(nest && !nla_find(nla_data(nest), nla_len(nest), KCG_A_LIMITS_CPU_MAX_PERIOD),
	      "period 0 is not sent (unchanged)");
	if (nest) {
		nla_for_each_nested(pos, nest, rem) {
			if (nla_type(pos) != KCG_A_LIMITS_IO_MAX)
				continue;
			io_nests++;
			CHECK(pos->nla_type & NLA_F_NESTED, "io-max nest is flagged NLA_F_NESTED");
			CHECK(!nla_find(nla_data(pos), nla_len(pos), KCG_A_IO_MAX_RIOPS),
			      "unset io rates are not sent");
		}
	}
	CHECK(io_nests == 2, "one io-max nest per device");
	pos = nest ? nla_find(nla_data(nest), nla_len(nest), KCG_A_LIMITS_IO_WEIGHT) : NULL;
	CHECK(pos && nla_len(pos) == 4 && nla_get_u32(pos) == 300, "io-weight goes as a u32");
	pos = nest ? nla_find(nla_data(nest), nla_len(nest), KCG_A_LIMITS_CPU_IDLE) : NULL;
	CHECK(pos && nla_len(pos) == 4 && nla_get_u32(pos) == 1, "cpu-idle goes as a u32");
	pos = nest ? nla_find(nla_data(nest), nla_len(nest), KCG_A_LIMITS_MEMORY_SWAP_MAX) : NULL;
	CHECK(pos && nla_len(pos) == 8 && nla_get_u64(pos) == 0,
	      "memory-swap-max 0 is sent (0 is a limit, not unset)");

	CHECK(nest && kcg_limits_parse(&out, nest) == 0, "limits parse back");
	CHECK(kcg_limits_get_cpu_max(&out, &quota, &period) && quota == 50000 && period == 0,
	      "cpu.max quota without period");
	CHECK(kcg_limits_get_cpu_weight(&out, &weight) && weight == 200, "cpu.weight");
	CHECK(kcg_limits_get_memory_max(&out, &value) && value == 256 << 20, "memory.max");
	CHECK(kcg_limits_get_pids_max(&out, &value) && value == KCG_LIMIT_MAX, "pids.max max");
	CHECK(kcg_limits_get_memory_low(&out, &value) && value == KCG_LIMIT_MAX, "memory.low max");
	CHECK(!kcg_limits_get_memory_high(&out, &value), "memory.high stays absent");
	CHECK(kcg_limits_get_memory_min(&out, &value) && value == 64 << 20, "memory.min");
	CHECK(kcg_limits_get_memory_swap_max(&out, &value) && value == 0, "memory.swap.max 0");
	CHECK_STR(kcg_limits_get_cpuset_mems(&out), "0", "cpuset.mems");
	CHECK(kcg_limits_get_io_weight(&out, &weight) && weight == 300, "io.weight");
	bool idle = false;
	CHECK(kcg_limits_get_cpu_idle(&out, &idle) && idle, "cpu.idle");
	CHECK_STR(kcg_limits_get_cpuset_cpus(&out), "0-3,6", "cpuset.cpus");
	CHECK(kcg_limits_io_max_count(&out) == 2, "both io.max lines");
	const struct kcg_io_max *first = kcg_limits_io_max_at(&out, 0);
	CHECK(first && first->major == 8 && first->minor == 16 && first->rbps == 1 << 20 &&
	      first->wbps == KCG_IO_UNSET && first->wiops == KCG_LIMIT_MAX,
	      "io.max rates, unset and max kept apart");
	CHECK(kcg_limits_io_max_at(&out, 2) == NULL, "io.max index past the end");

	kcg_limits_release(&out);
	kcg_limits_free(in);
	nlmsg_free(msg);
	TAP_EXIT();
}
