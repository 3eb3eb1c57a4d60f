#!/bin/sh
# SNMPv3 authPriv (SHA/AES) against a real net-snmp snmpd with a user
# created for the test; the agent also serves the openwrt-extend profile
# through real `extend` commands. A wrong passphrase is a down target
# with its reason, never a crash.
. "$(dirname "$0")/lib.sh"
need_cmd snmpd
need_cmd snmpget

port=$(free_port udp)
mkdir -p "$TMP/persist"
cat >"$TMP/snmpd.conf" <<CONF
agentaddress udp:127.0.0.1:$port
createUser hrtest SHA "auth-pass-1234" AES "priv-pass-5678"
rouser hrtest authpriv
sysName ap-v3
extend hrclients /bin/sh -c "printf '3\\\\n5\\\\n'"
extend hrbands /bin/sh -c "printf '2g4\\\\n5g\\\\n'"
extend hrssids /bin/sh -c "printf 'venue\\\\nvenue\\\\n'"
CONF
SNMP_PERSISTENT_DIR="$TMP/persist" snmpd -f -C -c "$TMP/snmpd.conf" -Lf "$TMP/snmpd.log" \
	-I -smux,mteTrigger,mteTriggerConf -p "$TMP/snmpd.pid" &
started $!
v3get() {
	snmpget -v3 -l authPriv -u hrtest -a SHA -A auth-pass-1234 -x AES -X priv-pass-5678 \
		-t 0.5 -r 0 "127.0.0.1:$port" 1.3.6.1.2.1.1.5.0
}
wait_for 30 v3get || { cat "$TMP/snmpd.log"; fail "snmpd did not start"; }

write_conf() {
	cat >"$TMP/headroom.conf" <<CONF
state_dir = "$TMP/state"
event "t" { attendees = 200 }
room "hall" { seats = 150 }
target "ap" {
    address = "127.0.0.1"  port = $port  snmp_version = "3"  profile = "openwrt-extend"
    user = "hrtest"  security_level = "authPriv"
    auth_protocol = "SHA"  auth_passphrase = "auth-pass-1234"
    priv_protocol = "AES"  priv_passphrase = "$1"
    timeout = 1  retries = 1
}
ap "stage" { room = "hall"  target = "ap"  name = "ap-v3" }
uplink "lo" { target = "ap"  interface = "lo" }
CONF
}

write_conf priv-pass-5678
"$HEADROOMD" -T -c "$TMP/headroom.conf" >"$TMP/good.json" 2>"$TMP/good.log" ||
	{ cat "$TMP/good.log"; fail "-T failed over SNMPv3"; }
for want in '"entity":"target:ap","metric":"up","value":1.0' \
	    '"entity":"ap:stage","metric":"clients","value":8.0,.*"text":"ap-v3"' \
	    '"entity":"ap:stage","metric":"clients_2g4","value":3.0' \
	    '"entity":"ap:stage","metric":"clients_5g","value":5.0' \
	    '"entity":"ssid:venue","metric":"clients","value":8.0' \
	    '"entity":"uplink:lo","metric":"octets_in_total"' \
	    '"entity":"target:ap","metric":"errors_total","value":0.0'; do
	grep -q "$want" "$TMP/good.json" || { cat "$TMP/good.json" "$TMP/good.log"; fail "missing $want"; }
done

# The wrong privacy passphrase: the agent cannot decrypt; the target is down.
write_conf wrong-pass-0000
"$HEADROOMD" -T -c "$TMP/headroom.conf" >"$TMP/bad.json" 2>"$TMP/bad.log" ||
	fail "-T failed with a wrong passphrase"
grep -q '"entity":"target:ap","metric":"up","value":0.0' "$TMP/bad.json" ||
	{ cat "$TMP/bad.json"; fail "a wrong passphrase did not mark the target down"; }
if grep -q '"entity":"ap:stage","metric":"clients","value":8' "$TMP/bad.json"; then
	fail "data read with a wrong passphrase"
fi
pass "snmp v3 authPriv SHA/AES against snmpd, extend counts"
