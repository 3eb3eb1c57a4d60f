/* A capture's state and tables, and the counting helpers its modes share. */
#include "config.h"
#include "collectors/pcap_table.h"
#include "collectors/client_key.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

/* Sized for 100k distinct clients with room for several IPs each. */
#define ADDRS_LOG2 20
#define LEASES_LOG2 17
#define STATIONS_LOG2 17
#define BSS_LOG2 13

void cap_state_init(struct cap_state *st, const struct cap_settings *set, const struct sipkey *key)
{
	memset(st, 0, sizeof *st);
	st->set = set;
	st->key = *key;
	st->day = -1;
	st->window_stamp = 1;
	atab_init(&st->addrs, ADDRS_LOG2);
	if (set->mode == CAP_DOT11) {
		hmap_init(&st->stations, STATIONS_LOG2);
		hmap_init(&st->bss_index, BSS_LOG2);
		st->bss = xcalloc(CAP_MAX_BSS, sizeof *st->bss);
		st->dg.airtime = set->airtime;
	} else {
		hmap_init(&st->leases, LEASES_LOG2);
		st->vlan_frames = xcalloc(CAP_VLANS, sizeof *st->vlan_frames);
	}
}

void cap_state_free(struct cap_state *st)
{
	atab_free(&st->addrs);
	hmap_free(&st->leases);
	hmap_free(&st->stations);
	hmap_free(&st->bss_index);
	free(st->bss);
	free(st->vlan_frames);
	memset(st, 0, sizeof *st);
}

size_t cap_state_pretouch(struct cap_state *st)
{
	return atab_pretouch(&st->addrs) + hmap_pretouch(&st->leases) + hmap_pretouch(&st->stations) +
	       hmap_pretouch(&st->bss_index);
}

uint64_t cap_hash(const struct cap_state *st, const void *data, size_t len)
{
	return client_hash(&st->key, data, len);
}

_Static_assert((1u << K_N) <= ATAB_USED, "a counting kind per bit of atab_entry.kinds, below ATAB_USED");

int cap_seen(struct cap_state *st, uint64_t h, unsigned kind)
{
	return cap_mark(st, atab_get(&st->addrs, h), kind);
}
