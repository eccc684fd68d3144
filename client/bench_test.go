package client

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// The client's cost over a raw http.Client doing the same exchange by hand,
// against the same in-process server over loopback TCP, with the same
// http.Client underneath: the difference between each pair's ns/op is what
// the client adds. `make bench` prints it.

// BenchmarkApplyTokenCall: Client.ApplyToken (AccessToken cached) against
// a hand-built POST whose answer is decoded with encoding/json.
func BenchmarkApplyTokenCall(b *testing.B) {
	u := newUpstream(b)
	hc := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	c := u.newClient(b, WithHTTPClient(hc))
	ctx := context.Background()
	at, err := c.access.get(ctx)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("raw", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			body, _ := json.Marshal(testRequest)
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, u.URL+"/apiaccess/ccmessaging/applyToken", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json; charset=UTF-8")
			req.Header.Set("x-app-key", testAppKey)
			req.Header.Set("Authorization", "Bearer "+at.AccessToken)
			resp, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			data, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			var res ApplyTokenResult
			if err != nil || resp.StatusCode != http.StatusOK || json.Unmarshal(data, &res) != nil || res.Token == "" {
				b.Fatalf("status %d, %s", resp.StatusCode, data)
			}
		}
	})
	b.Run("client", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.ApplyToken(ctx, testRequest); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkTransportCall: a later CC-Messaging call through Transport (its
// tokens cached) against the same call with the three headers set by hand.
func BenchmarkTransportCall(b *testing.B) {
	u := newUpstream(b)
	later := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "{}")
	}))
	b.Cleanup(later.Close)
	base := http.DefaultTransport.(*http.Transport).Clone()
	c := u.newClient(b, WithHTTPClient(&http.Client{Transport: base}))
	ts := c.TokenSource(testRequest)
	ctx := context.Background()
	tok, err := ts.Token(ctx)
	if err != nil {
		b.Fatal(err)
	}
	at, err := c.access.get(ctx)
	if err != nil {
		b.Fatal(err)
	}
	call := func(b *testing.B, hc *http.Client, byHand bool) {
		b.ReportAllocs()
		for b.Loop() {
			req, _ := http.NewRequestWithContext(ctx, http.MethodGet, later.URL+"/later", nil)
			if byHand {
				req.Header.Set("ccmessaging-token", tok.Value)
				req.Header.Set("x-app-key", testAppKey)
				req.Header.Set("Authorization", "Bearer "+at.AccessToken)
			}
			resp, err := hc.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}
	b.Run("raw", func(b *testing.B) { call(b, &http.Client{Transport: base}, true) })
	b.Run("client", func(b *testing.B) { call(b, &http.Client{Transport: &Transport{Source: ts, Base: base}}, false) })
}
