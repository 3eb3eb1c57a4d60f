/*
 * pcap collector (not built yet).
 */
#ifndef HEADROOM_PCAP_H
#define HEADROOM_PCAP_H

#include "collector.h"

extern const struct collector_ops pcap_collector_ops;

#endif
