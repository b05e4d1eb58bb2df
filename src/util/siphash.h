/*
 * SipHash-1-3: a keyed hash for tables whose keys an attacker chooses
 * (source addresses, user names). With a random key nobody outside the
 * process can predict which keys share a bucket, so nobody can aim a flood
 * of colliding keys at one chain. FNV or a plain multiply would let an
 * attacker who knows the function (it is open source) do exactly that.
 *
 * Reference: Aumasson and Bernstein, "SipHash: a fast short-input PRF"
 * (2012); the 1-3 round variant is the one Rust's and Python's hash
 * tables use for speed.
 */
#ifndef PS_UTIL_SIPHASH_H
#define PS_UTIL_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

struct ps_sipkey {
	uint64_t k0, k1;
};

uint64_t ps_siphash(const struct ps_sipkey *key, const void *data, size_t n);

/* A fresh random key (getrandom); falls back to weaker entropy rather than
 * fail, since a predictable key costs speed under attack, not correctness. */
void ps_sipkey_random(struct ps_sipkey *key);

#endif
