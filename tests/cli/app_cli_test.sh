#!/usr/bin/env bash
# app_cli_test.sh KILN APP_DIR WAT2WASM
#
# `kiln app check`, `kiln bundle`, `kiln agent` and `kiln ctl` from the
# command line, on the example application (APP_DIR: build/examples/
# sensor_app) and on small modules made here: every refusal says what and
# where (the manifest's file, line and key; the artifact and why), exits
# non-zero, and leaves a running agent running.
set -u
KILN=$1 APP=$2 WAT2WASM=$3
T=$(mktemp -d /tmp/kiln-app-cli.XXXXXX)
trap 'pkill -KILL -f "kiln agent -q --state-dir $T" 2>/dev/null; rm -rf "$T"' EXIT
pass=0 fail=0 skip=0
# Waits for the agent PID to end (20 s at most, then kills it); its status.
wait_exit() {
  for _ in $(seq 1 400); do
    kill -0 "$1" 2>/dev/null || break
    sleep 0.05
  done
  kill -KILL "$1" 2>/dev/null
  wait "$1"
}

# expect NAME WANT_RC PATTERN CMD...: runs CMD, checks its exit status and
# that PATTERN (grep -E) is in its output.
expect() {
  local name=$1 want=$2 pattern=$3
  shift 3
  local out rc
  out=$("$@" 2>&1)
  rc=$?
  if [ "$rc" != "$want" ]; then
    fail=$((fail + 1))
    echo "FAIL $name: exit $rc, expected $want"
    echo "$out" | head -10
  elif ! echo "$out" | grep -qE -- "$pattern"; then
    fail=$((fail + 1))
    echo "FAIL $name: output lacks /$pattern/"
    echo "$out" | head -10
  else
    pass=$((pass + 1))
  fi
}

sha() { sha256sum "$1" | cut -d' ' -f1; }

cp "$APP"/*.kiln "$T/"
cp "$APP/app.toml" "$T/app.toml"
M=$T/app.toml

# --- kiln app check --------------------------------------------------------
expect check.ok 0 "application 'vibration-line' is consistent" \
  "$KILN" app check "$M"
expect check.help 0 "Usage: kiln app check" "$KILN" app check --help
expect check.no-manifest 2 "no manifest" "$KILN" app check
expect check.other-target 1 "built for x86_64, this runtime is aarch64" \
  "$KILN" app check --target aarch64-linux-gnu "$M"
expect check.bad-target 2 "unknown target 'vax'" "$KILN" app check --target vax "$M"
expect check.missing-file 1 "cannot open the manifest" \
  "$KILN" app check "$T/nothing.toml"

# An unknown key, with file, line and key.
sed 's/^backoff = "100ms"/backof = "100ms"/' "$M" > "$T/typo.toml"
line=$(grep -n '^backof' "$T/typo.toml" | cut -d: -f1)
expect check.unknown-key 1 "typo.toml:$line:1: key 'modules.filter.backof': unknown key" \
  "$KILN" app check "$T/typo.toml"

# A missing import: the classifier's "kiln:nn" binding removed.
sed 's/imports = { filter = "filter", "kiln:nn" = "host" }/imports = { filter = "filter" }/' \
  "$M" > "$T/unwired.toml"
expect check.missing-import 1 "key 'modules.classifier.imports': import 'kiln:nn'.'dense_f32' is not wired" \
  "$KILN" app check "$T/unwired.toml"

# A cycle: the filter imports from the classifier, which imports from it.
sed 's/imports = { "kiln:dsp" = "host" }/imports = { "kiln:dsp" = "host", classifier = "classifier" }/' \
  "$M" > "$T/cycle.toml"
expect check.cycle 1 "the wiring has a cycle: (filter -> classifier -> filter|classifier -> filter -> classifier)" \
  "$KILN" app check "$T/cycle.toml"

# A type mismatch: a "filter" whose push takes an i32.
cat > "$T/badfilter.wat" <<'EOF'
(module
  (func (export "push") (param i32))
  (func (export "feature") (param i32) (result f32) (f32.const 0))
  (func (export "feature_count") (result i32) (i32.const 4))
  (func (export "version") (result i32) (i32.const 9))
  (func (export "windows") (result i64) (i64.const 0))
  (func (export "health") (result i32) (i32.const 0)))
EOF
"$WAT2WASM" "$T/badfilter.wat" -o "$T/badfilter.wasm"
"$KILN" compile "$T/badfilter.wasm" -o "$T/badfilter.kiln"
sed -e "s/^artifact = \"filter.kiln\"/artifact = \"badfilter.kiln\"/" \
    -e "s/^sha256 = \"$(sha "$T/filter.kiln")\"/sha256 = \"$(sha "$T/badfilter.kiln")\"/" \
    -e 's/imports = { "kiln:dsp" = "host" }//' "$M" > "$T/mismatch.toml"
expect check.type-mismatch 1 "key 'modules.sensor.imports.\"filter\"': type mismatch: import 'filter'.'push' has type \(f32\) -> \(\), 'filter'.'push' has \(i32\) -> \(\)" \
  "$KILN" app check "$T/mismatch.toml"

# A digest that does not match the artifact.
sed "s/^sha256 = \"$(sha "$T/sensor.kiln")\"/sha256 = \"$(printf '0%.0s' $(seq 64))\"/" \
  "$M" > "$T/digest.toml"
expect check.digest 1 "key 'modules.sensor.artifact': .*sensor.kiln: sha256 is [0-9a-f]{64}, the manifest says 0{64}" \
  "$KILN" app check "$T/digest.toml"

# Signatures: unsigned artifacts refused when a key is trusted.
"$KILN" keygen -o "$T/release" >/dev/null
"$KILN" keygen -o "$T/other" >/dev/null
expect check.unsigned 1 "refused: .*not signed" \
  "$KILN" app check --trust "$T/release.pub" "$M"

# --- a signed application --------------------------------------------------
mkdir -p "$T/signed"
for m in sensor filter classifier filter_v2 filter_bad_health filter_slow; do
  "$KILN" sign --key "$T/release.key" "$T/$m.kiln" -o "$T/signed/$m.kiln" >/dev/null
done
"$KILN" sign --key "$T/other.key" "$T/filter_v2.kiln" -o "$T/signed/filter_foreign.kiln" >/dev/null
cp "$T/filter_v2.kiln" "$T/signed/filter_unsigned.kiln"
cp "$T/signed/filter_v2.kiln" "$T/signed/filter_flipped.kiln"
# One byte of the code changed after signing.
size=$(stat -c %s "$T/signed/filter_flipped.kiln")
printf '\x5a' | dd of="$T/signed/filter_flipped.kiln" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
sed -e "s/^sha256 = \"$(sha "$T/sensor.kiln")\"/sha256 = \"$(sha "$T/signed/sensor.kiln")\"/" \
    -e "s/^sha256 = \"$(sha "$T/filter.kiln")\"/sha256 = \"$(sha "$T/signed/filter.kiln")\"/" \
    -e "s/^sha256 = \"$(sha "$T/classifier.kiln")\"/sha256 = \"$(sha "$T/signed/classifier.kiln")\"/" \
    "$M" > "$T/signed/app.toml"
expect check.signed 0 "is consistent" \
  "$KILN" app check --trust "$T/release.pub" "$T/signed/app.toml"
expect check.foreign-key 1 "signed by key [0-9a-f]+\.\.\., which this runtime does not trust" \
  "$KILN" app check --trust "$T/other.pub" "$T/signed/app.toml"

# --- kiln agent / kiln ctl --------------------------------------------------
ST=$T/st
ctl() { "$KILN" ctl --state-dir "$ST" "$@"; }
expect agent.empty-state 1 "holds no application" \
  "$KILN" agent -q --state-dir "$T/empty" --run-for 10ms
expect agent.bad-manifest 1 "key 'modules.filter.backof': unknown key" \
  "$KILN" agent -q --state-dir "$T/empty" "$T/typo.toml"
expect agent.bad-flag 2 "unknown option '--frobnicate'" "$KILN" agent --frobnicate
expect ctl.no-agent 1 "no agent answers on $ST/agent.sock" ctl status
expect ctl.unknown 2 "unknown request 'restart'" ctl restart
expect ctl.deploy-missing 1 "no such file" ctl deploy "$T/nope.kiln" --module filter

"$KILN" agent -q --state-dir "$ST" --trust "$T/release.pub" "$T/signed/app.toml" \
  > "$T/agent.out" 2>&1 &
AGENT=$!
for _ in $(seq 1 200); do ctl status >/dev/null 2>&1 && break; sleep 0.05; done
expect agent.second 1 "another agent is running on this state directory" \
  "$KILN" agent -q --state-dir "$ST"
expect ctl.status 0 "filter +1 +running" ctl status
expect ctl.status-json 0 '"application":"vibration-line".*"name":"sample","module":"sensor"' \
  ctl status --json
expect ctl.deploy-needs-module 1 "needs --module NAME" ctl deploy "$T/signed/filter_v2.kiln"
expect ctl.deploy-unknown-module 1 "no module named 'filtre'" \
  ctl deploy "$T/signed/filter_v2.kiln" --module filtre
expect ctl.deploy-unsigned 1 "refused: .*filter_unsigned.kiln: .*not signed" \
  ctl deploy "$T/signed/filter_unsigned.kiln" --module filter
expect ctl.deploy-foreign 1 "refused: .*filter_foreign.kiln: .*signed by key [0-9a-f]+\.\.\., which this runtime does not trust" \
  ctl deploy "$T/signed/filter_foreign.kiln" --module filter
expect ctl.deploy-flipped 1 "refused: .*filter_flipped.kiln: .*does not match the artifact: it was changed after it was signed" \
  ctl deploy "$T/signed/filter_flipped.kiln" --module filter
expect ctl.deploy-v2 0 "module 'filter' now runs version 2 \(state carried over" \
  ctl deploy "$T/signed/filter_v2.kiln" --module filter --version 2
expect ctl.deploy-bad-health 1 "version 3 rolled back: health check 'health' failed" \
  ctl deploy "$T/signed/filter_bad_health.kiln" --module filter --version 3
expect ctl.deploy-slow 1 "version 4 rolled back: [0-9]+ call\(s\) into the new version stopped at their deadline" \
  ctl deploy "$T/signed/filter_slow.kiln" --module filter --version 4
expect ctl.still-v2 0 "returned 2" ctl run filter-version
expect ctl.rollback 0 "module 'filter' now runs version 1" ctl rollback filter
expect ctl.rollback-none 1 "has no previous version" ctl rollback sensor
expect ctl.stop 0 "module 'classifier' stopped" ctl stop classifier
expect ctl.start 0 "module 'classifier' started" ctl start classifier
expect ctl.run-unknown 1 "no task named 'nope'" ctl run nope
expect ctl.logs 0 "event=rolled-back version=4" ctl logs 100

# Bundles: unsigned, or signed by another key, refused by a strict agent;
# a signed one installs.
"$KILN" bundle "$T/signed/app.toml" -o "$T/unsigned.kbundle" >/dev/null
"$KILN" bundle "$T/signed/app.toml" -o "$T/foreign.kbundle" --key "$T/other.key" >/dev/null
"$KILN" bundle "$T/signed/app.toml" -o "$T/signed.kbundle" --key "$T/release.key" >/dev/null
expect bundle.tar 0 "manifest.toml.sig" tar tvf "$T/signed.kbundle"
expect ctl.bundle-unsigned 1 "refused: the bundle's manifest is not signed" \
  ctl deploy "$T/unsigned.kbundle"
expect ctl.bundle-foreign 1 "refused: the bundle's manifest is signed by a key this agent does not trust" \
  ctl deploy "$T/foreign.kbundle"
# The manifest changed after signing (one character): its signature fails.
mkdir -p "$T/tamper" && (cd "$T/tamper" && tar xf "$T/signed.kbundle" &&
  sed -i 's/period = "100ms"/period = "200ms"/' manifest.toml &&
  tar --format=ustar -cf "$T/tampered.kbundle" manifest.toml manifest.toml.sig *.kiln)
expect ctl.bundle-tampered 1 "signature does not verify" ctl deploy "$T/tampered.kbundle"
expect ctl.bundle-signed 0 "nothing to update|now runs version" ctl deploy "$T/signed.kbundle"
expect ctl.not-an-artifact 1 "refused: .*app.toml: offset 0x0: not a kiln artifact" \
  ctl deploy "$T/signed/app.toml" --module filter
head -c 3000 "$T/signed.kbundle" > "$T/cut.kbundle"
expect ctl.corrupt-bundle 1 "refused: bundle, offset [0-9]+: entry '.*' runs past the end" \
  ctl deploy "$T/cut.kbundle"

# Every refusal left the application running.
expect agent.all-running 0 '"state":"running".*"state":"running".*"state":"running"' \
  ctl status --json
expect ctl.shutdown 0 "agent stopping" ctl shutdown
wait_exit "$AGENT"
rc=$?
if [ "$rc" = 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL agent exit $rc"; fi

# --- kiln bundle ----------------------------------------------------------
expect bundle.digest 1 "sha256 is [0-9a-f]{64}, the manifest says 0{64}" \
  "$KILN" bundle "$T/digest.toml" -o "$T/x.kbundle"
expect bundle.no-output 2 "no output file" "$KILN" bundle "$M"

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
