package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aicc-kit/applytoken/docs"
	"github.com/aicc-kit/applytoken/server"
)

// TestDocsRoute: GET /docs is the embedded API reference page, as HTML,
// and only GET and HEAD reach it.
func TestDocsRoute(t *testing.T) {
	stub, err := server.New(server.DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(routes(stub, nil))
	defer srv.Close()

	for _, tc := range []struct {
		method string
		status int
		body   []byte
	}{
		{http.MethodGet, 200, docs.APIReference()},
		{http.MethodHead, 200, nil},
		{http.MethodPost, 405, nil},
	} {
		req, err := http.NewRequest(tc.method, srv.URL+"/docs", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != tc.status {
			t.Errorf("%s /docs: %d; want %d", tc.method, resp.StatusCode, tc.status)
			continue
		}
		if tc.status != 200 {
			continue
		}
		if ct := resp.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
			t.Errorf("%s /docs: Content-Type %q", tc.method, ct)
		}
		if tc.body != nil && !bytes.Equal(body, tc.body) {
			t.Errorf("%s /docs: %d bytes; want the %d of docs/api.html", tc.method, len(body), len(tc.body))
		}
	}
}
