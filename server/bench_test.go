package server

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/aicc-kit/applytoken/gen/apiserver"
	"github.com/aicc-kit/applytoken/internal/bench/baseline"
	"github.com/aicc-kit/applytoken/openapi"
)

// The stub and each step of its chain in-process, without the network.
// Each request is replayed through a handler with its body reader and the
// answer's headers reset, nothing built anew, so ns/op and allocs/op are
// the handler's own. The access log runs at info level into io.Discard, as
// it would into a pipe. `make bench` runs these and prints the ratio of
// the stub to the baseline, the bare handler of internal/bench/baseline.

func BenchmarkApplyToken(b *testing.B) {
	b.Run("baseline", func(b *testing.B) {
		runExchange(b, baseline.Handler(), newBenchExchange(openapi.ApplyTokenPath, nil, applyBody(nil)))
	})
	b.Run("stub", func(b *testing.B) {
		s, access := benchStub(b)
		runExchange(b, s, newBenchExchange(openapi.ApplyTokenPath, authHeader(demoKey, access), applyBody(nil)))
	})
}

func BenchmarkTokenByAkSk(b *testing.B) {
	b.Run("stub", func(b *testing.B) {
		s, _ := benchStub(b)
		hdr := http.Header{"Content-Type": {"application/json"}, "X-Token-Expire": {itoa(readSpec(b).expireDefault)}}
		runExchange(b, s, newBenchExchange(openapi.TokenByAkSkPath, hdr, credentials(demoKey, demoSecret)))
	})
}

// BenchmarkLayer times each step of applyToken's chain alone.
func BenchmarkLayer(b *testing.B) {
	s, access := benchStub(b)
	op := s.ops[openapi.ApplyToken]
	data := applyBody(nil)
	hdr := authHeader(demoKey, access)
	req := func() *http.Request {
		r, _ := http.NewRequest(http.MethodPost, openapi.ApplyTokenPath, bytes.NewReader(data))
		r.Header = hdr
		return r
	}
	nothing := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	b.Run("authenticate", func(b *testing.B) {
		h, r := authenticate(s.vendor, op, nothing), req()
		var w benchWriter
		b.ReportAllocs()
		for b.Loop() {
			h.ServeHTTP(&w, r)
		}
		if w.status != 0 {
			b.Fatalf("status %d", w.status)
		}
	})
	b.Run("readBody", func(b *testing.B) {
		r := req()
		var rd benchBody
		var w benchWriter
		b.ReportAllocs()
		for b.Loop() {
			rd.Reset(data)
			r.Body = &rd
			buf, err := readBody(&w, r, op.Body.MaxBytes)
			if err != nil {
				b.Fatal(err)
			}
			releaseBody(buf, op.Body.MaxBytes)
		}
	})
	b.Run("rules", func(b *testing.B) {
		r := req()
		b.ReportAllocs()
		for b.Loop() {
			if _, v := op.DecodeRequest(r.Header, data); len(v) > 0 {
				b.Fatal(v)
			}
		}
	})
	b.Run("handler", func(b *testing.B) {
		in := apiserver.ApplyTokenRequestObject{
			Params: apiserver.ApplyTokenParams{XAppKey: demoKey},
			Body:   &apiserver.ApplyTokenRequest{UserID: "user-0001", UserName: "Alice", ChannelID: enabledChannel, Locale: "en"},
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.vendor.ApplyToken(context.Background(), in); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("answer", func(b *testing.B) {
		answer := apiserver.ApplyToken200JSONResponse{Body: apiserver.ApplyTokenResult{Token: access, ResultCode: apiserver.ResultCodeSuccess}}
		var w benchWriter
		rw := &responseWriter{ResponseWriter: &w}
		b.ReportAllocs()
		for b.Loop() {
			w.reset()
			*rw = responseWriter{ResponseWriter: &w, op: op}
			if err := answer.VisitApplyTokenResponse(rw); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("accesslog", func(b *testing.B) {
		r := req()
		w := &responseWriter{status: http.StatusOK, wroteHeader: true, op: op, appKey: demoKey}
		b.ReportAllocs()
		for b.Loop() {
			s.logAccess(r, w, time.Now())
		}
	})
}

func benchStub(b *testing.B) (*Stub, string) {
	cfg := DefaultConfig()
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	s, err := New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	v := s.vendor
	return s, v.signer.issue(purposeAccess, demoKey, accessSubject, v.now().Add(v.accessLifetimes.max))
}

// benchExchange is one request, replayed.
type benchExchange struct {
	req  *http.Request
	body []byte
	rd   benchBody
	w    benchWriter
}

type benchBody struct{ bytes.Reader }

func (*benchBody) Close() error { return nil }

func newBenchExchange(path string, hdr http.Header, body []byte) *benchExchange {
	req, err := http.NewRequest(http.MethodPost, path, nil)
	if err != nil {
		panic(err)
	}
	if hdr == nil {
		hdr = http.Header{"Content-Type": {"application/json; charset=UTF-8"}}
	}
	req.Header = hdr
	return &benchExchange{req: req, body: body}
}

func runExchange(b *testing.B, h http.Handler, x *benchExchange) {
	b.ReportAllocs()
	for b.Loop() {
		x.rd.Reset(x.body)
		x.req.Body, x.req.ContentLength = &x.rd, int64(len(x.body))
		x.w.reset()
		h.ServeHTTP(&x.w, x.req)
		if x.w.status != http.StatusOK {
			b.Fatalf("status %d", x.w.status)
		}
	}
}

// benchWriter is an http.ResponseWriter that keeps the status and drops
// the body; its header map is cleared, not replaced, between requests.
type benchWriter struct {
	h      http.Header
	status int
}

func (w *benchWriter) reset() {
	if w.h == nil {
		w.h = http.Header{}
	}
	clear(w.h)
	w.status = 0
}

func (w *benchWriter) Header() http.Header {
	if w.h == nil {
		w.h = http.Header{}
	}
	return w.h
}

func (w *benchWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *benchWriter) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return len(p), nil
}

// BenchmarkNew is what a Stub costs to build (servertest.Start builds one).
func BenchmarkNew(b *testing.B) {
	cfg := DefaultConfig()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := New(cfg); err != nil {
			b.Fatal(err)
		}
	}
}
