/* Bounds-checked Ethernet, VLAN, IPv4/IPv6 and UDP decoding, tunnelled IPv6 included. */
#include "config.h"
#include "collectors/decode.h"

#include <string.h>

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

int decode_ether(const uint8_t *p, size_t len, struct dec_ether *out)
{
	memset(out, 0, sizeof *out);
	out->vlan = -1;
	if (len < 14)
		return DEC_TRUNC;
	out->dst = p;
	out->src = p + 6;
	size_t off = 12;
	uint16_t type = be16(p + off);
	while (type == 0x8100 || type == 0x88a8 || type == 0x9100) {
		if (out->n_vlans == DEC_MAX_VLANS)
			return DEC_BAD;
		if (len < off + 6)
			return DEC_TRUNC;
		int id = be16(p + off + 2) & 0x0fff;
		if (out->n_vlans == 0)
			out->vlan = id;
		out->n_vlans++;
		off += 4;
		type = be16(p + off);
	}
	off += 2;
	if (type == ETHERTYPE_PPPOE_SESSION) {
		/* DSL uplinks: IP inside a PPPoE session. */
		if (len < off + 8)
			return DEC_TRUNC;
		uint16_t ppp = be16(p + off + 6);
		type = ppp == 0x0021 ? ETHERTYPE_IPV4 : ppp == 0x0057 ? ETHERTYPE_IPV6 : 0;
		off += 8;
	}
	/* 802.3 length field instead of a type: LLC, not IP. */
	out->ethertype = type;
	out->l3 = p + off;
	out->l3_len = len - off;
	return DEC_OK;
}

static int decode_ipv4(const uint8_t *p, size_t len, struct dec_ip *out)
{
	if (len < 20)
		return DEC_TRUNC;
	if ((p[0] >> 4) != 4)
		return DEC_BAD;
	size_t ihl = (size_t)(p[0] & 0x0f) * 4;
	if (ihl < 20)
		return DEC_BAD;
	out->family = 4;
	out->proto = p[9];
	out->src = p + 12;
	out->dst = p + 16;
	size_t total = be16(p + 2);
	uint16_t frag = be16(p + 6);
	if (ihl > len || (frag & 0x1fff) != 0)
		return DEC_OK;		/* addresses are good; no transport header */
	size_t end = total >= ihl && total <= len ? total : len;
	out->l4 = p + ihl;
	out->l4_len = end - ihl;
	return DEC_OK;
}

static bool ipv6_is_extension(uint8_t nh)
{
	return nh == 0 || nh == 43 || nh == 60;	/* hop-by-hop, routing, dest opts */
}

static int decode_ipv6(const uint8_t *p, size_t len, struct dec_ip *out)
{
	if (len < 40)
		return DEC_TRUNC;
	if ((p[0] >> 4) != 6)
		return DEC_BAD;
	out->family = 6;
	out->src = p + 8;
	out->dst = p + 24;
	size_t payload = be16(p + 4);
	size_t end = payload + 40 <= len ? payload + 40 : len;
	uint8_t nh = p[6];
	size_t off = 40;
	for (int i = 0; i < 4 && ipv6_is_extension(nh); i++) {
		if (off + 8 > end)
			return DEC_OK;
		size_t ext = ((size_t)p[off + 1] + 1) * 8;
		nh = p[off];
		off += ext;
	}
	out->proto = nh;
	if (nh == 44 || ipv6_is_extension(nh) || off > end)
		return DEC_OK;		/* fragment or too deep: addresses only */
	out->l4 = p + off;
	out->l4_len = end - off;
	return DEC_OK;
}

int decode_ip(uint16_t ethertype, const uint8_t *p, size_t len, struct dec_ip *out)
{
	memset(out, 0, sizeof *out);
	if (ethertype == ETHERTYPE_IPV4)
		return decode_ipv4(p, len, out);
	if (ethertype == ETHERTYPE_IPV6)
		return decode_ipv6(p, len, out);
	return DEC_BAD;
}

int decode_udp(const uint8_t *p, size_t len, struct dec_udp *out)
{
	memset(out, 0, sizeof *out);
	if (!p || len < 8)
		return DEC_TRUNC;
	out->sport = be16(p);
	out->dport = be16(p + 2);
	size_t ulen = be16(p + 4);
	if (ulen != 0 && ulen < 8)
		return DEC_BAD;
	size_t end = ulen >= 8 && ulen <= len ? ulen : len;
	out->payload = p + 8;
	out->payload_len = end - 8;
	return DEC_OK;
}

static int gre_payload(const struct dec_ip *outer, const uint8_t **p, size_t *len)
{
	if (outer->l4_len < 4)
		return DEC_TRUNC;
	const uint8_t *g = outer->l4;
	uint16_t flags = be16(g);
	if ((flags & 7) != 0 || be16(g + 2) != ETHERTYPE_IPV6)
		return DEC_BAD;
	size_t hlen = 4 + ((flags & 0x8000) ? 4 : 0) + ((flags & 0x2000) ? 4 : 0) + ((flags & 0x1000) ? 4 : 0);
	if (hlen > outer->l4_len)
		return DEC_TRUNC;
	*p = g + hlen;
	*len = outer->l4_len - hlen;
	return DEC_OK;
}

static int teredo_payload(const struct dec_ip *outer, const uint8_t **p, size_t *len)
{
	struct dec_udp udp;
	if (decode_udp(outer->l4, outer->l4_len, &udp) != DEC_OK)
		return DEC_TRUNC;
	if (udp.sport != 3544 && udp.dport != 3544)
		return DEC_BAD;
	const uint8_t *q = udp.payload;
	size_t n = udp.payload_len;
	if (n >= 4 && q[0] == 0 && q[1] == 1) {	/* authentication indicator */
		size_t auth = 4 + (size_t)q[2] + q[3] + 8 + 1;
		if (auth > n)
			return DEC_TRUNC;
		q += auth;
		n -= auth;
	}
	if (n >= 8 && q[0] == 0 && q[1] == 0) {	/* origin indication */
		q += 8;
		n -= 8;
	}
	*p = q;
	*len = n;
	return DEC_OK;
}

int decode_inner_ipv6(const struct dec_ip *outer, struct dec_ip *inner)
{
	const uint8_t *p = NULL;
	size_t len = 0;
	int rc = DEC_BAD;
	memset(inner, 0, sizeof *inner);
	if (!outer->l4)
		return DEC_BAD;
	if (outer->proto == 41) {
		p = outer->l4;
		len = outer->l4_len;
		rc = DEC_OK;
	} else if (outer->proto == 47) {
		rc = gre_payload(outer, &p, &len);
	} else if (outer->proto == 17) {
		rc = teredo_payload(outer, &p, &len);
	}
	if (rc != DEC_OK)
		return rc;
	return decode_ip(ETHERTYPE_IPV6, p, len, inner);
}
