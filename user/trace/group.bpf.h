/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The group filter every kcg trace program uses: is a task in the traced
 * cgroup or below it. The CLI sets the cgroup's id and level before load.
 * Done here, in the program, so nothing outside the group reaches a map.
 */
#ifndef KCG_TRACE_GROUP_BPF_H
#define KCG_TRACE_GROUP_BPF_H

const volatile __u64 target_cgid;
const volatile int target_level;

/*
 * A cgroup keeps the ids of its ancestors, indexed by level: an array of
 * ids up to 6.1, of pointers since 6.2. Both shapes, picked at load time.
 */
struct cgroup___ids {
	int level;
	__u64 ancestor_ids[];
} __attribute__((preserve_access_index));

struct cgroup___ptrs {
	int level;
	struct cgroup *ancestors[];
} __attribute__((preserve_access_index));

static __always_inline bool task_in_group(struct task_struct *task)
{
	struct cgroup *cgrp = BPF_CORE_READ(task, cgroups, dfl_cgrp);
	int level = target_level;
	__u64 id = 0;

	if (!cgrp || BPF_CORE_READ(cgrp, level) < level || level < 0 || level > 4096)
		return false;
	if (bpf_core_field_exists(struct cgroup___ptrs, ancestors)) {
		struct cgroup___ptrs *c = (void *)cgrp;
		struct cgroup *anc = NULL;

		bpf_core_read(&anc, sizeof(anc), &c->ancestors[level]);
		if (!anc)
			return false;
		id = BPF_CORE_READ(anc, kn, id);
	} else {
		struct cgroup___ids *c = (void *)cgrp;

		bpf_core_read(&id, sizeof(id), &c->ancestor_ids[level]);
	}
	return id == target_cgid;
}

#endif /* KCG_TRACE_GROUP_BPF_H */
