package server

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/aicc-kit/applytoken/gen"
	"github.com/aicc-kit/applytoken/internal/bench/baseline"
	"github.com/aicc-kit/applytoken/openapi"
)

// The chain and each of its layers in-process, without the network. Each
// request is replayed through a handler with its body reader and the
// answer's headers reset, nothing built anew, so ns/op and allocs/op are
// the handler's own. The access log runs at info level into io.Discard, as
// it would into a pipe. `make bench` runs these and prints the ratio of
// the stub to the baseline, the bare handler of internal/bench/baseline.

func BenchmarkApplyToken(b *testing.B) {
	b.Run("baseline", func(b *testing.B) {
		runExchange(b, baseline.Handler(), newBenchExchange(openapi.ApplyTokenPath, nil, applyBody(nil)))
	})
	for _, v := range benchValidators {
		b.Run(v.name, func(b *testing.B) {
			s, access := benchStub(b, v.kin)
			runExchange(b, s, newBenchExchange(openapi.ApplyTokenPath, authHeader(demoKey, access), applyBody(nil)))
		})
	}
}

func BenchmarkTokenByAkSk(b *testing.B) {
	for _, v := range benchValidators {
		b.Run(v.name, func(b *testing.B) {
			s, _ := benchStub(b, v.kin)
			hdr := http.Header{"Content-Type": {"application/json"}, "X-Token-Expire": {"600"}}
			runExchange(b, s, newBenchExchange(openapi.TokenByAkSkPath, hdr, credentials(demoKey, demoSecret)))
		})
	}
}

// BenchmarkLayer times each step of applyToken's chain alone.
func BenchmarkLayer(b *testing.B) {
	s, access := benchStub(b, false)
	body := applyBody(nil)
	hdr := authHeader(demoKey, access)
	req := func() *http.Request {
		r, _ := http.NewRequest(http.MethodPost, openapi.ApplyTokenPath, bytes.NewReader(body))
		r.Header = hdr
		return r
	}
	for _, v := range benchValidators {
		b.Run("validate/"+v.name, func(b *testing.B) {
			s, _ := benchStub(b, v.kin)
			r := req()
			var rd benchBody
			var in input
			validate := func() error { return s.validator.validate(r, opApplyToken, body) }
			if bv, ok := s.validator.(bytesValidator); ok {
				validate = func() error { _, err := bv.validateBytes(r.Header, opApplyToken, body, &in); return err }
			}
			b.ReportAllocs()
			for b.Loop() {
				rd.Reset(body)
				r.Body = &rd
				if err := validate(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("authenticate", func(b *testing.B) {
		r := req()
		b.ReportAllocs()
		for b.Loop() {
			if _, e := s.authenticate(r); e != nil {
				b.Fatal(e.info)
			}
		}
	})
	b.Run("readBody", func(b *testing.B) {
		r := req()
		var rd benchBody
		var w benchWriter
		b.ReportAllocs()
		for b.Loop() {
			rd.Reset(body)
			r.Body = &rd
			buf, e := readBody(&w, r)
			if e != nil {
				b.Fatal(e.info)
			}
			releaseBody(buf)
		}
	})
	b.Run("handler", func(b *testing.B) {
		ctx := withExchange(context.Background(), &exchange{op: opApplyToken, appKey: demoKey})
		in := gen.ApplyTokenRequest{UserId: "user-0001", UserName: "Alice", ChannelId: enabledChannel, Locale: "en"}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.ApplyToken(ctx, gen.ApplyTokenRequestObject{Body: &in}); err != nil {
				b.Fatal(err)
			}
		}
	})
	answer := gen.ApplyToken200JSONResponse{
		Body:    gen.ApplyTokenResult{Token: access, ResultCode: gen.ResultCodeSuccess},
		Headers: gen.ApplyToken200ResponseHeaders{CacheControl: "no-store"},
	}
	for name, write := range map[string]func(http.ResponseWriter) error{
		"answer":           func(w http.ResponseWriter) error { return writeApplyToken200(w, answer) },
		"answer-generated": answer.VisitApplyTokenResponse,
	} {
		b.Run(name, func(b *testing.B) {
			var w benchWriter
			rw := &responseWriter{ResponseWriter: &w}
			b.ReportAllocs()
			for b.Loop() {
				w.reset()
				*rw = responseWriter{ResponseWriter: &w}
				if err := write(rw); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("accesslog", func(b *testing.B) {
		r := req()
		w := &responseWriter{status: http.StatusOK, wroteHeader: true}
		ex := &exchange{op: opApplyToken, appKey: demoKey}
		b.ReportAllocs()
		for b.Loop() {
			s.logAccess(r.Context(), r, w, ex, time.Now())
		}
	})
}

// benchValidators are the two validators the Stub can run: the compiled
// one it runs, and kin-openapi, the oracle, for comparison.
var benchValidators = []struct {
	name string
	kin  bool
}{{"stub", false}, {"stub-kin-openapi", true}}

func benchStub(b *testing.B, kin bool) (*Stub, string) {
	cfg := DefaultConfig()
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	s, err := New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	if kin {
		s.validator = s.validator.(*compiledValidator).oracle
	}
	return s, s.signer.issue(purposeAccess, demoKey, accessSubject, s.now().Add(maxAccessLifetime))
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

func (w *benchWriter) Header() http.Header { return w.h }

func (w *benchWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *benchWriter) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	return len(p), nil
}
