package server

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aicc-kit/applytoken/gen/contract"
	"github.com/aicc-kit/applytoken/internal/battery"
	"github.com/aicc-kit/applytoken/internal/spectest"
	"github.com/aicc-kit/applytoken/openapi"
)

// The fuzz targets drive the Stub in-process, one request per input, and
// hold every answer to the contract: no panic and no internal failure
// (nothing logged at Error), a status the operation documents,
// and an answer that validates against the spec. Their seeds are every
// battery case of the operation, added at run time (fuzzSeeds), so that
// they follow the contract; `make fuzz` runs each for FUZZTIME.

// FuzzApplyToken varies applyToken's raw body and its three header
// values. battery.AccessTokenPlaceholder in authorization becomes a live
// AccessToken of the demo app, so inputs reach the body's checks.
func FuzzApplyToken(f *testing.F) {
	addSeeds(f, openapi.ApplyTokenPath, "Content-Type", "X-App-Key", "Authorization")
	fz := newFuzzStub(f)
	f.Fuzz(func(t *testing.T, body []byte, contentType, appKey, authorization string) {
		authorization = strings.ReplaceAll(authorization, battery.AccessTokenPlaceholder, fz.access)
		fz.check(t, openapi.ApplyTokenPath, body, map[string]string{
			"Content-Type": contentType, "X-App-Key": appKey, "Authorization": authorization,
		})
	})
}

// FuzzTokenByAkSk varies tokenByAkSk's raw body, its Content-Type and
// X-Token-Expire.
func FuzzTokenByAkSk(f *testing.F) {
	addSeeds(f, openapi.TokenByAkSkPath, "Content-Type", "X-Token-Expire")
	fz := newFuzzStub(f)
	f.Fuzz(func(t *testing.T, body []byte, contentType, expire string) {
		fz.check(t, openapi.TokenByAkSkPath, body, map[string]string{
			"Content-Type": contentType, "X-Token-Expire": expire,
		})
	})
}

// fuzzStub is a Stub on a clock that stands still, with the AccessToken
// the inputs use and a count of what it logged at Error.
type fuzzStub struct {
	stub     *Stub
	access   string
	failures *atomic.Int64
	statuses map[string][]int // by path: the statuses an answer may have
}

func newFuzzStub(f *testing.F) *fuzzStub {
	now := time.Unix(1_800_000_000, 0)
	fz := &fuzzStub{failures: new(atomic.Int64), statuses: map[string][]int{}}
	cfg := DefaultConfig()
	cfg.Now = func() time.Time { return now }
	cfg.Logger = slog.New(&errorCounter{n: fz.failures})
	stub, err := New(cfg)
	if err != nil {
		f.Fatal(err)
	}
	fz.stub = stub
	fz.access = stub.vendor.signer.issue(purposeAccess, demoKey, accessSubject, now.Add(time.Hour))
	for _, op := range openapi.Operations() {
		fz.statuses[op.Path] = op.Statuses()
	}
	return fz
}

// check sends one POST to path. A header value is sent as net/http would
// receive it from the wire: without surrounding blanks, and not at all
// when it holds a byte no header field may carry.
func (fz *fuzzStub) check(t *testing.T, path string, body []byte, header map[string]string) {
	req := httptest.NewRequestWithContext(context.Background(), http.MethodPost, path, bytes.NewReader(body))
	for name, v := range header {
		if !validFieldValue(v) {
			return // net/http refuses the request before any handler
		}
		req.Header.Set(name, strings.Trim(v, " \t"))
	}
	before := fz.failures.Load()
	rec := httptest.NewRecorder()
	fz.stub.ServeHTTP(rec, req)
	resp := rec.Result()
	answer := rec.Body.Bytes()

	if fz.failures.Load() != before {
		t.Fatalf("the stub logged a failure (a panic or a broken answer) for this input; answer %d %.200s", resp.StatusCode, answer)
	}
	if !slices.Contains(fz.statuses[path], resp.StatusCode) {
		t.Fatalf("status %d; the contract documents %v for %s", resp.StatusCode, fz.statuses[path], path)
	}
	if resp.StatusCode == http.StatusInternalServerError {
		var e struct{ ErrorCode string }
		json.Unmarshal(answer, &e)
		if path != openapi.ApplyTokenPath || e.ErrorCode != errorBody(contract.ApplyToken, 500).ErrorCode {
			t.Fatalf("500 %s: only applyToken's business failure (an unknown channelId) may answer 500", answer)
		}
	}
	spectest.Check(t, req, resp, answer)
}

// validFieldValue reports whether net/http would accept v as a header
// field value: no control character but the tab.
func validFieldValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; (c < ' ' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

// errorCounter counts log records at Error and above and drops the rest.
type errorCounter struct{ n *atomic.Int64 }

func (e *errorCounter) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelError }
func (e *errorCounter) Handle(context.Context, slog.Record) error {
	e.n.Add(1)
	return nil
}
func (e *errorCounter) WithAttrs([]slog.Attr) slog.Handler { return e }
func (e *errorCounter) WithGroup(string) slog.Handler      { return e }
