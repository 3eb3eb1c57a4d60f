/* Ethernet side of the capture: uplink accounting and DHCP leases. */
#include "config.h"
#include "pcap_capture.h"

#include <arpa/inet.h>
#include <math.h>
#include <string.h>

#define DEFAULT_LEASE_SECS 3600

static bool prefix_match(const struct cap_prefix *px, int family, const uint8_t *addr)
{
	if (px->family != family)
		return false;
	unsigned full = px->bits / 8, rest = px->bits % 8;
	if (memcmp(px->addr, addr, full) != 0)
		return false;
	if (rest == 0)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return (px->addr[full] & mask) == (addr[full] & mask);
}

static bool is_local(const struct cap_settings *set, int family, const uint8_t *addr)
{
	for (size_t i = 0; i < set->n_prefixes; i++)
		if (prefix_match(&set->prefixes[i], family, addr))
			return true;
	return false;
}

static bool is_private4(const uint8_t *a)
{
	return a[0] == 10 || (a[0] == 172 && (a[1] & 0xf0) == 16) || (a[0] == 192 && a[1] == 168);
}

static long local_day(const struct cap_state *st, double ts)
{
	return (long)floor((ts + (double)st->set->utc_offset) / 86400.0);
}

static void count_device(struct cap_state *st, const uint8_t *mac, uint64_t h, double ts)
{
	hset_add(&st->active, h);
	long day = local_day(st, ts);
	if (day != st->day) {
		/* A capture's clock may step backwards; only a later day resets. */
		if (day > st->day) {
			hset_clear(&st->today);
			st->day_global = st->day_random = 0;
		}
		st->day = day > st->day ? day : st->day;
	}
	if (hset_add(&st->today, h) == 1) {
		if (mac_is_local(mac))
			st->day_random++;
		else
			st->day_global++;
	}
}

struct ip_hashes {
	uint64_t src, dst;
};

static struct ip_hashes hash_ip(const struct cap_state *st, const struct dec_ip *ip)
{
	size_t n = ip->family == 4 ? 4 : 16;
	return (struct ip_hashes){ cap_hash(st, ip->src, n), cap_hash(st, ip->dst, n) };
}

static void count_ip(struct cap_state *st, const struct dec_ip *ip, struct ip_hashes h)
{
	uint64_t hs = h.src, hd = h.dst;
	if (ip->family == 4) {
		cap_seen(st, hs, K_IP4);
		cap_seen(st, hd, K_IP4);
		if (cap_seen(st, hs, K_IP4_SRC) && is_private4(ip->src))
			st->tot.distinct[K_IP4_SRC_PRIVATE]++;
	} else {
		cap_seen(st, hs, K_IP6);
		cap_seen(st, hd, K_IP6);
		cap_seen(st, hs, K_IP6_SRC);
	}
}

/* IPv6 tunnelled in IPv4 counts as IPv6 seen (its first IPv6 header). */
static void count_tunnelled_ipv6(struct cap_state *st, const struct dec_ip *ip)
{
	struct dec_ip inner;
	if (ip->family == 4 && ip->l4 && (ip->proto == 41 || ip->proto == 47 || ip->proto == 17) &&
	    decode_inner_ipv6(ip, &inner) == DEC_OK)
		count_ip(st, &inner, hash_ip(st, &inner));
}

/* -1 inbound (towards the venue), 1 outbound, 0 unknown or internal. */
static int direction(const struct cap_state *st, const struct dec_ether *eth, const struct dec_ip *ip)
{
	const struct cap_settings *set = st->set;
	if (set->has_gateway) {
		if (memcmp(eth->src, set->gateway, 6) == 0)
			return -1;
		if (memcmp(eth->dst, set->gateway, 6) == 0)
			return 1;
	}
	if (!ip || set->n_prefixes == 0)
		return 0;
	bool src_local = is_local(set, ip->family, ip->src);
	bool dst_local = is_local(set, ip->family, ip->dst);
	if (src_local && !dst_local)
		return 1;
	if (dst_local && !src_local)
		return -1;
	return 0;
}

static void count_direction(struct cap_state *st, int dir, size_t wire_len)
{
	if (dir > 0) {
		st->win.packets_out++;
		st->win.bytes_out += wire_len;
		st->tot.packets_out++;
		st->tot.bytes_out += wire_len;
	} else if (dir < 0) {
		st->win.packets_in++;
		st->win.bytes_in += wire_len;
		st->tot.packets_in++;
		st->tot.bytes_in += wire_len;
	}
}

/* A client is a unicast sender on the venue side: not the gateway, and
 * with an IP source inside the local prefixes when those are known. */
static bool is_client(const struct cap_state *st, const struct dec_ether *eth, const struct dec_ip *ip)
{
	if (mac_is_group(eth->src) || mac_is_zero(eth->src))
		return false;
	if (st->set->has_gateway && memcmp(eth->src, st->set->gateway, 6) == 0)
		return false;
	if (ip && st->set->n_prefixes)
		return is_local(st->set, ip->family, ip->src);
	return true;
}

static int pool_for(const struct cap_settings *set, int vlan, uint32_t addr)
{
	uint32_t host = ntohl(addr);
	for (size_t i = 0; i < set->n_pools; i++) {
		const struct cap_pool *p = &set->pools[i];
		if (p->vlan >= 0 && p->vlan != vlan)
			continue;
		if (p->has_subnet && (host & p->mask) != p->net)
			continue;
		return (int)i;
	}
	return -1;
}

static uint64_t lease_key(const struct cap_state *st, const uint8_t *chaddr, uint32_t addr)
{
	uint8_t buf[10];
	memcpy(buf, chaddr, 6);
	memcpy(buf + 6, &addr, 4);
	return cap_hash(st, buf, sizeof buf);
}

static void end_lease(struct cap_state *st, const uint8_t *chaddr, uint32_t addr)
{
	if (!addr)
		return;
	struct hmap_slot *s = hmap_find(&st->leases, lease_key(st, chaddr, addr));
	if (s)
		hmap_del(&st->leases, s);
}

static void dhcp_packet(struct cap_state *st, const struct dec_ether *eth, const struct dec_udp *udp,
			double ts)
{
	struct dec_dhcp m;
	if (decode_dhcp(udp->payload, udp->payload_len, &m) != DEC_OK) {
		st->tot.malformed++;
		return;
	}
	if (m.msg_type > 0 && m.msg_type < DHCP_MSG_MAX)
		st->tot.dhcp_msgs[m.msg_type]++;
	if (m.msg_type == DHCP_ACK && m.yiaddr != 0) {
		uint64_t k = lease_key(st, m.chaddr, m.yiaddr);
		cap_seen(st, k, K_LEASE);
		bool fresh;
		struct hmap_slot *s = hmap_put(&st->leases, k, &fresh);
		if (!s)
			return;
		int pool = pool_for(st->set, eth->vlan, m.yiaddr);
		s->v = pool < 0 ? CAP_NO_POOL : (uint32_t)pool;
		s->t = ts + (m.has_lease ? (double)m.lease_secs : DEFAULT_LEASE_SECS);
	} else if (m.msg_type == DHCP_RELEASE) {
		end_lease(st, m.chaddr, m.ciaddr);
	} else if (m.msg_type == DHCP_DECLINE) {
		end_lease(st, m.chaddr, m.requested);
	}
}

static bool is_dhcp_port(uint16_t port)
{
	return port == 67 || port == 68;
}

void cap_ether_packet(struct cap_state *st, const uint8_t *p, size_t len, size_t wire_len, double ts)
{
	struct dec_ether eth;
	if (decode_ether(p, len, &eth) != DEC_OK) {
		st->tot.malformed++;
		return;
	}
	if (eth.vlan >= 0)
		st->vlan_frames[eth.vlan]++;
	struct dec_ip ip, *ipp = NULL;
	if ((eth.ethertype == ETHERTYPE_IPV4 || eth.ethertype == ETHERTYPE_IPV6) &&
	    decode_ip(eth.ethertype, eth.l3, eth.l3_len, &ip) == DEC_OK)
		ipp = &ip;
	else if (eth.ethertype == ETHERTYPE_IPV4 || eth.ethertype == ETHERTYPE_IPV6)
		st->tot.malformed++;

	/* Every table slot this frame touches is requested before the first
	 * is read: with 100k clients each one is a cache miss. */
	uint64_t hmac = cap_hash(st, eth.src, 6);
	struct ip_hashes hip = { 0, 0 };
	cap_seen_prefetch(st, hmac);
	hset_prefetch(&st->active, hmac);
	hset_prefetch(&st->today, hmac);
	if (ipp) {
		hip = hash_ip(st, ipp);
		cap_seen_prefetch(st, hip.src);
		cap_seen_prefetch(st, hip.dst);
	}

	cap_seen(st, hmac, K_SRC_MAC);
	if (!mac_is_group(eth.src) && !mac_is_zero(eth.src))
		cap_seen(st, hmac, K_SRC_MAC_UNICAST);
	if (ipp) {
		count_ip(st, ipp, hip);
		count_tunnelled_ipv6(st, ipp);
	}
	count_direction(st, direction(st, &eth, ipp), wire_len);
	if (is_client(st, &eth, ipp))
		count_device(st, eth.src, hmac, ts);

	struct dec_udp udp;
	if (ipp && ip.proto == 17 && ip.l4 && decode_udp(ip.l4, ip.l4_len, &udp) == DEC_OK &&
	    is_dhcp_port(udp.sport) && is_dhcp_port(udp.dport))
		dhcp_packet(st, &eth, &udp, ts);
}

void cap_dhcp_window(struct cap_state *st, double t_end, uint32_t *pool_leases)
{
	struct hmap *m = &st->leases;
	for (size_t i = 0; i < hmap_capacity(m); i++) {
		struct hmap_slot *s = &m->slots[i];
		if (s->state != HMAP_USED)
			continue;
		if (s->t <= t_end) {
			hmap_del(m, s);
			continue;
		}
		if (s->v != CAP_NO_POOL && s->v < st->set->n_pools)
			pool_leases[s->v]++;
	}
	hmap_compact(m);
}
