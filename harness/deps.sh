#!/bin/sh
# Install the Debian packages daxsim needs, if missing (root), or print the line.
PKGS="build-essential pkg-config libglib2.0-dev check lcov python3-pytest clang libclang-rt-14-dev xfsprogs gnuplot-nox graphviz zip unzip"
missing=""
for p in $PKGS; do
	dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "daxsim needs:$missing"
	echo "run: sudo apt-get install -y$missing"
	exit 1
fi
echo "installing:$missing"
apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
