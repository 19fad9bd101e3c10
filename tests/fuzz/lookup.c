// SPDX-License-Identifier: GPL-2.0
/* Lookups in the generated spec tables. */
#include <string.h>

#include "spec.h"

const struct fz_attr *fz_attr_by_id(const struct fz_set *set, unsigned int id)
{
	unsigned int i;

	for (i = 0; i < set->n_attrs; i++)
		if (set->attrs[i].id == id)
			return &set->attrs[i];
	return NULL;
}

const struct fz_attr *fz_attr_by_name(const struct fz_set *set, const char *name)
{
	unsigned int i;

	for (i = 0; i < set->n_attrs; i++)
		if (!strcmp(set->attrs[i].name, name))
			return &set->attrs[i];
	return NULL;
}

const struct fz_op *fz_op_by_cmd(unsigned int cmd)
{
	unsigned int i;

	for (i = 0; i < fz_n_ops; i++)
		if (fz_ops[i].cmd == cmd)
			return &fz_ops[i];
	return NULL;
}

const struct fz_op *fz_op_by_name(const char *name)
{
	unsigned int i;

	for (i = 0; i < fz_n_ops; i++)
		if (!strcmp(fz_ops[i].name, name))
			return &fz_ops[i];
	return NULL;
}

const struct fz_set *fz_set_by_name(const char *name)
{
	unsigned int i;

	for (i = 0; i < fz_n_sets; i++)
		if (!strcmp(fz_sets[i].name, name))
			return &fz_sets[i];
	return NULL;
}
