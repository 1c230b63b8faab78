#!/bin/sh
# sign_cli_test.sh KILN WAT2WASM - signed artifacts (issue 18, item 5):
# kiln keygen and kiln sign on the build machine; kiln run --trust loads
# only what a trusted key signed, and refuses an unsigned, changed or
# foreign artifact, each with its own reason, exit 1, before any code runs.
set -u
KILN=$1
WAT2WASM=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
passed=0 failed=0 skipped=0
pass() { echo "PASS $*"; passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }

# expect NAME STATUS PATTERN CMD...: CMD exits STATUS and its output
# matches the extended regex PATTERN ("" for any).
expect() {
  name=$1 want=$2 pattern=$3
  shift 3
  "$@" >"$TMP/out" 2>&1
  got=$?
  if [ "$got" != "$want" ]; then
    fail "$name: exit $got, expected $want: $(head -c 300 "$TMP/out")"
  elif [ -n "$pattern" ] && ! grep -Eq -- "$pattern" "$TMP/out"; then
    fail "$name: output lacks /$pattern/: $(head -c 300 "$TMP/out")"
  else
    pass "$name"
  fi
}

if "$KILN" keygen --help 2>&1 | grep -q "not in this build\|no libsodium"; then
  echo "SKIP this kiln was built without libsodium"
  echo "0 passed, 0 failed, 1 skipped"
  exit 0
fi

cat >"$TMP/m.wat" <<'WAT'
(module (func (export "answer") (result i32) i32.const 42))
WAT
"$WAT2WASM" "$TMP/m.wat" -o "$TMP/m.wasm" && "$KILN" compile "$TMP/m.wasm" -o "$TMP/m.kiln" || exit 1
cd "$TMP" || exit 1

expect "keygen writes a pair" 0 "wrote rel.key" "$KILN" keygen -o rel
[ "$(stat -c %a rel.key)" = 600 ] && pass "the secret key is 0600" ||
  fail "the secret key is $(stat -c %a rel.key)"
grep -Eq '^kiln-ed25519-public-key [0-9a-f]{64}$' rel.pub &&
  pass "the public key is one line of hex" || fail "rel.pub: $(cat rel.pub)"
expect "keygen never replaces a key" 1 "cannot create rel.pub: File exists" \
  "$KILN" keygen -o rel
"$KILN" keygen -o other >/dev/null

expect "unsigned artifact runs without --trust" 0 "^42$" \
  "$KILN" run m.kiln --invoke answer
expect "unsigned artifact refused with --trust" 1 \
  "refused: .*artifact is not signed" \
  "$KILN" run --trust rel.pub m.kiln --invoke answer

expect "sign" 0 "" "$KILN" sign --key rel.key m.kiln -o s.kiln
expect "inspect shows the signature" 0 \
  "signature: +Ed25519, key $(cut -d' ' -f2 rel.pub)" "$KILN" inspect s.kiln
expect "signed artifact runs under its key" 0 "^42$" \
  "$KILN" run --trust rel.pub s.kiln --invoke answer
expect "signed artifact runs without --trust" 0 "^42$" \
  "$KILN" run s.kiln --invoke answer
expect "signed by another key: refused" 1 \
  "refused: .*artifact is signed by key [0-9a-f]{16}\.\.\., which this runtime does not trust" \
  "$KILN" run --trust other.pub s.kiln --invoke answer
expect "either of two trusted keys" 0 "^42$" \
  "$KILN" run --trust other.pub --trust rel.pub s.kiln --invoke answer

# One byte changed in the middle of the artifact (its records or code).
size=$(stat -c %s s.kiln)
cp s.kiln t.kiln
printf '\377' | dd of=t.kiln bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
expect "one byte changed: refused by the signature" 1 \
  "refused: .*signature by key [0-9a-f]{16}\.\.\. does not match the artifact" \
  "$KILN" run --trust rel.pub t.kiln --invoke answer

expect "re-signing replaces the signature" 0 "" \
  "$KILN" sign --key other.key s.kiln -o s2.kiln
[ "$(stat -c %s s2.kiln)" = "$size" ] && pass "one signature block, not two" ||
  fail "re-signed artifact is $(stat -c %s s2.kiln) bytes, not $size"
expect "re-signed artifact runs under the new key" 0 "^42$" \
  "$KILN" run --trust other.pub s2.kiln --invoke answer

cp m.kiln inplace.kiln
expect "sign in place" 0 "" "$KILN" sign --key rel.key inplace.kiln
expect "signed in place runs" 0 "^42$" \
  "$KILN" run --trust rel.pub inplace.kiln --invoke answer

expect ".wasm with --trust: refused as unsigned" 1 "not signed" \
  "$KILN" run --trust rel.pub m.wasm --invoke answer
expect "sign refuses what is not an artifact" 1 "not a kiln artifact" \
  "$KILN" sign --key rel.key m.wasm -o x.kiln
expect "sign with the public key: usage error" 2 \
  "it holds the other key of the pair" \
  "$KILN" sign --key rel.pub m.kiln -o x.kiln
expect "--trust with a secret key: usage error" 2 \
  "it holds the other key of the pair" \
  "$KILN" run --trust rel.key s.kiln --invoke answer
expect "sign without --key: usage error" 2 "no key" "$KILN" sign m.kiln

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
