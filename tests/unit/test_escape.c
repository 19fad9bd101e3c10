// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Untrusted text: escaped in text so no control byte reaches a terminal and
 * the bytes can be read back; valid JSON and valid UTF-8 in JSON, checked by
 * python3's strict decoder and json.loads against its own U+FFFD replacement.
 */
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "escape.h"
#include "print.h"
#include "tap.h"

/* The last result of each, freed by the next call and at the end. */
static char *text_buf, *json_buf;

static char *capture(char **buf, void (*escape)(FILE *, const char *), const char *s)
{
	size_t len;
	FILE *f;

	free(*buf);
	*buf = NULL;
	f = open_memstream(buf, &len);
	if (!f)
		return NULL;
	escape(f, s);
	fclose(f);
	return *buf;
}

static void escape_text_void(FILE *out, const char *s)
{
	escape_text(out, s);
}

static char *text(const char *s)
{
	return capture(&text_buf, escape_text_void, s);
}

static char *json(const char *s)
{
	return capture(&json_buf, escape_json, s);
}

static int hex_digit(char c)
{
	return c >= 'a' ? c - 'a' + 10 : c - '0';
}

/* The documented reading of text escapes: "\\" is '\', "\xHH" the byte HH. */
static char *unescape_text(const char *s)
{
	char *out = malloc(strlen(s) + 1), *o = out;

	while (out && *s) {
		if (s[0] == '\\' && s[1] == '\\') {
			*o++ = '\\';
			s += 2;
		} else if (s[0] == '\\' && s[1] == 'x' && s[2] && s[3]) {
			*o++ = (char)(hex_digit(s[2]) << 4 | hex_digit(s[3]));
			s += 4;
		} else {
			*o++ = *s++;
		}
	}
	if (out)
		*o = '\0';
	return out;
}

/* Only printable ASCII, or bytes of UTF-8 (>= 0x80) that the decoder let through. */
static bool terminal_safe(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return true;
}

static bool reversible(const char *s)
{
	char *back = unescape_text(text(s));
	bool same = back && strcmp(back, s) == 0;

	free(back);
	return same;
}

static void check_text_escapes(void)
{
	CHECK_STR(text("web-1 a_b.c/d"), "web-1 a_b.c/d", "text: printable ASCII passes");
	CHECK_STR(text("\x1b[2J\x07"), "\\x1b[2J\\x07", "text: ESC and BEL as \\xHH");
	CHECK_STR(text("a\nb\tc\r"), "a\\x0ab\\x09c\\x0d", "text: newline, tab, CR as \\xHH");
	CHECK_STR(text("\x7f"), "\\x7f", "text: DEL");
	CHECK_STR(text("a\\x1b"), "a\\\\x1b", "text: a backslash doubles, so \\x in input is not an escape");
	CHECK_STR(text("\xc2\x9b" "31m"), "\\xc2\\x9b31m", "text: C1 CSI (U+009B) as its two bytes");
	CHECK_STR(text("\xc2\x80\xc2\x9f\xc2\xa0"), "\\xc2\\x80\\xc2\\x9f\xc2\xa0",
		  "text: C1 from U+0080 to U+009F, not U+00A0");
	CHECK_STR(text("caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x90\xa7"),
		  "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x90\xa7",
		  "text: printable UTF-8 of 2, 3 and 4 bytes passes");
	CHECK_STR(text("a\xe2\x80\xae" "b\xe2\x81\xa6" "c\xe2\x80\x8b" "d\xef\xbb\xbf" "e\xe2\x80\xa8"),
		  "a\\xe2\\x80\\xaeb\\xe2\\x81\\xa6c\\xe2\\x80\\x8bd\\xef\\xbb\\xbfe\\xe2\\x80\\xa8",
		  "text: bidi override, isolate, zero width, BOM, line separator escaped");
	CHECK_STR(text(""), "", "text: empty string");
	CHECK(escape_text(NULL, "a\x1b\xc3\xa9\\") == 1 + 4 + 1 + 2,
	      "text: width counts characters, each escape its length");
}

static void check_invalid_utf8(void)
{
	static const struct {
		const char *in, *text, *json, *name;
	} cases[] = {
		{ "\x80", "\\x80", "\\ufffd", "lone continuation byte" },
		{ "a\xbf\xbf" "b", "a\\xbf\\xbfb", "a\\ufffd\\ufffdb", "two lone continuation bytes" },
		{ "\xc0\xaf", "\\xc0\\xaf", "\\ufffd\\ufffd", "overlong '/' in 2 bytes" },
		{ "\xc1\xbf", "\\xc1\\xbf", "\\ufffd\\ufffd", "overlong in 2 bytes, C1 lead" },
		{ "\xe0\x80\xaf", "\\xe0\\x80\\xaf", "\\ufffd\\ufffd\\ufffd", "overlong in 3 bytes" },
		{ "\xf0\x80\x80\xaf", "\\xf0\\x80\\x80\\xaf", "\\ufffd\\ufffd\\ufffd\\ufffd",
		  "overlong in 4 bytes" },
		{ "\xed\xa0\x80", "\\xed\\xa0\\x80", "\\ufffd\\ufffd\\ufffd", "high surrogate U+D800" },
		{ "\xed\xbf\xbf", "\\xed\\xbf\\xbf", "\\ufffd\\ufffd\\ufffd", "low surrogate U+DFFF" },
		{ "\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80", "\\ufffd\\ufffd\\ufffd\\ufffd",
		  "past U+10FFFF" },
		{ "\xf5\xfe\xff", "\\xf5\\xfe\\xff", "\\ufffd\\ufffd\\ufffd", "bytes F5..FF" },
		{ "ab\xc3", "ab\\xc3", "ab\\ufffd", "truncated 2-byte sequence at the end" },
		{ "ab\xe2\x82", "ab\\xe2\\x82", "ab\\ufffd", "truncated 3-byte sequence at the end" },
		{ "ab\xf0\x9f\x90", "ab\\xf0\\x9f\\x90", "ab\\ufffd", "truncated 4-byte sequence at the end" },
		{ "\xe2\x82" "A", "\\xe2\\x82A", "\\ufffdA", "truncated sequence before ASCII" },
		{ "\xf0\x9f\x90\xa7\xf0\x9f", "\xf0\x9f\x90\xa7\\xf0\\x9f", "\xf0\x9f\x90\xa7\\ufffd",
		  "valid 4 bytes, then a cut one" },
		{ "\xef\xbf\xbd", "\xef\xbf\xbd", "\xef\xbf\xbd", "U+FFFD itself passes" },
		{ "\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf", "U+10FFFF passes" },
	};
	char name[128];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(name, sizeof(name), "text: %s", cases[i].name);
		CHECK_STR(text(cases[i].in), cases[i].text, name);
		snprintf(name, sizeof(name), "JSON: %s", cases[i].name);
		CHECK_STR(json(cases[i].in), cases[i].json, name);
		snprintf(name, sizeof(name), "text reads back to the bytes: %s", cases[i].name);
		CHECK(reversible(cases[i].in), name);
	}
}

static void check_json_escapes(void)
{
	CHECK_STR(json("a\"b\\c"), "a\\\"b\\\\c", "JSON: quote and backslash escaped");
	CHECK_STR(json("\x01\x1b\n\t\x1f\x7f"), "\\u0001\\u001b\\u000a\\u0009\\u001f\\u007f",
		  "JSON: C0 and DEL as \\u00XX");
	CHECK_STR(json("\xc2\x9b\xe2\x80\xae\xe2\x80\xa8"), "\\u009b\\u202e\\u2028",
		  "JSON: C1, bidi override and line separator as \\uXXXX");
	CHECK_STR(json("caf\xc3\xa9 \xf0\x9f\x90\xa7 /"), "caf\xc3\xa9 \xf0\x9f\x90\xa7 /",
		  "JSON: printable UTF-8 passes as is");
}

/* Through print_string(): widths in characters, text-only strings escaped too. */
static void check_print_path(void)
{
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	print_init(f, false, false);
	print_string("name", "[%-6s]", "a\x1b");
	print_string("name", "[%6s]", "\xc3\xa9");
	print_string("name", " 100%% %s", "x");
	print_text_string(" label %s", "t\xff");
	fclose(f);
	CHECK_STR(buf, "[a\\x1b ]" "[     \xc3\xa9]" " 100% x" " label t\\xff",
		  "print_string: escaped, padded by characters; print_text_string escaped");
	free(buf);

	buf = NULL;
	f = open_memstream(&buf, &len);
	print_init(f, true, false);
	print_open_object(NULL);
	print_text_string(" label %s", "x");
	print_string("comm", "%s", "\x1b[7m\xff");
	print_close_object();
	fclose(f);
	CHECK_STR(buf, "{\"comm\":\"\\u001b[7m\\ufffd\"}\n", "JSON: print_text_string prints nothing");
	free(buf);
}

/* Deterministic: the same bytes on every run. */
static uint32_t next_random(uint32_t *state)
{
	*state = *state * 1103515245u + 12345u;
	return *state >> 8;
}

/* NUL-free bytes, weighted to high bytes and the edges of the UTF-8 ranges. */
static char *random_bytes(uint32_t *state, size_t len)
{
	static const unsigned char edges[] = {
		0x01, 0x1b, 0x5c, 0x22, 0x7f, 0x80, 0x9b, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf,
		0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff, 0xa0, 0x8f, 0x90, 0x9f,
	};
	char *s = malloc(len + 1);

	if (!s)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		uint32_t r = next_random(state);

		s[i] = (char)(r % 3 ? edges[r / 3 % sizeof(edges)] : 1 + r / 3 % 255);
	}
	s[len] = '\0';
	return s;
}

static void check_long_input(void)
{
	size_t len = 1 << 20, shown;
	uint32_t state = 1;
	char *s = random_bytes(&state, len), *t;

	CHECK(s != NULL, "long input: allocated");
	if (!s)
		return;
	t = text(s);
	shown = escape_text(NULL, s);
	CHECK(t && terminal_safe(t), "long input (1 MiB, no NUL): text has no control byte");
	CHECK(reversible(s), "long input: text reads back to the same bytes");
	CHECK(shown >= len / 2 && shown <= 4 * len, "long input: width in bounds");
	CHECK(json(s) && terminal_safe(json(s)), "long input: JSON has no control byte");
	free(s);
}

/*
 * One line per input: its bytes in hex, a tab, the JSON document print.c
 * made of it. python3 decodes all of stdin as strict UTF-8, parses each
 * document and compares the string with its own decode(errors="replace").
 */
static const char python_check[] =
	"import json, sys\n"
	"data = sys.stdin.buffer.read().decode('utf-8')\n"
	"n = 0\n"
	"for line in data.splitlines():\n"
	"    raw, doc = line.split('\\t', 1)\n"
	"    got = json.loads(doc)['s']\n"
	"    want = bytes.fromhex(raw).decode('utf-8', 'replace')\n"
	"    if got != want:\n"
	"        sys.exit('mismatch for %s: %r != %r' % (raw[:64], got[:32], want[:32]))\n"
	"    n += 1\n"
	"print('# python3 parsed %d JSON documents' % n)\n";

static void emit_case(FILE *py, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		fprintf(py, "%02x", *p);
	fputc('\t', py);
	print_init(py, true, false);
	print_open_object(NULL);
	print_string("s", "%s", s);
	print_close_object();
}

static void check_python_round_trip(void)
{
	static const char *const fixed[] = {
		"plain", "", "\x1b[31mred\x1b[0m", "a\\b\"c", "\xc2\x9b\xe2\x80\xae",
		"\x80", "\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80\xed\xbf\xbf", "\xf4\x90\x80\x80",
		"\xf5\xff", "ab\xc3", "ab\xe2\x82", "ab\xf0\x9f\x90", "\xe2\x82" "A",
		"caf\xc3\xa9 \xf0\x9f\x90\xa7", "\x7f\x01\x1f\n\r\t",
	};
	uint32_t state = 7;
	char *big;
	FILE *py;
	int status;

	if (system("command -v python3 >/dev/null 2>&1") != 0) {
		printf("ok - %s: JSON round trip through python3 # SKIP no python3\n", __FILE__);
		return;
	}
	fflush(stdout);
	py = popen("python3 -c \"$KCG_PY_CHECK\"", "w");
	CHECK(py != NULL, "python3 started");
	if (!py)
		return;
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		emit_case(py, fixed[i]);
	for (int i = 0; i < 2000; i++) {
		char *s = random_bytes(&state, 1 + next_random(&state) % 40);

		if (s)
			emit_case(py, s);
		free(s);
	}
	big = random_bytes(&state, 1 << 18);
	if (big)
		emit_case(py, big);
	free(big);
	status = pclose(py);
	CHECK(status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "JSON round trip: python3 parses every document as strict UTF-8 and gets "
	      "its own replacement of the input");
}

int main(void)
{
	setenv("KCG_PY_CHECK", python_check, 1);
	check_text_escapes();
	check_invalid_utf8();
	check_json_escapes();
	check_print_path();
	check_long_input();
	check_python_round_trip();
	free(text_buf);
	free(json_buf);
	TAP_EXIT();
}
