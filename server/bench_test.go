package server

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aicc-kit/applytoken/openapi"
)

// The whole chain in-process, without the network: the figures issue 7
// starts from. The access log runs at info level into io.Discard, as it
// would into a pipe.

func BenchmarkServeApplyToken(b *testing.B) {
	s, access := benchStub(b)
	body := applyBody(nil)
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, openapi.ApplyTokenPath, bytes.NewReader(body))
		req.Header = authHeader(demoKey, access)
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
}

func BenchmarkServeTokenByAkSk(b *testing.B) {
	s, _ := benchStub(b)
	body := credentials(demoKey, demoSecret)
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, openapi.TokenByAkSkPath, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
}

func benchStub(b *testing.B) (*Stub, string) {
	cfg := DefaultConfig()
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	s, err := New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	return s, s.signer.issue(purposeAccess, demoKey, accessSubject, s.now().Add(maxAccessLifetime))
}
