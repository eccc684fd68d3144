package server

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/aicc-kit/applytoken/internal/rules"
)

// security is where an operation's security requirement puts the
// vendor's two credentials: the header of its apiKey scheme carries the
// app key, and the Authorization of its bearer scheme an AccessToken.
type security struct {
	keyHeader string // canonical, as net/http stores received headers
	scheme    string // the http scheme's name, as the contract spells it
}

// securityOf reads op's security requirement; an operation without one
// is open. A requirement the vendor has no reading of fails New, rather
// than leaving an operation unauthenticated.
func securityOf(op *rules.Operation) (*security, error) {
	if len(op.Security) == 0 {
		return nil, nil
	}
	var c security
	ok := len(op.Security) == 1
	for _, s := range op.Security[0] {
		switch {
		case s.Type == "apiKey" && s.In == rules.InHeader && c.keyHeader == "":
			c.keyHeader = http.CanonicalHeaderKey(s.Name)
		case s.Type == "http" && strings.EqualFold(s.Scheme, "bearer") && c.scheme == "":
			c.scheme = s.Scheme
		default:
			ok = false
		}
	}
	if !ok || c.keyHeader == "" || c.scheme == "" {
		return nil, fmt.Errorf("server: operation %s: the stub reads only one security requirement of an apiKey header (the app key) and an http bearer scheme (the AccessToken)", op.ID)
	}
	return &c, nil
}

// authenticate answers 401 or 403 for op's credentials before anything
// reads the body (docs/architecture.md, "The status table", rows 4 and
// 5): the app key must name a configured app, and Authorization must be
// "<scheme> <AccessToken>" with one space, carrying a live AccessToken
// issued to that app. A missing, repeated or malformed credential, or an
// unknown key, is a 401; an AccessToken that fails its check is a 403,
// the vendor's answer for an illegal or expired token.
//
// The scheme name is matched without regard to case, as RFC 9110 section
// 11.1 requires; the single space is the vendor's rule.
func authenticate(v *vendor, op *operation, next http.Handler) http.Handler {
	unauthorized, forbidden := op.answers[http.StatusUnauthorized], op.answers[http.StatusForbidden]
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := admit(v, op.security, unauthorized, forbidden, w, r); ok {
			next.ServeHTTP(w, r)
		}
	})
}

// admit checks an app's two credentials in r, as authenticate describes,
// for applyToken and the later-call stand-in alike. It answers 401 or 403
// itself and reports false when it has; otherwise it returns the app key,
// which it also gives the access log.
func admit(v *vendor, c *security, unauthorized, forbidden errorAnswer, w http.ResponseWriter, r *http.Request) (string, bool) {
	appKey, ok := single(r.Header, c.keyHeader)
	var token string
	if ok {
		token, ok = c.token(r.Header)
	}
	if !ok || !v.knows(appKey) {
		writeError(w, unauthorized)
		return "", false
	}
	if !v.accessGranted(appKey, token) {
		writeError(w, forbidden)
		return "", false
	}
	if rw, ok := w.(*responseWriter); ok {
		rw.appKey = appKey // for the access log
	}
	return appKey, true
}

// token returns the token of an Authorization "<scheme> <token>".
func (c *security) token(h http.Header) (string, bool) {
	authz, ok := single(h, "Authorization")
	n := len(c.scheme)
	if !ok || len(authz) <= n+1 || authz[n] != ' ' || !strings.EqualFold(authz[:n], c.scheme) {
		return "", false
	}
	token := authz[n+1:]
	return token, !strings.ContainsAny(token, " \t")
}

// single returns the one non-empty value of a header given exactly once.
// Two values are ambiguous, and an ambiguous credential is no credential.
// name must be in canonical form; net/http stores every received header
// that way, which is what makes header names case-insensitive here.
func single(h http.Header, name string) (string, bool) {
	v := h[name]
	if len(v) != 1 || v[0] == "" {
		return "", false
	}
	return v[0], true
}
