package temporalserver

import (
	"crypto/x509"

	"go.temporal.io/server/common/authorization"
)

// claimMapper gives the system-admin role to a caller whose client
// certificate chains to the data dir's private CA, and nothing to anyone
// else. The frontend already demands such a certificate during the
// handshake (RequireClientAuth); checking the verified chain again here
// means that a change of the TLS settings alone cannot open the server.
type claimMapper struct{ roots *x509.CertPool }

// GetClaims maps the verified client certificate to claims. Anyone else
// gets no claims, which the default authorizer turns into PermissionDenied
// for every API but the health check.
func (m claimMapper) GetClaims(info *authorization.AuthInfo) (*authorization.Claims, error) {
	if info == nil || info.TLSConnection == nil {
		return nil, nil
	}
	state := info.TLSConnection.State
	if len(state.PeerCertificates) == 0 {
		return nil, nil
	}
	leaf := state.PeerCertificates[0]
	inter := x509.NewCertPool()
	for _, c := range state.PeerCertificates[1:] {
		inter.AddCert(c)
	}
	if _, err := leaf.Verify(x509.VerifyOptions{
		Roots: m.roots, Intermediates: inter,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}); err != nil {
		return nil, nil
	}
	return &authorization.Claims{
		Subject: leaf.Subject.CommonName, System: authorization.RoleAdmin,
	}, nil
}

// AuthInfoRequired is false so that GetClaims decides every call, also
// one that carries neither certificate nor header.
func (claimMapper) AuthInfoRequired() bool { return false }

var _ authorization.ClaimMapperWithAuthInfoRequired = claimMapper{}
