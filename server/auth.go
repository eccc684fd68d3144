package server

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"
)

// authenticate checks applyToken's two credentials, before anything reads
// the body: x-app-key must name a configured app, and Authorization must
// be "Bearer <AccessToken>" with one space, carrying a live AccessToken
// issued to that app. A missing or malformed credential, or an unknown
// key, is a 401; an AccessToken that fails its check is a 403, the
// vendor's answer for an illegal or expired token.
//
// The scheme name is matched without regard to case, as RFC 9110 section
// 11.1 requires; the single space is the vendor's rule.
func (s *Stub) authenticate(r *http.Request) (appKey string, e *apiError) {
	appKey, ok := single(r.Header, "X-App-Key")
	if !ok {
		return "", errUnauthorized
	}
	authz, ok := single(r.Header, "Authorization")
	if !ok {
		return "", errUnauthorized
	}
	const scheme = "Bearer "
	token, ok := "", len(authz) > len(scheme) && strings.EqualFold(authz[:len(scheme)], scheme)
	if ok {
		token = authz[len(scheme):]
		ok = !strings.ContainsAny(token, " \t")
	}
	if !ok {
		return "", errUnauthorized
	}
	if _, known := s.apps[appKey]; !known {
		return "", errUnauthorized
	}
	if s.signer.verify(purposeAccess, appKey, token, s.now()) != nil {
		return "", errInvalidToken
	}
	return appKey, nil
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

// secretMatches compares in constant time, over digests so that not even
// the secret's length shows.
func (s *Stub) secretMatches(appKey, secret string) bool {
	want, known := s.apps[appKey]
	a, b := sha256.Sum256([]byte(secret)), sha256.Sum256([]byte(want))
	return subtle.ConstantTimeCompare(a[:], b[:]) == 1 && known
}
