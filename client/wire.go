package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"golang.org/x/oauth2"

	"github.com/aicc-kit/applytoken/gen/apiclient"
	"github.com/aicc-kit/applytoken/gen/contract"
	"github.com/aicc-kit/applytoken/internal/rules"
)

// This file is where the client meets the wire: requests go out through
// gen/apiclient's typed client, answers are checked against gen/contract's
// schemas and become this package's types here and nowhere else.

const (
	// jsonContentType is what the vendor's pages show; the generated client
	// would send plain application/json. encodeRequest checks it against
	// the media types the contract lists.
	jsonContentType = "application/json; charset=UTF-8"

	// maxBodyBytes caps how much of any answer is read.
	maxBodyBytes = 1 << 20
)

// The credential headers, where the contract's security schemes put them,
// in canonical form so that setting one costs no allocation. The
// AccessToken goes where an http bearer scheme puts it (RFC 6750, section
// 2.1); security_test.go fails if the contract's scheme is another.
var (
	headerAppKey         = http.CanonicalHeaderKey(contract.SchemeAppKey.Name)
	headerMessagingToken = http.CanonicalHeaderKey(contract.SchemeMessagingToken.Name)
)

const (
	headerAuthorization = "Authorization"
	bearerPrefix        = "Bearer "
)

// wire sends the two operations of the contract.
type wire struct {
	api    apiclient.ClientInterface
	appKey string
	now    func() time.Time
}

func newWire(baseURL string, s settings) (*wire, error) {
	setUA := func(_ context.Context, r *http.Request) error {
		r.Header.Set("User-Agent", s.userAgent)
		return nil
	}
	api, err := apiclient.NewClient(baseURL, apiclient.WithHTTPClient(s.httpClient), apiclient.WithRequestEditorFn(setUA))
	if err != nil {
		return nil, fmt.Errorf("client: %w", err)
	}
	return &wire{api: api, appKey: s.appKey, now: s.now}, nil
}

// tokenByAkSk trades the app's credentials for an AccessToken whose Expiry
// is the moment the request left, on the client's clock, plus the lifetime
// the answer grants, so that a slow answer errs on the early side.
func (w *wire) tokenByAkSk(ctx context.Context, appSecret string) (*oauth2.Token, error) {
	const op = contract.OpTokenByAkSk
	body, err := json.Marshal(apiclient.AccessTokenRequest{AppKey: w.appKey, AppSecret: appSecret})
	if err != nil {
		return nil, fmt.Errorf("client: %s: %w", op, err)
	}
	issued := w.now()
	resp, err := w.api.TokenByAkSkWithBody(ctx, &apiclient.TokenByAkSkParams{}, jsonContentType, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("client: %s: %w", op, err)
	}
	var res apiclient.AccessTokenResult
	if err := readResult(op, resp, contract.AccessTokenResultSchema, &res); err != nil {
		return nil, err
	}
	lifetime, ok := res.Lifetime()
	if !ok {
		return nil, newAPIError(op, resp, errors.New("malformed body: the lifetime of the AccessToken is out of range"))
	}
	return &oauth2.Token{AccessToken: res.AccessToken, TokenType: string(res.ApplyType), Expiry: issued.Add(lifetime)}, nil
}

// applyToken makes one applyToken call with the given AccessToken and
// body, which encodeRequest has checked.
func (w *wire) applyToken(ctx context.Context, at *oauth2.Token, body []byte) (*Token, error) {
	const op = contract.OpApplyToken
	auth := func(_ context.Context, r *http.Request) error {
		setBearer(r.Header, at)
		return nil
	}
	issued := w.now()
	resp, err := w.api.ApplyTokenWithBody(ctx, &apiclient.ApplyTokenParams{XAppKey: w.appKey}, jsonContentType, bytes.NewReader(body), auth)
	if err != nil {
		return nil, fmt.Errorf("client: %s: %w", op, err)
	}
	var res ApplyTokenResult
	if err := readResult(op, resp, contract.ApplyTokenResultSchema, &res); err != nil {
		return nil, err
	}
	if res.ResultCode != apiclient.ResultCodeSuccess {
		rerr := &ResultError{ResultCode: string(res.ResultCode)}
		if res.ResultDesc != nil {
			rerr.ResultDesc = *res.ResultDesc
		}
		return nil, rerr
	}
	if res.Token == "" {
		return nil, newAPIError(op, resp, fmt.Errorf("malformed body: token is empty with resultCode %q", res.ResultCode))
	}
	tok, err := newToken(res, issued)
	if err != nil {
		return nil, newAPIError(op, resp, err)
	}
	return tok, nil
}

// newToken is the token res issues, its lifetime counted from issued.
func newToken(res ApplyTokenResult, issued time.Time) (*Token, error) {
	lifetime, ok := res.Lifetime()
	if !ok {
		return nil, errors.New("malformed body: the answer does not say how long the token lives")
	}
	return &Token{Value: res.Token, Expiry: issued.Add(lifetime), Result: res}, nil
}

// setCredentials puts the two credentials every CC-Messaging call after
// tokenByAkSk carries.
func setCredentials(h http.Header, appKey string, at *oauth2.Token) {
	h[headerAppKey] = []string{appKey}
	setBearer(h, at)
}

func setBearer(h http.Header, at *oauth2.Token) {
	h[headerAuthorization] = []string{bearerPrefix + at.AccessToken}
}

// readResult reads resp's body into v, a model of schema. An answer other
// than 200, or a body that cannot be read or is not what schema says,
// gives an *APIError; the status and headers survive whatever the body is.
func readResult(op string, resp *http.Response, schema *rules.Schema, v any) error {
	data, err := readBody(resp)
	switch {
	case err != nil:
		return newAPIError(op, resp, err)
	case resp.StatusCode != http.StatusOK:
		return errorAnswer(op, resp, data)
	}
	if err := decode(data, schema, v); err != nil {
		return newAPIError(op, resp, err)
	}
	return nil
}

// errorAnswer is the *APIError of a non-200 answer, with the contract's
// Error body when it is one.
func errorAnswer(op string, resp *http.Response, data []byte) *APIError {
	var doc apiclient.Error
	err := decode(data, contract.ErrorSchema, &doc)
	e := newAPIError(op, resp, err)
	if err == nil {
		e.ErrorCode, e.ExceptionInfo = doc.ErrorCode, doc.ExceptionInfo
	}
	e.Body = data
	return e
}

// decode checks data against schema, with the checks the stub runs on
// requests, and unmarshals it into v.
func decode(data []byte, schema *rules.Schema, v any) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return errors.New("empty body")
	}
	if vio := rules.First(schema.CheckJSON(data)); vio != nil {
		return fmt.Errorf("malformed body: %w", *vio)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("malformed body: %w", err)
	}
	return nil
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

func newAPIError(op string, resp *http.Response, err error) *APIError {
	return &APIError{StatusCode: resp.StatusCode, Header: resp.Header, op: op, err: err}
}
