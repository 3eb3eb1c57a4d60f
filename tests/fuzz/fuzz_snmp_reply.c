/*
 * libFuzzer target: the snmp collector's reply handling (GET answers,
 * GETBULK walks, table joins, uplink counters) on varbind lists built
 * from the input, polls of one target through snmp_replay_poll().
 *
 * Input: byte 0 picks a vendor profile; then replies, each
 *   [errstat] [number of varbinds] varbind...
 * and each varbind
 *   [root] [suffix arcs 0..7] arc... [type] value
 * where root indexes the OIDs IF-MIB and the profile name (IF-MIB first,
 * then the profile's columns in the order its file names them, its table
 * entries, its scalars: so most varbinds land in a walked column), an arc
 * is one byte (0xff: four more bytes), and value is 8 bytes for numbers, a
 * length byte and bytes for strings and object ids.
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "base/collector.h"
#include "base/conf.h"
#include "base/log.h"
#include "collectors/snmp.h"
#include "collectors/snmp_profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const profiles[] = {
	"generic-ifmib", "cisco-wlc", "aruba", "unifi", "openwrt-extend", "ruckus-zd",
	"ruckus-sz", "mikrotik", "fortinet", "huawei", "extreme", "aruba-instant",
	"grandstream", "zyxel-nwa", "ruckus-ap", "xirrus", "cambium-pmp", "airos", "teldat",
};
#define N_PROFILES (sizeof profiles / sizeof *profiles)
#define MAX_ROOTS 64
#define MAX_REPLIES 16

struct fixture {
	struct conf *conf;
	struct snmp_oid roots[MAX_ROOTS];
	size_t n_roots;
};

struct input {
	const uint8_t *p;
	size_t left;
};

static unsigned long emitted;

/* Ten seconds pass between two looks at the clock: polls see rates. */
static double fuzz_clock(void *ctx)
{
	double *now = ctx;
	return *now += 10;
}

static void sink_emit(struct sample_sink *sink, const struct sample *s)
{
	emitted += s->entity[0] != '\0';
	if (sink->ctx)	/* FUZZ_SHOW=1: print samples, to check the seeds */
		printf("%s %s %g %s\n", s->entity, s->metric, s->value, s->text);
}

static void sink_cycle_done(struct sample_sink *sink, const char *name)
{
	(void)sink;
	(void)name;
}

static void add_root(struct fixture *f, const struct snmp_oid *o)
{
	if (o->len && f->n_roots < MAX_ROOTS)
		f->roots[f->n_roots++] = *o;
}

static void add_text_root(struct fixture *f, const char *text)
{
	struct snmp_oid o;
	if (snmp_oid_parse(text, &o) == 0)
		add_root(f, &o);
}

static struct conf *fixture_conf(const char *profile)
{
	char text[2048];
	snprintf(text, sizeof text,
		 "state_dir = \"/nonexistent\"\n"
		 "event \"fuzz\" { attendees = 100 }\n"
		 "target \"t\" { address = \"127.0.0.1\" profile = \"%s\" }\n"
		 "room \"r\" { seats = 100 }\n"
		 "ap \"a1\" { room = \"r\" target = \"t\" name = \"AP-1\" }\n"
		 "ap \"a2\" { room = \"r\" target = \"t\" name = \"AP-2\" }\n"
		 "uplink \"isp\" { capacity_mbps = 100 target = \"t\" interface = \"eth0\" }\n"
		 "uplink \"b\" { capacity_mbps = 100 target = \"t\" interface = \"Gi1\" }\n",
		 profile);
	char *err = NULL;
	struct conf *c = conf_load_buffer(text, "fuzz.conf", &err);
	if (!c) {	/* a fixture that does not load would fuzz nothing */
		fprintf(stderr, "fuzz_snmp_reply: %s\n", err);
		abort();
	}
	return c;
}

static void fixture_init(struct fixture *f, const char *name)
{
	f->conf = fixture_conf(name);
	char *err = NULL;
	struct snmp_profile *p = snmp_profile_load(NULL, name, &err);
	free(err);
	static const char *const standard[] = {
		"1.3.6.1.2.1.1.3", "1.3.6.1.2.1.1.5", "1.3.6.1.2.1.2.2.1.2",
		"1.3.6.1.2.1.2.2.1.5", "1.3.6.1.2.1.2.2.1.10", "1.3.6.1.2.1.2.2.1.16",
		"1.3.6.1.2.1.31.1.1.1.1", "1.3.6.1.2.1.31.1.1.1.6", "1.3.6.1.2.1.31.1.1.1.10",
		"1.3.6.1.2.1.31.1.1.1.15", "1.3.6.1.2.1.31.1.1.1.18",
	};
	for (size_t i = 0; i < sizeof standard / sizeof *standard; i++)
		add_text_root(f, standard[i]);
	if (!p)
		return;
	for (size_t i = 0; i < p->n_columns; i++)
		if (!p->columns[i].rel_sysobjectid)
			add_root(f, &p->columns[i].oid);
	for (size_t i = 0; i < p->n_tables; i++)
		if (!p->tables[i].rel_sysobjectid)
			add_root(f, &p->tables[i].oid);
	for (size_t i = 0; i < p->n_scalars; i++)
		for (size_t k = 0; k < p->scalars[i].n_oids; k++)
			if (!p->scalars[i].rel_sysobjectid[k])
				add_root(f, &p->scalars[i].oids[k]);
	snmp_profile_free(p);
}

static unsigned take(struct input *in)
{
	if (!in->left)
		return 0;
	in->left--;
	return *in->p++;
}

static uint64_t take_u64(struct input *in)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | take(in);
	return v;
}

static void add_varbind(netsnmp_pdu *pdu, const struct fixture *f, struct input *in)
{
	static const u_char types[] = {
		ASN_INTEGER, ASN_COUNTER, ASN_GAUGE, ASN_TIMETICKS, ASN_COUNTER64,
		ASN_OCTET_STR, ASN_NULL, SNMP_NOSUCHOBJECT, SNMP_NOSUCHINSTANCE,
		SNMP_ENDOFMIBVIEW, ASN_OBJECT_ID, ASN_IPADDRESS,
	};
	oid name[MAX_OID_LEN];
	const struct snmp_oid *root = &f->roots[take(in) % f->n_roots];
	size_t len = root->len;
	memcpy(name, root->arcs, len * sizeof(oid));
	for (unsigned k = take(in) % 8; k > 0 && len < MAX_OID_LEN; k--) {
		unsigned a = take(in);
		name[len++] = a == 0xff ? (oid)(take_u64(in) & 0xffffffffu) : a;
	}
	u_char type = types[take(in) % sizeof types];
	switch (type) {
	case ASN_INTEGER: {
		long v = (long)(int32_t)take_u64(in);
		snmp_pdu_add_variable(pdu, name, len, type, &v, sizeof v);
		break;
	}
	case ASN_COUNTER: case ASN_GAUGE: case ASN_TIMETICKS: {
		u_long v = (u_long)(uint32_t)take_u64(in);
		snmp_pdu_add_variable(pdu, name, len, type, &v, sizeof v);
		break;
	}
	case ASN_COUNTER64: {
		uint64_t v = take_u64(in);
		struct counter64 c = { .high = (u_long)(v >> 32), .low = (u_long)(v & 0xffffffffu) };
		snmp_pdu_add_variable(pdu, name, len, type, &c, sizeof c);
		break;
	}
	case ASN_OCTET_STR: case ASN_IPADDRESS: {
		u_char buf[256];
		size_t n = type == ASN_IPADDRESS ? 4 : take(in);
		for (size_t i = 0; i < n; i++)
			buf[i] = (u_char)take(in);
		snmp_pdu_add_variable(pdu, name, len, type, buf, n);
		break;
	}
	case ASN_OBJECT_ID: {
		oid v[16];
		size_t n = 2 + take(in) % 14;
		for (size_t i = 0; i < n; i++)
			v[i] = take(in);
		snmp_pdu_add_variable(pdu, name, len, type, v, n * sizeof(oid));
		break;
	}
	default:
		snmp_pdu_add_variable(pdu, name, len, type, NULL, 0);
		break;
	}
}

static netsnmp_pdu *take_reply(const struct fixture *f, struct input *in)
{
	netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_RESPONSE);
	unsigned e = take(in);
	pdu->errstat = (e & 7) == 7 ? (long)((e >> 3) % 19) : 0;
	pdu->errindex = pdu->errstat ? 1 : 0;
	for (unsigned n = take(in) % 32; n > 0 && in->left; n--)
		add_varbind(pdu, f, in);
	return pdu;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fixture fixtures[N_PROFILES];
	static struct event_base *base;
	static struct sample_sink sink = { sink_emit, sink_cycle_done, NULL };
	if (!base) {
		bool show = getenv("FUZZ_SHOW") != NULL;
		log_init("fuzz", 0, show ? LOG_LVL_DEBUG : LOG_LVL_ERR);
		sink.ctx = show ? &sink : NULL;
		netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
		netsnmp_ds_set_int(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_MIB_WARNINGS, 0);
		setenv("MIBS", "", 1);
		snmp_disable_log();
		init_snmp("headroom-fuzz");
		base = event_base_new();
		for (size_t i = 0; i < N_PROFILES; i++)
			fixture_init(&fixtures[i], profiles[i]);
	}
	if (size < 1)
		return 0;
	struct input in = { data + 1, size - 1 };
	struct fixture *f = &fixtures[data[0] % N_PROFILES];
	if (!f->conf || !f->n_roots)
		return 0;
	netsnmp_pdu *replies[MAX_REPLIES];
	size_t n = 0;
	while (in.left && n < MAX_REPLIES)
		replies[n++] = take_reply(f, &in);
	double now = 1700000000;
	struct collector c = {
		.base = base, .conf = f->conf, .sink = &sink, .once = true,
		.clock = fuzz_clock, .clock_ctx = &now,
	};
	snmp_replay_poll(&c, &f->conf->targets[0], replies, n);
	for (size_t i = 0; i < n; i++)
		snmp_free_pdu(replies[i]);
	return 0;
}
