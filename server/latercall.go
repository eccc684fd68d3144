package server

import (
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/aicc-kit/applytoken/gen/contract"
	"github.com/aicc-kit/applytoken/internal/rules"
)

// The later-call stand-in: any CC-Messaging call after applyToken, such as
// send, as far as its credentials go (docs/architecture.md, "The later
// call"). The contract does not have it, so its answers are borrowed:
// applyToken's documented 401, 403 and 500 (Error example and headers),
// whose remedies the vendor's pages give for later calls too, and a 200
// of the stub's own.

const (
	// OpLaterCall names the later-call stand-in for Inject and FailNext.
	OpLaterCall = "laterCall"
	// LaterCallPath is where servertest, and command applytoken-stub with
	// -controls, serve the stand-in.
	LaterCallPath = "/_stub/later-call"
)

// laterCallBody is the stand-in's 200 body.
const laterCallBody = `{"resultCode":"0","resultDesc":"Accepted by the stub's later-call stand-in."}` + "\n"

// laterCall is the stand-in as an operation, for the chain's enter, the
// documented headers and the access log.
var laterCall = sync.OnceValue(func() *rules.Operation {
	op := &rules.Operation{
		ID:       OpLaterCall,
		Method:   http.MethodPost,
		Path:     LaterCallPath,
		Security: [][]*rules.SecurityScheme{{contract.SchemeAppKey, contract.SchemeBearerAuth, contract.SchemeMessagingToken}},
	}
	ok := rules.Response{Status: http.StatusOK, Example: laterCallBody}
	if r := contract.ApplyToken.Response(http.StatusOK); r != nil {
		ok.Headers = r.Headers // Cache-Control: no-store, as the answer may carry a token
	}
	op.Responses = append(op.Responses, ok)
	for _, status := range []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusInternalServerError} {
		resp := rules.Response{Status: status, Schema: contract.ErrorSchema.Name}
		if r := contract.ApplyToken.Response(status); r != nil {
			resp = *r
		}
		op.Responses = append(op.Responses, resp)
	}
	return op
})

// operation returns the operation id names: one of the contract's, or
// the later call.
func (s *Stub) operation(id string) (*operation, bool) {
	if op, ok := s.ops[id]; ok {
		return op, true
	}
	if id == OpLaterCall {
		return s.laterOp(), true
	}
	return nil, false
}

func (s *Stub) laterOp() *operation {
	op := laterCall()
	o := &operation{Operation: op, documented: documentedOf(op)}
	o.access = s.log.Handler().WithAttrs([]slog.Attr{
		slog.String("method", op.Method), slog.String("path", op.Path), slog.String("op", op.ID),
	})
	return o
}

// LaterCall returns the stand-in for a later CC-Messaging call such as
// send: a POST that carries the three headers the vendor names
// (x-app-key, Authorization: Bearer <AccessToken> and ccmessaging-token;
// the names are gen/contract's security schemes), checked in this order:
//
//   - 401, as applyToken's, for an app key or Authorization missing,
//     repeated or malformed, or an unknown app key;
//   - 403, the vendor's wording, for an AccessToken forged, expired or
//     another app's;
//   - 401 for a ccmessaging-token missing, forged, expired, another app's
//     or an AccessToken sent in its place;
//   - otherwise 200, {"resultCode":"0","resultDesc":...}. When the token
//     has at most Config.MessagingTokenRotateBefore left, the answer
//     carries a new one in a ccmessaging-token header, as the platform
//     does for a token that expires during a session; the old one stays
//     valid to its expiry.
//
// The body is not read. Faults armed for OpLaterCall are met first; its
// statuses are 401, 403 and 500. A method other than POST gets 405.
func (s *Stub) LaterCall() http.Handler {
	op := s.laterOp()
	h := s.enter(op, s.laterCallChecks(op))
	notPost := errMethod(http.MethodPost)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rw := writers.Get().(*responseWriter)
		*rw = responseWriter{ResponseWriter: w}
		defer s.done(rw, r, start)
		defer s.recoverPanic(rw, r)
		if r.Method != http.MethodPost {
			rw.Header().Set("Allow", http.MethodPost)
			writeError(rw, notPost)
			return
		}
		h.ServeHTTP(rw, r)
	})
}

// laterCallChecks is the stand-in behind its faults: the credentials
// (401), the AccessToken (403), then the ccmessaging-token (401). The
// AccessToken comes first because the platform's gateway checks it for
// every call before the CC-Messaging service sees the request and its
// ccmessaging-token, the order applyToken's own checks follow too.
func (s *Stub) laterCallChecks(op *operation) http.Handler {
	v := s.vendor
	bearer := &security{keyHeader: http.CanonicalHeaderKey(contract.SchemeAppKey.Name), scheme: contract.SchemeBearerAuth.Scheme}
	tokenHeader := http.CanonicalHeaderKey(contract.SchemeMessagingToken.Name)
	unauthorized, forbidden := op.answers[http.StatusUnauthorized], op.answers[http.StatusForbidden]
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		appKey, ok := admit(v, bearer, unauthorized, forbidden, w, r)
		if !ok {
			return
		}
		now := v.now()
		token, ok := single(r.Header, tokenHeader)
		if !ok {
			writeError(w, unauthorized)
			return
		}
		exp, err := v.signer.expiry(purposeMessaging, appKey, token, now)
		if err != nil {
			writeError(w, unauthorized)
			return
		}
		if exp.Sub(now) <= v.rotateBefore { // its last rotateBefore, the first instant included
			if next, err := v.signer.renew(purposeMessaging, appKey, token, now, now.Add(v.messagingLifetime)); err == nil {
				w.Header()[tokenHeader] = []string{next}
			}
		}
		writeOK(w, len(laterCallBody), []byte(laterCallBody))
	})
}
