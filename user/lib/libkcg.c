// SPDX-License-Identifier: LGPL-2.1-or-later
/* libkcg core: socket, family resolution, request/reply plumbing. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <linux/kcg.h>

#include "internal.h"

int kcg_errno_from_nl(int nlerr)
{
	/* The inverse of libnl's nl_syserr2nlerr() where it is one to one. */
	static const int errnos[] = {
		[NLE_INTR]		= EINTR,
		[NLE_BAD_SOCK]		= EBADF,
		[NLE_AGAIN]		= EAGAIN,
		[NLE_NOMEM]		= ENOMEM,
		[NLE_EXIST]		= EEXIST,
		[NLE_INVAL]		= EINVAL,
		[NLE_RANGE]		= ERANGE,
		[NLE_MSGSIZE]		= EMSGSIZE,
		[NLE_OPNOTSUPP]		= EOPNOTSUPP,
		[NLE_AF_NOSUPPORT]	= EAFNOSUPPORT,
		[NLE_OBJ_NOTFOUND]	= ENOENT,
		[NLE_NOADDR]		= EADDRNOTAVAIL,
		[NLE_BUSY]		= EBUSY,
		[NLE_PROTO_MISMATCH]	= EPROTONOSUPPORT,
		[NLE_NOACCESS]		= EACCES,
		[NLE_PERM]		= EPERM,
		[NLE_NODEV]		= ENODEV,
	};
	int e = nlerr < 0 ? -nlerr : nlerr;

	if (e > 0 && (size_t)e < sizeof(errnos) / sizeof(errnos[0]) && errnos[e])
		return -errnos[e];
	return -EIO;
}

/* genl_connect(), with the errno of the failure as a negative number. */
int kcg_connect(struct nl_sock *sock)
{
	int err;

	errno = 0;
	err = genl_connect(sock);
	if (err >= 0)
		return 0;
	/*
	 * libnl folds errors it has no code for (EMFILE, ENOBUFS) into one;
	 * the errno of socket() or bind() is still there.
	 */
	return errno ? -errno : kcg_errno_from_nl(err);
}

int kcg_open(struct kcg **handle)
{
	struct kcg *k;
	int err, one = 1;

	k = calloc(1, sizeof(*k));
	if (!k)
		return -ENOMEM;
	k->sock = nl_socket_alloc();
	if (!k->sock) {
		free(k);
		return -ENOMEM;
	}
	err = kcg_connect(k->sock);
	if (err)
		goto fail;
	/* libnl leaves extended ACK off; the module's messages need it. */
	setsockopt(nl_socket_get_fd(k->sock), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(k->sock), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));
	/* Only a family the kernel does not know is -ENOENT. */
	k->family = genl_ctrl_resolve(k->sock, KCG_FAMILY_NAME);
	if (k->family < 0) {
		err = kcg_errno_from_nl(k->family);
		goto fail;
	}
	*handle = k;
	return 0;
fail:
	nl_socket_free(k->sock);
	free(k);
	return err;
}

void kcg_close(struct kcg *handle)
{
	if (!handle)
		return;
	kcg_events_close(handle);
	nl_socket_free(handle->sock);
	free(handle);
}

const char *kcg_errmsg(const struct kcg *handle)
{
	return handle && handle->errmsg[0] ? handle->errmsg : NULL;
}

struct nl_msg *kcg_msg_new_sized(struct kcg *k, uint8_t cmd, int flags, size_t payload)
{
	/* The netlink and genetlink headers come on top of the attributes. */
	size_t size = NLMSG_SPACE(GENL_HDRLEN) + payload;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	struct nl_msg *msg = nlmsg_alloc_size(size > page ? size : page);

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, k->family, 0,
			 flags, cmd, KCG_FAMILY_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

struct nl_msg *kcg_msg_new(struct kcg *k, uint8_t cmd, int flags)
{
	return kcg_msg_new_sized(k, cmd, flags, 0);
}

static const struct nla_policy version_policy[KCG_A_VERSION_MAX + 1] = {
	[KCG_A_VERSION_MODULE]	 = { .type = NLA_STRING },
	[KCG_A_VERSION_PROTOCOL] = { .type = NLA_U32 },
	[KCG_A_VERSION_FEATURES] = { .type = NLA_U64 },
};

static int version_parse(struct nlattr **tb, void *arg)
{
	struct kcg_version *v = arg;

	if (tb[KCG_A_VERSION_MODULE])
		nla_strlcpy(v->module, tb[KCG_A_VERSION_MODULE], sizeof(v->module));
	if (tb[KCG_A_VERSION_PROTOCOL])
		v->protocol = nla_get_u32(tb[KCG_A_VERSION_PROTOCOL]);
	if (tb[KCG_A_VERSION_FEATURES])
		v->features = nla_get_u64(tb[KCG_A_VERSION_FEATURES]);
	return 0;
}

int kcg_version_get(struct kcg *k, struct kcg_version *version)
{
	const struct kcg_reply reply = {
		.policy = version_policy,
		.maxattr = KCG_A_VERSION_MAX,
		.parse = version_parse,
		.arg = version,
	};
	struct nl_msg *msg;

	memset(version, 0, sizeof(*version));
	msg = kcg_msg_new(k, KCG_CMD_VERSION_GET, 0);
	if (!msg)
		return -ENOMEM;
	return kcg_transact(k, msg, &reply);
}
