/* 802.11 side of the capture: stations per BSSID from a monitor port. */
#include "config.h"
#include "pcap_capture.h"

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
	for (int i = 0; i < 6; i++)
		v = v << 8 | m[i];
	/* BSSIDs are the APs' own addresses: a cheap mix spreads them. */
	v *= 0x9e3779b97f4a7c15ULL;
	return v ^ (v >> 29);
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
	struct cap_bss *b = &st->bss[st->n_bss++];
	memset(b, 0, sizeof *b);
	memcpy(b->mac, mac, 6);
	return (int)s->v;
}

static uint64_t pair_hash(struct cap_state *st, const uint8_t *bssid, const uint8_t *sta)
{
	uint8_t buf[12];
	memcpy(buf, bssid, 6);
	memcpy(buf + 6, sta, 6);
	return cap_hash(st, buf, sizeof buf);
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

/* The slots a data frame may update, requested before the first is read:
 * with many stations each one is a cache miss. */
static void prefetch_station(const struct cap_state *st, uint64_t h, uint64_t pair)
{
	hmap_prefetch(&st->stations, h);
	atab_prefetch(&st->addrs, pair);
}

/* A data frame's station and BSSID; false when it names no station. */
static bool data_station(const struct dec_80211 *f, const uint8_t **bssid, const uint8_t **sta)
{
	if (f->ds == 1) {
		*bssid = f->a1;
		*sta = f->a2;
	} else if (f->ds == 2) {
		*bssid = f->a2;
		*sta = f->a1;
	} else {
		return false;
	}
	return !mac_is_group(*sta) && !mac_is_zero(*sta) && memcmp(*sta, *bssid, 6) != 0;
}

static void data_frame(struct cap_state *st, const struct dec_80211 *f, enum band band, double ts)
{
	st->tot.data_frames++;
	if (f->ds == 3)
		st->tot.data_wds++;
	else if (f->ds == 0)
		st->tot.data_ds0++;
	const uint8_t *bssid, *sta;
	if (!data_station(f, &bssid, &sta))
		return;
	uint64_t h, pair;
	if (st->ahead && st->ahead->n == 2) {
		h = st->ahead->h[0];
		pair = st->ahead->h[1];
	} else {
		h = cap_hash(st, sta, 6);
		pair = pair_hash(st, bssid, sta);
		prefetch_station(st, h, pair);
	}
	int bi = bss_lookup(st, bssid);
	if (bi < 0)
		return;
	/* A full stations table gives no slot to remember in: count in the
	 * address table on every frame then. */
	struct hmap_slot *s = station_seen(st, bi, h, band, ts);
	uint32_t flags = s ? s->v : 0;
	if (!(flags & STA_COUNTED)) {
		cap_seen(st, h, K_STA);
		if (s)
			s->v |= STA_COUNTED;
	}
	uint32_t want = STA_DATA | (f->ds == 1 ? STA_TX : 0);
	if ((flags & want) == want)
		return;
	struct atab_entry *pe = atab_get(&st->addrs, pair);
	if (!pe)
		return;
	if (cap_mark(st, pe, K_DATA_STA))
		st->bss[bi].data_sta++;
	if (f->ds == 1 && cap_mark(st, pe, K_TX_STA))
		st->bss[bi].tx_sta++;
	if (s)
		s->v |= want;
}

static void assoc_response(struct cap_state *st, const struct dec_80211 *f, enum band band, double ts)
{
	if (decode_assoc_status(f) != 0 || mac_is_group(f->a1) || mac_is_zero(f->a1))
		return;
	int bi = bss_lookup(st, f->a3);
	if (bi < 0)
		return;
	if (cap_seen(st, pair_hash(st, f->a3, f->a1), K_ASSOC_STA))
		st->bss[bi].assoc_sta++;
	station_seen(st, bi, cap_hash(st, f->a1, 6), band, ts);
}

/* Deauthentication or disassociation, from either side. */
static void leave(struct cap_state *st, const struct dec_80211 *f, double ts)
{
	const uint8_t *bssid = f->a3;
	const uint8_t *sta = memcmp(f->a2, f->a3, 6) == 0 ? f->a1 : f->a2;
	if (mac_is_group(sta)) {
		struct hmap_slot *b = hmap_find(&st->bss_index, mac_u64(bssid));
		if (b)
			st->bss[b->v].flushed_at = ts;
		return;
	}
	struct hmap_slot *s = hmap_find(&st->stations, cap_hash(st, sta, 6));
	if (!s)
		return;
	struct hmap_slot *b = hmap_find(&st->bss_index, mac_u64(bssid));
	if (b && (s->v & STA_BSS_MASK) == b->v)
		hmap_del(&st->stations, s);
}

static void mgmt_frame(struct cap_state *st, const struct dec_80211 *f, enum band band, double ts)
{
	switch (f->subtype) {
	case WLAN_SUB_BEACON: {
		int bi = bss_lookup(st, f->a3);
		if (bi >= 0)
			st->bss[bi].beacon = true;
		break;
	}
	case WLAN_SUB_ASSOC_RESP:
	case WLAN_SUB_REASSOC_RESP:
		assoc_response(st, f, band, ts);
		break;
	case WLAN_SUB_DEAUTH:
	case WLAN_SUB_DISASSOC:
		leave(st, f, ts);
		break;
	}
}

static int radio_header(int dlt, const uint8_t *p, size_t len, struct dec_radio *r)
{
	switch (dlt) {
	case DLT_IEEE802_11_RADIO:
		return decode_radiotap(p, len, r);
	case DLT_PRISM_HEADER:
		return decode_prism(p, len, r);
	default:
		memset(r, 0, sizeof *r);
		r->frame = p;
		r->frame_len = len;
		return DEC_OK;
	}
}

void cap_dot11_packet(struct cap_state *st, int dlt, const uint8_t *p, size_t len, double ts)
{
	struct dec_radio r;
	struct dec_80211 f;
	if (radio_header(dlt, p, len, &r) != DEC_OK || decode_80211(r.frame, r.frame_len, &f) != DEC_OK) {
		st->tot.malformed++;
		return;
	}
	if (r.bad_fcs) {
		st->tot.bad_fcs++;
		return;
	}
	if (f.type == 2)
		data_frame(st, &f, r.band, ts);
	else if (f.type == 0)
		mgmt_frame(st, &f, r.band, ts);
}

/* The hashes data_frame() will look up, for a frame cap_dot11_packet()
 * will take as a data frame with a station. */
void cap_dot11_prefetch(struct cap_state *st, int dlt, const uint8_t *p, size_t len, struct cap_ahead *a)
{
	struct dec_radio r;
	struct dec_80211 f;
	const uint8_t *bssid, *sta;
	if (radio_header(dlt, p, len, &r) != DEC_OK || decode_80211(r.frame, r.frame_len, &f) != DEC_OK ||
	    r.bad_fcs || f.type != 2 || !data_station(&f, &bssid, &sta))
		return;
	a->h[0] = cap_hash(st, sta, 6);
	a->h[1] = pair_hash(st, bssid, sta);
	a->n = 2;
	prefetch_station(st, a->h[0], a->h[1]);
}

/* Count the stations still present at t_end; forget the ones gone. */
void cap_dot11_window(struct cap_state *st, double t_end)
{
	for (size_t i = 0; i < st->n_bss; i++) {
		struct cap_bss *b = &st->bss[i];
		b->clients = b->clients_2g4 = b->clients_5g = b->clients_6g = 0;
	}
	struct hmap *m = &st->stations;
	for (size_t i = 0; i < hmap_capacity(m); i++) {
		struct hmap_slot *s = &m->slots[i];
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
