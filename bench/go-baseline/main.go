// Command gobaseline is the Go peer of meshfed's leaf signing core benchmark
// (bench/src/main/java/dev/meshfed/bench/LeafSigningBenchmark.java): the same work per leaf,
// done with Go's standard library only (crypto/x509, crypto/ecdsa, encoding/pem), on one
// goroutine.
//
// Per leaf, as LeafSigningCore.sign does with its gates open:
//
//  1. decode the CSR's PEM and parse it (x509.ParseCertificateRequest);
//  2. verify the CSR's own signature (CheckSignature) and that its key is EC P-256;
//  3. check its names: exactly one URI SAN, a SPIFFE ID of the DC's trust domain of the form
//     /ns/<ns>/dc/<dc>/svc/<svc> with <dc> = dc1, no DNS, IP or e-mail SANs;
//  4. build the leaf template of meshfed's profile: 128-bit serial from crypto/rand, empty
//     subject (so Go marks the URI SAN critical, as meshfed does), NotBefore = now − 1 min,
//     NotAfter = now + 72 h capped at the intermediate's, digitalSignature | keyEncipherment |
//     keyAgreement, serverAuth + clientAuth, basic constraints CA:false (critical), SKID = SHA-256
//     of the CSR's SubjectPublicKeyInfo, AKID = the intermediate's SKID;
//  5. sign it with the intermediate's P-256 key (x509.CreateCertificate, ECDSA with SHA-256);
//  6. PEM-encode the leaf and append the intermediate's PEM, encoded once at start-up (meshfed's
//     LeafSigner also keeps its chain PEM ready).
//
// Note: Go 1.19's x509.CreateCertificate verifies the signature it has just made ("to ensure the
// crypto.Signer behaved correctly"), so the Go path does two ECDSA verifies and one sign per
// leaf where meshfed does one of each. -parts measures that share separately.
//
// The input is 1,024 distinct CSRs (one URI SAN
// spiffe://7d8b1e6c-3f2a-4c5e-9a1b-2c3d4e5f6a7b.consul/ns/default/dc/dc1/svc/web-N, empty subject,
// fresh P-256 key, ECDSA with SHA-256), generated at start-up like LeafSigningFixture's, or read
// from a PEM file (-csrs-in); they are used round robin.
package main

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"math/big"
	"net/url"
	"os"
	"runtime"
	"sort"
	"strings"
	"time"
)

const (
	trustDomain = "7d8b1e6c-3f2a-4c5e-9a1b-2c3d4e5f6a7b.consul"
	dcName      = "dc1"
	leafTTL     = 72 * time.Hour
	skew        = time.Minute
)

// signer is the DC's intermediate: certificate, key and the chain PEM appended after each leaf.
type signer struct {
	cert     *x509.Certificate
	key      *ecdsa.PrivateKey
	chainPEM []byte
}

// leaf is one result: the DER of the leaf and CertPEM (leaf + chain).
type leaf struct {
	der     []byte
	certPEM []byte
	uri     string
}

var serialLimit = new(big.Int).Lsh(big.NewInt(1), 128)

// signLeaf is the measured work for one CSR.
func signLeaf(csrPEM []byte, s *signer, now time.Time) (leaf, error) {
	block, _ := pem.Decode(csrPEM)
	if block == nil || block.Type != "CERTIFICATE REQUEST" {
		return leaf{}, errors.New("not a PEM certificate request")
	}
	csr, err := x509.ParseCertificateRequest(block.Bytes)
	if err != nil {
		return leaf{}, err
	}
	if err := csr.CheckSignature(); err != nil {
		return leaf{}, err
	}
	uri, err := checkCSR(csr)
	if err != nil {
		return leaf{}, err
	}
	tmpl, err := leafTemplate(csr, uri, s, now)
	if err != nil {
		return leaf{}, err
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, s.cert, csr.PublicKey, s.key)
	if err != nil {
		return leaf{}, err
	}
	out := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	out = append(out, s.chainPEM...)
	return leaf{der: der, certPEM: out, uri: uri.String()}, nil
}

// checkCSR mirrors LeafCsrValidator's name checks for a service identity.
func checkCSR(csr *x509.CertificateRequest) (*url.URL, error) {
	pub, ok := csr.PublicKey.(*ecdsa.PublicKey)
	if !ok || pub.Curve != elliptic.P256() {
		return nil, errors.New("CSR key is not EC P-256")
	}
	if len(csr.DNSNames)+len(csr.IPAddresses)+len(csr.EmailAddresses) > 0 {
		return nil, errors.New("CSR has DNS, IP or e-mail SANs")
	}
	if len(csr.URIs) != 1 {
		return nil, errors.New("CSR needs exactly one URI SAN")
	}
	u := csr.URIs[0]
	if u.Scheme != "spiffe" || u.Host != trustDomain || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("URI SAN %q is not a SPIFFE ID of %s", u, trustDomain)
	}
	parts := strings.Split(u.Path, "/")
	if len(parts) != 7 || parts[0] != "" || parts[1] != "ns" || parts[3] != "dc" || parts[5] != "svc" ||
		parts[2] == "" || parts[6] == "" {
		return nil, fmt.Errorf("URI SAN %q is not a service identity", u)
	}
	if parts[4] != dcName {
		return nil, fmt.Errorf("URI SAN %q names another datacenter", u)
	}
	return u, nil
}

func leafTemplate(csr *x509.CertificateRequest, uri *url.URL, s *signer, now time.Time) (*x509.Certificate, error) {
	var serial *big.Int
	for serial == nil || serial.Sign() == 0 {
		var err error
		if serial, err = rand.Int(rand.Reader, serialLimit); err != nil {
			return nil, err
		}
	}
	skid := sha256.Sum256(csr.RawSubjectPublicKeyInfo)
	notAfter := now.Add(leafTTL)
	if notAfter.After(s.cert.NotAfter) {
		notAfter = s.cert.NotAfter
	}
	return &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{},
		NotBefore:             now.Add(-skew),
		NotAfter:              notAfter,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment | x509.KeyUsageKeyAgreement,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
		BasicConstraintsValid: true,
		IsCA:                  false,
		URIs:                  []*url.URL{uri},
		SubjectKeyId:          skid[:],
		AuthorityKeyId:        s.cert.SubjectKeyId, // Go takes the parent's SKID anyway
		SignatureAlgorithm:    x509.ECDSAWithSHA256,
	}, nil
}

// newSigner makes a root and an intermediate (EC P-256) in meshfed's CA profile.
func newSigner(now time.Time) (*signer, *x509.Certificate, error) {
	rootKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	spki := func(k *ecdsa.PrivateKey) []byte {
		b, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
		if err != nil {
			panic(err)
		}
		h := sha256.Sum256(b)
		return h[:]
	}
	caUsage := x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature
	short := trustDomain[:8]
	rootTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "pri-gobench.consul.ca." + short + ".consul"},
		NotBefore:             now.Add(-skew),
		NotAfter:              now.Add(3650 * 24 * time.Hour),
		KeyUsage:              caUsage,
		BasicConstraintsValid: true,
		IsCA:                  true,
		URIs:                  []*url.URL{{Scheme: "spiffe", Host: trustDomain}},
		SubjectKeyId:          spki(rootKey),
		SignatureAlgorithm:    x509.ECDSAWithSHA256,
	}
	rootDER, err := x509.CreateCertificate(rand.Reader, rootTmpl, rootTmpl, &rootKey.PublicKey, rootKey)
	if err != nil {
		return nil, nil, err
	}
	root, _ := x509.ParseCertificate(rootDER)
	interKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	interTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(2),
		Subject:               pkix.Name{CommonName: dcName + ".ca." + short + ".consul"},
		NotBefore:             now.Add(-skew),
		NotAfter:              now.Add(365 * 24 * time.Hour),
		KeyUsage:              caUsage,
		BasicConstraintsValid: true,
		IsCA:                  true,
		URIs:                  []*url.URL{{Scheme: "spiffe", Host: trustDomain}},
		SubjectKeyId:          spki(interKey),
		SignatureAlgorithm:    x509.ECDSAWithSHA256,
	}
	interDER, err := x509.CreateCertificate(rand.Reader, interTmpl, root, &interKey.PublicKey, rootKey)
	if err != nil {
		return nil, nil, err
	}
	inter, _ := x509.ParseCertificate(interDER)
	if err := inter.CheckSignatureFrom(root); err != nil {
		return nil, nil, err
	}
	chain := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: interDER})
	return &signer{cert: inter, key: interKey, chainPEM: chain}, root, nil
}

// makeCSRs generates n distinct CSRs shaped like LeafSigningFixture's: fresh P-256 key, empty
// subject, one URI SAN in the extensionRequest attribute, ECDSA with SHA-256.
func makeCSRs(n int) ([][]byte, error) {
	out := make([][]byte, n)
	for i := range out {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return nil, err
		}
		u := &url.URL{Scheme: "spiffe", Host: trustDomain, Path: fmt.Sprintf("/ns/default/dc/%s/svc/web-%d", dcName, i)}
		der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{
			URIs: []*url.URL{u}, SignatureAlgorithm: x509.ECDSAWithSHA256}, k)
		if err != nil {
			return nil, err
		}
		out[i] = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der})
	}
	return out, nil
}

// readCSRs reads every CERTIFICATE REQUEST block of a PEM file.
func readCSRs(path string) ([][]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out [][]byte
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			break
		}
		if b.Type == "CERTIFICATE REQUEST" || b.Type == "NEW CERTIFICATE REQUEST" {
			out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: b.Bytes}))
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s holds no certificate request", path)
	}
	return out, nil
}

// selfCheck signs one leaf and checks it end to end, so that a broken pipeline is never timed.
func selfCheck(csrs [][]byte, s *signer, root *x509.Certificate) error {
	l, err := signLeaf(csrs[0], s, time.Now())
	if err != nil {
		return err
	}
	cert, err := x509.ParseCertificate(l.der)
	if err != nil {
		return err
	}
	roots := x509.NewCertPool()
	roots.AddCert(root)
	inter := x509.NewCertPool()
	inter.AddCert(s.cert)
	if _, err := cert.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}); err != nil {
		return fmt.Errorf("leaf does not verify: %w", err)
	}
	var chain []*pem.Block
	for rest := l.certPEM; ; {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		chain = append(chain, b)
	}
	if len(chain) != 2 || !bytes.Equal(chain[0].Bytes, l.der) || !bytes.Equal(chain[1].Bytes, s.cert.Raw) {
		return errors.New("CertPEM is not the leaf followed by the intermediate")
	}
	if len(cert.URIs) != 1 || !strings.HasSuffix(cert.URIs[0].String(), "/ns/default/dc/dc1/svc/web-0") {
		return fmt.Errorf("unexpected leaf identity %v", cert.URIs)
	}
	if cert.IsCA || len(cert.SubjectKeyId) != 32 || !bytes.Equal(cert.AuthorityKeyId, s.cert.SubjectKeyId) ||
		len(cert.ExtKeyUsage) != 2 || cert.SerialNumber.BitLen() < 64 {
		return errors.New("leaf profile differs from meshfed's")
	}
	bad := append([]byte(nil), csrs[0]...)
	if _, err := signLeaf(corrupt(bad), s, time.Now()); err == nil {
		return errors.New("a CSR with a broken signature was signed")
	}
	return nil
}

// corrupt flips one bit in the last byte of the CSR's DER (inside its signature).
func corrupt(csrPEM []byte) []byte {
	b, _ := pem.Decode(csrPEM)
	der := append([]byte(nil), b.Bytes...)
	der[len(der)-1] ^= 1
	return pem.EncodeToMemory(&pem.Block{Type: b.Type, Bytes: der})
}

type iteration struct {
	Leaves     int     `json:"leaves"`
	Seconds    float64 `json:"seconds"`
	LeavesPerS float64 `json:"leaves_per_s"`
}

type result struct {
	Go          string      `json:"go"`
	GOMAXPROCS  int         `json:"gomaxprocs"`
	CSRs        int         `json:"csrs"`
	CSRSource   string      `json:"csr_source"`
	Warmup      string      `json:"warmup"`
	Iterations  []iteration `json:"iterations"`
	LeavesPerS  float64     `json:"leaves_per_s"`
	MinPerS     float64     `json:"min_leaves_per_s"`
	MaxPerS     float64     `json:"max_leaves_per_s"`
	P50us       float64     `json:"p50_us"`
	P90us       float64     `json:"p90_us"`
	P99us       float64     `json:"p99_us"`
	P999us      float64     `json:"p999_us"`
	MaxUs       float64     `json:"max_us"`
	Parts       *parts      `json:"parts,omitempty"`
	GCCycles    uint32      `json:"gc_cycles"`
	AllocPerOpB float64     `json:"alloc_bytes_per_leaf"`
}

// parts are means in µs per leaf of the stages, plus the bare P-256 operations.
type parts struct {
	Parse     float64 `json:"parse_us"`
	Verify    float64 `json:"verify_us"`
	Checks    float64 `json:"checks_us"`
	Template  float64 `json:"template_us"`
	Create    float64 `json:"create_certificate_us"`
	PEM       float64 `json:"pem_us"`
	RawSign   float64 `json:"raw_ecdsa_sign_us"`
	RawVerify float64 `json:"raw_ecdsa_verify_us"`
}

func main() {
	warmup := flag.Duration("warmup", 6*time.Second, "warm-up before the timed iterations")
	duration := flag.Duration("duration", 3*time.Second, "length of one timed iteration")
	iterations := flag.Int("iterations", 5, "number of timed iterations")
	pool := flag.Int("csrs", 1024, "distinct CSRs generated at start-up")
	csrsIn := flag.String("csrs-in", "", "read the CSRs from this PEM file instead of generating them")
	csrsOut := flag.String("csrs-out", "", "write the CSRs used to this PEM file")
	procs := flag.Int("procs", 1, "GOMAXPROCS (the benchmark itself is one goroutine)")
	withParts := flag.Bool("parts", false, "also time the stages per leaf and the bare ECDSA operations")
	jsonOut := flag.String("json", "", "write the result as JSON to this file")
	flag.Parse()
	runtime.GOMAXPROCS(*procs)

	now := time.Now()
	s, root, err := newSigner(now)
	must(err)
	var csrs [][]byte
	source := fmt.Sprintf("generated at start-up (%d)", *pool)
	if *csrsIn != "" {
		csrs, err = readCSRs(*csrsIn)
		source = *csrsIn
	} else {
		csrs, err = makeCSRs(*pool)
	}
	must(err)
	if *csrsOut != "" {
		must(os.WriteFile(*csrsOut, bytes.Join(csrs, nil), 0o644))
	}
	must(selfCheck(csrs, s, root))

	next := 0
	one := func() {
		if _, err := signLeaf(csrs[next], s, now); err != nil {
			must(err)
		}
		if next++; next == len(csrs) {
			next = 0
		}
	}
	for end := time.Now().Add(*warmup); time.Now().Before(end); {
		one()
	}

	res := result{Go: runtime.Version(), GOMAXPROCS: runtime.GOMAXPROCS(0), CSRs: len(csrs), CSRSource: source,
		Warmup: warmup.String()}
	var lat []time.Duration
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	total, totalSec := 0, 0.0
	for it := 0; it < *iterations; it++ {
		n := 0
		start := time.Now()
		end := start.Add(*duration)
		t := start
		for t.Before(end) {
			one()
			t2 := time.Now()
			lat = append(lat, t2.Sub(t))
			t = t2
			n++
		}
		sec := t.Sub(start).Seconds()
		res.Iterations = append(res.Iterations, iteration{n, sec, float64(n) / sec})
		fmt.Printf("iteration %d: %d leaves in %.3f s = %.0f leaves/s\n", it+1, n, sec, float64(n)/sec)
		total += n
		totalSec += sec
	}
	runtime.ReadMemStats(&ms1)
	res.GCCycles = ms1.NumGC - ms0.NumGC
	res.AllocPerOpB = float64(ms1.TotalAlloc-ms0.TotalAlloc) / float64(total)
	res.LeavesPerS = float64(total) / totalSec
	res.MinPerS, res.MaxPerS = res.Iterations[0].LeavesPerS, res.Iterations[0].LeavesPerS
	for _, it := range res.Iterations {
		if it.LeavesPerS < res.MinPerS {
			res.MinPerS = it.LeavesPerS
		}
		if it.LeavesPerS > res.MaxPerS {
			res.MaxPerS = it.LeavesPerS
		}
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) float64 {
		i := int(p * float64(len(lat)-1))
		return float64(lat[i].Nanoseconds()) / 1e3
	}
	res.P50us, res.P90us, res.P99us, res.P999us = pct(0.50), pct(0.90), pct(0.99), pct(0.999)
	res.MaxUs = float64(lat[len(lat)-1].Nanoseconds()) / 1e3

	if *withParts {
		res.Parts = measureParts(csrs, s, now, *duration)
	}

	fmt.Printf("go baseline (%s, GOMAXPROCS=%d, %s CSRs): %.0f leaves/s (iterations %.0f–%.0f), p50 %.1f µs, p90 %.1f µs, p99 %.1f µs, p99.9 %.1f µs, max %.1f µs; %d GC cycles, %.0f B allocated per leaf\n",
		res.Go, res.GOMAXPROCS, source, res.LeavesPerS, res.MinPerS, res.MaxPerS, res.P50us, res.P90us, res.P99us,
		res.P999us, res.MaxUs, res.GCCycles, res.AllocPerOpB)
	if p := res.Parts; p != nil {
		fmt.Printf("parts, µs per leaf: parse %.1f, CheckSignature %.1f, name checks %.1f, template %.1f, CreateCertificate %.1f, PEM %.1f; bare P-256: ecdsa.Sign %.1f, ecdsa.Verify %.1f\n",
			p.Parse, p.Verify, p.Checks, p.Template, p.Create, p.PEM, p.RawSign, p.RawVerify)
	}
	if *jsonOut != "" {
		b, _ := json.MarshalIndent(res, "", "  ")
		must(os.WriteFile(*jsonOut, append(b, '\n'), 0o644))
	}
}

// measureParts times the stages of signLeaf one by one (means over d), then the bare
// ecdsa.Sign of a 32-byte digest and ecdsa.Verify of a CSR-sized message with fresh keys.
func measureParts(csrs [][]byte, s *signer, now time.Time, d time.Duration) *parts {
	var p parts
	var acc [6]time.Duration
	n := 0
	for end := time.Now().Add(d); time.Now().Before(end); n++ {
		c := csrs[n%len(csrs)]
		t0 := time.Now()
		block, _ := pem.Decode(c)
		csr, err := x509.ParseCertificateRequest(block.Bytes)
		must(err)
		t1 := time.Now()
		must(csr.CheckSignature())
		t2 := time.Now()
		uri, err := checkCSR(csr)
		must(err)
		t3 := time.Now()
		tmpl, err := leafTemplate(csr, uri, s, now)
		must(err)
		t4 := time.Now()
		der, err := x509.CreateCertificate(rand.Reader, tmpl, s.cert, csr.PublicKey, s.key)
		must(err)
		t5 := time.Now()
		out := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
		_ = append(out, s.chainPEM...)
		t6 := time.Now()
		for i, dt := range []time.Duration{t1.Sub(t0), t2.Sub(t1), t3.Sub(t2), t4.Sub(t3), t5.Sub(t4), t6.Sub(t5)} {
			acc[i] += dt
		}
	}
	us := func(x time.Duration, k int) float64 { return float64(x.Nanoseconds()) / 1e3 / float64(k) }
	p.Parse, p.Verify, p.Checks, p.Template, p.Create, p.PEM =
		us(acc[0], n), us(acc[1], n), us(acc[2], n), us(acc[3], n), us(acc[4], n), us(acc[5], n)

	digest := sha256.Sum256([]byte("tbs"))
	k := 0
	start := time.Now()
	for end := start.Add(d / 2); time.Now().Before(end); k++ {
		_, _, err := ecdsa.Sign(rand.Reader, s.key, digest[:])
		must(err)
	}
	p.RawSign = us(time.Since(start), k)
	// Verify with the CSRs' own keys (decoded once), as the bare verify of the JMH parts does.
	keys := make([]*ecdsa.PublicKey, len(csrs))
	sigs := make([][]byte, len(csrs))
	sums := make([][32]byte, len(csrs))
	for i, c := range csrs {
		b, _ := pem.Decode(c)
		csr, err := x509.ParseCertificateRequest(b.Bytes)
		must(err)
		keys[i] = csr.PublicKey.(*ecdsa.PublicKey)
		sigs[i] = csr.Signature
		sums[i] = sha256.Sum256(csr.RawTBSCertificateRequest)
	}
	k = 0
	start = time.Now()
	for end := start.Add(d / 2); time.Now().Before(end); k++ {
		i := k % len(csrs)
		if !ecdsa.VerifyASN1(keys[i], sums[i][:], sigs[i]) {
			must(errors.New("bare verify failed"))
		}
	}
	p.RawVerify = us(time.Since(start), k)
	return &p
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "gobaseline:", err)
		os.Exit(1)
	}
}
