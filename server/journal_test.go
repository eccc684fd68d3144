package server

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/aicc-kit/applytoken/gen/contract"
	"github.com/aicc-kit/applytoken/internal/spectest"
	"github.com/aicc-kit/applytoken/openapi"
)

// brief is a journal entry as the tests compare it: op, status, fault,
// whether the body was checked, and each violation as in:name:rule.
func brief(e Request) string {
	var vs []string
	for _, v := range e.Violations {
		vs = append(vs, v.In+":"+v.Name+":"+v.Rule)
	}
	s := e.Op + " " + e.Method + " " + strconv.Itoa(e.Status)
	if e.Fault != "" {
		s += " fault=" + e.Fault
	}
	if !e.BodyChecked {
		s += " body-unchecked"
	}
	return s + " [" + strings.Join(vs, " ") + "]"
}

// TestJournal: each kind of request lands in the journal, in order, with
// the rules it broke named, faults marked and not counted, and nothing a
// caller sent beyond method and path.
func TestJournal(t *testing.T) {
	h := newHarness(t)
	access := h.accessToken(demoKey, demoSecret)
	noAuth := authHeader(demoKey, access)
	noAuth.Del("Authorization")
	nothing := http.Header{"Content-Type": {"application/json"}}
	twice := http.Header{"Content-Type": {"application/json"}, "X-Token-Expire": {"600", "601"}}
	badLocale := spectest.RefusedBy(t, readSpec(t).locale, "locale", "en-US", "EN", "e")

	steps := []struct {
		req  *http.Request
		arm  func()
		want string
	}{
		{h.applyRequest(access, applyBody(nil)), nil,
			"applyToken POST 200 []"},
		{h.applyRequest(access, applyBody(func(b map[string]any) { b["locale"] = badLocale; b["userId"] = canary })), nil,
			"applyToken POST 400 [body:locale:pattern]"},
		{h.request(http.MethodPost, openapi.ApplyTokenPath, noAuth, bytes.NewReader(applyBody(nil))), nil,
			"applyToken POST 401 body-unchecked [header:Authorization:security]"},
		{h.request(http.MethodPost, openapi.ApplyTokenPath, nothing, bytes.NewReader(applyBody(nil))), nil, // x-app-key once, as the scheme
			"applyToken POST 401 body-unchecked [header:x-app-key:security header:Authorization:security]"},
		{h.request(http.MethodPost, openapi.ApplyTokenPath, authHeader(canary, access), bytes.NewReader(applyBody(nil))), nil, // well formed, unknown: the server's business
			"applyToken POST 401 body-unchecked []"},
		{h.applyRequest(canary, applyBody(nil)), nil,
			"applyToken POST 403 body-unchecked []"},
		{h.applyRequest(access, []byte(`{"userId":`+repeat(" ", maxBody(t, applyOp))+`"x"}`)), nil,
			"applyToken POST 413 body-unchecked [body::maxBytes]"},
		{h.request(http.MethodPost, openapi.TokenByAkSkPath, twice, bytes.NewReader(credentials(demoKey, demoSecret))), nil,
			"tokenByAkSk POST 400 [header:X-Token-Expire:repeated]"},
		{h.tokenRequest(demoKey, canary, ""), nil, // a wrong secret breaks no rule
			"tokenByAkSk POST 401 []"},
		{h.tokenRequest(demoKey, demoSecret, "0"), func() { must(t, h.stub.FailNext(contract.OpTokenByAkSk, 500)) },
			"tokenByAkSk POST 500 fault=500 body-unchecked [header:X-Token-Expire:minimum]"},
		{h.request(http.MethodGet, openapi.TokenByAkSkPath, nil, nil), nil,
			" GET 405 body-unchecked [method::method]"},
		{h.request(http.MethodPost, "/nowhere", nil, nil), nil, // the path is journaled as sent
			" POST 404 body-unchecked [path::path]"},
	}
	h.stub.ResetJournal() // the AccessToken's request
	var want []string
	for _, s := range steps {
		if s.arm != nil {
			s.arm()
		}
		h.do(s.req)
		want = append(want, s.want)
	}
	j := h.stub.Journal()
	var got []string
	for _, e := range j.Requests {
		got = append(got, brief(e))
	}
	if !slices.Equal(got, want) {
		t.Errorf("journal:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if j.Dropped != 0 || j.Broken != 8 || len(j.FirstBroken) != firstBroken || brief(j.FirstBroken[0]) != want[1] {
		t.Errorf("dropped %d, broken %d, first broken %d (%v); want 0, 8, %d", j.Dropped, j.Broken, len(j.FirstBroken), j.FirstBroken, firstBroken)
	}
	if e := j.Requests[0]; e.AppKey != demoKey || e.Path != openapi.ApplyTokenPath {
		t.Errorf("the valid request: app key %q, path %q", e.AppKey, e.Path)
	}
	if e := j.Requests[4]; e.AppKey != "" {
		t.Errorf("an unknown app key reached the journal: %q", e.AppKey)
	}
	b, _ := json.Marshal(j)
	for _, secret := range []string{access, demoSecret, canary[1:]} {
		if strings.Contains(string(b), secret) {
			t.Errorf("the journal holds what the caller sent (%.12s…):\n%s", secret, b)
		}
	}
	for _, v := range j.Tally {
		if v.Reason == "" || v.Count < 1 {
			t.Errorf("tally %+v", v)
		}
	}

	h.stub.ResetJournal()
	if j := h.stub.Journal(); len(j.Requests) != 0 || j.Broken != 0 || len(j.Tally) != 0 {
		t.Errorf("after ResetJournal: %+v", j)
	}
}

// TestJournalCap: beyond Config.Journal the oldest go, counted; the counts
// of broken requests and violations keep everything.
func TestJournalCap(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Journal = 3 })
	h.stub.ResetJournal()
	bad := func() *http.Request { return h.request(http.MethodPost, "/nowhere", nil, nil) }
	for range 2 {
		h.do(bad())
	}
	for range 3 {
		h.do(h.tokenRequest(demoKey, demoSecret, ""))
	}
	h.do(bad())
	j := h.stub.Journal()
	if len(j.Requests) != 3 || j.Dropped != 3 || j.Broken != 3 || len(j.FirstBroken) != 3 {
		t.Fatalf("kept %d, dropped %d, broken %d, first %d; want 3, 3, 3, 3", len(j.Requests), j.Dropped, j.Broken, len(j.FirstBroken))
	}
	if j.Requests[0].Op != contract.OpTokenByAkSk || j.Requests[2].Path != "/nowhere" {
		t.Errorf("kept %v; want the latest three in order", j.Requests)
	}
	if len(j.Tally) != 1 || j.Tally[0].Count != 3 || j.Tally[0].Rule != "path" {
		t.Errorf("tally %+v; want one path violation, 3 times", j.Tally)
	}
	b, _ := json.Marshal(j)
	if !bytes.Contains(b, []byte(`"violations":[]`)) {
		t.Errorf("a request without violations does not show []: %s", b)
	}
}

func TestJournalOff(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Journal = 0 })
	h.do(h.request(http.MethodPost, "/nowhere", nil, nil))
	if j := h.stub.Journal(); len(j.Requests) != 0 || j.Broken != 0 || j.Requests == nil {
		t.Errorf("a stub without a journal kept %+v", j)
	}
	for _, n := range []int{-1, maxJournal + 1} {
		cfg := DefaultConfig()
		cfg.Journal = n
		if _, err := New(cfg); err == nil || !strings.Contains(err.Error(), "Journal") {
			t.Errorf("Journal %d: %v; want an error naming Journal", n, err)
		}
	}
}

// TestJournalAllocations: a valid request costs the journal no allocation
// once its ring is full.
func TestJournalAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts mean nothing under the race detector")
	}
	allocs := func(size int) float64 {
		cfg := DefaultConfig()
		cfg.Journal = size
		cfg.Logger = slog.New(slog.DiscardHandler)
		s, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		v := s.vendor
		access := v.signer.issue(purposeAccess, demoKey, accessSubject, v.now().Add(v.accessLifetimes.max))
		x := newBenchExchange(openapi.ApplyTokenPath, authHeader(demoKey, access), applyBody(nil))
		serve := func() {
			x.rd.Reset(x.body)
			x.req.Body, x.req.ContentLength = &x.rd, int64(len(x.body))
			x.w.reset()
			s.ServeHTTP(&x.w, x.req)
		}
		for range 2 * size {
			serve()
		}
		return testing.AllocsPerRun(200, serve)
	}
	off, on := allocs(0), allocs(8)
	t.Logf("allocations per valid applyToken: %.1f without the journal, %.1f with", off, on)
	if on > off {
		t.Errorf("a valid applyToken allocates %.1f times with the journal, %.1f without", on, off)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// BenchmarkJournal is a valid applyToken with the journal off (as the
// binary runs without -controls) and on (servertest, -controls).
func BenchmarkJournal(b *testing.B) {
	for _, size := range []int{0, 1000} {
		b.Run("journal="+strconv.Itoa(size), func(b *testing.B) {
			cfg := DefaultConfig()
			cfg.Journal = size
			cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
			s, err := New(cfg)
			if err != nil {
				b.Fatal(err)
			}
			v := s.vendor
			access := v.signer.issue(purposeAccess, demoKey, accessSubject, v.now().Add(v.accessLifetimes.max))
			runExchange(b, s, newBenchExchange(openapi.ApplyTokenPath, authHeader(demoKey, access), applyBody(nil)))
		})
	}
}
