#include "util/siphash.h"

#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

#define SIPROUND                                                                \
	do {                                                                    \
		v0 += v1;                                                       \
		v1 = ROTL(v1, 13);                                              \
		v1 ^= v0;                                                       \
		v0 = ROTL(v0, 32);                                              \
		v2 += v3;                                                       \
		v3 = ROTL(v3, 16);                                              \
		v3 ^= v2;                                                       \
		v0 += v3;                                                       \
		v3 = ROTL(v3, 21);                                              \
		v3 ^= v0;                                                       \
		v2 += v1;                                                       \
		v1 = ROTL(v1, 17);                                              \
		v1 ^= v2;                                                       \
		v2 = ROTL(v2, 32);                                              \
	} while (0)

static uint64_t load64(const unsigned char *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

uint64_t ps_siphash(const struct ps_sipkey *key, const void *data, size_t n)
{
	const unsigned char *p = data;
	uint64_t v0 = 0x736f6d6570736575ULL ^ key->k0;
	uint64_t v1 = 0x646f72616e646f6dULL ^ key->k1;
	uint64_t v2 = 0x6c7967656e657261ULL ^ key->k0;
	uint64_t v3 = 0x7465646279746573ULL ^ key->k1;
	size_t full = n & ~(size_t)7;

	for (size_t i = 0; i < full; i += 8) {
		uint64_t m = load64(p + i);
		v3 ^= m;
		SIPROUND;
		v0 ^= m;
	}
	uint64_t b = (uint64_t)n << 56;
	for (size_t i = 0; i < (n & 7); i++)
		b |= (uint64_t)p[full + i] << (8 * i);
	v3 ^= b;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

void ps_sipkey_random(struct ps_sipkey *key)
{
	if (getrandom(key, sizeof(*key), GRND_NONBLOCK) == (ssize_t)sizeof(*key))
		return;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	key->k0 = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ULL ^ (uint64_t)getpid();
	key->k1 = (uint64_t)(uintptr_t)key ^ (uint64_t)ts.tv_sec * 0xbf58476d1ce4e5b9ULL;
}
