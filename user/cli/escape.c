// SPDX-License-Identifier: GPL-2.0-or-later
/* Escaping of untrusted text for terminals and JSON; see escape.h. */
#include "escape.h"

size_t utf8_decode(const unsigned char *s, uint32_t *cp, size_t *bad)
{
	/* Well-formed sequences, Unicode table 3-7: range of the second byte by lead. */
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len, i;
	uint32_t c;

	*bad = 1;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		c = s[0] & 0x0f;
		if (s[0] == 0xe0)
			lo = 0xa0;	/* shorter forms are overlong */
		else if (s[0] == 0xed)
			hi = 0x9f;	/* D800..DFFF are surrogates */
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07;
		if (s[0] == 0xf0)
			lo = 0x90;	/* overlong */
		else if (s[0] == 0xf4)
			hi = 0x8f;	/* past U+10FFFF */
	} else {
		/* A continuation byte, C0/C1 (overlong) or F5..FF. */
		return 0;
	}
	for (i = 1; i < len; i++) {
		/* A NUL is out of range too: nothing past it is read. */
		if (s[i] < lo || s[i] > hi) {
			*bad = i;
			return 0;
		}
		c = c << 6 | (s[i] & 0x3f);
		lo = 0x80;
		hi = 0xbf;
	}
	*cp = c;
	return len;
}

bool escape_is_hidden(uint32_t cp)
{
	return cp < 0x20 ||			/* C0 */
	       (cp >= 0x7f && cp <= 0x9f) ||	/* DEL, C1 (CSI is 0x9b) */
	       cp == 0x061c ||			/* Arabic letter mark */
	       (cp >= 0x200b && cp <= 0x200f) ||	/* zero widths, LRM, RLM */
	       (cp >= 0x2028 && cp <= 0x202e) ||	/* line/paragraph separators, bidi embeddings, overrides */
	       (cp >= 0x2060 && cp <= 0x2069) ||	/* word joiner, invisible operators, bidi isolates */
	       cp == 0xfeff;			/* zero width no-break space (BOM) */
}

size_t escape_text(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t width = 0, len, bad;
	uint32_t cp;

	while (*p) {
		len = utf8_decode(p, &cp, &bad);
		if (len && cp == '\\') {
			if (out)
				fputs("\\\\", out);
			width += 2;
		} else if (len && !escape_is_hidden(cp)) {
			if (out)
				fwrite(p, 1, len, out);
			width++;
		} else {
			if (!len)
				len = bad;
			for (size_t i = 0; i < len; i++) {
				if (out)
					fprintf(out, "\\x%02x", p[i]);
				width += 4;
			}
		}
		p += len;
	}
	return width;
}

void escape_json(FILE *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len, bad;
	uint32_t cp;

	while (*p) {
		len = utf8_decode(p, &cp, &bad);
		if (!len) {
			fputs("\\ufffd", out);
			len = bad;
		} else if (cp == '"' || cp == '\\') {
			fputc('\\', out);
			fputc((int)cp, out);
		} else if (escape_is_hidden(cp)) {
			/* All hidden characters are in the BMP: no surrogate pairs. */
			fprintf(out, "\\u%04x", (unsigned int)cp);
		} else {
			fwrite(p, 1, len, out);
		}
		p += len;
	}
}
