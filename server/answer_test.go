package server

import (
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/aicc-kit/applytoken/gen"
)

// answer.go writes the 200s that the generated Visit methods would write.
// These hold the two to the same bytes, headers included, with Visit (and
// encoding/json under it) as the oracle.

func answerStrings() []string {
	s := []string{"", "0", "1", "no-store", "Bearer", "demo-app-key", "a\"b\\c", "<script>&amp;</script>", "\b\f\n\r\t\x00\x01\x1f\x7f",
		"é", "\U0001F600", "\u2028\u2029", "\xff", "a\xffb", "\xed\xa0\x80", "\xc3", "\ufffd", strings.Repeat("x", 300)}
	for c := range 0x80 {
		s = append(s, string(rune(c)))
	}
	return s
}

func TestAnswerMatchesVisit(t *testing.T) {
	for _, v := range answerStrings() {
		checkAnswers(t, v, v, v)
	}
	checkAnswers(t, "tok", "", "")
}

// FuzzAnswerMatchesVisit: for any strings in any field, the same bytes.
func FuzzAnswerMatchesVisit(f *testing.F) {
	for _, v := range answerStrings() {
		f.Add(v, v, v)
	}
	f.Fuzz(checkAnswers)
}

func checkAnswers(t *testing.T, a, b, c string) {
	t.Helper()
	desc := &b
	if b == "" {
		desc = nil
	}
	apply := gen.ApplyToken200JSONResponse{
		Body:    gen.ApplyTokenResult{Token: a, ResultCode: gen.ApplyTokenResultResultCode(c), ResultDesc: desc},
		Headers: gen.ApplyToken200ResponseHeaders{CacheControl: c},
	}
	sameAnswer(t, "applyToken",
		func(w http.ResponseWriter) error { return apply.VisitApplyTokenResponse(w) },
		func(w http.ResponseWriter) error { return writeApplyToken200(w, apply) })
	opt := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	access := gen.TokenByAkSk200JSONResponse{
		Body: gen.AccessTokenResult{AccessToken: a, AppKey: opt(b), ApplyType: gen.AccessTokenResultApplyType(c),
			CreateTime: b, Expires: c, Scope: opt(c), UserID: opt(a)},
		Headers: gen.TokenByAkSk200ResponseHeaders{CacheControl: b},
	}
	sameAnswer(t, "tokenByAkSk",
		func(w http.ResponseWriter) error { return access.VisitTokenByAkSkResponse(w) },
		func(w http.ResponseWriter) error { return writeTokenByAkSk200(w, access) })
}

func sameAnswer(t *testing.T, op string, visit, write func(http.ResponseWriter) error) {
	t.Helper()
	want, got := httptest.NewRecorder(), httptest.NewRecorder()
	if err := visit(&responseWriter{ResponseWriter: want}); err != nil {
		t.Fatal(err)
	}
	if err := write(&responseWriter{ResponseWriter: got}); err != nil {
		t.Fatal(err)
	}
	if got.Code != want.Code || !reflect.DeepEqual(got.Header(), want.Header()) || got.Body.String() != want.Body.String() {
		t.Errorf("%s: wrote %d %v %q; Visit writes %d %v %q", op,
			got.Code, got.Header(), got.Body, want.Code, want.Header(), want.Body)
	}
}
