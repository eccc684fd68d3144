package server

import (
	"context"
	"strconv"
	"time"

	"github.com/aicc-kit/applytoken/gen"
)

// The fixed fields of an AccessToken answer, as the vendor's guides show
// them for an app's own token.
const (
	accessScope   = "ccmessaging"
	accessSubject = "Anonymous"
)

// TokenByAkSk trades an app key and secret for an AccessToken that lives
// X-Token-Expire seconds, or the configured default. An unknown key and a
// wrong secret get the same 401, so the answer does not tell which.
func (s *Stub) TokenByAkSk(ctx context.Context, req gen.TokenByAkSkRequestObject) (gen.TokenByAkSkResponseObject, error) {
	if req.Body == nil {
		return gen.TokenByAkSk400JSONResponse(errInvalidRequest.body()), nil
	}
	lifetime := s.accessLifetime
	if p := req.Params.XTokenExpire; p != nil {
		lifetime = time.Duration(*p) * time.Second
		if checkLifetime(lifetime, minAccessLifetime, maxAccessLifetime) != nil {
			return gen.TokenByAkSk400JSONResponse(errInvalidRequest.body()), nil // validation has said so already
		}
	}
	appKey := req.Body.AppKey
	if _, known := s.apps[appKey]; known {
		exchangeFrom(ctx).appKey = appKey // for the log, refused or not
	}
	if !s.secretMatches(appKey, req.Body.AppSecret) {
		return gen.TokenByAkSk401JSONResponse(errInvalidClient.body()), nil
	}
	now := s.now()
	return gen.TokenByAkSk200JSONResponse{
		Body: gen.AccessTokenResult{
			AccessToken: s.signer.issue(purposeAccess, appKey, accessSubject, now.Add(lifetime)),
			ApplyType:   gen.ApplyTypeBearer,
			CreateTime:  strconv.FormatInt(now.Unix(), 10),
			Expires:     strconv.FormatInt(int64(lifetime/time.Second), 10),
			Scope:       new(accessScope),
			AppKey:      new(appKey),
			UserID:      new(accessSubject),
		},
		Headers: gen.TokenByAkSk200ResponseHeaders{CacheControl: "no-store"},
	}, nil
}
