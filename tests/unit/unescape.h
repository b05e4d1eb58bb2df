/*
 * The escapes of the data-driven tests' input lines (tests/data/decode,
 * tests/data/detect): \xNN for any byte, \\ for a backslash. Shared by
 * their runners; header-only, for tests.
 */
#ifndef PS_TESTS_UNESCAPE_H
#define PS_TESTS_UNESCAPE_H

#include <stddef.h>
#include <stdlib.h>

/* Decode \xNN and \\ in place; returns the new length. */
static inline size_t unescape(char *s, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n && s[i + 1] == '\\') {
			s[o++] = '\\';
			i++;
		} else if (s[i] == '\\' && i + 3 < n && s[i + 1] == 'x') {
			char hex[3] = { s[i + 2], s[i + 3], 0 };
			s[o++] = (char)strtoul(hex, NULL, 16);
			i += 3;
		} else {
			s[o++] = s[i];
		}
	}
	return o;
}

#endif
