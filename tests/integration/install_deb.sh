#!/bin/sh
# The Debian package on this machine, as an admin would use it (needs root;
# .ci/run calls it with the .deb that dpkg-buildpackage built):
#   apt-get install ./headroom_*.deb; the user, the state directory, the
#   enabled unit; headroomd -t on the installed config; the daemon in the
#   foreground for a few seconds with the installed unit's ExecStart line
#   as the unit's User= (dashboard on 127.0.0.1 only); apt-get purge, after
#   which no file of the package, nor anything it or the daemon made, is
#   left.
# usage: tests/integration/install_deb.sh path/to/headroom_VERSION_ARCH.deb
set -u
deb=${1:?usage: $0 path/to/headroom_VERSION_ARCH.deb}
case "$deb" in /*) ;; *) deb=$(pwd)/$deb ;; esac
[ "$(id -u)" = 0 ] || { echo "SKIP: install_deb.sh needs root" >&2; exit 77; }
export DEBIAN_FRONTEND=noninteractive
TMP=$(mktemp -d "${TMPDIR:-/tmp}/headroom-install_deb.XXXXXX")
DAEMON_PID=""
cleanup() {
	[ -z "$DAEMON_PID" ] || kill "$DAEMON_PID" 2>/dev/null
	if dpkg-query -W -f='${Status}' headroom 2>/dev/null | grep -q installed; then
		apt-get purge -y -q headroom >/dev/null 2>&1
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "PASS: $*"; }

# Everything named after headroom outside the home, work and temp trees,
# before and after: the difference is what the package left behind.
traces() {
	find /etc /usr /var -xdev \( -path /var/tmp -o -path /var/cache/apt \) -prune -o \
		-name '*headroom*' -print 2>/dev/null | sort
}
traces >"$TMP/before"
if dpkg-query -W -f='${Status}' headroom 2>/dev/null | grep -q 'ok installed'; then
	fail "headroom is installed already; purge it first"
fi

apt-get install -y -q "$deb" >"$TMP/apt-install.log" 2>&1 ||
	{ tail -n 30 "$TMP/apt-install.log"; fail "apt-get install $deb failed"; }
dpkg -L headroom | sort >"$TMP/files"
for f in /usr/sbin/headroomd /usr/bin/headroom /etc/headroom/headroom.conf \
	/etc/headroom/headroom.conf.example /etc/headroom/secrets.conf.example \
	/lib/systemd/system/headroomd.service /usr/lib/sysusers.d/headroom.conf \
	/usr/lib/tmpfiles.d/headroom.conf /usr/share/man/man8/headroomd.8.gz \
	/usr/share/man/man5/headroom.conf.5.gz /usr/share/man/man1/headroom-report.1.gz \
	/usr/share/headroom/profiles/generic-ifmib.conf /usr/share/doc/headroom/copyright \
	/usr/share/headroom/prometheus/headroom.rules.yml /usr/share/headroom/grafana/headroom.json; do
	grep -qx "$f" "$TMP/files" || fail "the package does not ship $f"
	[ -e "$f" ] || fail "$f is not on disk after install"
done
for f in /etc/headroom/headroom.conf /etc/headroom/headroom.conf.example /etc/headroom/secrets.conf.example; do
	grep -qx "$f" /var/lib/dpkg/info/headroom.conffiles || fail "$f is not a conffile"
done
[ "$(stat -c %a /etc/headroom/secrets.conf.example)" = 600 ] || fail "secrets.conf.example is not mode 600"
pass "apt-get install: $(grep -c . "$TMP/files") paths, conffiles in /etc/headroom"

# postinst: sysusers made the user, tmpfiles its state directory; the unit
# is enabled (deb-systemd-helper's symlink) but was not started.
getent passwd headroom >/dev/null || fail "no user headroom after install"
[ "$(stat -c '%U:%G %a' /var/lib/headroom 2>/dev/null)" = "headroom:headroom 750" ] ||
	fail "/var/lib/headroom is '$(stat -c '%U:%G %a' /var/lib/headroom 2>&1)', not headroom:headroom 750"
[ -L /etc/systemd/system/multi-user.target.wants/headroomd.service ] ||
	fail "headroomd.service is not enabled"
pass "user headroom, /var/lib/headroom 750, headroomd.service enabled"

# The installed config: the default path, an empty venue, accepted.
grep -qi 'empty venue' /etc/headroom/headroom.conf || fail "the default config does not say it is an empty venue"
headroomd -t >"$TMP/plan.txt" 2>&1 || { cat "$TMP/plan.txt"; fail "headroomd -t rejects the installed config"; }
headroomd -t -c /etc/headroom/headroom.conf.example >/dev/null 2>&1 ||
	fail "headroomd -t rejects the installed headroom.conf.example"
pass "headroomd -t accepts /etc/headroom/headroom.conf and the example"

# The daemon, started the way the unit starts it: its ExecStart line, as
# its User=. The installed config listens on 127.0.0.1:8080 only.
unit=/lib/systemd/system/headroomd.service
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
user=$(sed -n 's/^User=//p' "$unit")
[ -n "$exec_start" ] && [ -n "$user" ] || fail "no ExecStart= or User= in $unit"
case "$exec_start" in /usr/sbin/headroomd\ *) ;; *) fail "ExecStart runs '$exec_start'" ;; esac
grep -q '^ *listen' /etc/headroom/headroom.conf && fail "the test assumes the default listen address"
# shellcheck disable=SC2086 # the unit's line, split as systemd splits it
# (setpriv execs it, so the PID is headroomd's own)
setpriv --reuid="$user" --regid="$user" --init-groups -- $exec_start >"$TMP/daemon.log" 2>&1 &
DAEMON_PID=$!
up=""
for _ in $(seq 50); do
	kill -0 "$DAEMON_PID" 2>/dev/null || break
	if curl -fsS -o /dev/null http://127.0.0.1:8080/healthz 2>/dev/null; then up=1; break; fi
	sleep 0.1
done
sleep 3
kill -0 "$DAEMON_PID" 2>/dev/null || { cat "$TMP/daemon.log"; fail "'$exec_start' as $user exited"; }
[ -n "$up" ] || { cat "$TMP/daemon.log"; fail "the daemon did not answer on 127.0.0.1:8080/healthz"; }
kill "$DAEMON_PID"
rc=0
wait "$DAEMON_PID" || rc=$?
DAEMON_PID=""
[ $rc = 0 ] || { cat "$TMP/daemon.log"; fail "headroomd exited $rc on SIGTERM"; }
[ -n "$(find /var/lib/headroom -type f)" ] || fail "the daemon wrote nothing to /var/lib/headroom"
pass "'$exec_start' as $user: up, /healthz answered, state written, exit 0 on SIGTERM"

# purge: no file of the package, no conffile, no state, no unit symlink.
apt-get purge -y -q headroom >"$TMP/apt-purge.log" 2>&1 ||
	{ tail -n 30 "$TMP/apt-purge.log"; fail "apt-get purge headroom failed"; }
dpkg-query -W -f='${Status}' headroom 2>/dev/null | grep -q installed && fail "headroom still installed"
left=""
while IFS= read -r f; do
	[ -d "$f" ] && continue	# directories (shared ones stay; ours are checked below)
	[ -e "$f" ] || [ -L "$f" ] && left="$left $f"
done <"$TMP/files"
for d in /etc/headroom /var/lib/headroom /usr/share/headroom /usr/share/doc/headroom; do
	[ -e "$d" ] && left="$left $d"
done
traces >"$TMP/after"
new=$(comm -13 "$TMP/before" "$TMP/after")
[ -z "$left$new" ] || fail "purge left:$left $new"
pass "apt-get purge: nothing left (the system user headroom stays, as Debian's do)"
