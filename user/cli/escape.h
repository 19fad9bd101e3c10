/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Untrusted text (comm, cgroup paths, names and messages from the module)
 * written so that it can neither drive a terminal nor break JSON. The exact
 * rules are in kcg(8), OUTPUT, and docs/design.md.
 */
#ifndef KCG_ESCAPE_H
#define KCG_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * Text: printable ASCII and valid UTF-8 of characters that are not hidden
 * pass; a backslash is "\\"; every byte of a hidden character (C0, DEL, C1,
 * the invisible formatting characters) and every byte that is not valid
 * UTF-8 is "\xHH". Reversible: each escape stands for exactly one byte.
 * Returns the characters written (code points, each escape counting its
 * ASCII characters), the width for column alignment. out NULL only counts.
 */
size_t escape_text(FILE *out, const char *s);

/*
 * The inside of a JSON string (no quotes): '"' and '\\' escaped, hidden
 * characters as \u00XX or \uXXXX, each maximal ill-formed UTF-8 subpart as one
 * \ufffd (as Python's and WHATWG's decoders replace them). Always valid JSON
 * and valid UTF-8.
 */
void escape_json(FILE *out, const char *s);

/*
 * Valid UTF-8 at s: its length (1..4) with *cp set; 0 if not valid, with
 * *bad the length of the maximal ill-formed subpart (1..3). Reads no further
 * than the first byte that does not fit, so never past a NUL.
 */
size_t utf8_decode(const unsigned char *s, uint32_t *cp, size_t *bad);

/* Code points that text shows escaped and JSON as \u: see escape_text(). */
bool escape_is_hidden(uint32_t cp);

#endif /* KCG_ESCAPE_H */
