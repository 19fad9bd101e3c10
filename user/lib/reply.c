// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Pieces every op's request and reply share: string checks and copies,
 * the growable list that dumps fill, and the dump loop that retries when a
 * concurrent change interrupted it (NLM_F_DUMP_INTR).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netlink/attr.h>
#include <netlink/msg.h>

#include "internal.h"

/* A dump interrupted by concurrent changes is retried this many times. */
#define DUMP_ATTEMPTS 5

int kcg_dup_string(const struct nlattr *attr, char **out)
{
	if (!attr)
		return 0;
	*out = strdup(nla_get_string((struct nlattr *)attr));
	return *out ? 0 : -ENOMEM;
}

int kcg_check_string(const char *s, size_t max)
{
	if (!s)
		return -EINVAL;
	return strlen(s) > max ? -ENAMETOOLONG : 0;
}

int kcg_put_failed(struct nl_msg *msg)
{
	nlmsg_free(msg);
	return -EMSGSIZE;
}

int kcg_list_append(struct kcg_list *list, void *item)
{
	if (list->count == list->capacity) {
		size_t capacity = list->capacity ? 2 * list->capacity : 32;
		void **grown = realloc(list->items, capacity * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		list->items = grown;
		list->capacity = capacity;
	}
	list->items[list->count++] = item;
	return 0;
}

void kcg_list_release(struct kcg_list *list, void (*free_item)(void *item))
{
	for (size_t i = 0; i < list->count; i++)
		free_item(list->items[i]);
	free(list->items);
	memset(list, 0, sizeof(*list));
}

struct dump_state {
	const struct kcg_dump *dump;
	struct kcg_list *list;
};

static int parse_dump_entry(struct nlattr **tb, void *arg)
{
	struct dump_state *state = arg;
	void *item;
	int err = state->dump->parse(tb, &item);

	if (err)
		return err;
	err = kcg_list_append(state->list, item);
	if (err)
		state->dump->free_item(item);
	return err;
}

static int dump_once(struct kcg *k, const struct kcg_dump *d, struct kcg_list *list)
{
	struct dump_state state = { .dump = d, .list = list };
	const struct kcg_reply reply = {
		.policy = d->policy,
		.maxattr = d->maxattr,
		.parse = parse_dump_entry,
		.arg = &state,
	};
	struct nl_msg *msg = kcg_msg_new(k, d->cmd, NLM_F_DUMP);

	if (!msg)
		return -ENOMEM;
	if (d->filter && nla_put_string(msg, d->filter_attr, d->filter) < 0)
		return kcg_put_failed(msg);
	return kcg_transact(k, msg, &reply);
}

int kcg_dump_run(struct kcg *k, const struct kcg_dump *d, struct kcg_list *out)
{
	int err = -EAGAIN;

	memset(out, 0, sizeof(*out));
	if (d->filter && kcg_check_string(d->filter, KCG_NAME_MAX))
		return -ENAMETOOLONG;
	/* A partial list from an interrupted attempt is dropped, never merged. */
	for (int attempt = 0; attempt < DUMP_ATTEMPTS && err == -EAGAIN; attempt++) {
		kcg_list_release(out, d->free_item);
		err = dump_once(k, d, out);
	}
	if (err)
		kcg_list_release(out, d->free_item);
	return err;
}
