package temporalserver

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.temporal.io/server/common/authorization"
	"google.golang.org/grpc/credentials"
)

// TestD1CertificatesKeptRenewedAndPrivate: the PKI is made once with
// private files, reused on the next start, and the leaves (or everything,
// when the CA itself runs out) are replaced shortly before they expire.
func TestD1CertificatesKeptRenewedAndPrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "tls")
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	p, err := ensurePKI(dir, now)
	if err != nil {
		t.Fatal(err)
	}
	if !p.createdCA || !p.renewedServer || !p.renewedClient {
		t.Fatalf("first start issued ca=%v server=%v client=%v", p.createdCA, p.renewedServer, p.renewedClient)
	}
	if fi, _ := os.Stat(dir); fi.Mode().Perm() != 0o700 {
		t.Errorf("tls dir mode %v, want 0700", fi.Mode().Perm())
	}
	for _, f := range []string{caCertFile, caKeyFile, serverCertFile, serverKeyFile, clientCertFile, clientKeyFile} {
		if fi, err := os.Stat(filepath.Join(dir, f)); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v (%v), want 0600", f, fi.Mode().Perm(), err)
		}
	}
	server := readCert(t, p.serverCert)
	if _, err := server.Verify(x509.VerifyOptions{Roots: p.roots, DNSName: ServerName}); err != nil {
		t.Fatalf("server certificate: %v", err)
	}
	if pub := server.PublicKeyAlgorithm; pub != x509.ECDSA {
		t.Errorf("server key algorithm %v", pub)
	}

	// Next start: nothing changes.
	caPEM, _ := os.ReadFile(p.caCert)
	again, err := ensurePKI(dir, now.Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if again.createdCA || again.renewedServer || again.renewedClient {
		t.Fatal("a second start replaced certificates that were still good")
	}

	// Close to the leaves' expiry: new leaves from the same CA.
	late := server.NotAfter.Add(-renewBefore / 2)
	renewed, err := ensurePKI(dir, late)
	if err != nil {
		t.Fatal(err)
	}
	if renewed.createdCA || !renewed.renewedServer || !renewed.renewedClient {
		t.Fatalf("near expiry: ca=%v server=%v client=%v", renewed.createdCA, renewed.renewedServer, renewed.renewedClient)
	}
	if now2, _ := os.ReadFile(p.caCert); !bytes.Equal(caPEM, now2) {
		t.Fatal("leaf renewal replaced the CA")
	}
	if s2 := readCert(t, p.serverCert); !s2.NotAfter.After(server.NotAfter) {
		t.Fatalf("renewed server certificate expires %v, before %v", s2.NotAfter, server.NotAfter)
	}

	// Close to the CA's expiry: a new CA, and leaves it signed.
	ca := readCert(t, p.caCert)
	fresh, err := ensurePKI(dir, ca.NotAfter.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if !fresh.createdCA || !fresh.renewedServer || !fresh.renewedClient {
		t.Fatal("a CA near expiry was kept")
	}

	// A key others can read is refused, not silently used or replaced.
	if err := os.Chmod(p.clientKey, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ensurePKI(dir, now); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("world-readable key: %v", err)
	}
}

// TestD1AuthorizerRefusesAllButCivilflow: only a client certificate that
// chains to the data dir's CA gets claims; without claims the authorizer
// denies every API but the health check.
func TestD1AuthorizerRefusesAllButCivilflow(t *testing.T) {
	now := time.Now()
	ours, err := ensurePKI(filepath.Join(t.TempDir(), "tls"), now)
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := ensurePKI(filepath.Join(t.TempDir(), "tls"), now)
	if err != nil {
		t.Fatal(err)
	}
	m := &claimMapper{roots: ours.roots}
	withCert := func(p *pki) *authorization.AuthInfo {
		leaf, err := x509.ParseCertificate(p.clientPair.Certificate[0])
		if err != nil {
			t.Fatal(err)
		}
		return &authorization.AuthInfo{TLSSubject: &leaf.Subject,
			TLSConnection: &credentials.TLSInfo{State: tls.ConnectionState{PeerCertificates: []*x509.Certificate{leaf}}}}
	}
	authz := authorization.NewDefaultAuthorizer()
	history := &authorization.CallTarget{Namespace: "civilflow",
		APIName: "/temporal.api.workflowservice.v1.WorkflowService/GetWorkflowExecutionHistory"}
	update := &authorization.CallTarget{Namespace: "civilflow",
		APIName: "/temporal.api.workflowservice.v1.WorkflowService/UpdateWorkflowExecution"}

	for name, info := range map[string]*authorization.AuthInfo{
		"no auth info":        nil,
		"token only":          {AuthToken: "Bearer anything"},
		"plain connection":    {TLSConnection: &credentials.TLSInfo{}},
		"another CA's client": withCert(theirs),
	} {
		claims, err := m.GetClaims(info)
		if err != nil || claims != nil {
			t.Errorf("%s: claims %+v, err %v; want none", name, claims, err)
		}
		for _, target := range []*authorization.CallTarget{history, update} {
			if res, _ := authz.Authorize(context.Background(), claims, target); res.Decision != authorization.DecisionDeny {
				t.Errorf("%s: %s allowed", name, target.APIName)
			}
		}
	}
	claims, err := m.GetClaims(withCert(ours))
	if err != nil || claims == nil || claims.System != authorization.RoleAdmin || claims.Subject != ClientCommonName {
		t.Fatalf("civilflow's client: claims %+v, err %v", claims, err)
	}
	for _, target := range []*authorization.CallTarget{history, update} {
		if res, _ := authz.Authorize(context.Background(), claims, target); res.Decision != authorization.DecisionAllow {
			t.Errorf("civilflow's client: %s denied", target.APIName)
		}
	}
	// Once civilflow's certificate is remembered, it still maps (from the
	// cache) and another CA's certificate still maps to nothing.
	if again, _ := m.GetClaims(withCert(ours)); again == nil || again.System != authorization.RoleAdmin {
		t.Errorf("civilflow's client, second call: claims %+v", again)
	}
	if other, _ := m.GetClaims(withCert(theirs)); other != nil {
		t.Errorf("another CA's client after civilflow's was verified: claims %+v", other)
	}
}

func readCert(t *testing.T, path string) *x509.Certificate {
	t.Helper()
	der, err := readPEM(path, "CERTIFICATE")
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
