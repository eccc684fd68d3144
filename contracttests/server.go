package contracttests

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Target names a server under test and the configuration it was started with.
type Target struct {
	// BaseURL is scheme and host, e.g. http://127.0.0.1:8080.
	BaseURL string
	// AppKey and AppSecret are credentials the server accepts.
	AppKey, AppSecret string
	// ChannelID is a configured, enabled channel; DisabledChannelID a
	// configured, disabled one.
	ChannelID, DisabledChannelID string
	// HTTPClient sends the requests; nil means a client with a 10 s timeout.
	HTTPClient *http.Client
	// FailNext, when set, makes the server answer the next call of the
	// operation (an operationId) with status. Some documented statuses
	// (tokenByAkSk's 500) cannot be caused from outside; without FailNext
	// their cases are reported as not driven, loudly.
	FailNext func(op string, status int) error
}

// maxBody bounds how much of an answer the suite reads.
const maxBody = 1 << 20

// RunServer drives every documented status of both operations against
// target, plus 405 on a known path, and validates every answer against the
// spec. It fails when the spec documents a status the suite has no case for.
func RunServer(t *testing.T, target Target) {
	t.Helper()
	c, err := loadContract()
	if err != nil {
		t.Fatal(err)
	}
	if err := target.check(); err != nil {
		t.Fatal(err)
	}
	if target.HTTPClient == nil {
		target.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	h := &harness{contract: c, target: target}
	cases := serverCases()
	results := map[pair]string{}
	for _, sc := range cases {
		p := pair{sc.op, sc.status}
		t.Run(p.String()+"/"+sc.name, func(t *testing.T) {
			defer func() { // deferred: t.Fatal and t.Skip end the goroutine
				switch {
				case t.Failed():
					results[p] = orMark(results[p], "failed")
				case t.Skipped():
					results[p] = orMark(results[p], "not driven")
				default:
					results[p] = "driven"
				}
			}()
			if sc.fault && target.FailNext == nil {
				t.Skipf("NOT DRIVEN: %s needs Target.FailNext; this target cannot be made to answer it", p)
			}
			h.run(t, sc)
		})
	}
	reportCoverage(t, "server", c.pairs, results)
}

func orMark(prev, mark string) string {
	if prev == "driven" {
		return prev
	}
	return mark
}

func (tg Target) check() error {
	var missing []string
	for name, v := range map[string]string{
		"BaseURL": tg.BaseURL, "AppKey": tg.AppKey, "AppSecret": tg.AppSecret,
		"ChannelID": tg.ChannelID, "DisabledChannelID": tg.DisabledChannelID,
	} {
		if v == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return errors.New("contracttests: Target needs " + strings.Join(missing, ", "))
	}
	return nil
}

// exchange is one request and its answer, read whole.
type exchange struct {
	req    *http.Request
	status int
	header http.Header
	body   []byte
}

// decode unmarshals the answer's body into v.
func (x *exchange) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(x.body, v); err != nil {
		t.Fatalf("body is not the JSON the spec documents: %v\n%s", err, x.body)
	}
}

type harness struct {
	contract *contract
	target   Target
}

// do sends method path with the given headers and body and reads the answer.
func (h *harness) do(t *testing.T, method, path string, header http.Header, body []byte) *exchange {
	t.Helper()
	req, err := http.NewRequest(method, strings.TrimRight(h.target.BaseURL, "/")+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body == nil {
		req.Body = http.NoBody
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := h.target.HTTPClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		t.Fatalf("%s %s: reading the answer: %v", method, path, err)
	}
	return &exchange{req: req, status: resp.StatusCode, header: resp.Header, body: data}
}

// jsonHeader is the Content-Type the vendor documents for applyToken.
func jsonHeader() http.Header {
	return http.Header{"Content-Type": {"application/json; charset=UTF-8"}}
}

// authHeader is jsonHeader plus both credentials of applyToken.
func authHeader(appKey, accessToken string) http.Header {
	h := jsonHeader()
	h.Set("x-app-key", appKey)
	h.Set("Authorization", "Bearer "+accessToken)
	return h
}

// run sends one case and applies the checks every answer must pass, then the
// case's own.
func (h *harness) run(t *testing.T, sc serverCase) {
	t.Helper()
	x := sc.send(t, h)
	if x.status != sc.status {
		t.Errorf("status %d; want %d (body %.300s)", x.status, sc.status, x.body)
	}
	if ct := x.header.Get("Content-Type"); !isJSON(ct) {
		t.Errorf("Content-Type %q; want application/json", ct)
	}
	h.checkSchema(t, sc, x)
	if x.status != http.StatusOK {
		var e struct{ ErrorCode, ExceptionInfo string }
		if json.Unmarshal(x.body, &e) != nil || e.ErrorCode == "" || e.ExceptionInfo == "" {
			t.Errorf("error answer lacks errorCode or exceptionInfo: %.300s", x.body)
		}
	}
	if x.status == http.StatusOK {
		if cc := x.header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("Cache-Control %q on a token answer; want no-store", cc)
		}
	}
	if sc.check != nil && !t.Failed() {
		sc.check(t, h, x)
	}
}

// checkSchema validates the answer against the operation's documented
// responses, or against the Error schema for a 405 on a known path.
func (h *harness) checkSchema(t *testing.T, sc serverCase, x *exchange) {
	t.Helper()
	if sc.status == http.StatusMethodNotAllowed {
		if x.status != http.StatusMethodNotAllowed {
			return // already reported; the body belongs to another status
		}
		if err := h.contract.validateError(x.body); err != nil {
			t.Errorf("405 body: %v", err)
		}
		return
	}
	if err := h.contract.validateResponse(sc.op, x.req, x.status, x.header, x.body); err != nil {
		t.Error(err)
	}
}

// accessToken fetches a fresh AccessToken from the target.
func (h *harness) accessToken(t *testing.T) string {
	t.Helper()
	x := h.do(t, http.MethodPost, h.contract.path(opTokenByAkSk), jsonHeader(), h.credentials(h.target.AppKey, h.target.AppSecret))
	if x.status != http.StatusOK {
		t.Fatalf("tokenByAkSk with the target's credentials: status %d: %.300s", x.status, x.body)
	}
	var r struct{ AccessToken string }
	x.decode(t, &r)
	if r.AccessToken == "" {
		t.Fatal("tokenByAkSk returned an empty AccessToken")
	}
	return r.AccessToken
}

func (h *harness) credentials(key, secret string) []byte {
	return mustJSON(map[string]string{"app_key": key, "app_secret": secret})
}

// applyBody is a valid applyToken body for channel.
func applyBody(channel string) map[string]any {
	return map[string]any{"userId": "contract-user", "userName": "Contract Test", "channelId": channel, "locale": "en"}
}

func mustJSON(v any) []byte {
	data, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return data
}
