package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/aicc-kit/applytoken/gen"
)

// This file is the only one that touches the generated package: requests
// are built from gen's models and sent through gen's client, and answers
// become this package's types here and nowhere else.

const (
	opTokenByAkSk = "tokenByAkSk"
	opApplyToken  = "applyToken"

	// jsonContentType is what the vendor documents for applyToken; the
	// generated client would send plain application/json.
	jsonContentType = "application/json; charset=UTF-8"

	// maxBodyBytes caps how much of any answer is read.
	maxBodyBytes = 1 << 20
)

// wire sends the two operations of the contract.
type wire struct {
	api gen.ClientInterface
}

func newWire(baseURL string, hc *http.Client, userAgent string) (*wire, error) {
	setUA := func(_ context.Context, r *http.Request) error {
		r.Header.Set("User-Agent", userAgent)
		return nil
	}
	api, err := gen.NewClient(baseURL, gen.WithHTTPClient(hc), gen.WithRequestEditorFn(setUA))
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	return &wire{api: api}, nil
}

// tokenByAkSk trades the app's credentials for an AccessToken whose Expiry
// is read on now: the clock at the moment the request left plus the
// lifetime the server grants, so a slow answer errs on the early side.
func (w *wire) tokenByAkSk(ctx context.Context, appKey, appSecret string, now func() time.Time) (*oauth2.Token, error) {
	body, err := json.Marshal(gen.AccessTokenRequest{AppKey: appKey, AppSecret: appSecret})
	if err != nil {
		return nil, fmt.Errorf("client: %s: %w", opTokenByAkSk, err)
	}
	issued := now()
	resp, err := w.api.TokenByAkSkWithBody(ctx, nil, jsonContentType, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("client: %s: %w", opTokenByAkSk, err)
	}
	data, err := readBody(resp)
	if err != nil || resp.StatusCode != http.StatusOK {
		return nil, newAPIError(opTokenByAkSk, resp.StatusCode, data, err)
	}
	var res gen.AccessTokenResult
	if err := json.Unmarshal(data, &res); err != nil {
		return nil, malformed(opTokenByAkSk, resp.StatusCode, err)
	}
	if res.AccessToken == "" {
		return nil, malformed(opTokenByAkSk, resp.StatusCode, errors.New("AccessToken is empty"))
	}
	if !strings.EqualFold(string(res.ApplyType), string(gen.ApplyTypeBearer)) {
		return nil, malformed(opTokenByAkSk, resp.StatusCode, errors.New("ApplyType is not Bearer"))
	}
	lifetime, err := parseSeconds(res.Expires)
	if err != nil {
		return nil, malformed(opTokenByAkSk, resp.StatusCode, fmt.Errorf("Expires: %w", err))
	}
	return &oauth2.Token{
		AccessToken: res.AccessToken,
		TokenType:   "Bearer",
		Expiry:      issued.Add(lifetime),
	}, nil
}

// applyToken makes one applyToken call with the given AccessToken. The
// token's Expiry is one hour from the moment the request left, on now.
func (w *wire) applyToken(ctx context.Context, appKey string, at *oauth2.Token, req ApplyTokenRequest, now func() time.Time) (*Token, error) {
	body, err := json.Marshal(gen.ApplyTokenRequest{
		UserId:    req.UserID,
		UserName:  req.UserName,
		ChannelId: req.ChannelID,
		Locale:    req.Locale,
	})
	if err != nil {
		return nil, fmt.Errorf("client: %s: %w", opApplyToken, err)
	}
	auth := func(_ context.Context, r *http.Request) error {
		setCredentials(r.Header, appKey, at)
		return nil
	}
	issued := now()
	resp, err := w.api.ApplyTokenWithBody(ctx, jsonContentType, bytes.NewReader(body), auth)
	if err != nil {
		return nil, fmt.Errorf("client: %s: %w", opApplyToken, err)
	}
	data, err := readBody(resp)
	if err != nil || resp.StatusCode != http.StatusOK {
		return nil, newAPIError(opApplyToken, resp.StatusCode, data, err)
	}
	var res gen.ApplyTokenResult
	if err := json.Unmarshal(data, &res); err != nil {
		return nil, malformed(opApplyToken, resp.StatusCode, err)
	}
	switch res.ResultCode {
	case gen.ResultCodeSuccess:
		if res.Token == "" {
			return nil, malformed(opApplyToken, resp.StatusCode, errors.New(`token is empty with resultCode "0"`))
		}
		return &Token{Value: res.Token, Expiry: issued.Add(messagingTokenLifetime)}, nil
	case "":
		return nil, malformed(opApplyToken, resp.StatusCode, errors.New("resultCode is missing"))
	default:
		// "1" is the documented failure; any other code is a failure too.
		rerr := &ResultError{ResultCode: string(res.ResultCode)}
		if res.ResultDesc != nil {
			rerr.ResultDesc = *res.ResultDesc
		}
		return nil, rerr
	}
}

// setCredentials puts the two credentials every CC-Messaging call after
// tokenByAkSk carries.
func setCredentials(h http.Header, appKey string, at *oauth2.Token) {
	h.Set("x-app-key", appKey)
	h.Set("Authorization", "Bearer "+at.AccessToken)
}

// readBody reads at most maxBodyBytes of resp's body and closes it.
func readBody(resp *http.Response) ([]byte, error) {
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading body: %w", err)
	}
	if len(data) > maxBodyBytes {
		return nil, fmt.Errorf("body is larger than %d bytes", maxBodyBytes)
	}
	return data, nil
}

// newAPIError builds the error for a non-200 answer, or for any answer
// whose body could not be read. The status survives whatever the body is.
func newAPIError(op string, status int, body []byte, readErr error) *APIError {
	e := &APIError{StatusCode: status, op: op, err: readErr}
	if readErr != nil {
		return e
	}
	var doc gen.Error
	switch err := json.Unmarshal(body, &doc); {
	case len(bytes.TrimSpace(body)) == 0:
		e.err = errors.New("empty body")
	case err != nil:
		e.err = fmt.Errorf("malformed body: %w", err)
	case doc.ErrorCode == "" && doc.ExceptionInfo == "":
		e.err = errors.New("malformed body: errorCode and exceptionInfo are missing")
	default:
		e.ErrorCode, e.ExceptionInfo = doc.ErrorCode, doc.ExceptionInfo
	}
	return e
}

func malformed(op string, status int, err error) *APIError {
	return &APIError{StatusCode: status, op: op, err: fmt.Errorf("malformed body: %w", err)}
}

// parseSeconds reads a lifetime in decimal seconds, as the contract sends
// Expires.
func parseSeconds(s string) (time.Duration, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%q is not a number of seconds", s)
	}
	if n > math.MaxInt64/int64(time.Second) {
		return 0, fmt.Errorf("%s seconds is too long", s)
	}
	return time.Duration(n) * time.Second, nil
}
