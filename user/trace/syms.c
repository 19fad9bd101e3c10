// SPDX-License-Identifier: GPL-2.0-or-later
/* Symbols for kcg trace offcpu: see syms.h. */
#include <elfutils/libdwfl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "syms.h"

struct sym {
	uint64_t addr;
	char *name;
};

struct ksyms {
	struct sym *syms;
	size_t n;
};

static int by_addr(const void *a, const void *b)
{
	const struct sym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

struct ksyms *ksyms_load(void)
{
	struct ksyms *ks = calloc(1, sizeof(*ks));
	char line[512], name[256], type;
	size_t cap = 0;
	uint64_t addr;
	bool nonzero = false;
	FILE *f;

	f = fopen("/proc/kallsyms", "re");
	if (!ks || !f) {
		free(ks);
		if (f)
			fclose(f);
		return NULL;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%" SCNx64 " %c %255s", &addr, &type, name) != 3)
			continue;
		/* Code only: a stack holds return addresses. */
		if (type != 't' && type != 'T' && type != 'w' && type != 'W')
			continue;
		if (ks->n == cap) {
			struct sym *grown = realloc(ks->syms, (cap ? cap * 2 : 4096) * sizeof(*grown));

			if (!grown)
				break;
			ks->syms = grown;
			cap = cap ? cap * 2 : 4096;
		}
		ks->syms[ks->n].addr = addr;
		ks->syms[ks->n].name = strdup(name);
		if (!ks->syms[ks->n].name)
			break;
		nonzero |= addr != 0;
		ks->n++;
	}
	fclose(f);
	if (!nonzero) {
		/* kptr_restrict hides the addresses: symbols would all be wrong. */
		ksyms_free(ks);
		return NULL;
	}
	qsort(ks->syms, ks->n, sizeof(*ks->syms), by_addr);
	return ks;
}

void ksyms_free(struct ksyms *ks)
{
	if (!ks)
		return;
	for (size_t i = 0; i < ks->n; i++)
		free(ks->syms[i].name);
	free(ks->syms);
	free(ks);
}

void ksyms_name(const struct ksyms *ks, uint64_t addr, char *buf, size_t len)
{
	size_t lo = 0, hi = ks ? ks->n : 0;

	/* The last symbol at or below addr. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ks->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		snprintf(buf, len, "0x%" PRIx64, addr);
	else
		snprintf(buf, len, "%s+0x%" PRIx64, ks->syms[lo - 1].name, addr - ks->syms[lo - 1].addr);
}

struct umap {
	uint64_t start, end, offset;
	char *path;
};

struct umaps {
	struct umap *maps;
	size_t n;
	Dwfl *dwfl;	/* the process's ELF files, as elfutils reads them */
};

static const Dwfl_Callbacks dwfl_callbacks = {
	.find_elf = dwfl_linux_proc_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
};

/* Symbol tables of pid's mapped files (.symtab, else .dynsym); NULL if none. */
static Dwfl *dwfl_of(pid_t pid)
{
	Dwfl *dwfl = dwfl_begin(&dwfl_callbacks);

	if (!dwfl)
		return NULL;
	if (dwfl_linux_proc_report(dwfl, pid) || dwfl_report_end(dwfl, NULL, NULL)) {
		dwfl_end(dwfl);
		return NULL;
	}
	return dwfl;
}

struct umaps *umaps_load(pid_t pid)
{
	char file[64], line[4096 + 128], path[4096];
	struct umaps *m = calloc(1, sizeof(*m));
	uint64_t start, end, offset;
	size_t cap = 0;
	FILE *f;

	snprintf(file, sizeof(file), "/proc/%d/maps", (int)pid);
	f = fopen(file, "re");
	if (!m || !f) {
		free(m);
		if (f)
			fclose(f);
		return NULL;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %*s %" SCNx64 " %*s %*s %4095[^\n]",
			   &start, &end, &offset, path) != 4)
			continue;
		if (m->n == cap) {
			struct umap *grown = realloc(m->maps, (cap ? cap * 2 : 64) * sizeof(*grown));

			if (!grown)
				break;
			m->maps = grown;
			cap = cap ? cap * 2 : 64;
		}
		m->maps[m->n] = (struct umap){ start, end, offset, strdup(path) };
		if (!m->maps[m->n].path)
			break;
		m->n++;
	}
	fclose(f);
	m->dwfl = dwfl_of(pid);
	return m;
}

void umaps_free(struct umaps *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++)
		free(m->maps[i].path);
	free(m->maps);
	if (m->dwfl)
		dwfl_end(m->dwfl);
	free(m);
}

void umaps_name(const struct umaps *m, uint64_t addr, char *buf, size_t len)
{
	for (size_t i = 0; m && i < m->n; i++) {
		const struct umap *u = &m->maps[i];

		if (addr >= u->start && addr < u->end) {
			Dwfl_Module *mod = m->dwfl ? dwfl_addrmodule(m->dwfl, addr) : NULL;
			const char *sym = NULL;
			GElf_Off off = 0;
			GElf_Sym elf_sym;

			if (mod)
				sym = dwfl_module_addrinfo(mod, addr, &off, &elf_sym, NULL, NULL, NULL);
			if (sym)
				snprintf(buf, len, "%s+0x%" PRIx64 " (%s+0x%" PRIx64 ")", sym, (uint64_t)off,
					 u->path, addr - u->start + u->offset);
			else
				snprintf(buf, len, "%s+0x%" PRIx64, u->path, addr - u->start + u->offset);
			return;
		}
	}
	snprintf(buf, len, "0x%" PRIx64, addr);
}
