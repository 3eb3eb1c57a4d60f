/* Bounds-checked DHCP decoding: the message type, client address and lease of a BOOTP packet. */
#include "config.h"
#include "collectors/decode.h"

#include <string.h>

#define BOOTP_FIXED 236
#define DHCP_MAGIC_LEN 4

static uint32_t raw32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void dhcp_option(struct dec_dhcp *out, uint8_t code, const uint8_t *v, size_t n)
{
	switch (code) {
	case 53:
		if (n >= 1)
			out->msg_type = v[0];
		break;
	case 50:
		if (n >= 4)
			out->requested = raw32(v);
		break;
	case 51:
		if (n >= 4) {
			out->lease_secs = be32(v);
			out->has_lease = true;
		}
		break;
	}
}

static void walk_options(struct dec_dhcp *out, const uint8_t *p, size_t len)
{
	size_t off = 0;
	while (off < len) {
		uint8_t code = p[off++];
		if (code == 0)
			continue;
		if (code == 255 || off >= len)
			return;
		size_t n = p[off++];
		if (n > len - off)
			return;		/* option runs past the captured bytes */
		dhcp_option(out, code, p + off, n);
		off += n;
	}
}

int decode_dhcp(const uint8_t *p, size_t len, struct dec_dhcp *out)
{
	memset(out, 0, sizeof *out);
	if (len < BOOTP_FIXED)
		return DEC_TRUNC;
	out->op = p[0];
	if (out->op != 1 && out->op != 2)
		return DEC_BAD;
	uint8_t htype = p[1], hlen = p[2];
	out->ciaddr = raw32(p + 12);
	out->yiaddr = raw32(p + 16);
	if (htype == 1 && hlen == 6)
		memcpy(out->chaddr, p + 28, 6);
	if (len < BOOTP_FIXED + DHCP_MAGIC_LEN ||
	    be32(p + BOOTP_FIXED) != 0x63825363)
		return DEC_OK;		/* plain BOOTP */
	walk_options(out, p + BOOTP_FIXED + DHCP_MAGIC_LEN, len - BOOTP_FIXED - DHCP_MAGIC_LEN);
	return DEC_OK;
}
