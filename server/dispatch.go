package server

import (
	"context"
	"net/http"

	"github.com/aicc-kit/applytoken/gen"
)

// dispatch answers a request the compiled validator has accepted and bound.
// It does what the generated ServeMux, parameter wrapper and strict handler
// would do with it, minus what is already done: serve has routed it, and
// in holds the body and parameters the strict handler would bind. The
// Stub's typed answers are written by their generated Visit methods, but
// for the 200s, which answer.go writes to the same bytes.
//
// ctx carries the request's exchange; r does not, and is not to be read
// past its headers.
func (s *Stub) dispatch(ctx context.Context, w http.ResponseWriter, r *http.Request, op operation, in *input) {
	switch op {
	case opApplyToken:
		resp, err := s.ApplyToken(ctx, gen.ApplyTokenRequestObject{Body: &in.apply})
		if ok, isOK := resp.(gen.ApplyToken200JSONResponse); err == nil && isOK {
			err = writeApplyToken200(w, ok)
		} else if err == nil && resp != nil {
			err = resp.VisitApplyTokenResponse(w)
		}
		if err != nil {
			s.responseError(w, r, err)
		}
	case opTokenByAkSk:
		// The generated wrapper's own rule: one value per header parameter.
		if v, ok := r.Header[expireHeader]; ok && len(v) != 1 {
			s.requestError(w, r, &gen.TooManyValuesForParamError{ParamName: "X-Token-Expire", Count: len(v)})
			return
		}
		resp, err := s.TokenByAkSk(ctx, gen.TokenByAkSkRequestObject{Params: in.params, Body: &in.creds})
		if ok, isOK := resp.(gen.TokenByAkSk200JSONResponse); err == nil && isOK {
			err = writeTokenByAkSk200(w, ok)
		} else if err == nil && resp != nil {
			err = resp.VisitTokenByAkSkResponse(w)
		}
		if err != nil {
			s.responseError(w, r, err)
		}
	}
}

// expireHeader is X-Token-Expire as net/http stores it.
const expireHeader = "X-Token-Expire"
