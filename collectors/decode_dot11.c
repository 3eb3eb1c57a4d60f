/* Bounds-checked 802.11 decoding: radiotap and Prism headers, frames, association status. */
#include "config.h"
#include "collectors/decode.h"

#include <string.h>

#define RT_PRESENT_EXT	(1u << 31)
#define RT_TSFT		0
#define RT_FLAGS	1
#define RT_RATE		2
#define RT_CHANNEL	3
#define RT_F_FCS	0x10
#define RT_F_BADFCS	0x40

#define PRISM_DID_CHANNEL 0x00003041u
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

/*
 * Walk the radiotap fields in present-bit order up to the channel field.
 * Fields are aligned to their natural size relative to the header start;
 * only the first namespace's first word matters for bits 0..3.
 */
static void radiotap_fields(const uint8_t *p, size_t hlen, size_t data_off, uint32_t present,
			    struct dec_radio *out)
{
	static const struct { uint8_t align, size; } fields[] = {
		[RT_TSFT] = { 8, 8 }, [RT_FLAGS] = { 1, 1 }, [RT_RATE] = { 1, 1 }, [RT_CHANNEL] = { 2, 4 },
	};
	size_t off = data_off;
	for (unsigned bit = 0; bit <= RT_CHANNEL; bit++) {
		if (!(present & (1u << bit)))
			continue;
		off = (off + fields[bit].align - 1) & ~(size_t)(fields[bit].align - 1);
		if (off + fields[bit].size > hlen)
			return;
		if (bit == RT_FLAGS) {
			out->fcs_at_end = (p[off] & RT_F_FCS) != 0;
			out->bad_fcs = (p[off] & RT_F_BADFCS) != 0;
		} else if (bit == RT_CHANNEL) {
			out->freq_mhz = le16(p + off);
			out->band = band_of_freq(out->freq_mhz);
		}
		off += fields[bit].size;
	}
}

int decode_radiotap(const uint8_t *p, size_t len, struct dec_radio *out)
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
	radiotap_fields(p, hlen, off + 4, present, out);
	out->frame = p + hlen;
	out->frame_len = len - hlen;
	if (out->fcs_at_end && out->frame_len >= 4)
		out->frame_len -= 4;
	return DEC_OK;
}

static void prism_channel(const uint8_t *p, size_t hlen, bool big, struct dec_radio *out)
{
	for (size_t off = PRISM_ITEMS_OFF; off + PRISM_ITEM_LEN <= hlen; off += PRISM_ITEM_LEN) {
		uint32_t did = big ? be32(p + off) : le32(p + off);
		if (did != PRISM_DID_CHANNEL)
			continue;
		uint32_t ch = big ? be32(p + off + 8) : le32(p + off + 8);
		out->freq_mhz = freq_of_channel(ch);
		out->band = band_of_freq(out->freq_mhz);
		return;
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
	prism_channel(p, hlen, big, out);
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
