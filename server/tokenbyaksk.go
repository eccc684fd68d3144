package server

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/aicc-kit/applytoken/gen/apiserver"
	"github.com/aicc-kit/applytoken/gen/contract"
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
func (v *vendor) TokenByAkSk(_ context.Context, req apiserver.TokenByAkSkRequestObject) (apiserver.TokenByAkSkResponseObject, error) {
	errs := v.errors[contract.OpTokenByAkSk]
	if req.Body == nil {
		return apiserver.TokenByAkSk400JSONResponse(errs[http.StatusBadRequest]), nil
	}
	lifetime := v.accessLifetime
	if p := req.Params.XTokenExpire; p != nil {
		lifetime = time.Duration(*p) * time.Second
		if lifetime < v.accessLifetimes.min || lifetime > v.accessLifetimes.max {
			return apiserver.TokenByAkSk400JSONResponse(errs[http.StatusBadRequest]), nil // the rules have said so already
		}
	}
	appKey := req.Body.AppKey
	if !v.secretMatches(appKey, req.Body.AppSecret) {
		return apiserver.TokenByAkSk401JSONResponse(errs[http.StatusUnauthorized]), nil
	}
	now := v.now()
	result := v.accessResult
	result.AccessToken = v.signer.issue(purposeAccess, appKey, accessSubject, now.Add(lifetime))
	result.ApplyType = apiserver.ApplyTypeBearer
	result.CreateTime = strconv.FormatInt(now.Unix(), 10)
	result.Scope, result.AppKey, result.UserID = new(accessScope), new(appKey), new(accessSubject)
	result.SetLifetime(lifetime)
	return apiserver.TokenByAkSk200JSONResponse{Body: result}, nil
}
