package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"sync"
	"testing"
	"time"
)

var (
	testKey = bytes.Repeat([]byte{1}, 32)
	t0      = time.Unix(1_800_000_000, 0)
)

func TestTokenRoundTrip(t *testing.T) {
	s := newSigner(testKey)
	for _, p := range []purpose{purposeAccess, purposeMessaging} {
		tok := s.issue(p, demoKey, "user-0001", t0.Add(time.Hour))
		if err := s.verify(p, demoKey, tok, t0); err != nil {
			t.Errorf("purpose %c: a fresh token is refused: %v", p, err)
		}
		if strings.ContainsAny(tok, "+/=") {
			t.Errorf("token %q is not unpadded base64url", tok)
		}
	}
}

// TestTokenExpiry pins the boundary: accepted in its last second, refused
// from its expiry on.
func TestTokenExpiry(t *testing.T) {
	s := newSigner(testKey)
	exp := t0.Add(600 * time.Second)
	tok := s.issue(purposeAccess, demoKey, accessSubject, exp)
	for _, tc := range []struct {
		at   time.Time
		live bool
	}{
		{t0, true},
		{exp.Add(-time.Second), true},
		{exp.Add(-time.Nanosecond), true},
		{exp, false},
		{exp.Add(time.Hour), false},
	} {
		if err := s.verify(purposeAccess, demoKey, tok, tc.at); (err == nil) != tc.live {
			t.Errorf("at exp%+v: verify = %v; want live %v", tc.at.Sub(exp), err, tc.live)
		}
	}
}

func TestTokenRefusals(t *testing.T) {
	s := newSigner(testKey)
	exp := t0.Add(time.Hour)
	access := s.issue(purposeAccess, demoKey, accessSubject, exp)
	messaging := s.issue(purposeMessaging, demoKey, "user-0001", exp)
	for name, tc := range map[string]struct {
		p      purpose
		appKey string
		token  string
	}{
		"messaging token as AccessToken":    {purposeAccess, demoKey, messaging},
		"AccessToken as messaging token":    {purposeMessaging, demoKey, access},
		"another app key":                   {purposeAccess, otherKey, access},
		"another signing key":               {purposeAccess, demoKey, newSigner(bytes.Repeat([]byte{2}, 32)).issue(purposeAccess, demoKey, accessSubject, exp)},
		"empty":                             {purposeAccess, demoKey, ""},
		"not base64url":                     {purposeAccess, demoKey, "a+b/c="},
		"shorter than a signature":          {purposeAccess, demoKey, base64.RawURLEncoding.EncodeToString(make([]byte, minTokenLen-1))},
		"longer than any token":             {purposeAccess, demoKey, strings.Repeat("A", maxTokenText+1)},
		"signature alone":                   {purposeAccess, demoKey, access[len(access)-43:]},
		"app key length beyond the token":   {purposeAccess, demoKey, resign(s, access, func(b []byte) { b[headerLen-1] = 200 })},
		"purpose byte unknown, re-signed":   {purposeAccess, demoKey, resign(s, access, func(b []byte) { b[0] = 'X' })},
		"app key prefix of the real one":    {purposeAccess, "demo", access},
		"app key extension of the real one": {purposeAccess, demoKey + "x", access},
	} {
		if err := s.verify(tc.p, tc.appKey, tc.token, t0); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// resign changes a token's fields and signs it again with s, to reach the
// checks that follow the signature's.
func resign(s *signer, token string, edit func([]byte)) string {
	raw, _ := base64.RawURLEncoding.DecodeString(token)
	body := raw[:len(raw)-macLen]
	edit(body)
	st := s.states.Get().(*macState)
	defer s.states.Put(st)
	return base64.RawURLEncoding.EncodeToString(st.sign(body, body))
}

// TestTokenEveryByteCounts flips each byte of a token in turn.
func TestTokenEveryByteCounts(t *testing.T) {
	s := newSigner(testKey)
	tok := s.issue(purposeAccess, demoKey, accessSubject, t0.Add(time.Hour))
	raw, _ := base64.RawURLEncoding.DecodeString(tok)
	for i := range raw {
		for _, bit := range []byte{0x01, 0x80} {
			if err := s.verify(purposeAccess, demoKey, flipByteBit(tok, i, bit), t0); err == nil {
				t.Fatalf("byte %d with bit %#x flipped: accepted", i, bit)
			}
		}
	}
}

func flipByteBit(token string, i int, bit byte) string {
	raw, _ := base64.RawURLEncoding.DecodeString(token)
	raw[i] ^= bit
	return base64.RawURLEncoding.EncodeToString(raw)
}

// TestTokensAreUnique issues many tokens for the same app, subject and
// second from many goroutines: the nonce keeps every one apart.
func TestTokensAreUnique(t *testing.T) {
	s := newSigner(testKey)
	const goroutines, each = 16, 1000
	var (
		mu   sync.Mutex
		seen = make(map[string]bool, goroutines*each)
		wg   sync.WaitGroup
	)
	for range goroutines {
		wg.Go(func() {
			local := make([]string, 0, each)
			for range each {
				local = append(local, s.issue(purposeMessaging, demoKey, "user-0001", t0))
			}
			mu.Lock()
			defer mu.Unlock()
			for _, tok := range local {
				if seen[tok] {
					t.Errorf("token issued twice: %s", tok)
				}
				seen[tok] = true
			}
		})
	}
	wg.Wait()
}

// TestReplicasShareTokens: signers with one key accept each other's tokens.
func TestReplicasShareTokens(t *testing.T) {
	a, b := newSigner(testKey), newSigner(bytes.Clone(testKey))
	if err := b.verify(purposeAccess, demoKey, a.issue(purposeAccess, demoKey, accessSubject, t0.Add(time.Minute)), t0); err != nil {
		t.Fatalf("replica refused: %v", err)
	}
}

func TestTokenVerifyAllocations(t *testing.T) {
	s := newSigner(testKey)
	tok := s.issue(purposeAccess, demoKey, accessSubject, t0.Add(time.Hour))
	allocs := testing.AllocsPerRun(100, func() {
		if s.verify(purposeAccess, demoKey, tok, t0) != nil {
			t.Fatal("refused")
		}
	})
	if allocs > 0 && !raceEnabled {
		t.Errorf("verify allocates %.0f times per token; want 0", allocs)
	}
}

func BenchmarkTokenIssue(b *testing.B) {
	s := newSigner(testKey)
	for b.Loop() {
		s.issue(purposeMessaging, demoKey, "user-0001", t0)
	}
}

func BenchmarkTokenVerify(b *testing.B) {
	s := newSigner(testKey)
	tok := s.issue(purposeAccess, demoKey, accessSubject, t0.Add(time.Hour))
	b.ReportAllocs()
	for b.Loop() {
		s.verify(purposeAccess, demoKey, tok, t0)
	}
}

// TestTokenSizeIgnoresTheSubject: the subject is kept as a digest, so a
// token's size depends on no bound of the contract.
func TestTokenSizeIgnoresTheSubject(t *testing.T) {
	s := newSigner(testKey)
	want := len(s.issue(purposeMessaging, demoKey, "u", t0))
	for _, subject := range []string{"", "user-0001", strings.Repeat("é", 32), strings.Repeat("\U0001F600", 1000)} {
		tok := s.issue(purposeMessaging, demoKey, subject, t0.Add(time.Hour))
		if len(tok) != want {
			t.Errorf("a subject of %d bytes: token of %d characters; want %d", len(subject), len(tok), want)
		}
		if err := s.verify(purposeMessaging, demoKey, tok, t0); err != nil {
			t.Errorf("a subject of %d bytes: %v", len(subject), err)
		}
	}
	raw, _ := base64.RawURLEncoding.DecodeString(s.issue(purposeMessaging, demoKey, "alice", t0))
	sum := sha256.Sum256([]byte("alice"))
	if at := headerLen + len(demoKey); !bytes.Equal(raw[at:at+digestLen], sum[:digestLen]) {
		t.Error("the token does not carry the digest of its subject")
	}
}
