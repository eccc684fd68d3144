package client

import (
	"context"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aicc-kit/applytoken/gen/contract"
	"github.com/aicc-kit/applytoken/internal/rules"
)

// TestSecuritySchemesAreWhatTheClientSends: the client takes header names
// from the contract's security schemes, and the Authorization form from
// the http bearer scheme (RFC 6750). If the contract moves a credential
// somewhere else, this fails, naming the scheme.
func TestSecuritySchemesAreWhatTheClientSends(t *testing.T) {
	for _, s := range []*rules.SecurityScheme{contract.SchemeAppKey, contract.SchemeMessagingToken} {
		if s.Type != "apiKey" || s.In != rules.InHeader || s.Name == "" {
			t.Errorf("security scheme %s is %+v; the client sends it as a header", s.Key, *s)
		}
	}
	if s := contract.SchemeBearerAuth; s.Type != "http" || !strings.EqualFold(s.Scheme, "bearer") {
		t.Errorf("security scheme %s is %+v; the client sends Authorization: Bearer", s.Key, *s)
	}
	want := []*rules.SecurityScheme{contract.SchemeAppKey, contract.SchemeBearerAuth}
	if !slices.ContainsFunc(contract.ApplyToken.Security, func(alt []*rules.SecurityScheme) bool {
		return len(alt) == len(want) && !slices.ContainsFunc(alt, func(s *rules.SecurityScheme) bool { return !slices.Contains(want, s) })
	}) {
		t.Errorf("applyToken's security is not {appKey, bearerAuth}; the client sends exactly those")
	}
}

// TestRequestsKeepToTheContract: what the client sends for each operation
// passes the stub's checks of security, header parameters and body.
func TestRequestsKeepToTheContract(t *testing.T) {
	u := newUpstream(t)
	var (
		mu  sync.Mutex
		bad []string
	)
	check := func(op *rules.Operation, next func(http.ResponseWriter, *http.Request)) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			mu.Lock()
			for _, v := range op.CheckRequest(r.Header, body) {
				bad = append(bad, op.ID+": "+v.Error())
			}
			mu.Unlock()
			r.Body = io.NopCloser(strings.NewReader(string(body)))
			next(w, r)
		}
	}
	u.setAksk(check(contract.TokenByAkSk, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, `{"AccessToken":"at","ApplyType":"Bearer","CreateTime":"1","Expires":"600"}`)
	}))
	u.setApply(check(contract.ApplyToken, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, `{"token":"mt","resultCode":"0"}`)
	}))
	if _, err := u.newClient(t).ApplyToken(context.Background(), testRequest); err != nil {
		t.Fatal(err)
	}
	for _, b := range bad {
		t.Errorf("the client sent a request the contract refuses: %s", b)
	}
}
