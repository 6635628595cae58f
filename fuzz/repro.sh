#!/bin/sh
# make fuzz-repro CRASH=file [NAME=name]: a fuzz_ops crash as a regression
# scenario.  Decodes it (daxsim fuzz-decode), shrinks it (daxsim shrink),
# writes scenarios/regressions/NAME.scn (never over an existing one), runs
# it and prints what to do next.  A fuzz_scenario crash is text already:
# it is copied as is.
set -eu
daxsim=$1
crash=$2
name=${3:-}
[ -n "$name" ] || name=fuzz-$(sha1sum "$crash" | cut -c1-12)
dst=scenarios/regressions/$name.scn
mkdir -p scenarios/regressions
[ ! -e "$dst" ] || { echo "fuzz-repro: $dst exists (not overwritten)"; exit 2; }
tmp=$(mktemp)
case "$crash" in
*fuzz_scenario*) cp "$crash" "$tmp" ;;
*) $daxsim fuzz-decode "$crash" >"$tmp" ;;
esac
if $daxsim shrink "$tmp" >"$tmp.min" 2>"$tmp.err"; then
	mv "$tmp.min" "$dst"
else
	cat "$tmp.err"
	echo "fuzz-repro: not shrunk (it does not fail in a plain build?); writing it whole"
	cp "$tmp" "$dst"
fi
rm -f "$tmp" "$tmp.min" "$tmp.err"
echo "fuzz-repro: wrote $dst"
echo "--- $daxsim run $dst"
rc=0
$daxsim run "$dst" || rc=$?
echo "--- exit $rc"
echo "next: fix the bug, then record the goldens:"
echo "  ./daxsim run $dst > ${dst%.scn}.out   (and NAME.<design>.out where a design differs)"
