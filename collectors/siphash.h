/*
 * siphash: SipHash-2-4 (Aumasson & Bernstein), a keyed 64-bit hash, and
 * SipHash-1-3, the same with one round a block and three to finish (as
 * Rust's and CPython's hash tables use it): still keyed, two thirds of
 * the rounds for a short address. Collectors hash client MACs and IPs
 * with SipHash-1-3 and the per-event secret key (client_hash() in
 * client_key.h), so their tables hold no address and nobody can
 * precompute collisions to flood one. SipHash-2-4 is kept for its
 * published test vectors, which check the code both share.
 */
#ifndef HEADROOM_SIPHASH_H
#define HEADROOM_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

struct sipkey {
	uint64_t k0, k1;
};

uint64_t siphash24(const struct sipkey *key, const void *data, size_t len);
uint64_t siphash13(const struct sipkey *key, const void *data, size_t len);
/* Build a key from 16 bytes (little-endian, as in the reference). */
void sipkey_from_bytes(struct sipkey *key, const uint8_t bytes[16]);

#endif
