/*
 * siphash: SipHash-2-4 (Aumasson & Bernstein), a keyed 64-bit hash. The
 * pcap collector hashes client MACs and IPs with a per-event secret key
 * so the tables hold no address, and so nobody can precompute collisions
 * to flood a table.
 *
 * SipHash-1-3 is the same with one round a block and three to finish
 * (as Rust's and CPython's hash tables use it): still keyed, two thirds
 * of the rounds for a short address. The capture's in-memory tables use
 * it: their keys live for the run and are never written out.
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
