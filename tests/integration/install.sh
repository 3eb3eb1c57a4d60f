#!/bin/sh
# make install into a DESTDIR: the file list against the tree (programs,
# every profile, man page and doc/*.md, both config examples, the unit,
# the sysusers.d and tmpfiles.d snippets, nothing else), every default
# path (unit, snippets, man pages, --help) against configure's, the
# installed example accepted by headroomd -t, a real config never
# overwritten, one exit-code convention, and make uninstall leaving
# nothing of headroom's behind.
. "$(dirname "$0")/lib.sh"

# Run make in the build tree on its own, not as a part of make check's.
unset MAKEFLAGS MFLAGS MAKELEVEL
mk() { make --no-print-directory -C "$top_builddir" "$@"; }
# mkvar NAME: a make variable of the build tree, fully expanded.
mkvar() {
	printf 'hr-print-var:\n\t@echo $(%s)\n' "$1" |
		make --no-print-directory -s -C "$top_builddir" -f Makefile -f - hr-print-var
}

for v in bindir sbindir sysconfdir localstatedir pkgdatadir docdir mandir \
	systemdsystemunitdir sysusersdir tmpfilesdir; do
	val=$(mkvar $v)
	case "$val" in /*) ;; *) fail "make variable $v is '$val', not an absolute path" ;; esac
	eval "$v=\$val"
done
confdir=$sysconfdir/headroom
statedir=$localstatedir/lib/headroom
D=$TMP/dest

mk install DESTDIR="$D" >"$TMP/install.log" 2>&1 ||
	{ tail -n 30 "$TMP/install.log"; fail "make install DESTDIR failed"; }

# The file list the tree says make install must produce.
{
	echo "$bindir/headroom"
	echo "$sbindir/headroomd"
	for f in "$top_srcdir"/config/profiles/*.conf; do
		echo "$pkgdatadir/profiles/$(basename "$f")"
	done
	for f in "$top_srcdir"/contrib/prometheus/*.yml "$top_srcdir"/contrib/grafana/*.json; do
		echo "$pkgdatadir/${f#"$top_srcdir"/contrib/}"
	done
	for f in "$top_srcdir"/doc/*.[1-8].in; do
		page=$(basename "$f" .in)
		echo "$mandir/man${page##*.}/$page"
	done
	echo "$docdir/README.md"
	for f in "$top_srcdir"/doc/*.md; do
		echo "$docdir/doc/$(basename "$f")"
	done
	echo "$confdir/headroom.conf.example"
	echo "$confdir/secrets.conf.example"
	echo "$systemdsystemunitdir/headroomd.service"
	echo "$sysusersdir/headroom.conf"
	echo "$tmpfilesdir/headroom.conf"
} | sort >"$TMP/expected"
(cd "$D" && find . -type f -o -type l) | sed 's|^\.||' | sort >"$TMP/installed"
diff -u "$TMP/expected" "$TMP/installed" >"$TMP/list.diff" ||
	{ cat "$TMP/list.diff"; fail "installed files differ from the tree's list (- missing, + unexpected)"; }
[ -x "$D$sbindir/headroomd" ] && [ -x "$D$bindir/headroom" ] || fail "programs not executable"
mode() { stat -c %a "$1"; }
[ "$(mode "$D$confdir/secrets.conf.example")" = 600 ] ||
	fail "secrets.conf.example is mode $(mode "$D$confdir/secrets.conf.example"), not 600"
[ "$(mode "$D$confdir/headroom.conf.example")" = 644 ] || fail "headroom.conf.example is not mode 644"
pass "file list: $(wc -l <"$TMP/expected") files, as the tree says"

# The unit runs the installed daemon with the installed config and may
# write the state directory the snippets create for the sysusers user.
unit=$D$systemdsystemunitdir/headroomd.service
key() { sed -n "s/^$1=//p" "$unit"; }
[ "$(key ExecStart)" = "$sbindir/headroomd -f -c $confdir/headroom.conf" ] ||
	fail "unit ExecStart is '$(key ExecStart)'"
[ "$(key ExecStartPre)" = "$sbindir/headroomd -t -c $confdir/headroom.conf" ] ||
	fail "unit ExecStartPre is '$(key ExecStartPre)'"
[ "$(key ReadWritePaths)" = "$statedir" ] || fail "unit ReadWritePaths is '$(key ReadWritePaths)'"
[ "$(key User)" = headroom ] || fail "unit User is '$(key User)'"
grep -qx "u headroom - \"[^\"]*\" $statedir" "$D$sysusersdir/headroom.conf" ||
	fail "sysusers.d does not create user headroom with home $statedir"
grep -qx "d $statedir 0750 headroom headroom -" "$D$tmpfilesdir/headroom.conf" ||
	fail "tmpfiles.d does not create $statedir for headroom"
pass "unit and snippets: $sbindir/headroomd, $confdir/headroom.conf, $statedir"

# No template placeholder survives; the man pages and --help name the
# same config path as the unit; the example names the configured dirs.
if grep -n '@[a-zA-Z_]*@' "$unit" "$D$sysusersdir/headroom.conf" "$D$tmpfilesdir/headroom.conf" \
	"$D$mandir"/man*/headroom* "$D$confdir"/*.example; then
	fail "an @placeholder@ was left in an installed file"
fi
grep -q "^\.IR\? $confdir/headroom.conf" "$D$mandir/man8/headroomd.8" || fail "headroomd(8) does not name $confdir/headroom.conf"
grep -q "^\.IR\? $confdir/headroom.conf" "$D$mandir/man1/headroom-report.1" || fail "headroom-report(1) does not name $confdir/headroom.conf"
grep -q "^\.IR\? $statedir" "$D$mandir/man5/headroom.conf.5" || fail "headroom.conf(5) does not name $statedir"
# (/etc/headroom or /var/lib/headroom where configure said otherwise)
for f in "$D$mandir"/man*/headroom* "$D$confdir"/*.example; do
	for p in /etc/headroom /var/lib/headroom; do
		[ "$p" != "$confdir" ] && [ "$p" != "$statedir" ] || continue
		! grep -Eq "(^|[^[:alnum:]_.-])$p" "$f" || fail "$(basename "$f") names $p"
	done
done
"$D$sbindir/headroomd" -h | grep -qF "(default $confdir/headroom.conf)" || fail "headroomd -h names another default config"
"$D$bindir/headroom" -h | grep -qF "(default $confdir/headroom.conf)" || fail "headroom -h names another default config"
grep -q "^# state_dir = \"$statedir\"" "$D$confdir/headroom.conf.example" ||
	fail "the installed example does not name $statedir"
pass "man pages, --help and the example name $confdir and $statedir"

# The installed example passes its own check; with its secrets enabled and
# the secrets example as the file, too; a secret the file lacks stays an
# error.
"$D$sbindir/headroomd" -t -c "$D$confdir/headroom.conf.example" >"$TMP/plan.txt" 2>"$TMP/t.err" ||
	{ cat "$TMP/t.err"; fail "headroomd -t rejects the installed headroom.conf.example"; }
cp "$D$confdir/secrets.conf.example" "$TMP/secrets.conf"
sed -e "s|^# secrets = \"$confdir/secrets.conf\"|secrets = \"$TMP/secrets.conf\"|" \
	-e 's|^    # community = "secret:wlc1-community"|    community = "secret:wlc1-community"|' \
	"$D$confdir/headroom.conf.example" >"$TMP/with-secrets.conf"
grep -q '^secrets = ' "$TMP/with-secrets.conf" && grep -q '^    community = "secret:' "$TMP/with-secrets.conf" ||
	fail "the example's secrets and community lines are not where this test uncomments them"
"$D$sbindir/headroomd" -t -c "$TMP/with-secrets.conf" >/dev/null 2>"$TMP/t.err" ||
	{ cat "$TMP/t.err"; fail "the example with secrets.conf.example as its secrets file is rejected"; }
sed -i 's/^secret "wlc1-community".*//' "$TMP/secrets.conf"
"$D$sbindir/headroomd" -t -c "$TMP/with-secrets.conf" >/dev/null 2>"$TMP/t.err"
rc=$?
[ $rc = 1 ] || fail "a missing secret in a real config: headroomd -t exited $rc, not 1"
grep -q "secret 'wlc1-community' is not in the secrets file" "$TMP/t.err" || fail "missing secret not named"
if [ -f "$top_srcdir/debian/headroom.conf" ]; then
	"$D$sbindir/headroomd" -t -c "$top_srcdir/debian/headroom.conf" >/dev/null 2>"$TMP/t.err" ||
		{ cat "$TMP/t.err"; fail "headroomd -t rejects debian/headroom.conf (the package's default)"; }
fi
pass "headroomd -t: example 0, with its secrets 0, a missing secret 1"

# One exit-code convention: 0 ok, 1 failure, 2 usage.
expect_rc() {
	want=$1; shift
	"$@" >/dev/null 2>&1
	got=$?
	[ "$got" = "$want" ] || fail "$* exited $got, not $want"
}
expect_rc 2 "$D$sbindir/headroomd" --no-such-option
expect_rc 2 "$D$sbindir/headroomd" stray-argument
expect_rc 1 "$D$sbindir/headroomd" -t -c "$TMP/no-such.conf"
expect_rc 0 "$D$sbindir/headroomd" -V
expect_rc 2 "$D$bindir/headroom" report --no-such-option
expect_rc 2 "$D$bindir/headroom" no-such-command
expect_rc 1 "$D$bindir/headroom" report -c "$TMP/no-such.conf"
expect_rc 0 "$D$bindir/headroom" -V
pass "exit codes: 0 ok, 1 failure, 2 usage for both programs"

# A real config is never overwritten by make install, nor removed by make
# uninstall; everything else is.
echo 'event "mine" { attendees = 1 }' >"$D$confdir/headroom.conf"
cp "$D$confdir/headroom.conf" "$TMP/mine.conf"
mk install DESTDIR="$D" >"$TMP/install2.log" 2>&1 || fail "second make install failed"
cmp -s "$D$confdir/headroom.conf" "$TMP/mine.conf" || fail "make install overwrote headroom.conf"
mk uninstall DESTDIR="$D" >"$TMP/uninstall.log" 2>&1 ||
	{ tail -n 30 "$TMP/uninstall.log"; fail "make uninstall failed"; }
left=$(cd "$D" && find . -type f -o -type l)
[ "$left" = ".$confdir/headroom.conf" ] || fail "make uninstall left: $left"
rm "$D$confdir/headroom.conf"
mk install DESTDIR="$D" >"$TMP/install3.log" 2>&1 || fail "third make install failed"
mk uninstall DESTDIR="$D" >"$TMP/uninstall2.log" 2>&1 || fail "second make uninstall failed"
left=$(cd "$D" && find . -type f -o -type l)
for d in "$confdir" "$pkgdatadir" "$docdir"; do
	[ ! -e "$D$d" ] || left="$left $d/"
done
[ -z "$left" ] || fail "make uninstall left: $left"
pass "make uninstall: nothing of headroom's left; a real headroom.conf kept"
