package app

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
)

// TestD1ExternalTemporalCredentials: the serve flags for an external
// cluster turn into mutual TLS, a trusted CA and an API key, and
// inconsistent or unreadable settings are refused instead of falling back
// to a plain connection.
func TestD1ExternalTemporalCredentials(t *testing.T) {
	dir := t.TempDir()
	cert, key, ca := writeTestPair(t, dir)

	var opts client.Options
	if err := externalCredentials(&opts, ExternalTemporal{}); err != nil || opts.ConnectionOptions.TLS != nil || opts.Credentials != nil {
		t.Fatalf("no settings: TLS %v credentials %v err %v; want a plain connection", opts.ConnectionOptions.TLS, opts.Credentials, err)
	}

	opts = client.Options{}
	err := externalCredentials(&opts, ExternalTemporal{CertFile: cert, KeyFile: key, CAFile: ca, ServerName: "temporal.internal", APIKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	tc := opts.ConnectionOptions.TLS
	if tc == nil || len(tc.Certificates) != 1 || tc.RootCAs == nil || tc.ServerName != "temporal.internal" || opts.Credentials == nil {
		t.Fatalf("mTLS with API key: %+v credentials %v", tc, opts.Credentials)
	}

	opts = client.Options{}
	if err := externalCredentials(&opts, ExternalTemporal{APIKey: "k"}); err != nil || opts.ConnectionOptions.TLS == nil || opts.Credentials == nil {
		t.Fatalf("API key alone must use TLS with the system roots: TLS %v err %v", opts.ConnectionOptions.TLS, err)
	}

	for name, tc := range map[string]struct {
		x    ExternalTemporal
		want string
	}{
		"cert without key": {ExternalTemporal{CertFile: cert}, "both"},
		"key without cert": {ExternalTemporal{KeyFile: key}, "both"},
		"CA not PEM":       {ExternalTemporal{CAFile: key}, "no PEM certificate"},
		"missing CA":       {ExternalTemporal{CAFile: filepath.Join(dir, "none.pem")}, "no such file"},
		"key of another":   {ExternalTemporal{CertFile: cert, KeyFile: ca}, "client certificate"},
	} {
		var o client.Options
		if err := externalCredentials(&o, tc.x); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error containing %q", name, err, tc.want)
		}
	}
}

// writeTestPair writes a self-signed certificate, its key and the
// certificate again as CA bundle.
func writeTestPair(t *testing.T, dir string) (cert, key, ca string) {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "civilflow"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	cert, key, ca = filepath.Join(dir, "client.pem"), filepath.Join(dir, "client.key"), filepath.Join(dir, "ca.pem")
	for path, blk := range map[string]*pem.Block{
		cert: {Type: "CERTIFICATE", Bytes: der}, ca: {Type: "CERTIFICATE", Bytes: der},
		key: {Type: "EC PRIVATE KEY", Bytes: kder},
	} {
		if err := os.WriteFile(path, pem.EncodeToMemory(blk), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return cert, key, ca
}
