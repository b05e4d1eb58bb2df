/*
 * UTF-8 validation, one sequence at a time.
 *
 * Written by hand because the only job is "is this a well-formed UTF-8
 * sequence, and which code point": no library in our dependency set
 * offers that on a length-bounded buffer without allocating.
 */
#ifndef PS_UTIL_UTF8_H
#define PS_UTIL_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Length (1-4) of the well-formed UTF-8 sequence at p (n > 0 bytes
 * available), storing its code point in *cp; 0 if the bytes at p are not
 * a well-formed sequence (overlong forms, surrogates and values above
 * U+10FFFF are rejected, as RFC 3629 requires).
 */
size_t ps_utf8_seq(const unsigned char *p, size_t n, uint32_t *cp);

/* Write cp (at most U+10FFFF, not a surrogate) as UTF-8 at o (room for 4); returns its length. */
size_t ps_utf8_put(uint32_t cp, char *o);

/*
 * Code points that are valid UTF-8 but can hide or reorder text when shown:
 * C1 controls, bidi embeddings/overrides/isolates and marks, line/paragraph
 * separators (which also break JavaScript consumers of JSON), and the
 * invisible ones (zero-width space and joiners, word joiner and invisible
 * operators, soft hyphen, Mongolian vowel separator, BOM) that would let
 * "r\u200boot" pass for "root".
 */
bool ps_utf8_deceptive(uint32_t cp);

#endif
