/* SipHash-2-4 and -1-3: the keyed hashes that keep addresses out of the capture tables. */
#include "config.h"
#include "collectors/siphash.h"

#include <endian.h>
#include <string.h>

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
/* Every client address of every packet goes through here: the rounds are
 * kept inline rather than left to the compiler's size heuristics. */
#define HOT static inline __attribute__((always_inline))

HOT uint64_t load_le64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, sizeof v);
	return le64toh(v);
}

/* The last 0..7 bytes, little-endian: a MAC address (6 bytes) is the
 * whole message on most calls, so no loop a byte at a time. */
HOT uint64_t load_tail(const uint8_t *p, size_t n)
{
	uint64_t v = 0;
	uint32_t w;
	switch (n) {
	case 7:
		v = (uint64_t)p[6] << 48;
		/* fall through */
	case 6:
		v |= (uint64_t)p[5] << 40;
		/* fall through */
	case 5:
		v |= (uint64_t)p[4] << 32;
		/* fall through */
	case 4:
		memcpy(&w, p, 4);
		return v | le32toh(w);
	case 3:
		v = (uint64_t)p[2] << 16;
		/* fall through */
	case 2:
		v |= (uint64_t)p[1] << 8;
		/* fall through */
	case 1:
		v |= p[0];
		/* fall through */
	default:
		return v;
	}
}

void sipkey_from_bytes(struct sipkey *key, const uint8_t bytes[16])
{
	key->k0 = load_le64(bytes);
	key->k1 = load_le64(bytes + 8);
}

struct sipstate {
	uint64_t v0, v1, v2, v3;
};

HOT void sipround(struct sipstate *s)
{
	s->v0 += s->v1; s->v1 = ROTL(s->v1, 13); s->v1 ^= s->v0; s->v0 = ROTL(s->v0, 32);
	s->v2 += s->v3; s->v3 = ROTL(s->v3, 16); s->v3 ^= s->v2;
	s->v0 += s->v3; s->v3 = ROTL(s->v3, 21); s->v3 ^= s->v0;
	s->v2 += s->v1; s->v1 = ROTL(s->v1, 17); s->v1 ^= s->v2; s->v2 = ROTL(s->v2, 32);
}

HOT void absorb(struct sipstate *s, uint64_t m, int c)
{
	s->v3 ^= m;
	for (int i = 0; i < c; i++)
		sipround(s);
	s->v0 ^= m;
}

/* c rounds a block, d to finish: constants where it is inlined. */
HOT uint64_t siphash_cd(const struct sipkey *key, const void *data, size_t len, int c, int d)
{
	const uint8_t *p = data;
	struct sipstate s = {
		key->k0 ^ 0x736f6d6570736575ULL, key->k1 ^ 0x646f72616e646f6dULL,
		key->k0 ^ 0x6c7967656e657261ULL, key->k1 ^ 0x7465646279746573ULL,
	};
	size_t full = len & ~(size_t)7;
	for (size_t i = 0; i < full; i += 8)
		absorb(&s, load_le64(p + i), c);
	absorb(&s, (uint64_t)(len & 0xff) << 56 | load_tail(p + full, len & 7), c);
	s.v2 ^= 0xff;
	for (int i = 0; i < d; i++)
		sipround(&s);
	return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

uint64_t siphash24(const struct sipkey *key, const void *data, size_t len)
{
	return siphash_cd(key, data, len, 2, 4);
}

uint64_t siphash13(const struct sipkey *key, const void *data, size_t len)
{
	return siphash_cd(key, data, len, 1, 3);
}
