package server

import (
	"context"

	"github.com/aicc-kit/applytoken/gen"
)

// channelDisabled is resultDesc for a configured but disabled channel.
const channelDisabled = "The channel is disabled."

// ApplyToken trades an authenticated app's request for a ccmessaging-token
// bound to the app key and userId. A channelId that is not configured is
// the vendor's 500 business failure; a disabled one is a 200 with
// resultCode "1".
//
// ServeHTTP authenticates before the body is read; called any other way,
// ApplyToken has no credentials to trust and answers 401.
func (s *Stub) ApplyToken(ctx context.Context, req gen.ApplyTokenRequestObject) (gen.ApplyTokenResponseObject, error) {
	appKey := exchangeFrom(ctx).appKey
	if appKey == "" {
		return gen.ApplyToken401JSONResponse{
			Body:    errUnauthorized.body(),
			Headers: gen.ApplyToken401ResponseHeaders{WWWAuthenticate: "Bearer"},
		}, nil
	}
	if req.Body == nil {
		return gen.ApplyToken400JSONResponse(errInvalidRequest.body()), nil
	}
	enabled, known := s.channels.lookup(req.Body.ChannelId)
	switch {
	case !known:
		return gen.ApplyToken500JSONResponse(errBusiness.body()), nil
	case !enabled:
		return gen.ApplyToken200JSONResponse{
			Body:    gen.ApplyTokenResult{Token: "", ResultCode: gen.ResultCodeFailure, ResultDesc: new(channelDisabled)},
			Headers: gen.ApplyToken200ResponseHeaders{CacheControl: "no-store"},
		}, nil
	}
	exp := s.now().Add(s.messagingLifetime)
	return gen.ApplyToken200JSONResponse{
		Body:    gen.ApplyTokenResult{Token: s.signer.issue(purposeMessaging, appKey, req.Body.UserId, exp), ResultCode: gen.ResultCodeSuccess},
		Headers: gen.ApplyToken200ResponseHeaders{CacheControl: "no-store"},
	}, nil
}
