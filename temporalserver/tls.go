package temporalserver

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"civilflow/auth"
)

// The embedded server's private PKI lives in DataDir/tls. Nothing outside
// civilflow is meant to trust it: it only lets civilflow and the server's own
// services recognise each other.
const (
	tlsDirName = "tls"

	caCertFile     = "ca.pem"
	caKeyFile      = "ca.key"
	serverCertFile = "server.pem"
	serverKeyFile  = "server.key"
	clientCertFile = "client.pem"
	clientKeyFile  = "client.key"

	// ServerName is the DNS name in the server certificate; clients verify
	// it instead of the loopback IP, which may change between starts.
	ServerName = "civilflow-temporal"
	// ClientCommonName is the subject of the client certificate that
	// civilflow and the server's system worker present.
	ClientCommonName = "civilflow"

	caValidity   = 10 * 365 * 24 * time.Hour
	leafValidity = 2 * 365 * 24 * time.Hour
	// renewBefore: a certificate expiring within this window is replaced at
	// start, so a server restarted now and then never runs into expiry.
	renewBefore = 60 * 24 * time.Hour
)

// pki holds the paths of the files the server and its clients load.
type pki struct {
	dir                                     string
	caCert, caKey                           string
	serverCert, serverKey                   string
	clientCert, clientKey                   string
	ca                                      *x509.Certificate
	caSigner                                *ecdsa.PrivateKey
	clientPair                              tls.Certificate
	roots                                   *x509.CertPool
	createdCA, renewedServer, renewedClient bool
}

// ensurePKI loads the CA and the two leaf certificates from dir, creating
// what is missing and replacing what expires within renewBefore (now is the
// clock). A new CA replaces both leaves.
func ensurePKI(dir string, now time.Time) (*pki, error) {
	p := &pki{
		dir:    dir,
		caCert: filepath.Join(dir, caCertFile), caKey: filepath.Join(dir, caKeyFile),
		serverCert: filepath.Join(dir, serverCertFile), serverKey: filepath.Join(dir, serverKeyFile),
		clientCert: filepath.Join(dir, clientCertFile), clientKey: filepath.Join(dir, clientKeyFile),
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("temporalserver: tls dir: %w", err)
	}
	// MkdirAll leaves an existing directory's mode alone.
	if runtime.GOOS != "windows" {
		if err := os.Chmod(dir, 0o700); err != nil {
			return nil, fmt.Errorf("temporalserver: tls dir: %w", err)
		}
	}

	ca, caKey, err := loadPair(p.caCert, p.caKey)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if err != nil || now.Add(renewBefore).After(ca.NotAfter) {
		if ca, caKey, err = p.issueCA(now); err != nil {
			return nil, err
		}
		p.createdCA = true
	}
	p.ca, p.caSigner = ca, caKey
	p.roots = x509.NewCertPool()
	p.roots.AddCert(ca)

	server := leafSpec{cn: ServerName, dns: []string{ServerName, "localhost"},
		ips:   []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		usage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}}
	if p.renewedServer, err = p.ensureLeaf(p.serverCert, p.serverKey, server, now); err != nil {
		return nil, err
	}
	client := leafSpec{cn: ClientCommonName, usage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	if p.renewedClient, err = p.ensureLeaf(p.clientCert, p.clientKey, client, now); err != nil {
		return nil, err
	}
	if p.clientPair, err = tls.LoadX509KeyPair(p.clientCert, p.clientKey); err != nil {
		return nil, fmt.Errorf("temporalserver: client certificate: %w", err)
	}
	return p, nil
}

// clientTLS is what civilflow dials the embedded frontend with.
func (p *pki) clientTLS() *tls.Config {
	return &tls.Config{
		MinVersion:   tls.VersionTLS12,
		ServerName:   ServerName,
		RootCAs:      p.roots,
		Certificates: []tls.Certificate{p.clientPair},
	}
}

type leafSpec struct {
	cn    string
	dns   []string
	ips   []net.IP
	usage []x509.ExtKeyUsage
}

// ensureLeaf keeps a leaf certificate that the current CA signed and that
// is not near expiry, and issues a new one otherwise. It reports whether it
// issued one.
func (p *pki) ensureLeaf(certPath, keyPath string, spec leafSpec, now time.Time) (bool, error) {
	cert, _, err := loadPair(certPath, keyPath)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return false, err
	}
	if err == nil && cert.CheckSignatureFrom(p.ca) == nil && now.Add(renewBefore).Before(cert.NotAfter) {
		return false, nil
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return false, fmt.Errorf("temporalserver: generate key: %w", err)
	}
	tmpl, err := template(spec.cn, now, leafValidity)
	if err != nil {
		return false, err
	}
	tmpl.KeyUsage = x509.KeyUsageDigitalSignature
	tmpl.ExtKeyUsage = spec.usage
	tmpl.DNSNames, tmpl.IPAddresses = spec.dns, spec.ips
	der, err := x509.CreateCertificate(rand.Reader, tmpl, p.ca, &key.PublicKey, p.caSigner)
	if err != nil {
		return false, fmt.Errorf("temporalserver: issue %s certificate: %w", spec.cn, err)
	}
	return true, writePair(certPath, keyPath, der, key)
}

func (p *pki) issueCA(now time.Time) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("temporalserver: generate CA key: %w", err)
	}
	tmpl, err := template("civilflow embedded temporal CA", now, caValidity)
	if err != nil {
		return nil, nil, err
	}
	tmpl.IsCA, tmpl.BasicConstraintsValid, tmpl.MaxPathLenZero = true, true, true
	tmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, fmt.Errorf("temporalserver: create CA: %w", err)
	}
	if err := writePair(p.caCert, p.caKey, der, key); err != nil {
		return nil, nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, fmt.Errorf("temporalserver: parse CA: %w", err)
	}
	return cert, key, nil
}

func template(cn string, now time.Time, validity time.Duration) (*x509.Certificate, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, fmt.Errorf("temporalserver: serial: %w", err)
	}
	return &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: cn, Organization: []string{"civilflow"}},
		// A little slack for clocks that disagree by a few minutes.
		NotBefore: now.Add(-time.Hour),
		NotAfter:  now.Add(validity),
	}, nil
}

// loadPair reads a certificate and its key. A missing file is reported as
// fs.ErrNotExist (so it is created); a key readable by others is refused
// rather than tightened, as ssh does, since it may already have been copied.
func loadPair(certPath, keyPath string) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	for _, f := range []string{certPath, keyPath} {
		if err := auth.CheckKeyFileMode(f); err != nil { // the one rule for key files
			return nil, nil, fmt.Errorf("temporalserver: %w", err)
		}
	}
	cert, err := readPEM(certPath, "CERTIFICATE")
	if err != nil {
		return nil, nil, err
	}
	c, err := x509.ParseCertificate(cert)
	if err != nil {
		return nil, nil, fmt.Errorf("temporalserver: %s: %w", certPath, err)
	}
	keyDER, err := readPEM(keyPath, "EC PRIVATE KEY")
	if err != nil {
		return nil, nil, err
	}
	k, err := x509.ParseECPrivateKey(keyDER)
	if err != nil {
		return nil, nil, fmt.Errorf("temporalserver: %s: %w", keyPath, err)
	}
	return c, k, nil
}

func readPEM(path, typ string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("temporalserver: %w", err)
	}
	blk, _ := pem.Decode(b)
	if blk == nil || blk.Type != typ {
		return nil, fmt.Errorf("temporalserver: %s holds no %s", path, typ)
	}
	return blk.Bytes, nil
}

// writePair writes the key before the certificate, each through a
// temporary file renamed into place, so a crash never leaves a certificate
// whose key is missing.
func writePair(certPath, keyPath string, der []byte, key *ecdsa.PrivateKey) error {
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return fmt.Errorf("temporalserver: marshal key: %w", err)
	}
	if err := writeFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})); err != nil {
		return err
	}
	return writeFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

func writeFile(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*") // mode 0600
	if err != nil {
		return fmt.Errorf("temporalserver: %w", err)
	}
	defer func() { _ = os.Remove(tmp.Name()) }()
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("temporalserver: write %s: %w", filepath.Base(path), err)
	}
	return nil
}
