package server

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aicc-kit/applytoken/gen/apiserver"
	"github.com/aicc-kit/applytoken/openapi"
)

// These tests attack the tokens through the stub's own front door, over
// HTTP: every refusal must be applyToken's 403 with the Error body.

// TestFlippedAccessTokensRefused issues 1000 AccessTokens and flips one
// bit of each (every byte position and every bit in turn, re-encoded so
// the header stays well-formed base64url): all 1000 get 403.
func TestFlippedAccessTokensRefused(t *testing.T) {
	h := newHarness(t)
	const n = 1000
	refused := 0
	for i := range n {
		raw, err := base64.RawURLEncoding.DecodeString(h.accessToken(demoKey, demoSecret))
		if err != nil {
			t.Fatalf("token %d is not base64url: %v", i, err)
		}
		at, bit := i%len(raw), i/len(raw)%8
		raw[at] ^= 1 << bit
		resp, body := h.do(h.applyRequest(base64.RawURLEncoding.EncodeToString(raw), applyBody(nil)))
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("token %d, byte %d, bit %d flipped: status %d; want 403: %s", i, at, bit, resp.StatusCode, body)
		}
		refused++
	}
	if refused != n {
		t.Fatalf("%d of %d refused", refused, n)
	}
}

// TestForeignTokensRefused: a token signed with another key, expired,
// of the other purpose, or issued to another app key gets 403; the same
// request with the right token gets 200, so each refusal is the token's.
func TestForeignTokensRefused(t *testing.T) {
	apply := func(t *testing.T, h *harness, appKey, token string) int {
		t.Helper()
		resp, body := h.do(h.request(http.MethodPost, openapi.ApplyTokenPath, authHeader(appKey, token), bytes.NewReader(applyBody(nil))))
		if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusForbidden {
			t.Fatalf("status %d: %s", resp.StatusCode, body)
		}
		return resp.StatusCode
	}
	want := func(t *testing.T, got, status int, what string) {
		t.Helper()
		if got != status {
			t.Errorf("%s: status %d; want %d", what, got, status)
		}
	}
	setup := func(t *testing.T) (*harness, string) {
		h := newHarness(t)
		own := h.accessToken(demoKey, demoSecret)
		want(t, apply(t, h, demoKey, own), 200, "the app's own AccessToken")
		return h, own
	}
	t.Run("signed with another key", func(t *testing.T) {
		h, _ := setup(t)
		other := newHarness(t) // New draws its own signing key
		want(t, apply(t, h, demoKey, other.accessToken(demoKey, demoSecret)), 403, "another stub's AccessToken")
	})
	t.Run("another app key", func(t *testing.T) {
		h, own := setup(t)
		theirs := h.accessToken(otherKey, otherSecret)
		want(t, apply(t, h, otherKey, theirs), 200, "other-app-key's AccessToken with its own key")
		want(t, apply(t, h, demoKey, theirs), 403, "other-app-key's AccessToken sent as demo-app-key")
		want(t, apply(t, h, otherKey, own), 403, "demo-app-key's AccessToken sent as other-app-key")
	})
	t.Run("purpose swapped", func(t *testing.T) {
		h, own := setup(t)
		messaging := h.messagingToken(own)
		want(t, apply(t, h, demoKey, messaging), 403, "a ccmessaging-token as the AccessToken")
		// No operation of the contract takes a ccmessaging-token, so the
		// reverse is proved on the check every such call would make.
		if h.stub.vendor.signer.verify(purposeMessaging, demoKey, own, h.clock.Now()) == nil {
			t.Error("an AccessToken passes as a ccmessaging-token")
		}
		if h.stub.vendor.signer.verify(purposeMessaging, demoKey, messaging, h.clock.Now()) != nil {
			t.Error("the ccmessaging-token itself does not pass")
		}
	})
	t.Run("expired, on the moved clock", func(t *testing.T) {
		sv := readSpec(t) // the default, and X-Token-Expire's bounds
		for _, tc := range []struct {
			expire   string
			lifetime time.Duration
		}{{"", seconds(sv.expireDefault)}, {itoa(sv.expireMin), seconds(sv.expireMin)}, {itoa(sv.expireMax), seconds(sv.expireMax)}} {
			h := newHarness(t)
			resp, body := h.do(h.tokenRequest(demoKey, demoSecret, tc.expire))
			var r struct{ AccessToken, Expires string }
			if err := json.Unmarshal(body, &r); err != nil || resp.StatusCode != http.StatusOK {
				t.Fatalf("tokenByAkSk: %d %s", resp.StatusCode, body)
			}
			if r.Expires != strconv.Itoa(int(tc.lifetime/time.Second)) {
				t.Fatalf("Expires %q; want %v", r.Expires, tc.lifetime)
			}
			h.clock.Advance(tc.lifetime - time.Second)
			want(t, apply(t, h, demoKey, r.AccessToken), 200, tc.lifetime.String()+" AccessToken at exp-1s")
			h.clock.Advance(time.Second)
			want(t, apply(t, h, demoKey, r.AccessToken), 403, tc.lifetime.String()+" AccessToken at exp")
		}
	})
}

// TestTokensUniqueUnderLoad issues 100k tokens from 64 goroutines, through
// the operations themselves (half ccmessaging-tokens for one user, half
// AccessTokens, all in the same second): no two are equal.
func TestTokensUniqueUnderLoad(t *testing.T) {
	h := newHarness(t)
	const goroutines, each = 64, 1563 // 100,032 tokens
	tokens := make([][]string, goroutines)
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			ctx := context.Background()
			apply := apiserver.ApplyTokenRequestObject{
				Params: apiserver.ApplyTokenParams{XAppKey: demoKey},
				Body:   &apiserver.ApplyTokenRequest{UserID: "user-0001", UserName: "Alice", ChannelID: enabledChannel, Locale: "en"},
			}
			login := apiserver.TokenByAkSkRequestObject{Body: &apiserver.AccessTokenRequest{AppKey: demoKey, AppSecret: demoSecret}}
			local := make([]string, 0, each)
			for i := range each {
				var tok string
				if i%2 == 0 {
					resp, err := h.stub.vendor.ApplyToken(ctx, apply)
					ok, isOK := resp.(apiserver.ApplyToken200JSONResponse)
					if err != nil || !isOK || ok.Body.Token == "" {
						t.Errorf("ApplyToken: %T %v", resp, err)
						return
					}
					tok = ok.Body.Token
				} else {
					resp, err := h.stub.vendor.TokenByAkSk(ctx, login)
					ok, isOK := resp.(apiserver.TokenByAkSk200JSONResponse)
					if err != nil || !isOK {
						t.Errorf("TokenByAkSk: %T %v", resp, err)
						return
					}
					tok = ok.Body.AccessToken
				}
				local = append(local, tok)
			}
			tokens[g] = local
		})
	}
	wg.Wait()
	seen := make(map[string]struct{}, goroutines*each)
	for _, local := range tokens {
		for _, tok := range local {
			if _, dup := seen[tok]; dup {
				t.Fatalf("token issued twice: %s", tok)
			}
			seen[tok] = struct{}{}
		}
	}
	if len(seen) < 100_000 {
		t.Fatalf("%d tokens; want 100,000 or more", len(seen))
	}
}
