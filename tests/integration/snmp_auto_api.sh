#!/bin/sh
# profile = "auto" in a running daemon: each target's profile is chosen
# from its sysObjectID (and probe objects where a prefix is shared), logged,
# and shown in /api/v1/targets as `profile` and `profile_reason`; an
# explicit profile is kept and said to be configured.
. "$(dirname "$0")/lib.sh"
need_fixtures snmprec-corpus
need_cmd snmpsimd
need_cmd curl

data="$TMP/data"
mkdir -p "$data"
for f in ubiquiti-unifi_ukultra ubiquiti-unifi_nanohd zyxel-zyxelnwa; do
	cp "$SHARED_FIXTURES/snmprec-corpus/$f.snmprec" "$data/"
done
chmod 644 "$data"/*.snmprec
port=$(free_port udp)
web=$(free_port)
start_snmpsim "$data" "$port" zyxel-zyxelnwa
target() {	# NAME COMMUNITY [PROFILE]
	printf 'target "%s" { address = "127.0.0.1" port = %s community = "%s" %s interval = 2 timeout = 3 retries = 1 }\n' \
		"$1" "$port" "$2" "${3:+profile = \"$3\"}"
}
cat >"$TMP/headroom.conf" <<CONF
state_dir = "$TMP/state"
tick = 1
event "t" { attendees = 200 }
web { listen = { "127.0.0.1:$web" } }
room "hall" { seats = 150 }
$(target ultra ubiquiti-unifi_ukultra)
$(target nanohd ubiquiti-unifi_nanohd)
$(target nwa zyxel-zyxelnwa zyxel-nwa)
CONF
"$HEADROOMD" -f -c "$TMP/headroom.conf" 2>"$TMP/daemon.log" &
started $!

api_wait 30 "$web" /api/v1/targets \
	'by(d["targets"], "ultra")["profile"] == "unifi" and by(d["targets"], "ultra")["profile_reason"] == "sysObjectID 1.3.6.1.4.1.41112 (longest prefix)"' \
	"ultra: profile unifi by its sysObjectID"
api_wait 10 "$web" /api/v1/targets \
	'by(d["targets"], "nanohd")["profile"] == "unifi" and "1.3.6.1.4.1.41112.1.6.1.2 answers" in by(d["targets"], "nanohd")["profile_reason"]' \
	"nanohd: net-snmp's sysObjectID, unifi by its probe object"
api_wait 10 "$web" /api/v1/targets \
	'by(d["targets"], "nwa")["profile"] == "zyxel-nwa" and by(d["targets"], "nwa")["profile_reason"] == "configured"' \
	"nwa: the configured profile wins"
grep -q 'target ultra: profile unifi: sysObjectID 1.3.6.1.4.1.41112 (longest prefix)' "$TMP/daemon.log" ||
	{ cat "$TMP/daemon.log"; fail "the choice is not logged"; }
pass "profile = auto: chosen, logged and shown in /api/v1/targets"
