#!/usr/bin/env bash
# Installs versitygw, the S3 server that the s3store tests start, into
# .cache/bin (git-ignored) unless the right version is already there.
# Idempotent; exits non-zero on failure. The tests find it there
# (media/store/s3store/s3test); FEEDPUB_VERSITYGW overrides the path.
set -euo pipefail

version=v1.8.0
cd "$(dirname "$0")/.."
bin="$PWD/.cache/bin/versitygw"

# The version a binary was built from, as recorded by the Go toolchain.
installed() {
	go version -m "$bin" 2>/dev/null | awk '$1 == "mod" && $2 == "github.com/versity/versitygw" { print $3 }'
}

if [[ -x "$bin" && "$(installed)" == "$version" ]]; then
	echo "s3-server: versitygw $version already in .cache/bin"
	exit 0
fi

echo "s3-server: installing versitygw $version into .cache/bin (about 90 s from a cold cache)"
mkdir -p .cache/bin
GOBIN="$PWD/.cache/bin" go install "github.com/versity/versitygw/cmd/versitygw@$version"
if [[ "$(installed)" != "$version" ]] || ! "$bin" --version >/dev/null; then
	echo "s3-server: $bin is not a working versitygw $version" >&2
	exit 1
fi
echo "s3-server: installed $bin"
