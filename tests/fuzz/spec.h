/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The protocol as the fuzzer knows it: tables generated from
 * docs/netlink/kcg.yaml by tests/fuzz/gen-spec.
 */
#ifndef FZ_SPEC_H
#define FZ_SPEC_H

#include <stdint.h>

enum fz_type {
	FZ_U8, FZ_U16, FZ_U32, FZ_U64, FZ_S8, FZ_S16, FZ_S32, FZ_S64,
	FZ_UINT, FZ_SINT, FZ_STRING, FZ_FLAG, FZ_NEST, FZ_BINARY, FZ_PAD,
	FZ_BITFIELD32,
};

struct fz_attr {
	const char *name;
	uint16_t id;
	uint8_t type;		/* enum fz_type */
	int16_t nest;		/* index in fz_sets for FZ_NEST, else -1 */
	uint8_t multi, big_endian;
	uint8_t has_min, has_max, has_max_len;
	uint64_t min, max;	/* checks; signed types store two's complement */
	uint32_t min_len, max_len;
	uint8_t has_enum, enum_flags;
	uint32_t enum_first, enum_last;
	uint64_t enum_mask;
};

struct fz_set {
	const char *name;
	const struct fz_attr *attrs;
	uint16_t n_attrs;
	uint16_t max;		/* highest attribute id */
};

struct fz_op {
	const char *name;
	uint8_t cmd;
	int16_t set;
	uint8_t has_do, has_dump, is_event, readonly;
	const uint16_t *do_req, *dump_req, *reply;
	uint16_t n_do_req, n_dump_req, n_reply;
};

extern const struct fz_set fz_sets[];
extern const unsigned int fz_n_sets;
extern const struct fz_op fz_ops[];
extern const unsigned int fz_n_ops;
extern const char fz_family_name[];
extern const unsigned int fz_family_version;
extern const char *const fz_mcgrps[];
extern const unsigned int fz_n_mcgrps;

/* Lookups; NULL when absent. */
const struct fz_attr *fz_attr_by_id(const struct fz_set *set, unsigned int id);
const struct fz_attr *fz_attr_by_name(const struct fz_set *set, const char *name);
const struct fz_op *fz_op_by_cmd(unsigned int cmd);
const struct fz_op *fz_op_by_name(const char *name);
const struct fz_set *fz_set_by_name(const char *name);

#endif
