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

#endif
