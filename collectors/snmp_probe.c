/* headroomd --probe: poll one target once and print what its profile finds, for people. */
#include "config.h"
#include "collectors/snmp.h"
#include "collectors/snmp_probe.h"
#include "base/log.h"
#include "base/util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

static void print_util(FILE *out, const struct snmp_radio_row *x)
{
	for (size_t i = 0; i < x->n_util; i++)
		fprintf(out, "  util%s%s %g%%", x->util[i].variant ? "#" : "",
			x->util[i].variant ? x->util[i].variant : "", x->util[i].value);
	if (x->has_channel)
		fprintf(out, "  channel %g", x->channel);
	if (x->has_frequency)
		fprintf(out, "  %g MHz", x->frequency);
	if (x->has_noise)
		fprintf(out, "  noise %g dBm", x->noise);
}

static void print_radio(FILE *out, const struct snmp_radio_row *x)
{
	char label[SNMP_TEXT_MAX + 16];
	if (x->vap)
		snprintf(label, sizeof label, "vap %.100s (radio unknown)", x->name);
	else if (x->name[0])
		snprintf(label, sizeof label, "radio %s %.100s", snmp_band_name(x->band), x->name);
	else
		snprintf(label, sizeof label, "radio %s", snmp_band_name(x->band));
	fprintf(out, "      %-28s", label);
	if (x->has_clients)
		fprintf(out, " %6.0f clients", x->clients);
	else
		fprintf(out, " %6s        ", "-");
	print_util(out, x);
	fputc('\n', out);
}

static void print_aps(FILE *out, const struct snmp_result *r)
{
	size_t n = 0;
	for (size_t i = 0; i < r->n_aps; i++)
		n += r->aps[i].has_clients;
	fprintf(out, "\nAccess points: %zu\n", n);
	for (size_t i = 0; i < r->n_aps; i++) {
		const struct snmp_ap_row *a = &r->aps[i];
		bool radios = false;
		for (size_t k = 0; k < r->n_radios && !radios; k++)
			radios = r->radios[k].ap == i;
		if (!a->has_clients && !radios)
			continue;
		fprintf(out, "  %-30s", a->self ? "self" : a->name);
		if (a->has_clients)
			fprintf(out, " %6.0f clients", a->clients);
		if (a->self)
			fprintf(out, "  (the device itself: %s)", a->name);
		fputc('\n', out);
		for (size_t k = 0; k < r->n_radios; k++)
			if (r->radios[k].ap == i)
				print_radio(out, &r->radios[k]);
	}
}

static void print_ssids(FILE *out, const struct snmp_result *r)
{
	fprintf(out, "\nSSIDs: %zu\n", r->n_ssids);
	for (size_t i = 0; i < r->n_ssids; i++) {
		const struct snmp_ssid_row *s = &r->ssids[i];
		fprintf(out, "  %-30s %6.0f clients", s->name, s->clients);
		for (int b = SNMP_BAND_2G4; b < SNMP_BANDS; b++)
			if (s->has_band[b])
				fprintf(out, "  %s %.0f", snmp_band_name((enum snmp_band)b), s->band[b]);
		fputc('\n', out);
	}
}

static void print_totals(FILE *out, const struct snmp_result *r)
{
	fprintf(out, "\nTotals (as the device states them; never added to the rows above)\n");
	if (r->has_total)
		fprintf(out, "  clients %.0f\n", r->total);
	else
		fprintf(out, "  clients -\n");
	for (size_t i = 0; i < r->n_aps_counts; i++)
		fprintf(out, "  aps%s%s %.0f\n", r->aps_counts[i].variant ? "#" : "",
			r->aps_counts[i].variant ? r->aps_counts[i].variant : "", r->aps_counts[i].value);
}

static void print_ifaces(FILE *out, const struct snmp_probe_report *rep)
{
	fprintf(out, "\nInterfaces: %zu\n", rep->n_ifaces);
	if (rep->n_ifaces)
		fprintf(out, "  %7s  %-24s %-5s %10s %20s %20s\n", "ifIndex", "name", "oper", "Mbit/s",
			"in octets", "out octets");
	static const char *const oper[] = { "?", "up", "down", "test", "?", "dorm", "nopr", "lowr" };
	for (size_t i = 0; i < rep->n_ifaces; i++) {
		const struct snmp_probe_iface *f = &rep->ifaces[i];
		char in[24] = "-", outs[24] = "-", speed[16] = "-";
		if (f->has_octets) {
			snprintf(in, sizeof in, "%llu", (unsigned long long)f->in);
			snprintf(outs, sizeof outs, "%llu", (unsigned long long)f->out);
		}
		if (f->speed_mbps > 0)
			snprintf(speed, sizeof speed, "%.0f", f->speed_mbps);
		fprintf(out, "  %7ld  %-24s %-5s %10s %20s %20s\n", f->ifindex, f->name,
			oper[f->oper >= 0 && f->oper < 8 ? f->oper : 0], speed, in, outs);
	}
}

void snmp_probe_print(FILE *out, const struct snmp_probe_report *rep)
{
	fprintf(out, "Target %s (%s)\n", rep->target, rep->address ? rep->address : "?");
	if (!rep->answered) {
		fprintf(out, "  no answer: %s\n", rep->fail_reason);
		return;
	}
	fprintf(out, "  sysDescr     %s\n", rep->sysdescr[0] ? rep->sysdescr : "-");
	fprintf(out, "  sysObjectID  %s\n", rep->sysobjectid);
	fprintf(out, "  sysName      %s\n", rep->sysname);
	if (rep->switch_text) {
		fprintf(out, "  kind         switch\n\n%s", rep->switch_text);
		return;
	}
	fprintf(out, "  profile      %s\n", rep->profile_reason[0] ? rep->profile_reason : "none");
	if (rep->profile)
		fprintf(out, "  role         %s\n", rep->device_ap
			? "access point: the device itself is one AP (self)" : "controller");
	if (rep->result) {
		print_aps(out, rep->result);
		print_ssids(out, rep->result);
		print_totals(out, rep->result);
	}
	print_ifaces(out, rep);
	fprintf(out, "\nExpected by the profile, not answered: %zu\n", rep->n_missing);
	for (size_t i = 0; i < rep->n_missing; i++)
		fprintf(out, "  %s\n", rep->missing[i]);
	size_t values = rep->result ? rep->result->client_values : 0;
	if (values)
		fprintf(out, "\nClient figures found: %zu.\n", values);
	else if (rep->no_data_reason && rep->no_data_reason[0])
		fprintf(out, "\nNo client counts: %s\n", rep->no_data_reason);
	else
		fprintf(out, "\nNo client counts: the profile has nothing to count on this device.\n");
}

/* ---- running one poll ---- */

struct probe_run {
	FILE *out;
	bool reported;
	bool found;
	struct event_base *base;
};

static void on_report(void *ctx, const struct snmp_probe_report *r)
{
	struct probe_run *run = ctx;
	snmp_probe_print(run->out, r);
	run->reported = true;
	run->found = r->answered && ((r->result && r->result->client_values > 0) || r->switch_text);
}

static void sink_emit(struct sample_sink *sink, const struct sample *s)
{
	(void)sink;
	(void)s;
}

static void sink_cycle_done(struct sample_sink *sink, const char *name)
{
	struct probe_run *run = sink->ctx;
	(void)name;
	event_base_loopbreak(run->base);
}

static double probe_clock(void *ctx)
{
	(void)ctx;
	return now_seconds();
}

int snmp_probe(const struct conf *conf, const char *name, FILE *out)
{
	int ti = conf_target_index(conf, name);
	if (ti < 0) {
		fprintf(stderr, "headroomd: --probe: no target \"%s\" in the config\n", name);
		return 2;
	}
	struct probe_run run = { .out = out };
	run.base = event_base_new();
	struct sample_sink sink = { sink_emit, sink_cycle_done, &run };
	struct collector c = {
		.ops = &snmp_collector_ops, .base = run.base, .conf = conf, .sink = &sink,
		.once = true, .clock = probe_clock,
	};
	snmp_probe_start(&c, &conf->targets[ti], on_report, &run);
	event_base_dispatch(run.base);
	snmp_collector_ops.stop(&c);
	event_base_free(run.base);
	if (!run.reported)
		fprintf(out, "Target %s: no report\n", name);
	return run.found ? 0 : 1;
}
