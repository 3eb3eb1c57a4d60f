#!/bin/sh
# A target that answers but whose profile finds no client figure is not
# "up": /api/v1/targets says no_data with the profile's reason, /metrics
# has headroom_target_no_data 1 and target_no_data fires. A planned AP
# that an answering controller never lists is no_data too. Recordings are
# written here, so the test needs no fixtures.
. "$(dirname "$0")/lib.sh"
need_cmd snmpsimd

data="$TMP/data"
mkdir -p "$data"
# A bare agent: system and IF-MIB only, no wireless table at all.
cat >"$data/bare.snmprec" <<'REC'
1.3.6.1.2.1.1.1.0|4|Linux bare 6.1
1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.8072.3.2.10
1.3.6.1.2.1.1.3.0|67|4242
1.3.6.1.2.1.1.5.0|4|bare-agent
1.3.6.1.2.1.31.1.1.1.1.1|4|eth0
REC
# A controller in AIRESPACE-WIRELESS-MIB's shape listing one AP, ap1.
cat >"$data/wlc.snmprec" <<'REC'
1.3.6.1.2.1.1.1.0|4|Cisco Controller
1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.9.1.1069
1.3.6.1.2.1.1.3.0|67|4242
1.3.6.1.2.1.1.5.0|4|wlc
1.3.6.1.4.1.14179.2.2.1.1.3.0.17.34.51.68.85|4|ap1
1.3.6.1.4.1.14179.2.2.2.1.2.0.17.34.51.68.85.0|2|1
1.3.6.1.4.1.14179.2.2.2.1.2.0.17.34.51.68.85.1|2|2
1.3.6.1.4.1.14179.2.2.2.1.15.0.17.34.51.68.85.0|65|7
1.3.6.1.4.1.14179.2.2.2.1.15.0.17.34.51.68.85.1|65|5
REC
chmod 644 "$data"/*.snmprec
port=$(free_port udp)
start_snmpsim "$data" "$port" bare

web_port=$(free_port)
conf="$TMP/headroom.conf"
cat >"$conf" <<CONF
state_dir = "$TMP/state"
tick = 1
web { listen = { "127.0.0.1:$web_port" } }
event "t" { attendees = 200 }
room "hall" { seats = 150 }
target "bare" {
    address = "127.0.0.1"  port = $port  community = "bare"  profile = "unifi"
    interval = 1  timeout = 1  retries = 1
}
target "wlc" {
    address = "127.0.0.1"  port = $port  community = "wlc"  profile = "cisco-wlc"
    interval = 1  timeout = 1  retries = 1
}
ap "ap1" { room = "hall" target = "wlc" }
ap "ghost" { room = "hall" target = "wlc" }
alert "target_no_data" { for = "0s" }
alert "watchdog" { enabled = false }
CONF

"$HEADROOMD" -f -c "$conf" 2>"$TMP/daemon.log" &
DAEMON_PID=$!
started $DAEMON_PID

api_wait 30 "$web_port" /api/v1/targets \
	'by(d["targets"], "bare")["state"] == "no_data" and "unifi" in by(d["targets"], "bare")["reason"]' \
	"a target with no client rows is not reported as no_data with its profile's reason"
api_check "$web_port" /api/v1/targets \
	'by(d["targets"], "wlc")["state"] == "up" and by(d["targets"], "wlc")["reason"] == ""' ||
	fail "a controller that lists APs is not up"
api_wait 30 "$web_port" /api/v1/aps \
	'by(d["aps"], "ghost")["state"] == "no_data" and "lists no AP named ghost" in by(d["aps"], "ghost")["reason"] and by(d["aps"], "ap1")["clients"] == 12' \
	"a planned AP its controller never lists is not no_data"
[ "$(api_metric "$web_port" 'headroom_target_no_data{target="bare"}')" = 1 ] ||
	fail "/metrics: headroom_target_no_data for bare is not 1"
[ "$(api_metric "$web_port" 'headroom_target_no_data{target="wlc"}')" = 0 ] ||
	fail "/metrics: headroom_target_no_data for wlc is not 0"
[ "$(api_metric "$web_port" 'headroom_ap_no_data{ap="ghost",room="hall"}')" = 1 ] ||
	fail "/metrics: headroom_ap_no_data for ghost is not 1"
nd='[a["labels"] for a in d["alerts"] if a["rule"] == "target_no_data"]'
api_wait 30 "$web_port" /api/v1/alerts \
	"sorted((l.get('target'), l.get('ap')) for l in $nd) == [('bare', None), ('wlc', 'ghost')]" \
	"target_no_data does not fire for exactly the bare target and the ghost AP"
pass "no_data: a silent profile and an unlisted AP are shown, measured and alerted"
