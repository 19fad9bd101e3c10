// SPDX-License-Identifier: GPL-2.0
/*
 * A client of kcg written against the C library that the kernel's
 * ynl-gen-c makes from docs/netlink/kcg.yaml (tests/ynl-check builds it):
 * proof that the generated code speaks to the module. Prints the module's
 * version, every group a dump returns, then subscribes to events (the op
 * whose empty request once made the generated code fail to compile).
 */
#include <stdio.h>
#include <string.h>

#include "ynl.h"
#include "kcg-user.h"

int main(void)
{
	struct kcg_group_get_req_dump *req;
	struct kcg_group_get_list *groups;
	struct kcg_version_get_rsp *version;
	struct ynl_error yerr;
	struct ynl_sock *ys;

	ys = ynl_sock_create(&ynl_kcg_family, &yerr);
	if (!ys) {
		fprintf(stderr, "kcg-ynl: %s\n", yerr.msg);
		return 1;
	}

	version = kcg_version_get(ys);
	if (!version)
		goto fail;
	printf("module %s protocol %u\n", version->module, version->protocol);
	kcg_version_get_rsp_free(version);

	req = kcg_group_get_req_dump_alloc();
	groups = kcg_group_get_dump(ys, req);
	kcg_group_get_req_dump_free(req);
	if (!groups)
		goto fail;
	ynl_dump_foreach(groups, group)
		printf("group %s\n", group->name);
	kcg_group_get_list_free(groups);

	if (kcg_event_subscribe(ys))
		goto fail;
	printf("subscribed\n");
	ynl_sock_destroy(ys);
	return 0;

fail:
	fprintf(stderr, "kcg-ynl: %s\n", ys->err.msg);
	ynl_sock_destroy(ys);
	return 1;
}
