/* Bounds-checked 802.11 decoding: radiotap and Prism headers (channel, rate), frames, association status. */
#include "config.h"
#include "collectors/decode.h"

#include <string.h>

#define RT_PRESENT_EXT	(1u << 31)
#define RT_TSFT		0
#define RT_FLAGS	1
#define RT_RATE		2
#define RT_CHANNEL	3
#define RT_XCHANNEL	18
#define RT_MCS		19
#define RT_AMPDU	20
#define RT_VHT		21
#define RT_HE		23
#define RT_LAST		RT_HE
_Static_assert(RT_LAST < RT_PLAN_BITS, "a plan holds every field walked");
#define RT_F_SHORTPRE	0x02
#define RT_F_FCS	0x10
#define RT_F_BADFCS	0x40

#define PRISM_DID_CHANNEL 0x00003041u
#define PRISM_DID_RATE 0x00008041u
#define PRISM_ITEMS_OFF 24
#define PRISM_ITEM_LEN 12

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

enum band band_of_freq(int mhz)
{
	if (mhz >= 2400 && mhz < 2500)
		return BAND_2G4;
	if (mhz >= 5955 && mhz <= 7125)
		return BAND_6G;
	if (mhz >= 4900 && mhz < 5955)
		return BAND_5G;
	return BAND_UNKNOWN;
}

static int freq_of_channel(unsigned ch)
{
	if (ch >= 1 && ch <= 13)
		return 2407 + 5 * (int)ch;
	if (ch == 14)
		return 2484;
	if (ch >= 32 && ch <= 177)
		return 5000 + 5 * (int)ch;
	return 0;
}

int channel_of_freq(int mhz)
{
	if (mhz == 2484)
		return 14;
	if (mhz >= 2412 && mhz <= 2472 && (mhz - 2407) % 5 == 0)
		return (mhz - 2407) / 5;
	if (mhz == 5935)
		return 2;
	if (mhz >= 5955 && mhz <= 7115 && (mhz - 5950) % 5 == 0)
		return (mhz - 5950) / 5;
	if (mhz >= 5000 && mhz < 5955 && mhz % 5 == 0)
		return (mhz - 5000) / 5;
	return 0;
}

/* DSSS (clause 15/16) rates 1, 2, 5.5, 11 Mb/s; OFDM (17/18) 6..54. */
static uint8_t legacy_phy(uint8_t rate)
{
	static const uint8_t phy[256] = {
		[2] = PHY_DSSS, [4] = PHY_DSSS, [11] = PHY_DSSS, [22] = PHY_DSSS,
		[12] = PHY_OFDM, [18] = PHY_OFDM, [24] = PHY_OFDM, [36] = PHY_OFDM,
		[48] = PHY_OFDM, [72] = PHY_OFDM, [96] = PHY_OFDM, [108] = PHY_OFDM,
	};
	return phy[rate];
}

/* Radiotap's field sizes and alignments, bits 0..23 of the first
 * namespace (radiotap.org): all that come before the HE field. */
static const struct { uint8_t align, size; } rt_fields[RT_LAST + 1] = {
	[0] = { 8, 8 }, [1] = { 1, 1 }, [2] = { 1, 1 }, [3] = { 2, 4 }, [4] = { 1, 2 },
	[5] = { 1, 1 }, [6] = { 1, 1 }, [7] = { 2, 2 }, [8] = { 2, 2 }, [9] = { 2, 2 },
	[10] = { 1, 1 }, [11] = { 1, 1 }, [12] = { 1, 1 }, [13] = { 1, 1 }, [14] = { 2, 2 },
	[15] = { 2, 2 }, [16] = { 1, 1 }, [17] = { 1, 1 }, [18] = { 4, 8 }, [19] = { 1, 3 },
	[20] = { 4, 8 }, [21] = { 2, 12 }, [22] = { 8, 12 }, [23] = { 2, 12 },
};

/* MCS field: known, flags, index. Bandwidth 20L/20U are 20 MHz PPDUs. */
static void rt_mcs(const uint8_t *f, struct dec_rate *r)
{
	uint8_t known = f[0], flags = f[1];
	if (!(known & 0x02) || f[2] > 32)
		return;			/* no index, or unequal modulation (33..76) */
	r->phy = PHY_HT;
	r->mcs = f[2];
	r->nss = f[2] == 32 ? 1 : (uint8_t)(f[2] / 8 + 1);
	r->bw = (known & 0x01) && (flags & 3) == 1 ? 40 : 20;
	if (f[2] == 32)
		r->bw = 40;
	r->gi = (known & 0x04) && (flags & 0x04) ? 1 : 0;
	r->greenfield = (known & 0x08) && (flags & 0x08);
	r->ldpc = (known & 0x10) && (flags & 0x10);
	r->stbc = (known & 0x20) && (flags & 0x60);
}

/* VHT field: known, flags, bandwidth, mcs_nss[4], coding, group, aid.
 * The bandwidth code names the PPDU's width and where it sits. */
static void rt_vht(const uint8_t *f, struct dec_rate *r)
{
	static const uint8_t bw_of[26] = {
		20, 40, 20, 20, 80, 40, 40, 20, 20, 20, 20, 160, 80, 80,
		40, 40, 40, 40, 20, 20, 20, 20, 20, 20, 20, 20,
	};
	uint16_t known = le16(f);
	uint8_t user = f[4], mcs = user >> 4, nss = user & 0x0f;
	if (!(known & 0x40) || f[3] > 25 || nss == 0 || nss > 8 || mcs > 9)
		return;
	r->phy = PHY_VHT;
	r->mcs = mcs;
	r->nss = nss;
	r->bw = bw_of[f[3]];
	r->gi = (known & 0x04) && (f[2] & 0x04) ? 1 : 0;
	r->stbc = (known & 0x01) && (f[2] & 0x01);
	r->ldpc = f[8] & 0x01;
}

/* HE field: data1..data6. MU PPDUs carry an HE-SIG-B of a length the
 * field does not give: no rate for them rather than a guess. */
static void rt_he(const uint8_t *f, struct dec_rate *r)
{
	static const uint16_t ru_sd[11] = { 0, 0, 0, 0, 24, 48, 102, 234, 468, 980, 1960 };
	static const uint8_t nltf[8] = { 1, 2, 4, 6, 8, 0, 0, 0 };
	uint16_t d1 = le16(f), d2 = le16(f + 2), d3 = le16(f + 4), d5 = le16(f + 8), d6 = le16(f + 10);
	unsigned format = d1 & 3, bw = d5 & 0x0f, mcs = d3 >> 8 & 0x0f, nsts = d6 & 0x0f;
	if (format == 2 || !(d1 & 0x0020) || !(d1 & 0x4000) || bw > 10 || mcs > 11 || nsts == 0)
		return;
	r->phy = PHY_HE;
	r->he_format = (uint8_t)format;
	r->mcs = (uint8_t)mcs;
	r->nss = (uint8_t)nsts;
	r->bw = bw <= 3 ? (uint16_t)(20 << bw) : 20;
	r->he_ru = ru_sd[bw];
	r->gi = (d2 & 0x0002) ? (uint8_t)(d5 >> 4 & 3) : 0;
	if (r->gi > 2)
		r->gi = 2;
	r->he_ltf = (d5 >> 6 & 3) ? (uint8_t)(1 << ((d5 >> 6 & 3) - 1)) : 0;
	r->he_nltf = (d2 & 0x0004) ? nltf[d5 >> 8 & 7] : 0;
	r->dcm = (d1 & 0x0040) && (d3 & 0x1000);
	r->ldpc = (d1 & 0x0080) ? (d3 & 0x2000) != 0 : true;
	r->stbc = (d1 & 0x0200) && (d3 & 0x8000);
}

static void rt_field(unsigned bit, const uint8_t *f, struct dec_radio *out)
{
	struct dec_rate *r = &out->rate;
	switch (bit) {
	case RT_FLAGS:
		out->fcs_at_end = (f[0] & RT_F_FCS) != 0;
		out->bad_fcs = (f[0] & RT_F_BADFCS) != 0;
		r->short_preamble = (f[0] & RT_F_SHORTPRE) != 0;
		break;
	case RT_RATE:
		if (r->phy == PHY_NONE && f[0])
			r->rate = f[0];
		break;
	case RT_CHANNEL:
		out->freq_mhz = le16(f);
		break;
	case RT_XCHANNEL:
		if (!out->freq_mhz)
			out->freq_mhz = le16(f + 4);
		break;
	case RT_MCS: rt_mcs(f, r); break;
	case RT_AMPDU:
		r->ampdu = true;
		r->ampdu_ref = le32(f);
		break;
	case RT_VHT: rt_vht(f, r); break;
	case RT_HE: rt_he(f, r); break;
	default: break;
	}
}

/* The fields read, in present-bit order (a later one may overwrite what
 * an earlier one set). */
#define RT_READ (1u << RT_FLAGS | 1u << RT_RATE | 1u << RT_CHANNEL | 1u << RT_XCHANNEL | 1u << RT_MCS | \
		 1u << RT_AMPDU | 1u << RT_VHT | 1u << RT_HE)

/* Where the fields read sit, worked out once per present bitmap (their
 * offsets follow from it alone): a walk of the first namespace's fields
 * in present-bit order up to HE, each aligned to its natural size
 * relative to the header start (later namespaces' fields all follow
 * these). Every field ends after those before it, so a header too short
 * for one (which ends the walk) is too short for all after it too. */
static void rt_plan_build(struct rt_plan *pl, uint32_t present, uint32_t data_off)
{
	uint32_t off = data_off;
	pl->read = present & RT_READ;
	pl->all_end = 0;
	for (uint32_t left = present; left; left &= left - 1) {
		unsigned bit = (unsigned)__builtin_ctz(left);
		off = (off + rt_fields[bit].align - 1) & ~(uint32_t)(rt_fields[bit].align - 1);
		pl->at[bit] = off;
		off += rt_fields[bit].size;
		if (pl->read & 1u << bit)
			pl->all_end = off;
	}
	pl->present = present;
	pl->data_off = data_off;
	pl->memo_bit = 0;
}

/* The fields read that a header of hlen bytes holds whole. */
static uint32_t rt_fit(const struct rt_plan *pl, size_t hlen)
{
	if (pl->all_end <= hlen)
		return pl->read;
	uint32_t fit = 0;
	for (uint32_t left = pl->read; left; left &= left - 1) {
		unsigned bit = (unsigned)__builtin_ctz(left);
		if (pl->at[bit] + rt_fields[bit].size > hlen)
			break;
		fit |= 1u << bit;
	}
	return fit;
}

#define RT_RICH (1u << RT_MCS | 1u << RT_VHT | 1u << RT_HE)

/* The MCS, VHT or HE field at f (bit), decoded into r; frames of a
 * capture come at a handful of rates, so when one such field is all a
 * plan has, the plan remembers the last one's bytes and what they gave.
 * These fields set none of what the others (Rate, Flags, A-MPDU) do. */
static void rt_rich(struct rt_plan *pl, unsigned bit, const uint8_t *f, struct dec_rate *r)
{
	/* MCS: 3 bytes; VHT and HE: 12. */
	uint64_t k0 = bit == RT_MCS ? (uint64_t)f[0] | (uint64_t)f[1] << 8 | (uint64_t)f[2] << 16 : 0, k1 = 0;
	if (bit != RT_MCS) {
		memcpy(&k0, f, 8);
		k1 = le32(f + 8);
	}
	if (pl->memo_bit != bit || pl->memo_key[0] != k0 || pl->memo_key[1] != k1) {
		struct dec_rate one = { 0 };
		if (bit == RT_MCS)
			rt_mcs(f, &one);
		else if (bit == RT_VHT)
			rt_vht(f, &one);
		else
			rt_he(f, &one);
		pl->memo_rate = one;
		pl->memo_key[0] = k0;
		pl->memo_key[1] = k1;
		pl->memo_bit = (uint8_t)bit;
	}
	uint8_t rate = r->rate;
	bool short_preamble = r->short_preamble;
	*r = pl->memo_rate;
	r->rate = rate;
	r->short_preamble = short_preamble;
}

static void radiotap_apply(struct rt_plan *pl, const uint8_t *p, size_t hlen, struct dec_radio *out)
{
	uint32_t fit = rt_fit(pl, hlen);
	struct dec_rate *r = &out->rate;
	if (fit & 1u << RT_FLAGS)
		rt_field(RT_FLAGS, p + pl->at[RT_FLAGS], out);
	if (fit & 1u << RT_RATE && p[pl->at[RT_RATE]])
		r->rate = p[pl->at[RT_RATE]];	/* before any richer field */
	if (fit & 1u << RT_CHANNEL)
		out->freq_mhz = le16(p + pl->at[RT_CHANNEL]);
	uint32_t rich = fit & RT_RICH;
	if (rich && !(rich & (rich - 1))) {
		rt_rich(pl, (unsigned)__builtin_ctz(rich), p + pl->at[__builtin_ctz(rich)], r);
		fit &= ~rich;
	}
	for (uint32_t left = fit >> RT_XCHANNEL << RT_XCHANNEL; left; left &= left - 1) {
		unsigned bit = (unsigned)__builtin_ctz(left);
		rt_field(bit, p + pl->at[bit], out);
	}
	out->band = band_of_freq(out->freq_mhz);
	/* A legacy rate stands only when no richer field described the PPDU. */
	if (r->phy == PHY_NONE && r->rate)
		r->phy = legacy_phy(r->rate);
	if (r->phy == PHY_NONE)
		r->rate = 0;
}

/* The plan for present (the bits wanted) at data_off: the cache's, made
 * there on a miss, or made in tmp without a cache. A key has two slots,
 * by its hash. */
static struct rt_plan *rt_plan_of(struct rt_plans *plans, uint32_t present, uint32_t data_off,
					struct rt_plan *tmp)
{
	if (!plans) {
		rt_plan_build(tmp, present, data_off);
		return tmp;
	}
	uint64_t h = ((uint64_t)present << 16 ^ data_off) * 0x9e3779b97f4a7c15ULL;
	struct rt_plan *pl = &plans->slot[h >> 60 & (RT_PLANS - 2)];
	if (pl->present == present && pl->data_off == data_off)
		return pl;
	if (pl[1].present == present && pl[1].data_off == data_off)
		return pl + 1;
	if (pl->data_off)
		pl++;
	rt_plan_build(pl, present, data_off);
	return pl;
}

static int radiotap(const uint8_t *p, size_t len, struct dec_radio *out, uint32_t wanted, struct rt_plans *plans)
{
	memset(out, 0, sizeof *out);
	if (len < 8)
		return DEC_TRUNC;
	if (p[0] != 0)
		return DEC_BAD;
	size_t hlen = le16(p + 2);
	if (hlen < 8)
		return DEC_BAD;
	if (hlen > len)
		return DEC_TRUNC;
	uint32_t present = le32(p + 4);
	size_t off = 4;
	uint32_t word = present;
	while (word & RT_PRESENT_EXT) {
		off += 4;
		if (off + 4 > hlen)
			return DEC_BAD;
		word = le32(p + off);
	}
	struct rt_plan tmp;
	radiotap_apply(rt_plan_of(plans, present & wanted, (uint32_t)off + 4, &tmp), p, hlen, out);
	out->hlen = hlen;
	out->frame = p + hlen;
	out->frame_len = len - hlen;
	if (out->fcs_at_end && out->frame_len >= 4)
		out->frame_len -= 4;
	return DEC_OK;
}

#define RT_WANT_ALL ((1u << (RT_LAST + 1)) - 1)
/* TSFT, Flags, Rate and Channel (bits 0..3): what counting stations needs. */
#define RT_WANT_CHANNEL ((1u << (RT_CHANNEL + 1)) - 1)

/* Every field up to HE: a field's offset depends on all present before it. */
int decode_radiotap(const uint8_t *p, size_t len, struct dec_radio *out)
{
	return radiotap(p, len, out, RT_WANT_ALL, NULL);
}

int decode_radiotap_channel(const uint8_t *p, size_t len, struct dec_radio *out)
{
	return radiotap(p, len, out, RT_WANT_CHANNEL, NULL);
}

int decode_radiotap_cached(const uint8_t *p, size_t len, struct dec_radio *out, bool rates, struct rt_plans *plans)
{
	return radiotap(p, len, out, rates ? RT_WANT_ALL : RT_WANT_CHANNEL, plans);
}

/* Channel and rate items; an item whose status says "no value" (a
 * non-zero 16-bit status after the DID) is skipped. */
static void prism_items(const uint8_t *p, size_t hlen, bool big, struct dec_radio *out)
{
	for (size_t off = PRISM_ITEMS_OFF; off + PRISM_ITEM_LEN <= hlen; off += PRISM_ITEM_LEN) {
		uint32_t did = big ? be32(p + off) : le32(p + off);
		uint16_t status = big ? (uint16_t)(p[off + 4] << 8 | p[off + 5]) : le16(p + off + 4);
		uint32_t v = big ? be32(p + off + 8) : le32(p + off + 8);
		if (did == PRISM_DID_CHANNEL) {
			out->freq_mhz = freq_of_channel(v);
			out->band = band_of_freq(out->freq_mhz);
		} else if (did == PRISM_DID_RATE && status == 0 && v < 256 && legacy_phy((uint8_t)v)) {
			out->rate.rate = (uint8_t)v;
			out->rate.phy = legacy_phy((uint8_t)v);
		}
	}
}

int decode_prism(const uint8_t *p, size_t len, struct dec_radio *out)
{
	memset(out, 0, sizeof *out);
	if (len < 8)
		return DEC_TRUNC;
	/* The header is in the capturing host's byte order. */
	bool big = false;
	size_t hlen = le32(p + 4);
	if (hlen < 8 || hlen > len) {
		size_t b = be32(p + 4);
		if (b >= 8 && b <= len) {
			hlen = b;
			big = true;
		} else {
			return hlen > len ? DEC_TRUNC : DEC_BAD;
		}
	}
	prism_items(p, hlen, big, out);
	out->hlen = hlen;
	out->frame = p + hlen;
	out->frame_len = len - hlen;
	return DEC_OK;
}

static int decode_ctrl(const uint8_t *p, size_t len, struct dec_80211 *out)
{
	if (len < 10)
		return DEC_TRUNC;
	out->a1 = p + 4;
	/* CTS and ACK carry only a receiver address. */
	if (out->subtype != 12 && out->subtype != 13 && len >= 16)
		out->a2 = p + 10;
	return DEC_OK;
}

int decode_80211(const uint8_t *p, size_t len, struct dec_80211 *out)
{
	memset(out, 0, sizeof *out);
	if (len < 2)
		return DEC_TRUNC;
	if ((p[0] & 3) != 0)
		return DEC_BAD;		/* protocol version */
	out->type = (p[0] >> 2) & 3;
	out->subtype = (p[0] >> 4) & 0xf;
	out->ds = p[1] & 3;
	out->protected = (p[1] & 0x40) != 0;
	bool order = (p[1] & 0x80) != 0;
	if (out->type == 3)
		return DEC_BAD;
	if (out->type == 1)
		return decode_ctrl(p, len, out);
	size_t hlen = 24;
	bool qos = out->type == 2 && (out->subtype & 0x8);
	if (out->type == 2 && out->ds == 3)
		hlen += 6;
	if (qos)
		hlen += 2;
	if (order && (qos || out->type == 0))
		hlen += 4;
	if (len < hlen)
		return DEC_TRUNC;
	out->a1 = p + 4;
	out->a2 = p + 10;
	out->a3 = p + 16;
	if (out->type == 2 && out->ds == 3)
		out->a4 = p + 24;
	out->body = p + hlen;
	out->body_len = len - hlen;
	return DEC_OK;
}

int decode_assoc_status(const struct dec_80211 *f)
{
	if (!f->body || f->body_len < 4)
		return -1;
	return le16(f->body + 2);
}
