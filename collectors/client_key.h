/*
 * client_key: the per-event key every collector hashes client identities
 * (MACs, IPs) with. 16 random bytes kept in state_dir/pcap.salt (0600),
 * made on first run; the pcap collector and the switch FDB reader share
 * it, so one device hashes alike wherever it is seen, and no raw address
 * leaves a collector.
 */
#ifndef HEADROOM_CLIENT_KEY_H
#define HEADROOM_CLIENT_KEY_H

#include "base/conf.h"
#include "collectors/siphash.h"

/* The key of conf's state directory; without a usable one it lives in
 * memory only (logged: hashes then change on restart). who names the
 * caller in that message. */
void client_key_load(const struct conf *conf, const char *who, struct sipkey *key);

/* A client identity's hash (a MAC, an IP address) under the event's key:
 * the one every collector uses, SipHash-1-3 (siphash.h). */
static inline uint64_t client_hash(const struct sipkey *key, const void *addr, size_t len)
{
	return siphash13(key, addr, len);
}

#endif
