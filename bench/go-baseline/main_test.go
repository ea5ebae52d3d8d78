package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"net/url"
	"strings"
	"testing"
	"time"
)

func fixture(t testing.TB, n int) (*signer, *x509.Certificate, [][]byte) {
	t.Helper()
	s, root, err := newSigner(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	csrs, err := makeCSRs(n)
	if err != nil {
		t.Fatal(err)
	}
	return s, root, csrs
}

// The benchmark must never time a broken pipeline: the leaf chains to the root, carries the
// CSR's identity and meshfed's profile, and a tampered CSR is refused.
func TestSignedLeafVerifiesAndBrokenCsrIsRefused(t *testing.T) {
	s, root, csrs := fixture(t, 2)
	if err := selfCheck(csrs, s, root); err != nil {
		t.Fatal(err)
	}
}

func csrFor(t *testing.T, uri string) []byte {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(uri)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{URIs: []*url.URL{u}}, k)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der})
}

// The name checks refuse what LeafCsrValidator refuses for a service: another trust domain,
// another DC, a path that is not a service identity.
func TestNameChecksRefuseForeignIdentities(t *testing.T) {
	s, _, _ := fixture(t, 0)
	for _, uri := range []string{
		"spiffe://other.consul/ns/default/dc/dc1/svc/web",
		"spiffe://" + trustDomain + "/ns/default/dc/dc2/svc/web",
		"spiffe://" + trustDomain + "/ns/default/dc/dc1/agent/web",
		"https://" + trustDomain + "/ns/default/dc/dc1/svc/web",
	} {
		if _, err := signLeaf(csrFor(t, uri), s, time.Now()); err == nil {
			t.Errorf("%s was signed", uri)
		}
	}
	l, err := signLeaf(csrFor(t, "spiffe://"+trustDomain+"/ns/default/dc/dc1/svc/web"), s, time.Now())
	if err != nil || !strings.HasSuffix(l.uri, "/svc/web") {
		t.Fatalf("a valid CSR was not signed: %v", err)
	}
}

// go test -bench . -benchtime 5s (GOMAXPROCS=1 for the one-core figure); the main program is the
// one bench/run-peers.sh uses.
func BenchmarkSignLeaf(b *testing.B) {
	s, _, csrs := fixture(b, 1024)
	now := time.Now()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := signLeaf(csrs[i&1023], s, now); err != nil {
			b.Fatal(err)
		}
	}
}
