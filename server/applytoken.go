package server

import (
	"context"
	"net/http"

	"github.com/aicc-kit/applytoken/gen/apiserver"
	"github.com/aicc-kit/applytoken/gen/contract"
)

// channelDisabled is resultDesc for a configured but disabled channel.
const channelDisabled = "The channel is disabled."

// ApplyToken trades an authenticated app's request for a ccmessaging-token
// bound to the app key and userId. A channelId that is not configured is
// the vendor's 500 business failure; a disabled one is a 200 with
// resultCode "1".
func (v *vendor) ApplyToken(_ context.Context, req apiserver.ApplyTokenRequestObject) (apiserver.ApplyTokenResponseObject, error) {
	if req.Body == nil {
		return apiserver.ApplyToken400JSONResponse(v.errors[contract.OpApplyToken][http.StatusBadRequest]), nil
	}
	enabled, known := v.channels.lookup(req.Body.ChannelID)
	if !known {
		return apiserver.ApplyToken500JSONResponse(v.errors[contract.OpApplyToken][http.StatusInternalServerError]), nil
	}
	result := v.applyResult
	if !enabled {
		result.Token, result.ResultCode, result.ResultDesc = "", apiserver.ResultCodeFailure, new(channelDisabled)
		return apiserver.ApplyToken200JSONResponse{Body: result}, nil
	}
	exp := v.now().Add(v.messagingLifetime)
	result.Token = v.signer.issue(purposeMessaging, req.Params.XAppKey, req.Body.UserID, exp)
	result.ResultCode, result.ResultDesc = apiserver.ResultCodeSuccess, nil
	result.SetLifetime(v.messagingLifetime)
	// Headers are left to the contract: the responseWriter fills in each
	// documented header with its example (Cache-Control: no-store).
	return apiserver.ApplyToken200JSONResponse{Body: result}, nil
}
