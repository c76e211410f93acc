package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// writeTestCert writes a self-signed certificate for 127.0.0.1 and
// example.test and returns the file names and a pool that trusts it.
func writeTestCert(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: testDomain},
		DNSNames:     []string{testDomain},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	writePEM(t, certFile, "CERTIFICATE", der)
	writePEM(t, keyFile, "PRIVATE KEY", keyDER)
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

func writePEM(t *testing.T, name, typ string, der []byte) {
	t.Helper()
	if err := os.WriteFile(name, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestTLS: with TLSCert and TLSKey the RVP listener speaks HTTPS (and a
// polling login works over it).
func TestTLS(t *testing.T) {
	dir := t.TempDir()
	addUsers(t, dir, "alice")
	certFile, keyFile, pool := writeTestCert(t, t.TempDir())
	d := startDaemon(t, dir, "-tls-cert", certFile, "-tls-key", keyFile)
	alice := newRVPClient(t, "https://"+d.addr, "alice", "alice-pw")
	alice.hc.Transport = &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}
	alice.pollLogin(t)

	// Plain HTTP to the TLS listener is refused (net/http answers 400).
	resp, err := http.Get("http://" + d.addr + "/instmsg/aliases/alice")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("plain HTTP to the TLS listener: %d, want 400", resp.StatusCode)
	}
}

// TestTLSBadFiles: unreadable certificate files stop rvpd at start.
func TestTLSBadFiles(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.pem")
	code, _, stderr := runCmd(t, "", "-listen", "127.0.0.1:0", "-admin-listen", "off", "-data-dir", dir,
		"-domains", testDomain, "-tls-cert", missing, "-tls-key", missing)
	want := "rvpd: TLSCert/TLSKey: open " + missing + ": no such file or directory\n"
	if code != exitFailure || lastLine(stderr) != want {
		t.Errorf("missing TLS files: %d %q, want %q", code, stderr, want)
	}
}
