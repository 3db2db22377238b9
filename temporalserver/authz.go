package temporalserver

import (
	"crypto/sha256"
	"crypto/x509"
	"sync"
	"time"

	"go.temporal.io/server/common/authorization"
)

// claimMapper gives the system-admin role to a caller whose client
// certificate chains to the data dir's private CA, and nothing to anyone
// else. The frontend already demands such a certificate during the
// handshake (RequireClientAuth); checking the verified chain again here
// means that a change of the TLS settings alone cannot open the server.
//
// A verified leaf is remembered until it expires: the frontend asks for
// claims on every call, and only certificates of the private CA can enter
// the cache, so it holds one or two entries.
type claimMapper struct {
	roots    *x509.CertPool
	verified sync.Map // sha256 of the leaf's DER → its NotAfter
}

// GetClaims maps the verified client certificate to claims. Anyone else
// gets no claims, which the default authorizer turns into PermissionDenied
// for every API but the health check.
func (m *claimMapper) GetClaims(info *authorization.AuthInfo) (*authorization.Claims, error) {
	if info == nil || info.TLSConnection == nil {
		return nil, nil
	}
	state := info.TLSConnection.State
	if len(state.PeerCertificates) == 0 {
		return nil, nil
	}
	leaf := state.PeerCertificates[0]
	if !m.trusted(leaf, state.PeerCertificates[1:]) {
		return nil, nil
	}
	return &authorization.Claims{
		Subject: leaf.Subject.CommonName, System: authorization.RoleAdmin,
	}, nil
}

// trusted reports whether leaf chains to the private CA for client
// authentication, verifying a certificate only the first time it is seen.
func (m *claimMapper) trusted(leaf *x509.Certificate, chain []*x509.Certificate) bool {
	key := sha256.Sum256(leaf.Raw)
	if until, ok := m.verified.Load(key); ok && time.Now().Before(until.(time.Time)) {
		return true
	}
	inter := x509.NewCertPool()
	for _, c := range chain {
		inter.AddCert(c)
	}
	if _, err := leaf.Verify(x509.VerifyOptions{
		Roots: m.roots, Intermediates: inter,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}); err != nil {
		return false
	}
	m.verified.Store(key, leaf.NotAfter)
	return true
}

// AuthInfoRequired is false so that GetClaims decides every call, also
// one that carries neither certificate nor header.
func (*claimMapper) AuthInfoRequired() bool { return false }

var _ authorization.ClaimMapperWithAuthInfoRequired = (*claimMapper)(nil)
