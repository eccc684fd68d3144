package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aicc-kit/applytoken/internal/stubproc"
	"github.com/aicc-kit/applytoken/openapi"
)

// started is run, in-process, on a free port.
type started struct {
	banner banner
	stderr *stubproc.Buffer
	stop   func() int // cancels run's context and returns its exit status
}

func startRun(t *testing.T, env map[string]string, args ...string) *started {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out, in := io.Pipe()
	s := &started{stderr: &stubproc.Buffer{}}
	code := make(chan int, 1)
	go func() {
		code <- run(ctx, append([]string{"-addr", "127.0.0.1:0"}, args...), in, s.stderr, func(k string) string { return env[k] })
		in.Close()
	}()
	s.stop = sync.OnceValue(func() int {
		cancel()
		select {
		case c := <-code:
			return c
		case <-time.After(wait):
			t.Errorf("run did not return within %v of its context's end", wait)
			return -1
		}
	})
	t.Cleanup(func() { s.stop() })
	s.banner = readBanner(t, out)
	return s
}

func TestRunStopsCleanly(t *testing.T) {
	s := startRun(t, nil)
	if resp, _ := exchange(t, nil, newRequest(t, http.MethodGet, s.banner.base+"/healthz", nil, nil)); resp.StatusCode != http.StatusOK {
		t.Errorf("/healthz: %d", resp.StatusCode)
	}
	if strings.Contains(s.banner.text, "HTTPS") || !strings.HasPrefix(s.banner.base, "http://") {
		t.Errorf("the banner of a plain HTTP stub speaks of HTTPS:\n%s", s.banner.text)
	}
	if code := s.stop(); code != 0 {
		t.Errorf("exit status %d; want 0\n%s", code, s.stderr)
	}
	if log := s.stderr.String(); !strings.Contains(log, "shutting down") || !strings.Contains(log, "stopped") {
		t.Errorf("the log does not tell the shutdown:\n%s", log)
	}
}

// TestRunWithOtherCredentials: the banner never prints a secret other than
// the demo's, and its session still works given $APP_SECRET.
func TestRunWithOtherCredentials(t *testing.T) {
	const secret = "ci-secret-that-must-stay-hidden"
	s := startRun(t, map[string]string{"APPLYTOKEN_APP_KEY": "ci-key", "APPLYTOKEN_APP_SECRET": secret, "APPLYTOKEN_CHANNELS": "sales"})
	if strings.Contains(s.banner.text, secret) {
		t.Fatalf("the banner prints the secret:\n%s", s.banner.text)
	}
	if !strings.Contains(s.banner.text, "APP_SECRET") || !strings.Contains(s.banner.session, `"channelId":"sales"`) {
		t.Errorf("the banner does not adapt to the configuration:\n%s", s.banner.text)
	}
	if m, ran := runSession(t, s.banner.session, "APP_SECRET="+secret); ran && m["resultCode"] != "0" {
		t.Errorf("the session ended in %v", m)
	}
}

func TestRunTLS(t *testing.T) {
	certFile, keyFile, pool := selfSigned(t)
	s := startRun(t, nil, "-tls-cert", certFile, "-tls-key", keyFile)
	if !strings.HasPrefix(s.banner.base, "https://") || !strings.Contains(s.banner.text, "--cacert") {
		t.Fatalf("the banner does not say HTTPS:\n%s", s.banner.text)
	}
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, body := exchange(t, c, newRequest(t, http.MethodPost, s.banner.base+openapi.TokenByAkSkPath,
		http.Header{"Content-Type": {"application/json"}}, []byte(`{"app_key":"demo-app-key","app_secret":"demo-app-secret"}`)))
	if resp.StatusCode != http.StatusOK {
		t.Errorf("tokenByAkSk over TLS: %d %s", resp.StatusCode, body)
	}
}

func TestRunRefusesBadInput(t *testing.T) {
	dir := t.TempDir()
	badConfig := filepath.Join(dir, "bad.yaml")
	os.WriteFile(badConfig, []byte("apps: {a: b}\nlisten: 80\n"), 0o600)
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"unknown flag", []string{"-port", "80"}, nil, "-port"},
		{"an argument", []string{"serve"}, nil, "serve"},
		{"addr without a port", []string{"-addr", "localhost"}, nil, `-addr "localhost": want host:port`},
		{"addr with a port out of range", []string{"-addr", "127.0.0.1:99999"}, nil, `"99999" is not a port`},
		{"addr with a negative port", []string{"-addr", ":-1"}, nil, `"-1" is not a port`},
		{"cert without key", []string{"-tls-cert", "c.pem"}, nil, "-tls-key"},
		{"zero timeout", []string{"-read-header-timeout", "0s"}, nil, "-read-header-timeout"},
		{"tiny header cap", []string{"-max-header-bytes", "10"}, nil, "-max-header-bytes"},
		{"bad log level", []string{"-log-level", "loud"}, nil, "-log-level"},
		{"unknown config field", []string{"-config", badConfig}, nil, `unknown field "listen"`},
		{"missing config file", []string{"-config", filepath.Join(dir, "none.yaml")}, nil, "none.yaml"},
		{"-fail-on-violation without a journal", []string{"-fail-on-violation"}, map[string]string{"APPLYTOKEN_JOURNAL": "0"}, "journal 0"},
		{"unreadable certificate", []string{"-tls-cert", filepath.Join(dir, "c.pem"), "-tls-key", filepath.Join(dir, "k.pem")}, nil, "-tls-cert"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			code := run(context.Background(), tc.args, io.Discard, &stderr, func(k string) string { return tc.env[k] })
			if code != 2 || !strings.Contains(stderr.String(), tc.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr.String(), tc.want)
			}
		})
	}
}

// TestHelpNamesTheEnvironment: each variable -h lists is one the stub
// reads, shown by a bad value failing the start with its name.
func TestHelpNamesTheEnvironment(t *testing.T) {
	var help bytes.Buffer
	if code := run(context.Background(), []string{"-h"}, io.Discard, &help, os.Getenv); code != 0 {
		t.Fatalf("-h: exit %d", code)
	}
	names := regexp.MustCompile(`APPLYTOKEN_[A-Z_]+`).FindAllString(help.String(), -1)
	if len(names) < 6 {
		t.Fatalf("-h names %d variables:\n%s", len(names), help.String())
	}
	for _, name := range names {
		var stderr bytes.Buffer
		code := run(context.Background(), []string{"-addr", "127.0.0.1:0"}, io.Discard, &stderr, func(k string) string {
			if k == name {
				return "="
			}
			return ""
		})
		if code != 2 || !strings.Contains(stderr.String(), name) {
			t.Errorf("%s=\"=\": exit %d, %q; want a refusal naming it", name, code, stderr.String())
		}
	}
	for _, flag := range []string{"-addr", "-config", "-tls-cert", "-tls-key", "-read-header-timeout", "-read-timeout", "-write-timeout", "-idle-timeout", "-shutdown-timeout", "-max-header-bytes"} {
		if !strings.Contains(help.String(), flag+" ") {
			t.Errorf("-h does not list %s", flag)
		}
	}
}

// TestRoutes: the helpers answer GET and HEAD only, and every other path,
// however odd, reaches the stub rather than a redirect.
func TestRoutes(t *testing.T) {
	s := startRun(t, nil)
	for _, tc := range []struct {
		method, path string
		status       int
		allow        string
	}{
		{http.MethodHead, "/healthz", 200, ""},
		{http.MethodPost, "/healthz", 405, "GET, HEAD"},
		{http.MethodGet, "/openapi.yaml", 200, ""},
		{http.MethodGet, "/a/../openapi.yaml", 404, ""},
		{http.MethodPost, "//apiaccess/ccmessaging/applyToken", 404, ""},
		{http.MethodPost, "/apiaccess/ccmessaging/./applyToken", 404, ""},
		{http.MethodGet, openapi.ApplyTokenPath, 405, "POST"},
	} {
		req := newRequest(t, tc.method, s.banner.base+tc.path, nil, nil)
		req.URL.Opaque = tc.path // sent exactly as written
		resp, _ := exchange(t, nil, req)
		if resp.StatusCode != tc.status || resp.Header.Get("Allow") != tc.allow {
			t.Errorf("%s %s: %d, Allow %q; want %d, %q", tc.method, tc.path, resp.StatusCode, resp.Header.Get("Allow"), tc.status, tc.allow)
		}
	}
}

// selfSigned writes a certificate for 127.0.0.1 and its key.
func selfSigned(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "applytoken-stub test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600)
	return certFile, keyFile, pool
}
