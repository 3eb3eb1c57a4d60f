/* The capture thread's frame entry points and its window reports to the loop. */
#include "config.h"
#include "collectors/pcap_capture.h"
#include "collectors/pcap_dot11.h"
#include "collectors/pcap_ring.h"
#include "collectors/pcap_uplink.h"
#include "base/util.h"

#include <math.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>

/* A new window: no entry carries its stamp yet. */
static void next_window(struct cap_state *st)
{
	st->active_clients = 0;
	if (++st->window_stamp > ATAB_WINDOW_MAX) {
		atab_clear_windows(&st->addrs);
		st->window_stamp = 1;
	}
}

static void count_frame(struct cap_state *st, uint32_t len, uint32_t caplen, double ts)
{
	st->tot.packets++;
	st->tot.bytes += len;
	st->tot.cap_bytes += caplen;
	st->win.packets++;
	st->win.bytes += len;
	st->last_ts = ts;
}

void cap_packet(struct cap_state *st, int dlt, const struct pcap_pkthdr *h, const uint8_t *data,
		double ts)
{
	if (dlt == DLT_EN10MB) {
		struct cap_eth e;
		cap_ether_digest(st, data, h->caplen, h->len, ts, &e);
		cap_ether_frame(st, &e);
		return;
	}
	struct cap_d11 d;
	struct cap_d11_air air;
	cap_dot11_digest(&st->dg, dlt, h, data, ts, &d, &air);
	cap_dot11_frame(st, &d, st->dg.airtime ? &air : NULL, NULL);
}

void cap_dot11_frame(struct cap_state *st, const struct cap_d11 *d, const struct cap_d11_air *air,
		     const struct cap_ahead *a)
{
	count_frame(st, d->len, d->caplen, d->ts);
	cap_dot11_count(st, d, air, a);
}

_Static_assert(CAP_AIR_OFF + PKT_DIGESTS * sizeof(struct cap_d11_air) <= PKT_BATCH_BYTES, "digests fit a batch");
_Static_assert(PKT_DIGESTS * sizeof(struct cap_eth) <= PKT_BATCH_BYTES, "digests fit a batch");

bool cap_batch_digest(const struct cap_state *st, struct d11_digester *g, struct pkt_batch *b,
		      const struct pcap_pkthdr *h, const uint8_t *data, double ts)
{
	if (b->dlt == DLT_EN10MB) {
		struct cap_eth *e = pkt_batch_slot(b, sizeof *e);
		if (e)
			cap_ether_digest(st, data, h->caplen, h->len, ts, e);
		return e != NULL;
	}
	size_t n = b->n;
	struct cap_d11 *d = pkt_batch_slot(b, sizeof *d);
	if (!d)
		return false;
	size_t aoff = CAP_AIR_OFF + n * sizeof(struct cap_d11_air);
	if (g->airtime && aoff % 64 == 0 && aoff + PKT_WRITE_AHEAD < PKT_BATCH_BYTES)
		pkt_batch_want(b, b->data + aoff + PKT_WRITE_AHEAD);
	cap_dot11_digest(g, b->dlt, h, data, ts, d, cap_batch_air(b) + n);
	return true;
}

void cap_ether_frame(struct cap_state *st, const struct cap_eth *d)
{
	count_frame(st, d->len, d->caplen, d->ts);
	cap_ether_count(st, d);
}

static void report_vlans(const struct cap_state *st, struct cap_report *r)
{
	if (!st->vlan_frames)
		return;
	for (int id = 0; id < CAP_VLANS; id++)
		if (st->vlan_frames[id])
			r->n_vlans++;
	r->vlans = xcalloc(r->n_vlans ? r->n_vlans : 1, sizeof *r->vlans);
	size_t n = 0;
	for (int id = 0; id < CAP_VLANS; id++)
		if (st->vlan_frames[id])
			r->vlans[n++] = (struct cap_vlan_count){ id, st->vlan_frames[id] };
}

static void report_bss(const struct cap_state *st, struct cap_report *r)
{
	r->bss = xcalloc(st->n_bss ? st->n_bss : 1, sizeof *r->bss);
	for (size_t i = 0; i < st->n_bss; i++) {
		const struct cap_bss *b = &st->bss[i];
		if (b->beacon)
			r->beacon_bssids++;
		if (b->data_sta || b->assoc_sta)
			r->bssids_with_stations++;
		r->bss[r->n_bss++] = *b;
	}
}

/* The window's airtime goes into the report; the counters start again. */
static void report_air(struct cap_state *st, struct cap_report *r)
{
	r->n_chans = st->n_chans;
	r->chans = xcalloc(st->n_chans ? st->n_chans : 1, sizeof *r->chans);
	memcpy(r->chans, st->chans, st->n_chans * sizeof *r->chans);
	for (size_t i = 0; i < st->n_chans; i++) {
		struct cap_air *a = &st->chans[i].air;
		*a = (struct cap_air){ .last_window = a->frames > 0 };
	}
	for (size_t i = 0; i < st->n_bss; i++) {
		struct cap_air *a = &st->bss[i].air;
		*a = (struct cap_air){ .last_window = a->frames > 0 };
	}
}

struct cap_report *cap_window_report(struct cap_state *st, double t_end, double span, bool final)
{
	struct cap_report *r = xcalloc(1, sizeof *r);
	r->t_end = t_end;
	r->span = span;
	r->final = final;
	if (st->set->mode == CAP_DOT11) {
		cap_dot11_window(st, t_end);
		report_bss(st, r);
		report_air(st, r);
	} else {
		r->n_pools = st->set->n_pools;
		r->pool_leases = xcalloc(r->n_pools ? r->n_pools : 1, sizeof *r->pool_leases);
		cap_dhcp_window(st, t_end, r->pool_leases);
		r->active_clients = st->active_clients;
		r->day_global = st->day_global;
		r->day_random = st->day_random;
		report_vlans(st, r);
		next_window(st);
	}
	r->win = st->win;
	r->tot = st->tot;
	r->saturated = st->addrs.saturated || st->leases.saturated || st->stations.saturated || st->bss_index.saturated;
	memset(&st->win, 0, sizeof st->win);
	return r;
}

void cap_report_free(struct cap_report *r)
{
	if (!r)
		return;
	free(r->pool_leases);
	free(r->bss);
	free(r->chans);
	free(r->vlans);
	free(r);
}
