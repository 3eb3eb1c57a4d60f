/* 802.11 side of the capture: stations per BSSID, airtime per channel and BSSID, from a monitor port. */
#include "config.h"
#include "collectors/pcap_dot11.h"

#include <pcap/pcap.h>
#include <string.h>

/* A station's slot: t = last seen, v = its BSSID's index, its band, and
 * what has been counted for it, so a frame from a station that stays
 * with its AP (nearly every frame) probes one large table, not three.
 * The per-BSSID flags go when the station turns up at another BSSID. */
#define STA_BSS_MASK 0xffffu
#define STA_BAND_SHIFT 16
#define STA_BAND_MASK 0x3u
#define STA_COUNTED (1u << 24)		/* K_STA counted (over the run, in addrs) */
#define STA_DATA (1u << 25)		/* K_DATA_STA counted for this BSSID */
#define STA_TX (1u << 26)		/* K_TX_STA counted for this BSSID */
#define STA_BSS_FLAGS (STA_DATA | STA_TX)

static uint64_t mac_u64(const uint8_t *m)
{
	uint64_t v = 0;
	memcpy(&v, m, 6);		/* one load; any fixed byte order will do */
	/* BSSIDs are the APs' own addresses: a cheap mix spreads them. */
	v *= 0x9e3779b97f4a7c15ULL;
	return v ^ (v >> 29);
}

/* A bit per BSSID hash's top bits, set for every BSSID with a row: a
 * control frame's receiver is a station as often as an AP, and a clear
 * bit says "no BSSID" without probing the index. */
static uint64_t bss_filter_bit(uint64_t h, size_t *word)
{
	*word = h >> (64 - CAP_BSS_FILTER_LOG2) >> 6;
	return 1ULL << (h >> (64 - CAP_BSS_FILTER_LOG2) & 63);
}

static void bss_filter_add(struct cap_state *st, uint64_t h)
{
	size_t w;
	uint64_t bit = bss_filter_bit(h, &w);
	st->bss_filter[w] |= bit;
}

/* The index of a BSSID's row, created on first sight; -1 when full. */
static int bss_lookup(struct cap_state *st, const uint8_t *mac)
{
	bool fresh;
	struct hmap_slot *s = hmap_put(&st->bss_index, mac_u64(mac), &fresh);
	if (!s)
		return -1;
	if (!fresh)
		return (int)s->v;
	if (st->n_bss == CAP_MAX_BSS) {
		hmap_del(&st->bss_index, s);
		st->bss_index.saturated = true;
		return -1;
	}
	s->v = (uint32_t)st->n_bss;
	bss_filter_add(st, mac_u64(mac));
	struct cap_bss *b = &st->bss[st->n_bss++];
	memset(b, 0, sizeof *b);
	memcpy(b->mac, mac, 6);
	return (int)s->v;
}

/* A known BSSID's row, or -1: for addresses that may be a station's.
 * The BSSID counted last is remembered (bss_recent()). */
static int bss_find(struct cap_state *st, const uint8_t *mac)
{
	uint64_t key = 0;
	memcpy(&key, mac, 6);
	if ((key | 1ULL << 63) == st->recent_bss_key)
		return st->recent_bss;
	uint64_t h = mac_u64(mac);
	size_t w;
	uint64_t bit = bss_filter_bit(h, &w);
	if (!(st->bss_filter[w] & bit))
		return -1;
	struct hmap_slot *s = hmap_find(&st->bss_index, h);
	return s ? (int)s->v : -1;
}

/* A station/BSSID pair's key in the address table, from the station's
 * keyed hash: as private as that hash, and one SipHash a frame fewer. */
static uint64_t pair_key(uint64_t sta_hash, const uint8_t *bssid)
{
	return sta_hash ^ mac_u64(bssid);
}

static struct hmap_slot *station_seen(struct cap_state *st, int bi, uint64_t h, enum band band, double ts)
{
	bool fresh;
	struct hmap_slot *s = hmap_put(&st->stations, h, &fresh);
	if (!s)
		return NULL;
	uint32_t keep = fresh ? 0 : s->v & STA_COUNTED;
	if (!fresh && (s->v & STA_BSS_MASK) == (uint32_t)bi)
		keep |= s->v & STA_BSS_FLAGS;
	s->t = ts;
	s->v = (uint32_t)bi | (uint32_t)band << STA_BAND_SHIFT | keep;
	return s;
}

/* bi: the BSSID's row when the airtime step found it, else -1. */
static void data_frame(struct cap_state *st, const struct cap_d11 *d, const struct cap_ahead *a, int bi)
{
	uint64_t h = a && a->n ? a->h[0] : cap_hash(st, d->sta, 6);
	if (bi < 0)
		bi = bss_lookup(st, d->bssid);
	if (bi < 0)
		return;
	/* A full stations table gives no slot to remember in: count in the
	 * address table on every frame then. */
	struct hmap_slot *s = station_seen(st, bi, h, d->band, d->ts);
	uint32_t flags = s ? s->v : 0;
	if (!(flags & STA_COUNTED)) {
		cap_seen(st, h, K_STA);
		if (s)
			s->v |= STA_COUNTED;
	}
	uint32_t want = STA_DATA | (d->ds == 1 ? STA_TX : 0);
	if ((flags & want) == want)
		return;
	struct atab_entry *pe = atab_get(&st->addrs, pair_key(h, d->bssid));
	if (!pe)
		return;
	if (cap_mark(st, pe, K_DATA_STA))
		st->bss[bi].data_sta++;
	if (d->ds == 1 && cap_mark(st, pe, K_TX_STA))
		st->bss[bi].tx_sta++;
	if (s)
		s->v |= want;
}

static void assoc_response(struct cap_state *st, const struct cap_d11 *d)
{
	int bi = bss_lookup(st, d->bssid);
	if (bi < 0)
		return;
	uint64_t h = cap_hash(st, d->sta, 6);
	if (cap_seen(st, pair_key(h, d->bssid), K_ASSOC_STA))
		st->bss[bi].assoc_sta++;
	station_seen(st, bi, h, d->band, d->ts);
}

/* Deauthentication or disassociation of one station. */
static void leave(struct cap_state *st, const struct cap_d11 *d)
{
	struct hmap_slot *s = hmap_find(&st->stations, cap_hash(st, d->sta, 6));
	if (!s)
		return;
	struct hmap_slot *b = hmap_find(&st->bss_index, mac_u64(d->bssid));
	if (b && (s->v & STA_BSS_MASK) == b->v)
		hmap_del(&st->stations, s);
}

/* ... sent to the group address: every station of the BSSID seen so far. */
static void leave_all(struct cap_state *st, const struct cap_d11 *d)
{
	struct hmap_slot *b = hmap_find(&st->bss_index, mac_u64(d->bssid));
	if (b)
		st->bss[b->v].flushed_at = d->ts;
}

/* ---- airtime ---- */

/* A channel's row, created on first sight; NULL when all are taken.
 * Frequencies below CAP_CHAN_FREQS (all of Wi-Fi's) are one load away. */
static struct cap_chan *chan_of(struct cap_state *st, uint16_t freq)
{
	if (freq < CAP_CHAN_FREQS && st->chan_at[freq])
		return &st->chans[st->chan_at[freq] - 1];
	for (size_t i = 0; i < st->n_chans; i++)
		if (st->chans[i].freq == freq)
			return &st->chans[i];
	if (st->n_chans == CAP_MAX_CHAN)
		return NULL;
	struct cap_chan *c = &st->chans[st->n_chans++];
	memset(c, 0, sizeof *c);
	c->freq = freq;
	if (freq < CAP_CHAN_FREQS)
		st->chan_at[freq] = (uint8_t)st->n_chans;
	return c;
}

static void air_add(struct cap_air *a, const struct cap_d11_air *x)
{
	a->frames++;
	a->retries += (x->flags & D11F_RETRY) != 0;
	if (x->flags & D11F_RATED)
		a->ns += x->ns;
	else
		a->no_rate++;
}

/* bss_lookup() with the previous frame's BSSID remembered: most frames
 * come from the BSS of the frame before. */
static int bss_recent(struct cap_state *st, const uint8_t *mac)
{
	uint64_t key = 0;
	memcpy(&key, mac, 6);
	key |= 1ULL << 63;		/* never the empty cache */
	if (key == st->recent_bss_key)
		return st->recent_bss;
	int bi = bss_lookup(st, mac);
	st->recent_bss_key = bi >= 0 ? key : 0;
	st->recent_bss = bi;
	return bi;
}

/* A frame's airtime goes to its channel and, when it names one, to its
 * BSS; a control frame only to a BSS already known. Returns the row of
 * the BSSID the frame names (D11F_BSS), else -1. */
static int count_air(struct cap_state *st, const struct cap_d11 *d, const struct cap_d11_air *x)
{
	struct cap_chan *c = chan_of(st, x->freq);
	if (c)
		air_add(&c->air, x);
	else
		st->chans_full++;
	st->tot.air_frames++;
	if (x->flags & D11F_RATED)
		st->tot.air_ns += x->ns;
	else
		st->tot.air_no_rate++;
	int bi = -1;
	if (x->flags & D11F_BSS)
		bi = bss_recent(st, d->bssid);
	else if (x->flags & D11F_PEER && (bi = bss_find(st, d->bssid)) < 0 && x->flags & D11F_PEER_TA)
		bi = bss_find(st, d->sta);
	if (bi < 0)
		return -1;
	air_add(&st->bss[bi].air, x);
	if (x->freq)
		st->bss[bi].freq = x->freq;
	return x->flags & D11F_BSS ? bi : -1;
}

void cap_dot11_count(struct cap_state *st, const struct cap_d11 *d, const struct cap_d11_air *air,
		     const struct cap_ahead *a)
{
	int bi = air && (air->flags & D11F_AIR) ? count_air(st, d, air) : -1;
	switch (d->what) {
	case D11_MALFORMED:
		st->tot.malformed++;
		return;
	case D11_BAD_FCS:
		st->tot.bad_fcs++;
		return;
	case D11_DATA:
	case D11_DATA_STA:
		st->tot.data_frames++;
		if (d->ds == 3)
			st->tot.data_wds++;
		else if (d->ds == 0)
			st->tot.data_ds0++;
		if (d->what == D11_DATA_STA)
			data_frame(st, d, a, bi);
		return;
	case D11_BEACON: {
		if (bi < 0)
			bi = bss_lookup(st, d->bssid);
		if (bi >= 0)
			st->bss[bi].beacon = true;
		return;
	}
	case D11_ASSOC:
		assoc_response(st, d);
		return;
	case D11_LEAVE:
		leave(st, d);
		return;
	case D11_LEAVE_ALL:
		leave_all(st, d);
		return;
	default:
		return;
	}
}

/* Work out a data frame's station hash and start loading its slot: with
 * many stations each one is a cache miss. The station/BSSID pair's entry
 * is not loaded ahead: it is read only when the station is new to its
 * BSSID, and loading it for every frame cost more than those misses. */
void cap_dot11_prefetch(struct cap_state *st, const struct cap_d11 *d, struct cap_ahead *a)
{
	a->n = 0;
	if (d->what != D11_DATA_STA)
		return;
	a->h[0] = cap_hash(st, d->sta, 6);
	a->n = 1;
	hmap_prefetch(&st->stations, a->h[0]);
}

/* ---- reducing a frame to a digest ---- */

static int radio_header(struct d11_digester *g, int dlt, const uint8_t *p, size_t len, struct dec_radio *r)
{
	switch (dlt) {
	case DLT_IEEE802_11_RADIO:
		return decode_radiotap_cached(p, len, r, g->airtime, &g->plans);
	case DLT_PRISM_HEADER:
		return decode_prism(p, len, r);
	default:
		memset(r, 0, sizeof *r);
		r->frame = p;
		r->frame_len = len;
		return DEC_OK;
	}
}

/* A data frame's station and BSSID, when it names a station. */
static void digest_data(const struct dec_80211 *f, struct cap_d11 *d)
{
	const uint8_t *bssid, *sta;
	d->what = D11_DATA;
	if (f->ds == 1) {
		bssid = f->a1;
		sta = f->a2;
	} else if (f->ds == 2) {
		bssid = f->a2;
		sta = f->a1;
	} else {
		return;
	}
	if (mac_is_group(sta) || mac_is_zero(sta) || memcmp(sta, bssid, 6) == 0)
		return;
	d->what = D11_DATA_STA;
	memcpy(d->sta, sta, 6);
	memcpy(d->bssid, bssid, 6);
}

static void digest_mgmt(const struct dec_80211 *f, struct cap_d11 *d)
{
	memcpy(d->bssid, f->a3, 6);
	switch (f->subtype) {
	case WLAN_SUB_BEACON:
		d->what = D11_BEACON;
		break;
	case WLAN_SUB_ASSOC_RESP:
	case WLAN_SUB_REASSOC_RESP:
		if (decode_assoc_status(f) == 0 && !mac_is_group(f->a1) && !mac_is_zero(f->a1)) {
			d->what = D11_ASSOC;
			memcpy(d->sta, f->a1, 6);
		}
		break;
	case WLAN_SUB_DEAUTH:
	case WLAN_SUB_DISASSOC: {
		/* From either side: the station is whichever end is not the AP. */
		const uint8_t *sta = memcmp(f->a2, f->a3, 6) == 0 ? f->a1 : f->a2;
		d->what = mac_is_group(sta) ? D11_LEAVE_ALL : D11_LEAVE;
		memcpy(d->sta, sta, 6);
		break;
	}
	}
}

static bool usable_bssid(const uint8_t *m)
{
	return !mac_is_group(m) && !mac_is_zero(m);
}

/* The BSS a frame belongs to: data frames by their DS bits, management
 * frames by addr3; control frames name a transmitter and a receiver,
 * either of which may be an AP already known. Returns the flags saying
 * which. */
static uint8_t air_bss(const struct dec_80211 *f, struct cap_d11 *d)
{
	const uint8_t *b = NULL;
	if (f->type == 0)
		b = f->a3;
	else if (f->type == 2)
		b = f->ds == 0 ? f->a3 : f->ds == 1 ? f->a1 : f->ds == 2 ? f->a2 : NULL;
	if (b && usable_bssid(b)) {
		memcpy(d->bssid, b, 6);
		return D11F_BSS;
	}
	if (f->type != 1)
		return 0;
	/* bssid: the receiver; sta: the transmitter, when there is one. */
	memcpy(d->bssid, f->a1, 6);
	if (!f->a2)
		return D11F_PEER;
	memcpy(d->sta, f->a2, 6);
	return D11F_PEER | D11F_PEER_TA;
}

#define AMPDU_MAX_BITS (1u << 26)

/* The bits of the earlier subframes of this frame's A-MPDU (0: it opens
 * one), counting its own in. */
static uint64_t ampdu_before(struct d11_digester *g, const struct dec_radio *r, size_t psdu_len)
{
	if (!r->rate.ampdu) {
		g->ampdu_open = false;
		return 0;
	}
	/* More bits than any PPDU holds (VHT: 4692480 bytes): a new one. */
	if (!g->ampdu_open || g->ampdu_ref != r->rate.ampdu_ref || g->ampdu_freq != r->freq_mhz ||
	    g->ampdu_bits >= AMPDU_MAX_BITS) {
		g->ampdu_open = true;
		g->ampdu_ref = r->rate.ampdu_ref;
		g->ampdu_freq = r->freq_mhz;
		g->ampdu_bits = 0;
	}
	uint64_t before = g->ampdu_bits;
	g->ampdu_bits += airtime_subframe_bits(psdu_len);
	return before;
}

/* The frame's airtime record; the rated ones have their time. */
static void digest_air(struct d11_digester *g, const struct dec_radio *r, const struct dec_80211 *f,
		       uint32_t wire_len, struct cap_d11 *d, struct cap_d11_air *x)
{
	uint8_t flags = D11F_AIR | (r->frame[1] & 0x08 ? D11F_RETRY : 0) | air_bss(f, d);
	x->ns = 0;
	x->freq = r->freq_mhz > 0 && r->freq_mhz < 65536 ? (uint16_t)r->freq_mhz : 0;
	x->flags = flags;
	if (r->rate.phy == PHY_NONE || wire_len < r->hlen)
		return;
	/* The PSDU: the frame as sent, with its FCS whether captured or not. */
	size_t psdu_len = wire_len - r->hlen + (r->fcs_at_end ? 0 : 4);
	uint64_t before = ampdu_before(g, r, psdu_len);
	/* ACKs and Block Acks are counted with the frames that ask for them. */
	if (f->type == 1 && (f->subtype == 13 || f->subtype == 9)) {
		if (airtime_rate_known(&g->rates, &r->rate, r->freq_mhz, psdu_len))
			x->flags = flags | D11F_RATED;
		return;
	}
	struct air_frame af = {
		.rate = &r->rate, .freq_mhz = r->freq_mhz, .psdu_len = psdu_len, .type = f->type,
		.subtype = f->subtype, .group = mac_is_group(f->a1), .tid = -1, .ampdu_bits_before = before,
		.cache = &g->rates,
	};
	if (f->type == 2 && (f->subtype & 8)) {
		uint8_t qos = r->frame[f->ds == 3 ? 30 : 24];
		af.tid = qos & 0x0f;
		af.ack_policy = qos >> 5 & 3;
	}
	if (airtime_frame_ns(&af, &x->ns))
		x->flags = flags | D11F_RATED;
}

void cap_dot11_digest(struct d11_digester *g, int dlt, const struct pcap_pkthdr *h, const uint8_t *p, double ts,
		      struct cap_d11 *d, struct cap_d11_air *air)
{
	struct dec_radio r;
	struct dec_80211 f;
	d->ts = ts;
	d->len = h->len;
	d->caplen = h->caplen;
	d->what = D11_OTHER;
	if (radio_header(g, dlt, p, h->caplen, &r) != DEC_OK || decode_80211(r.frame, r.frame_len, &f) != DEC_OK) {
		d->what = D11_MALFORMED;
		if (g->airtime)
			*air = (struct cap_d11_air){ 0 };
		return;
	}
	if (g->airtime)
		digest_air(g, &r, &f, h->len, d, air);
	if (r.bad_fcs) {
		/* It took the air all the same, but its addresses are not to be trusted. */
		d->what = D11_BAD_FCS;
		if (g->airtime)
			air->flags &= (uint8_t)~(D11F_BSS | D11F_PEER);
		return;
	}
	d->ds = f.ds;
	d->band = (uint8_t)r.band;
	if (f.type == 2)
		digest_data(&f, d);
	else if (f.type == 0)
		digest_mgmt(&f, d);
}

/* Count the stations still present at t_end; forget the ones gone. */
void cap_dot11_window(struct cap_state *st, double t_end)
{
	for (size_t i = 0; i < st->n_bss; i++) {
		struct cap_bss *b = &st->bss[i];
		b->clients = b->clients_2g4 = b->clients_5g = b->clients_6g = 0;
	}
	struct hmap *m = &st->stations;
	/* Most slots are empty: a pointer walk, the end worked out once
	 * (hmap_del() only marks a slot). */
	for (struct hmap_slot *s = m->slots, *end = s + hmap_capacity(m); s < end; s++) {
		if (s->state != HMAP_USED)
			continue;
		struct cap_bss *b = &st->bss[s->v & STA_BSS_MASK];
		if (t_end - s->t > st->set->station_timeout || s->t < b->flushed_at) {
			hmap_del(m, s);
			continue;
		}
		b->clients++;
		switch (s->v >> STA_BAND_SHIFT & STA_BAND_MASK) {
		case BAND_2G4: b->clients_2g4++; break;
		case BAND_5G: b->clients_5g++; break;
		case BAND_6G: b->clients_6g++; break;
		default: break;
		}
	}
	hmap_compact(m);
}
