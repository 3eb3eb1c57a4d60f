/* Ethernet side of the capture: uplink accounting and DHCP leases. */
#include "config.h"
#include "collectors/pcap_uplink.h"

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

/* A capture's clock may step backwards; only a later day starts afresh. */
static void roll_day(struct cap_state *st, double ts)
{
	if (ts < st->day_end)
		return;
	long day = local_day(st, ts);
	if (day <= st->day)
		return;
	st->day = day;
	st->day_end = (double)(day + 1) * 86400.0 - (double)st->set->utc_offset;
	st->day_global = st->day_random = 0;
	if (++st->day_stamp == 0) {
		atab_clear_days(&st->addrs);
		st->day_stamp = 1;
	}
}

static void count_device(struct cap_state *st, const uint8_t *mac, struct atab_entry *e, double ts)
{
	if (!e)
		return;
	if (e->window != st->window_stamp) {
		e->window = st->window_stamp;
		st->active_clients++;
	}
	roll_day(st, ts);
	if (e->day != st->day_stamp) {
		e->day = st->day_stamp;
		if (mac_is_local(mac))
			st->day_random++;
		else
			st->day_global++;
	}
}

/* One address of a packet on its way to its table entry: hashed and its
 * slot prefetched first (or found as the previous packet's), looked up
 * once every address of the packet is on its way. */
struct addr_ref {
	const uint8_t *addr;
	uint8_t len;
	struct cap_recent *recent;
	uint64_t h;
	struct atab_entry *e;
};

static bool recent_is(const struct cap_recent *r, const uint8_t *addr, size_t len)
{
	return r->e && r->len == len && memcmp(r->addr, addr, len) == 0;
}

/* recent[mine] is where a looked-up address is remembered; any of
 * recent[0..n_recent) may hold it already. The hash comes from the
 * look-ahead when it worked one out (its slot-th). */
static void ref_start(struct cap_state *st, struct addr_ref *ref, const uint8_t *addr, size_t len,
		      struct cap_recent *recent, size_t n_recent, size_t mine, unsigned slot)
{
	ref->addr = addr;
	ref->len = (uint8_t)len;
	ref->recent = &recent[mine];
	if (st->ahead && slot < st->ahead->n) {
		ref->e = NULL;
		ref->h = st->ahead->h[slot];
		return;
	}
	for (size_t i = 0; i < n_recent; i++)
		if (recent_is(&recent[i], addr, len)) {
			ref->e = recent[i].e;
			return;
		}
	ref->e = NULL;
	ref->h = cap_hash(st, addr, len);
	atab_prefetch(&st->addrs, ref->h);
}

static struct atab_entry *ref_entry(struct cap_state *st, struct addr_ref *ref)
{
	if (!ref->e) {
		ref->e = atab_get(&st->addrs, ref->h);
		if (ref->e) {
			memcpy(ref->recent->addr, ref->addr, ref->len);
			ref->recent->len = ref->len;
			ref->recent->e = ref->e;
		}
	}
	return ref->e;
}

static void count_ip(struct cap_state *st, const struct dec_ip *ip, struct atab_entry *src,
		     struct atab_entry *dst)
{
	if (ip->family == 4) {
		cap_mark(st, src, K_IP4);
		cap_mark(st, dst, K_IP4);
		if (cap_mark(st, src, K_IP4_SRC) && is_private4(ip->src))
			st->tot.distinct[K_IP4_SRC_PRIVATE]++;
	} else {
		cap_mark(st, src, K_IP6);
		cap_mark(st, dst, K_IP6);
		cap_mark(st, src, K_IP6_SRC);
	}
}

static void count_ip_unseen(struct cap_state *st, const struct dec_ip *ip)
{
	size_t n = ip->family == 4 ? 4 : 16;
	struct atab_entry *src = atab_get(&st->addrs, cap_hash(st, ip->src, n));
	struct atab_entry *dst = atab_get(&st->addrs, cap_hash(st, ip->dst, n));
	count_ip(st, ip, src, dst);
}

/* IPv6 tunnelled in IPv4 counts as IPv6 seen (its first IPv6 header). */
static void count_tunnelled_ipv6(struct cap_state *st, const struct dec_ip *ip)
{
	struct dec_ip inner;
	if (ip->family == 4 && ip->l4 && (ip->proto == 41 || ip->proto == 47 || ip->proto == 17) &&
	    decode_inner_ipv6(ip, &inner) == DEC_OK)
		count_ip_unseen(st, &inner);
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
	struct addr_ref mac, src, dst;
	ref_start(st, &mac, eth.src, 6, &st->recent_mac, 1, 0, 0);
	if (ipp) {
		/* A reply's source is the request's destination: both are looked
		 * for in both. */
		size_t n = ip.family == 4 ? 4 : 16;
		ref_start(st, &src, ip.src, n, st->recent_ip, 2, 0, 1);
		ref_start(st, &dst, ip.dst, n, st->recent_ip, 2, 1, 2);
	}

	struct atab_entry *me = ref_entry(st, &mac);
	cap_mark(st, me, K_SRC_MAC);
	if (!mac_is_group(eth.src) && !mac_is_zero(eth.src))
		cap_mark(st, me, K_SRC_MAC_UNICAST);
	if (ipp) {
		count_ip(st, ipp, ref_entry(st, &src), ref_entry(st, &dst));
		count_tunnelled_ipv6(st, ipp);
	}
	count_direction(st, direction(st, &eth, ipp), wire_len);
	if (is_client(st, &eth, ipp))
		count_device(st, eth.src, me, ts);

	struct dec_udp udp;
	if (ipp && ip.proto == 17 && ip.l4 && decode_udp(ip.l4, ip.l4_len, &udp) == DEC_OK &&
	    is_dhcp_port(udp.sport) && is_dhcp_port(udp.dport))
		dhcp_packet(st, &eth, &udp, ts);
}

/* The same decoding as cap_ether_packet, as far as the addresses it
 * looks up: their hashes in the order it uses them. */
void cap_ether_prefetch(struct cap_state *st, const uint8_t *p, size_t len, struct cap_ahead *a)
{
	struct dec_ether eth;
	struct dec_ip ip;
	if (decode_ether(p, len, &eth) != DEC_OK)
		return;
	a->h[a->n++] = cap_hash(st, eth.src, 6);
	if ((eth.ethertype == ETHERTYPE_IPV4 || eth.ethertype == ETHERTYPE_IPV6) &&
	    decode_ip(eth.ethertype, eth.l3, eth.l3_len, &ip) == DEC_OK) {
		size_t n = ip.family == 4 ? 4 : 16;
		a->h[a->n++] = cap_hash(st, ip.src, n);
		a->h[a->n++] = cap_hash(st, ip.dst, n);
	}
	for (unsigned i = 0; i < a->n; i++)
		atab_prefetch(&st->addrs, a->h[i]);
}

void cap_dhcp_window(struct cap_state *st, double t_end, uint32_t *pool_leases)
{
	struct hmap *m = &st->leases;
	if (m->used == 0 && m->dead == 0)
		return;		/* no DHCP seen: nothing to walk */
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
