#!/bin/sh
# headroomd -t with a schedule: the summary, the zone, the oddities, the
# unmapped rooms, the overloaded slots with their numbers; overlaps are
# warnings; a file that is no schedule fails -t with the file and line.
. "$(dirname "$0")/lib.sh"

cat >"$TMP/headroom.conf" <<'CONF'
event "t" {
    attendees = 1000
    online_ratio = 0.9
    devices_per_attendee = 1.5
    schedule = "programme.xml"
}
room "hall" { seats = 400 }
room "small" { seats = 100  schedule_room = "Small Room" }
room "lobby" { seats = 300  common_area = true  schedule_room = "Foyer" }
ap "h1" { room = "hall"  max_clients = 300 }
ap "s1" { room = "small"  max_clients = 100 }
ap "l1" { room = "lobby"  max_clients = 150 }
session "Workshop*" { attendance = 0.5 }
CONF

# Opening (plenary, full hall): 400 x 0.9 x 1.5 = 540 devices; Talk A
# (0.7 x 400 = 280 people): 378; Talk B: 95 of 100; the coffee break
# fills the lobby: 405 of 150; the workshop (0.5 x 100): 68.
cat >"$TMP/programme.xml" <<'XML'
<?xml version='1.0' encoding='utf-8' ?>
<schedule>
 <conference><title>T</title><time_zone_name>Europe/Berlin</time_zone_name></conference>
 <day index='1' date='2027-06-10'>
  <room name='Hall'>
   <event id='1'><date>2027-06-10T09:00:00+02:00</date><duration>00:30</duration><room>Hall</room><title>Opening</title><type>other</type></event>
   <event id='2'><date>2027-06-10T09:30:00+02:00</date><duration>00:45</duration><room>Hall</room><title>Talk A</title><type>lecture</type></event>
  </room>
  <room name='Small Room'>
   <event id='3'><date>2027-06-10T09:30:00+02:00</date><duration>00:45</duration><room>Small Room</room><title>Talk B</title><type>lecture</type></event>
   <event id='4'><date>2027-06-10T10:45:00+02:00</date><duration>00:45</duration><room>Small Room</room><title>Workshop X</title><type>workshop</type></event>
  </room>
  <room name='Foyer'>
   <event id='6'><date>2027-06-10T10:15:00+02:00</date><duration>00:30</duration><room>Foyer</room><title>Coffee break</title><type>break</type></event>
  </room>
  <room name='Garden'>
   <event id='7'><date>2027-06-10T12:00:00+02:00</date><duration>01:00</duration><room>Garden</room><title>Picnic</title><type>other</type></event>
  </room>
 </day>
</schedule>
XML

"$HEADROOMD" -t -c "$TMP/headroom.conf" >"$TMP/plan.txt" 2>"$TMP/plan.err" ||
	{ cat "$TMP/plan.txt" "$TMP/plan.err"; fail "-t rejected a valid config with a schedule"; }
cat "$TMP/plan.txt"
expect() {
	grep -qxF "$1" "$TMP/plan.txt" || fail "-t output lacks: $1"
}
expect "Schedule $TMP/programme.xml (schedule XML): 1 days, 4 rooms (3 mapped), 6 sessions, first 2027-06-10T09:00+02:00, last 2027-06-10T12:00+02:00"
expect "Schedule zone: Europe/Berlin (file)"
expect "Schedule oddities: none"
expect "Schedule rooms mapped to no venue room: 1, holding 1 sessions that are not projected (add them to a room's schedule_room)"
expect "UNMAPPED: room \"Garden\" ($TMP/programme.xml:16): 1 session"
expect "OVERLOAD: 2027-06-10T09:00+02:00..2027-06-10T09:30+02:00 room \"hall\": \"Opening\" (id 1): projected 540 devices, its APs hold 300 (240 short)"
expect "OVERLOAD: 2027-06-10T09:30+02:00..2027-06-10T10:15+02:00 room \"hall\": \"Talk A\" (id 2): projected 378 devices, its APs hold 300 (78 short)"
expect "OVERLOAD: 2027-06-10T10:15+02:00..2027-06-10T10:45+02:00 room \"lobby\": \"Coffee break\" (id 6): projected 405 devices, its APs hold 150 (255 short)"
expect "Schedule verdict: 3 overloaded slots; move or add APs, or swap rooms, before the event."
[ "$(grep -c '^OVERLOAD:' "$TMP/plan.txt")" = 3 ] || fail "expected exactly 3 overloads"

# More APs in the hall and the lobby: only the lobby stays short.
cat >>"$TMP/headroom.conf" <<'CONF'
ap "h2" { room = "hall"  max_clients = 300 }
ap "l2" { room = "lobby"  max_clients = 150 }
CONF
"$HEADROOMD" -t -c "$TMP/headroom.conf" >"$TMP/plan2.txt" || fail "-t rejected the config with more APs"
[ "$(grep -c '^OVERLOAD:' "$TMP/plan2.txt")" = 1 ] || { cat "$TMP/plan2.txt"; fail "expected one overload"; }
grep -q 'room "lobby": "Coffee break" (id 6): projected 405 devices, its APs hold 300 (105 short)' "$TMP/plan2.txt" ||
	{ cat "$TMP/plan2.txt"; fail "lobby overload wrong after adding an AP"; }

# A truncated schedule: -t fails and names the file and line.
head -c 700 "$TMP/programme.xml" >"$TMP/cut.xml"
sed 's|"programme.xml"|"cut.xml"|' "$TMP/headroom.conf" >"$TMP/cut.conf"
if "$HEADROOMD" -t -c "$TMP/cut.conf" >"$TMP/cut.out" 2>"$TMP/cut.err"; then
	fail "-t accepted a truncated schedule"
fi
cat "$TMP/cut.err"
grep -q "^$TMP/cut.xml:[0-9]*: XML: " "$TMP/cut.err" || fail "truncated schedule error lacks file:line"
grep -q "the schedule does not load" "$TMP/cut.err" || fail "no summary line for the broken schedule"

# Overlapping sessions in one room: kept, counted, the second names the
# first.
sed 's|<date>2027-06-10T09:30:00+02:00</date><duration>00:45</duration><room>Hall|<date>2027-06-10T09:20:00+02:00</date><duration>00:45</duration><room>Hall|' \
	"$TMP/programme.xml" >"$TMP/overlap.xml"
sed 's|"programme.xml"|"overlap.xml"|' "$TMP/headroom.conf" >"$TMP/overlap.conf"
"$HEADROOMD" -t -c "$TMP/overlap.conf" >"$TMP/overlap.out" 2>"$TMP/overlap.err" ||
	{ cat "$TMP/overlap.err"; fail "-t rejected overlapping sessions"; }
grep -qxF "WARNING: $TMP/overlap.xml:7: <event id='2'>: overlaps \"Opening\" (<event id='1'> at line 6) in room \"Hall\"; both kept" "$TMP/overlap.out" ||
	{ cat "$TMP/overlap.out"; fail "overlap warning lacks the element and line"; }
grep -qxF "Schedule oddities: 1 same-room overlaps (both kept)" "$TMP/overlap.out" ||
	{ cat "$TMP/overlap.out"; fail "overlap not counted"; }

# A missing file.
sed 's|"programme.xml"|"nothere.xml"|' "$TMP/headroom.conf" >"$TMP/missing.conf"
if "$HEADROOMD" -t -c "$TMP/missing.conf" >/dev/null 2>"$TMP/missing.err"; then
	fail "-t accepted a missing schedule"
fi
grep -q "$TMP/nothere.xml: cannot open the schedule" "$TMP/missing.err" || fail "missing schedule not named"
pass "schedule -t"
