#!/usr/bin/env bash
# Regenerates the committed PKI test fixtures with the openssl CLI (3.0) and, for the few
# cases openssl cannot make, python3 (standard library only). Nothing is downloaded.
#
# Keys are random on every run; everything else (SANs, subjects, extensions, key types,
# digests, sizes, which byte is altered) is the same every time, so the fixtures' shape and
# the expected errors in the READMEs stay valid after a regeneration.
#
# Usage (from anywhere):
#   functions/pki/src/test/make-fixtures.sh [all|csr|intermediate|ca-keys|check]
#     csr           leaf CSRs        -> functions/pki/src/test/resources/csr/
#     intermediate  intermediate CSRs and enrolment keys
#                                    -> functions/pki/src/test/resources/csr/intermediate/
#     ca-keys       CA key fixtures  -> functions/testkit/src/main/resources/fixtures/ca-keys/
#     check         only re-run the checks on the committed files (no regeneration)
#     all           (default) csr + intermediate + ca-keys, then check
set -euo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "$0")/../../../.." && pwd)
CSR_DIR=$ROOT/functions/pki/src/test/resources/csr
INT_DIR=$CSR_DIR/intermediate
CAK_DIR=$ROOT/functions/testkit/src/main/resources/fixtures/ca-keys

CLUSTER_ID=7d8b1e6c-3f2a-4c5e-9a1b-2c3d4e5f6a7b
TD=$CLUSTER_ID.consul
OTHER_TD=0a0b0c0d-1111-4222-8333-444455556666.consul
SVC=spiffe://$TD/ns/default/dc/dc1/svc/web

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# Minimal request config, so that nothing from the system openssl.cnf (default extensions,
# default subject fields) ends up in a request. Every openssl req below uses it.
REQ_CNF=$WORK/req.cnf
printf '[req]\ndistinguished_name = dn\nprompt = no\n[dn]\n' >"$REQ_CNF"

die() { echo "make-fixtures: $*" >&2; exit 1; }

# genkey KIND OUT: a fresh PKCS#8 PEM private key.
genkey() {
  case $1 in
    ec-p256)      openssl genpkey -quiet -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -pkeyopt ec_param_enc:named_curve -out "$2" ;;
    ec-p384)      openssl genpkey -quiet -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -pkeyopt ec_param_enc:named_curve -out "$2" ;;
    ec-p521)      openssl genpkey -quiet -algorithm EC -pkeyopt ec_paramgen_curve:P-521 -pkeyopt ec_param_enc:named_curve -out "$2" ;;
    ec-secp256k1) openssl genpkey -quiet -algorithm EC -pkeyopt ec_paramgen_curve:secp256k1 -pkeyopt ec_param_enc:named_curve -out "$2" ;;
    rsa-*)        openssl genpkey -quiet -algorithm RSA -pkeyopt "rsa_keygen_bits:${1#rsa-}" -out "$2" ;;
    ed25519)      openssl genpkey -quiet -algorithm ED25519 -out "$2" ;;
    *) die "unknown key kind $1" ;;
  esac
}

# req OUT KEY DIGEST SUBJECT [EXTENSION...]: a PKCS#10 request signed by KEY.
# DIGEST is sha256/sha384/sha512, or "-" for Ed25519 (which has no separate digest).
req() {
  local out=$1 key=$2 md=$3 subj=$4
  shift 4
  local args=()
  [ "$md" = - ] || args+=("-$md")
  local ext
  for ext in "$@"; do args+=(-addext "$ext"); done
  openssl req -new -config "$REQ_CNF" -key "$key" "${args[@]}" -subj "$subj" -out "$out"
}

# csr OUT KIND DIGEST SUBJECT [EXTENSION...]: a request with a fresh key of KIND.
# The key is kept only for valid-* requests (KEEP_KEY_DIR set), else thrown away.
csr() {
  local out=$1 kind=$2
  shift 2
  local name key
  name=$(basename "$out" .pem)
  if [ -n "${KEEP_KEY_DIR:-}" ]; then key=$KEEP_KEY_DIR/$name.key.pem; else key=$WORK/$name.$RANDOM.key.pem; fi
  genkey "$kind" "$key"
  req "$out" "$key" "$@"
}

# pem_wrap TYPE < DER > PEM: base64 in 64-character lines between BEGIN/END lines.
pem_wrap() {
  echo "-----BEGIN $1-----"
  openssl base64 -e
  echo "-----END $1-----"
}

make_csr() {
  mkdir -p "$CSR_DIR/keys"
  rm -f "$CSR_DIR"/*.pem "$CSR_DIR"/keys/*.pem
  cd "$CSR_DIR"

  # --- valid requests (their keys are kept under keys/) ---
  KEEP_KEY_DIR=$CSR_DIR/keys
  csr valid-ec-p256.pem   ec-p256 sha256 / "subjectAltName=URI:$SVC"
  csr valid-ec-p384.pem   ec-p384 sha384 / "subjectAltName=URI:$SVC"
  csr valid-rsa-2048.pem  rsa-2048 sha256 / "subjectAltName=URI:$SVC"
  csr valid-mesh-gateway.pem ec-p256 sha256 / "subjectAltName=URI:spiffe://$TD/gateway/mesh/dc/dc1"
  csr valid-with-subject-and-extensions.pem ec-p256 sha256 "/CN=web/O=Example Corp" \
    "subjectAltName=URI:$SVC" \
    "keyUsage=critical,digitalSignature,keyEncipherment" \
    "extendedKeyUsage=serverAuth,clientAuth" \
    "basicConstraints=critical,CA:FALSE"
  csr valid-percent-encoded.pem ec-p256 sha256 / "subjectAltName=URI:spiffe://$TD/ns/default/dc/dc1/svc/web%2Dapi"
  unset KEEP_KEY_DIR

  # --- identity refusals ---
  csr other-trust-domain.pem ec-p256 sha256 / "subjectAltName=URI:spiffe://$OTHER_TD/ns/default/dc/dc1/svc/web"
  csr other-dc.pem           ec-p256 sha256 / "subjectAltName=URI:spiffe://$TD/ns/default/dc/dc2/svc/web"
  csr two-uris.pem           ec-p256 sha256 / "subjectAltName=URI:$SVC,URI:spiffe://$TD/ns/default/dc/dc1/svc/api"
  csr no-uri.pem             ec-p256 sha256 /   # no extension request at all
  csr email-san.pem          ec-p256 sha256 / "subjectAltName=URI:$SVC,email:web@example.com"
  csr dns-san-not-allowed.pem ec-p256 sha256 / "subjectAltName=URI:$SVC,DNS:web.example.com"
  csr ip-san-not-allowed.pem  ec-p256 sha256 / "subjectAltName=URI:$SVC,IP:10.1.2.3"
  csr ca-requested.pem       ec-p256 sha256 / "subjectAltName=URI:$SVC" "basicConstraints=critical,CA:TRUE"
  csr not-spiffe-uri.pem     ec-p256 sha256 / "subjectAltName=URI:https://example.com/web"
  csr signing-id-uri.pem     ec-p256 sha256 / "subjectAltName=URI:spiffe://$TD"
  csr agent-id.pem           ec-p256 sha256 / "subjectAltName=URI:spiffe://$TD/agent/client/dc/dc1/id/abc"
  csr partition.pem          ec-p256 sha256 / "subjectAltName=URI:spiffe://$TD/ap/finance/ns/default/dc/dc1/svc/web"

  # --- key refusals (otherwise valid, correctly self-signed) ---
  csr rsa-1024.pem      rsa-1024     sha256 / "subjectAltName=URI:$SVC"
  csr ec-secp256k1.pem  ec-secp256k1 sha256 / "subjectAltName=URI:$SVC"
  csr ec-p521.pem       ec-p521      sha512 / "subjectAltName=URI:$SVC"
  csr ed25519.pem       ed25519      -      / "subjectAltName=URI:$SVC"

  # --- bad signature: a valid EC P-256 request whose last DER byte is XORed with 0x01.
  # The last byte of a PKCS#10 DER is the last content byte of the signature BIT STRING,
  # i.e. the last byte of ECDSA's INTEGER s, so the DER stays well-formed and only the
  # signature value changes.
  csr "$WORK/bad-signature-base.pem" ec-p256 sha256 / "subjectAltName=URI:$SVC"
  openssl req -in "$WORK/bad-signature-base.pem" -outform DER -out "$WORK/bad-signature-base.der"
  python3 - "$WORK/bad-signature-base.der" "$WORK/bad-signature.der" <<'PY'
import sys
der = bytearray(open(sys.argv[1], "rb").read())
der[-1] ^= 0x01
open(sys.argv[2], "wb").write(der)
PY
  pem_wrap "CERTIFICATE REQUEST" <"$WORK/bad-signature.der" >bad-signature.pem

  # --- PEM / parsing refusals ---
  openssl rand 512 | pem_wrap "CERTIFICATE REQUEST" >garbage.pem

  csr "$WORK/truncated-base.pem" ec-p256 sha256 / "subjectAltName=URI:$SVC"
  openssl req -in "$WORK/truncated-base.pem" -outform DER -out "$WORK/truncated-base.der"
  head -c $(( $(wc -c <"$WORK/truncated-base.der") / 2 )) "$WORK/truncated-base.der" \
    | pem_wrap "CERTIFICATE REQUEST" >truncated-der.pem

  genkey ec-p256 "$WORK/cert.key.pem"
  openssl req -x509 -new -config "$REQ_CNF" -key "$WORK/cert.key.pem" -sha256 -days 3650 \
    -subj /CN=web -addext "subjectAltName=URI:$SVC" -out certificate-not-csr.pem

  csr "$WORK/two-blocks-1.pem" ec-p256 sha256 / "subjectAltName=URI:$SVC"
  csr "$WORK/two-blocks-2.pem" ec-p256 sha256 / "subjectAltName=URI:$SVC"
  cat "$WORK/two-blocks-1.pem" "$WORK/two-blocks-2.pem" >two-blocks.pem

  # 700 DNS SANs of 27 DER bytes each: DER and PEM both well over 16 KiB (about 19 KiB
  # and 26 KiB), the PEM JSON-escaped still far below the 64 KiB body limit.
  local dns="" i
  for i in $(seq -w 1 700); do dns+=",DNS:host-$i.web.example.com"; done
  csr oversized.pem ec-p256 sha256 / "subjectAltName=URI:$SVC$dns"

  : >empty.pem
  cd - >/dev/null
}

make_intermediate() {
  mkdir -p "$INT_DIR/keys"
  rm -f "$INT_DIR"/*.pem "$INT_DIR"/keys/*.pem
  cd "$INT_DIR"
  local ca_subj=/CN=dc2.ca.${CLUSTER_ID:0:8}.consul
  local ca_ext=("basicConstraints=critical,CA:TRUE,pathlen:0" "keyUsage=critical,keyCertSign,cRLSign,digitalSignature")

  KEEP_KEY_DIR=$INT_DIR/keys
  csr valid-dc2-ec-p256.pem ec-p256 sha256 "$ca_subj" "subjectAltName=URI:spiffe://$TD" "${ca_ext[@]}"
  unset KEEP_KEY_DIR
  csr wrong-uri.pem    ec-p256      sha256 "$ca_subj" "subjectAltName=URI:spiffe://$TD/ns/default/dc/dc2/svc/web" "${ca_ext[@]}"
  csr two-uris.pem     ec-p256      sha256 "$ca_subj" "subjectAltName=URI:spiffe://$TD,URI:spiffe://$TD/ns/default/dc/dc2/svc/web" "${ca_ext[@]}"
  csr rsa-1024.pem     rsa-1024     sha256 "$ca_subj" "subjectAltName=URI:spiffe://$TD" "${ca_ext[@]}"
  csr ec-secp256k1.pem ec-secp256k1 sha256 "$ca_subj" "subjectAltName=URI:spiffe://$TD" "${ca_ext[@]}"

  local who
  for who in dc2 other; do
    genkey ec-p256 "enrolment-$who.key.pem"
    openssl pkey -in "enrolment-$who.key.pem" -pubout -out "enrolment-$who.pub.pem"
  done
  cd - >/dev/null
}

make_ca_keys() {
  mkdir -p "$CAK_DIR"
  rm -f "$CAK_DIR"/*.key.pem
  local kind ab
  for kind in rsa-4096 rsa-2048 ec-p256 ec-p384; do
    for ab in a b; do genkey "$kind" "$CAK_DIR/$kind-$ab.key.pem"; done
  done
}

# ---------------------------------------------------------------------------------------
# Checks: every fixture has the property its README row claims, as far as openssl can see.
# ---------------------------------------------------------------------------------------
FAILS=0
ok()   { printf '  ok    %s\n' "$*"; }
bad()  { printf '  FAIL  %s\n' "$*"; FAILS=$((FAILS + 1)); }

# openssl 3.0 `req -verify` exits 0 even when the signature does not verify: read its verdict.
verifies()     { grep -qx "Certificate request self-signature verify OK" <<<"$(openssl req -in "$1" -noout -verify 2>&1)"; }
text()         { openssl req -in "$1" -noout -text 2>/dev/null; }
# (grep reads a captured string, not a pipe: with pipefail, an early-exiting grep -q could
# otherwise turn a match into a failure through SIGPIPE.)
has()          { if grep -qF -- "$2" <<<"$(text "$1")"; then ok "$1: has '$2'"; else bad "$1: lacks '$2'"; fi; }
lacks()        { if grep -qF -- "$2" <<<"$(text "$1")"; then bad "$1: has '$2'"; else ok "$1: lacks '$2'"; fi; }
uri_is()       { if grep -qE -- "URI:$2\$" <<<"$(text "$1")"; then ok "$1: URI is $2"; else bad "$1: URI is not $2"; fi; }
uri_count()    { local n; n=$(grep -o 'URI:' <<<"$(text "$1")" | wc -l || true); [ "$n" -eq "$2" ] && ok "$1: $n URI SAN(s)" || bad "$1: $n URI SAN(s), want $2"; }
must_verify()  { if verifies "$1"; then ok "$1: self-signature verifies"; else bad "$1: self-signature does not verify"; fi; }
pem_hygiene()  {
  local f=$1
  [ -s "$f" ] || return 0
  if grep -q $'\r' "$f"; then bad "$f: has CR"; fi
  if [ "$(tail -c 1 "$f" | od -An -tx1 | tr -d ' ')" != 0a ]; then bad "$f: no trailing newline"; fi
}

check_csr() {
  echo "leaf CSRs ($CSR_DIR)"
  cd "$CSR_DIR"
  local f
  for f in valid-*.pem other-trust-domain.pem other-dc.pem two-uris.pem no-uri.pem email-san.pem \
           dns-san-not-allowed.pem ip-san-not-allowed.pem ca-requested.pem not-spiffe-uri.pem \
           signing-id-uri.pem agent-id.pem partition.pem rsa-1024.pem ec-secp256k1.pem ec-p521.pem \
           ed25519.pem two-blocks.pem oversized.pem; do
    must_verify "$f"
  done
  for f in valid-ec-p256.pem valid-ec-p384.pem valid-rsa-2048.pem valid-with-subject-and-extensions.pem \
           email-san.pem dns-san-not-allowed.pem ip-san-not-allowed.pem ca-requested.pem \
           rsa-1024.pem ec-secp256k1.pem ec-p521.pem ed25519.pem oversized.pem; do
    has "$f" "URI:$SVC"; uri_count "$f" 1
  done
  for f in valid-ec-p256.pem valid-ec-p384.pem valid-rsa-2048.pem valid-mesh-gateway.pem valid-percent-encoded.pem; do
    [ "$(openssl req -in "$f" -noout -subject)" = "subject=" ] && ok "$f: empty subject" || bad "$f: subject not empty"
    lacks "$f" "CA:TRUE"; lacks "$f" "DNS:"; lacks "$f" "email:"; lacks "$f" "IP Address:"
  done
  has valid-ec-p256.pem "NIST CURVE: P-256"
  has valid-ec-p384.pem "NIST CURVE: P-384"
  has valid-rsa-2048.pem "Public-Key: (2048 bit)"
  has valid-mesh-gateway.pem "URI:spiffe://$TD/gateway/mesh/dc/dc1"; uri_count valid-mesh-gateway.pem 1
  has valid-with-subject-and-extensions.pem "Subject: CN = web, O = Example Corp"
  has valid-with-subject-and-extensions.pem "X509v3 Key Usage: critical"
  has valid-with-subject-and-extensions.pem "CA:FALSE"
  has valid-percent-encoded.pem "URI:spiffe://$TD/ns/default/dc/dc1/svc/web%2Dapi"; uri_count valid-percent-encoded.pem 1
  has other-trust-domain.pem "URI:spiffe://$OTHER_TD/ns/default/dc/dc1/svc/web"; uri_count other-trust-domain.pem 1
  has other-dc.pem "URI:spiffe://$TD/ns/default/dc/dc2/svc/web"; uri_count other-dc.pem 1
  uri_count two-uris.pem 2
  uri_count no-uri.pem 0; lacks no-uri.pem "Subject Alternative Name"
  has email-san.pem "email:web@example.com"
  has dns-san-not-allowed.pem "DNS:web.example.com"
  has ip-san-not-allowed.pem "IP Address:10.1.2.3"
  has ca-requested.pem "CA:TRUE"
  has not-spiffe-uri.pem "URI:https://example.com/web"; uri_count not-spiffe-uri.pem 1
  uri_is signing-id-uri.pem "spiffe://$TD"; uri_count signing-id-uri.pem 1
  has agent-id.pem "URI:spiffe://$TD/agent/client/dc/dc1/id/abc"; uri_count agent-id.pem 1
  has partition.pem "URI:spiffe://$TD/ap/finance/ns/default/dc/dc1/svc/web"; uri_count partition.pem 1
  has rsa-1024.pem "Public-Key: (1024 bit)"
  has ec-secp256k1.pem "ASN1 OID: secp256k1"
  has ec-p521.pem "NIST CURVE: P-521"
  has ed25519.pem "Public Key Algorithm: ED25519"

  if openssl req -in bad-signature.pem -noout 2>/dev/null; then ok "bad-signature.pem: parses"; else bad "bad-signature.pem: does not parse"; fi
  if verifies bad-signature.pem; then bad "bad-signature.pem: self-signature verifies"; else ok "bad-signature.pem: self-signature does not verify"; fi
  has bad-signature.pem "URI:$SVC"
  if openssl req -in garbage.pem -noout 2>/dev/null; then bad "garbage.pem: parses"; else ok "garbage.pem: does not parse"; fi
  if openssl req -in truncated-der.pem -noout 2>/dev/null; then bad "truncated-der.pem: parses"; else ok "truncated-der.pem: does not parse"; fi
  if openssl x509 -in certificate-not-csr.pem -noout 2>/dev/null && head -1 certificate-not-csr.pem | grep -qx -- '-----BEGIN CERTIFICATE-----'; then
    ok "certificate-not-csr.pem: a CERTIFICATE block"; else bad "certificate-not-csr.pem"; fi
  local n; n=$(grep -c -- '-----BEGIN CERTIFICATE REQUEST-----' two-blocks.pem)
  [ "$n" -eq 2 ] && ok "two-blocks.pem: $n CSR blocks" || bad "two-blocks.pem: $n CSR blocks"
  awk -v dir="$WORK" '/-----BEGIN/ { n++ } { print > (dir "/two-blocks-part" n ".pem") }' two-blocks.pem
  for n in 1 2; do
    if verifies "$WORK/two-blocks-part$n.pem" && grep -qF "URI:$SVC" <<<"$(text "$WORK/two-blocks-part$n.pem")"; then
      ok "two-blocks.pem: block $n is a valid request"; else bad "two-blocks.pem: block $n is not a valid request"; fi
  done
  cmp -s "$WORK/two-blocks-part1.pem" "$WORK/two-blocks-part2.pem" && bad "two-blocks.pem: blocks are equal" || ok "two-blocks.pem: blocks differ"
  local pem der
  pem=$(wc -c <oversized.pem); der=$(openssl req -in oversized.pem -outform DER | wc -c)
  if [ "$pem" -gt 16384 ] && [ "$der" -gt 16384 ] && [ "$pem" -lt 32768 ]; then ok "oversized.pem: PEM $pem bytes, DER $der bytes"; else bad "oversized.pem: PEM $pem, DER $der"; fi
  [ -f empty.pem ] && [ ! -s empty.pem ] && ok "empty.pem: 0 bytes" || bad "empty.pem: not empty"
  for f in *.pem keys/*.pem; do pem_hygiene "$f"; done
  for f in keys/*.key.pem; do
    cmp -s <(openssl pkey -in "$f" -pubout) <(openssl req -in "$(basename "$f" .key.pem).pem" -noout -pubkey) \
      && ok "$f: matches its CSR" || bad "$f: does not match its CSR"
  done
  cd - >/dev/null
}

check_intermediate() {
  echo "intermediate CSRs ($INT_DIR)"
  cd "$INT_DIR"
  local f
  for f in valid-dc2-ec-p256.pem wrong-uri.pem two-uris.pem rsa-1024.pem ec-secp256k1.pem; do
    must_verify "$f"
    has "$f" "CA:TRUE, pathlen:0"
  done
  for f in valid-dc2-ec-p256.pem rsa-1024.pem ec-secp256k1.pem; do
    uri_is "$f" "spiffe://$TD"
    uri_count "$f" 1
  done
  has valid-dc2-ec-p256.pem "NIST CURVE: P-256"
  has wrong-uri.pem "URI:spiffe://$TD/ns/default/dc/dc2/svc/web"; uri_count wrong-uri.pem 1
  uri_count two-uris.pem 2
  has rsa-1024.pem "Public-Key: (1024 bit)"
  has ec-secp256k1.pem "ASN1 OID: secp256k1"
  for f in enrolment-dc2 enrolment-other; do
    head -1 "$f.key.pem" | grep -qx -- '-----BEGIN PRIVATE KEY-----' && ok "$f.key.pem: PKCS#8" || bad "$f.key.pem: not PKCS#8"
    grep -qF "NIST CURVE: P-256" <<<"$(openssl pkey -in "$f.key.pem" -noout -text)" && ok "$f.key.pem: P-256" || bad "$f.key.pem: not P-256"
    cmp -s <(openssl pkey -in "$f.key.pem" -pubout) "$f.pub.pem" && ok "$f.pub.pem: matches" || bad "$f.pub.pem: does not match"
  done
  cmp -s enrolment-dc2.pub.pem enrolment-other.pub.pem && bad "enrolment keys are equal" || ok "enrolment keys differ"
  cmp -s <(openssl pkey -in keys/valid-dc2-ec-p256.key.pem -pubout) <(openssl req -in valid-dc2-ec-p256.pem -noout -pubkey) \
    && ok "keys/valid-dc2-ec-p256.key.pem: matches its CSR" || bad "keys/valid-dc2-ec-p256.key.pem"
  for f in *.pem keys/*.pem; do pem_hygiene "$f"; done
  cd - >/dev/null
}

check_ca_keys() {
  echo "CA keys ($CAK_DIR)"
  cd "$CAK_DIR"
  local f want
  for f in rsa-4096-a rsa-4096-b rsa-2048-a rsa-2048-b ec-p256-a ec-p256-b ec-p384-a ec-p384-b; do
    case $f in
      rsa-4096*) want="Private-Key: (4096 bit" ;; rsa-2048*) want="Private-Key: (2048 bit" ;;
      ec-p256*) want="NIST CURVE: P-256" ;; ec-p384*) want="NIST CURVE: P-384" ;;
    esac
    head -1 "$f.key.pem" | grep -qx -- '-----BEGIN PRIVATE KEY-----' && ok "$f.key.pem: unencrypted PKCS#8" || bad "$f.key.pem: not PKCS#8"
    openssl pkey -in "$f.key.pem" -check -noout >/dev/null 2>&1 && ok "$f.key.pem: key check" || bad "$f.key.pem: key check"
    grep -qF "$want" <<<"$(openssl pkey -in "$f.key.pem" -noout -text)" && ok "$f.key.pem: $want" || bad "$f.key.pem: not $want"
    pem_hygiene "$f.key.pem"
  done
  for f in rsa-4096 rsa-2048 ec-p256 ec-p384; do
    cmp -s "$f-a.key.pem" "$f-b.key.pem" && bad "$f-a and $f-b are equal" || ok "$f-a and $f-b differ"
  done
  cd - >/dev/null
}

check_all() {
  check_csr
  check_intermediate
  check_ca_keys
  [ "$FAILS" -eq 0 ] || die "$FAILS check(s) failed"
  echo "all checks passed"
}

case ${1:-all} in
  csr)          make_csr; check_csr ;;
  intermediate) make_intermediate; check_intermediate ;;
  ca-keys)      make_ca_keys; check_ca_keys ;;
  check)        check_all ;;
  all)          make_csr; make_intermediate; make_ca_keys; check_all ;;
  *)            die "usage: $0 [all|csr|intermediate|ca-keys|check]" ;;
esac
[ "$FAILS" -eq 0 ] || die "$FAILS check(s) failed"
