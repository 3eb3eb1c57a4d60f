/* Ethernet side of the capture: uplink accounting and DHCP leases. */
#include "config.h"
#include "collectors/pcap_uplink.h"

#include <arpa/inet.h>
#include <math.h>
#include <string.h>

#define DEFAULT_LEASE_SECS 3600

/* Runs for two addresses of every frame: a byte loop, where a call to
 * memcmp for a prefix of a byte or two cost more than the compare. */
static bool prefix_match(const struct cap_prefix *px, int family, const uint8_t *addr)
{
	if (px->family != family)
		return false;
	unsigned full = px->bits / 8, rest = px->bits % 8;
	for (unsigned i = 0; i < full; i++)
		if (px->addr[i] != addr[i])
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
	if (++st->day_stamp > ATAB_DAY_MAX) {
		atab_clear_days(&st->addrs);
		st->day_stamp = 1;
	}
}

static void count_device(struct cap_state *st, bool random, struct atab_entry *e, double ts)
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
		if (random)
			st->day_random++;
		else
			st->day_global++;
	}
}

/* ---- the digest: any thread, the state read only ---- */

/* Which of a frame's IP addresses are inside the local prefixes: worked
 * out once, for the direction and for whether the sender is a client. */
struct locality {
	bool known;			/* an IP frame, and prefixes to tell by */
	bool src, dst;
};

static struct locality locality(const struct cap_settings *set, const struct dec_ip *ip)
{
	struct locality l = { false, false, false };
	if (!ip || set->n_prefixes == 0)
		return l;
	l.known = true;
	l.src = is_local(set, ip->family, ip->src);
	l.dst = is_local(set, ip->family, ip->dst);
	return l;
}

/* -1 inbound (towards the venue), 1 outbound, 0 unknown or internal. */
static int direction(const struct cap_settings *set, const struct dec_ether *eth, struct locality l)
{
	if (set->has_gateway) {
		if (memcmp(eth->src, set->gateway, 6) == 0)
			return -1;
		if (memcmp(eth->dst, set->gateway, 6) == 0)
			return 1;
	}
	if (!l.known)
		return 0;
	if (l.src && !l.dst)
		return 1;
	if (l.dst && !l.src)
		return -1;
	return 0;
}

/* A client is a unicast sender on the venue side: not the gateway, and
 * with an IP source inside the local prefixes when those are known. */
static bool is_client(const struct cap_settings *set, const struct dec_ether *eth, struct locality l)
{
	if (mac_is_group(eth->src) || mac_is_zero(eth->src))
		return false;
	if (set->has_gateway && memcmp(eth->src, set->gateway, 6) == 0)
		return false;
	if (l.known)
		return l.src;
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

static bool is_dhcp_port(uint16_t port)
{
	return port == 67 || port == 68;
}

/* What a DHCP message does to the leases: an ACK starts one, a RELEASE
 * (of ciaddr) or a DECLINE (of the requested address) ends one. */
static void digest_dhcp(const struct cap_state *st, const struct dec_ether *eth, const struct dec_udp *udp,
			struct cap_eth *d)
{
	struct dec_dhcp m;
	d->flags |= ETH_DHCP;
	if (decode_dhcp(udp->payload, udp->payload_len, &m) != DEC_OK) {
		d->flags |= ETH_DHCP_BAD;
		return;
	}
	d->lease.type = m.msg_type;
	uint32_t addr = 0;
	if (m.msg_type == DHCP_ACK)
		addr = m.yiaddr;
	else if (m.msg_type == DHCP_RELEASE)
		addr = m.ciaddr;
	else if (m.msg_type == DHCP_DECLINE)
		addr = m.requested;
	if (!addr)
		return;
	d->flags |= ETH_LEASE;
	d->lease.key = lease_key(st, m.chaddr, addr);
	if (m.msg_type != DHCP_ACK)
		return;
	int pool = pool_for(st->set, eth->vlan, addr);
	d->lease.pool = pool < 0 ? CAP_NO_POOL : (uint16_t)pool;
	d->lease.secs = m.has_lease ? m.lease_secs : DEFAULT_LEASE_SECS;
}

/* IPv6 tunnelled in IPv4 counts as IPv6 seen (its first IPv6 header). */
static void digest_tunnel(const struct cap_state *st, const struct dec_ip *ip, struct cap_eth *d)
{
	struct dec_ip inner;
	if (ip->family == 4 && ip->l4 && (ip->proto == 41 || ip->proto == 47 || ip->proto == 17) &&
	    decode_inner_ipv6(ip, &inner) == DEC_OK) {
		d->flags |= ETH_INNER6;
		d->inner[0] = cap_hash(st, inner.src, 16);
		d->inner[1] = cap_hash(st, inner.dst, 16);
	}
}

static void digest_ip(const struct cap_state *st, const struct dec_ether *eth, const struct dec_ip *ip,
		      struct cap_eth *d)
{
	size_t n = ip->family == 4 ? 4 : 16;
	d->flags |= ETH_IP | (ip->family == 6 ? ETH_IP6 : 0);
	if (ip->family == 4 && is_private4(ip->src))
		d->flags |= ETH_PRIV4;
	d->h[1] = cap_hash(st, ip->src, n);
	d->h[2] = cap_hash(st, ip->dst, n);
	struct dec_udp udp;
	if (ip->proto == 17 && ip->l4 && decode_udp(ip->l4, ip->l4_len, &udp) == DEC_OK &&
	    is_dhcp_port(udp.sport) && is_dhcp_port(udp.dport))
		digest_dhcp(st, eth, &udp, d);
	else
		digest_tunnel(st, ip, d);
}

void cap_ether_digest(const struct cap_state *st, const uint8_t *p, size_t len, size_t wire_len, double ts,
		      struct cap_eth *d)
{
	memset(d, 0, sizeof *d);
	d->ts = ts;
	d->len = (uint32_t)wire_len;
	d->caplen = (uint32_t)len;
	d->vlan = ETH_NO_VLAN;
	struct dec_ether eth;
	if (decode_ether(p, len, &eth) != DEC_OK) {
		d->flags = ETH_MALFORMED;
		return;
	}
	if (eth.vlan >= 0)
		d->vlan = (uint16_t)eth.vlan;
	d->h[0] = cap_hash(st, eth.src, 6);
	if (!mac_is_group(eth.src) && !mac_is_zero(eth.src))
		d->flags |= ETH_MAC_UNICAST;
	if (mac_is_local(eth.src))
		d->flags |= ETH_MAC_LOCAL;
	struct dec_ip ip, *ipp = NULL;
	if (eth.ethertype == ETHERTYPE_IPV4 || eth.ethertype == ETHERTYPE_IPV6) {
		if (decode_ip(eth.ethertype, eth.l3, eth.l3_len, &ip) == DEC_OK)
			ipp = &ip;
		else
			d->flags |= ETH_IP_BAD;
	}
	if (ipp)
		digest_ip(st, &eth, ipp, d);
	struct locality l = locality(st->set, ipp);
	d->dir = (int8_t)direction(st->set, &eth, l);
	if (is_client(st->set, &eth, l))
		d->flags |= ETH_CLIENT;
}

/* ---- counting: the capture thread ---- */

/* A flow's next packet finds its entries as the previous one's, without
 * the probe. */
static struct atab_entry *entry_of(struct cap_state *st, struct cap_recent *recent, size_t n_recent,
				   size_t mine, uint64_t h)
{
	for (size_t i = 0; i < n_recent; i++)
		if (recent[i].e && recent[i].key == h)
			return recent[i].e;
	struct atab_entry *e = atab_get(&st->addrs, h);
	if (e) {
		recent[mine].key = h;
		recent[mine].e = e;
	}
	return e;
}

static void count_ip(struct cap_state *st, bool v6, bool private4, struct atab_entry *src,
		     struct atab_entry *dst)
{
	if (!v6) {
		cap_mark(st, src, K_IP4);
		cap_mark(st, dst, K_IP4);
		if (cap_mark(st, src, K_IP4_SRC) && private4)
			st->tot.distinct[K_IP4_SRC_PRIVATE]++;
	} else {
		cap_mark(st, src, K_IP6);
		cap_mark(st, dst, K_IP6);
		cap_mark(st, src, K_IP6_SRC);
	}
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

static void count_dhcp(struct cap_state *st, const struct cap_eth *d)
{
	if (d->flags & ETH_DHCP_BAD) {
		st->tot.malformed++;
		return;
	}
	uint8_t type = d->lease.type;
	if (type > 0 && type < DHCP_MSG_MAX)
		st->tot.dhcp_msgs[type]++;
	if (!(d->flags & ETH_LEASE))
		return;
	if (type == DHCP_ACK) {
		cap_seen(st, d->lease.key, K_LEASE);
		bool fresh;
		struct hmap_slot *s = hmap_put(&st->leases, d->lease.key, &fresh);
		if (!s)
			return;
		s->v = d->lease.pool;
		s->t = d->ts + (double)d->lease.secs;
	} else {
		struct hmap_slot *s = hmap_find(&st->leases, d->lease.key);
		if (s)
			hmap_del(&st->leases, s);
	}
}

void cap_ether_count(struct cap_state *st, const struct cap_eth *d)
{
	if (d->flags & ETH_MALFORMED) {
		st->tot.malformed++;
		return;
	}
	if (d->vlan != ETH_NO_VLAN)
		st->vlan_frames[d->vlan]++;
	if (d->flags & ETH_IP_BAD)
		st->tot.malformed++;
	struct atab_entry *me = entry_of(st, &st->recent_mac, 1, 0, d->h[0]);
	cap_mark(st, me, K_SRC_MAC);
	if (d->flags & ETH_MAC_UNICAST)
		cap_mark(st, me, K_SRC_MAC_UNICAST);
	if (d->flags & ETH_IP) {
		/* A reply's source is the request's destination: both are
		 * looked for in both. */
		struct atab_entry *src = entry_of(st, st->recent_ip, 2, 0, d->h[1]);
		struct atab_entry *dst = entry_of(st, st->recent_ip, 2, 1, d->h[2]);
		count_ip(st, d->flags & ETH_IP6, d->flags & ETH_PRIV4, src, dst);
		if (d->flags & ETH_INNER6)
			count_ip(st, true, false, atab_get(&st->addrs, d->inner[0]),
				 atab_get(&st->addrs, d->inner[1]));
	}
	count_direction(st, d->dir, d->len);
	if (d->flags & ETH_CLIENT)
		count_device(st, d->flags & ETH_MAC_LOCAL, me, d->ts);
	if (d->flags & ETH_DHCP)
		count_dhcp(st, d);
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
