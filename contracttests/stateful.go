package contracttests

import (
	"fmt"
	"net/http"
	"strconv"
	"testing"
	"time"
	"unicode"

	"github.com/aicc-kit/applytoken/internal/rules"
	"github.com/aicc-kit/applytoken/openapi"
)

// The stateful cases present AccessTokens where they do not belong: one
// the target issued, with a character changed; one a second instance
// issued (Target.PeerURL); one past the lifetime asked for with
// X-Token-Expire at its minimum (Target.Advance). A ccmessaging-token
// presented as an AccessToken is a fixed case; the reverse cannot be
// driven, since no operation of the contract takes a ccmessaging-token.
// Each is owed 403 (docs/architecture.md, "The status table").

func (g *generator) statefulCases() {
	base, err := g.valid(openapi.Operation(opApplyToken))
	if err != nil {
		g.fail("%v", err)
		return
	}
	body := base.body()
	apply := func(t *testing.T, h *harness, token string) *exchange {
		return h.do(t, http.MethodPost, pathOf(opApplyToken), authHeader(h.target.AppKey, token), body)
	}
	add := func(name string, send func(*testing.T, *harness) *exchange) {
		g.out = append(g.out, serverCase{op: opApplyToken, status: http.StatusForbidden, name: name, generated: true, send: send})
	}
	pos := g.rng.Uint64()
	add("stateful: AccessToken with one character changed", func(t *testing.T, h *harness) *exchange {
		return apply(t, h, tamper(h.accessToken(t), pos))
	})
	add("stateful: AccessToken of a second instance (another signing key)", func(t *testing.T, h *harness) *exchange {
		if h.target.PeerURL == "" {
			h.skipNotDriven(t, "a token signed by another key needs Target.PeerURL, a second instance of the server with its own signing key")
		}
		token := h.accessTokenAt(t, h.target.PeerURL)
		if x := h.doAt(t, h.target.PeerURL, http.MethodPost, pathOf(opApplyToken), authHeader(h.target.AppKey, token), body); x.status != http.StatusOK {
			t.Fatalf("the peer %s refuses its own AccessToken (status %d): it is not configured as the target is", h.target.PeerURL, x.status)
		}
		return apply(t, h, token)
	})
	name, lifetime, ok := lifetimeParam()
	if !ok {
		g.fail("tokenByAkSk has no integer header parameter with a minimum to ask a short lifetime with; teach the generator")
		return
	}
	add(fmt.Sprintf("stateful: AccessToken past its lifetime (%s at its minimum, %v)", name, lifetime), func(t *testing.T, h *harness) *exchange {
		if h.target.Advance == nil {
			h.skipNotDriven(t, "an expired AccessToken needs Target.Advance to move the server's clock %v; the suite does not sleep", lifetime)
		}
		secs := strconv.FormatInt(int64(lifetime/time.Second), 10)
		hdr := jsonHeader()
		hdr.Set(name, secs)
		x := h.do(t, http.MethodPost, pathOf(opTokenByAkSk), hdr, h.credentials(h.target.AppKey, h.target.AppSecret))
		var r struct{ AccessToken, Expires string }
		if x.status == http.StatusOK {
			x.decode(t, &r)
		}
		if x.status != http.StatusOK || r.Expires != secs {
			t.Fatalf("tokenByAkSk with %s: %s: status %d, Expires %q; want 200 and %q", name, secs, x.status, r.Expires, secs)
		}
		advance := func(d time.Duration) {
			t.Helper()
			h.access = "" // the clock moves: the shared AccessToken may be near its end
			if err := h.target.Advance(d); err != nil {
				t.Fatalf("Target.Advance(%v) failed, so the server's clock did not move: %v", d, err)
			}
		}
		// A server's clock may run on between requests (the binary's is
		// the wall clock plus the moves), and a token that counts whole
		// seconds loses up to one of them to the second it was issued in:
		// two seconds short of the end, it is still good whatever the
		// second, and at the end it is not.
		if lifetime > stillGood {
			advance(lifetime - stillGood)
			if x := apply(t, h, r.AccessToken); x.status != http.StatusOK {
				t.Errorf("applyToken refused an AccessToken %v before the end of its %v: status %d: %.300s", stillGood, lifetime, x.status, x.body)
			}
			advance(stillGood)
		} else {
			advance(lifetime)
		}
		return apply(t, h, r.AccessToken)
	})
}

// stillGood is how long before its end the expiry case presents an
// AccessToken that must still be accepted.
const stillGood = 2 * time.Second

// lifetimeParam returns tokenByAkSk's header parameter that asks for the
// AccessToken's lifetime in seconds, and its minimum.
func lifetimeParam() (string, time.Duration, bool) {
	for _, p := range openapi.Operation(opTokenByAkSk).Params {
		if p.Schema.Type == rules.TypeInteger && p.Schema.Minimum != nil && *p.Schema.Minimum >= 1 {
			return p.Name, time.Duration(*p.Schema.Minimum) * time.Second, true
		}
	}
	return "", 0, false
}

// tamper changes one character of token, chosen by pos, into another of
// its class (digit, lower, upper case letter), so that its form stays and
// whatever vouches for it (a signature) no longer does. The first and
// last quarter are left alone: a base64 text's last character may carry
// padding bits a decoder ignores.
func tamper(token string, pos uint64) string {
	rs := []rune(token)
	if len(rs) < 4 {
		return token + "x"
	}
	i := len(rs)/4 + int(pos%uint64(len(rs)/2))
	switch r := rs[i]; {
	case unicode.IsDigit(r):
		rs[i] = '0' + (r-'0'+1)%10
	case r >= 'a' && r <= 'z':
		rs[i] = 'a' + (r-'a'+1)%26
	case r >= 'A' && r <= 'Z':
		rs[i] = 'A' + (r-'A'+1)%26
	default:
		rs[i] = 'A'
	}
	return string(rs)
}
