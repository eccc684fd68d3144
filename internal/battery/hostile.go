package battery

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/aicc-kit/applytoken/openapi"
)

// Cases returns the battery: at least 200 cases, names unique, in a fixed
// order. Callers may change the returned headers; bodies are shared and
// must not be changed.
//
// Where the contract holds what the battery derives no cases for yet (a
// header parameter or a body property of a new kind), Cases leaves it
// out and Gaps names it; Run and the battery's own tests fail on each.
func Cases() []Case {
	cs := slices.Clone(generated().cases)
	for i := range cs {
		cs[i].Header = cs[i].Header.Clone()
	}
	return cs
}

// Gaps names, one sentence each, what the contract asks of the battery
// that it cannot derive cases for yet: a header parameter of a type it
// does not vary, a body property of a new type. None means Cases covers
// the whole contract. A test that relies on the battery's reach should
// fail on each (Run does).
func Gaps() []string { return slices.Clone(generated().gaps) }

// battery is Cases and Gaps, generated once.
type battery struct {
	cases []Case
	gaps  []string
}

var generated = sync.OnceValue(func() battery {
	g := battery{cases: cases()}
	for _, op := range ops() {
		g.gaps = append(g.gaps, op.gaps...)
	}
	return g
})

// ops is operations(), read once: the cases and their gaps come from the
// same reading.
var ops = sync.OnceValue(operations)

func cases() []Case {
	var cs []Case
	var apply *operation
	for _, op := range ops() {
		if op.id == ApplyToken {
			apply = op
		}
		cs = append(cs, fieldCases(op)...)
		cs = append(cs, paramCases(op)...)
		cs = append(cs, bodyCases(op)...)
		cs = append(cs, contentTypeCases(op)...)
		cs = append(cs, methodCases(op)...)
		switch op.id {
		case ApplyToken:
			cs = append(cs, credentialCases(op)...)
		case TokenByAkSk:
			cs = append(cs, secretCases(op)...)
		}
	}
	return append(cs, pathCases(apply)...)
}

// bodyCases break or stretch the whole body: not JSON, not an object,
// cut short, followed by more, with unknown members of every kind, and
// over the cap.
func bodyCases(op *operation) []Case {
	ex := op.example.json()
	exs := string(ex)
	var cs []Case
	add := func(what string, body []byte, ok bool, note string) {
		cs = append(cs, op.bodyCase("json/"+what, body, ok, note))
	}
	for _, bad := range []struct{ what, body string }{
		{"empty body", ""},
		{"whitespace only", " \r\n\t "},
		{"null", "null"},
		{"true", "true"},
		{"a number", "0"},
		{"a string", `"` + jsonInner(exs) + `"`},
		{"empty array", "[]"},
		{"array holding the valid object", "[" + exs + "]"},
		{"empty object", "{}"},
		{"cut in half", exs[:len(exs)/2]},
		{"last brace missing", exs[:len(exs)-1]},
		{"cut inside a string", exs[:strings.Index(exs, ":")+3]},
		{"trailing brace", exs + "}"},
		{"trailing object", exs + " {}"},
		{"trailing letter", exs + "x"},
		{"trailing NUL", exs + "\x00"},
		{"trailing comma", exs + ","},
		{"two objects", exs + exs},
		{"comma before the brace", exs[:len(exs)-1] + ",}"},
		{"comment", "/* c */" + exs},
		{"single quotes", strings.ReplaceAll(exs, `"`, `'`)},
		{"unquoted names", unquotedNames(op.example)},
		{"unknown member NaN", string(op.example.plus("extra", "NaN").json())},
		{"unknown member Infinity", string(op.example.plus("extra", "Infinity").json())},
		{"unknown member hexadecimal", string(op.example.plus("extra", "0x10").json())},
		{"unknown member with a leading zero", string(op.example.plus("extra", "01").json())},
		{"unknown member 10001 levels deep", string(op.example.plus("extra", strings.Repeat("[", 10001)+strings.Repeat("]", 10001)).json())},
		{"every required member null", nullObject(op)},
	} {
		add(bad.what, []byte(bad.body), false, "")
	}
	for i := range cs {
		switch cs[i].Name {
		case op.id + "/json/unknown member 10001 levels deep":
			cs[i].Note = "deeper than encoding/json's limit of 10000 levels: refused without exhausting the stack"
		case op.id + "/json/trailing NUL", op.id + "/json/two objects", op.id + "/json/trailing object":
			cs[i].Note = "a JSON text is one value (RFC 8259 section 2); trailing data makes it not JSON"
		}
	}
	add("byte order mark", append([]byte("\xef\xbb\xbf"), ex...), false,
		"RFC 8259 section 8.1 lets a parser refuse a byte order mark, and a sender must not add one")
	add("surrounding whitespace", []byte("\r\n\t "+exs+" \n"), true, "whitespace around the value is JSON (RFC 8259 section 2)")
	add("every character of the names escaped", escapedNames(op.example), true, "an escaped member name is the same name")
	for _, extra := range []struct{ what, raw string }{
		{"string", `"x"`}, {"number", `-0.5e-3`}, {"true", `true`}, {"null", `null`},
		{"array", `[1,"a",null,{"b":[]}]`}, {"object", `{"a":{"b":{"c":1}}}`},
		{"64 levels deep", strings.Repeat("[", 64) + strings.Repeat("]", 64)},
		{"a 40-digit integer", "1234567890123456789012345678901234567890"},
		{"1e400, beyond any float64", "1e400"},
		{"a long escaped string", `"` + strings.Repeat(`\u00e9`, 4000) + `"`},
	} {
		add("unknown member: "+extra.what, op.example.plus("extra", extra.raw).json(), true,
			"unknown members are ignored (the spec: either side may add fields)")
	}
	add("unknown member: __proto__", op.example.plus("__proto__", `{"admin":true}`).json(), true, "an unknown member, nothing more")
	add("unknown member: 1 MiB", op.example.plus("extra", mustJSON(strings.Repeat("x", 1<<20))).json(), true, noteMiB)

	// The cap itself (x-max-body-bytes): a valid body padded with
	// whitespace to exactly the cap, and one byte more.
	pad := func(n int) []byte {
		return append(append([]byte{}, ex[:len(ex)-1]...), strings.Repeat(" ", n-len(ex))+"}"...)
	}
	if op.maxBody > 0 {
		add("exactly the cap", pad(op.maxBody), true, fmt.Sprintf("the cap is inclusive: %d bytes are allowed", op.maxBody))
		add("the cap and one byte", pad(op.maxBody+1), true, "one byte over the cap is a 413, before the body is parsed")
	}

	chunked := op.bodyCase("json/valid, chunked", ex, true, "no Content-Length: the body is read to its end")
	chunked.Chunked = true
	big := op.bodyCase("json/1 MiB, chunked", pad(1<<20), true, "no Content-Length: reading stops at the cap, 413")
	big.Chunked = true
	return append(cs, chunked, big)
}

func unquotedNames(o object) string {
	var b strings.Builder
	b.WriteByte('{')
	for i, f := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(f.name + ":" + f.raw)
	}
	return b.String() + "}"
}

func escapedNames(o object) []byte {
	var b strings.Builder
	b.WriteByte('{')
	for i, f := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"` + escapeAll(f.name) + `":` + f.raw)
	}
	return []byte(b.String() + "}")
}

func nullObject(op *operation) string {
	o := op.example
	for _, name := range op.body.Required {
		o = o.with(name, "null")
	}
	return string(o.json())
}

// contentTypeCases send the example body under Content-Types right, wrong,
// missing and odd. A media type's name is case-insensitive and its
// parameters do not change it (RFC 9110 section 8.3.1; RFC 8259 section 11
// defines no parameter for application/json, so a charset is ignored).
func contentTypeCases(op *operation) []Case {
	var cs []Case
	add := func(what string, values []string, ok bool, note string) {
		c := op.bodyCase("content-type/"+what, op.example.json(), ok, note)
		if values == nil {
			delete(c.Header, "Content-Type")
		} else {
			c.Header["Content-Type"] = values
		}
		cs = append(cs, c)
	}
	const same = "the same media type: names are case-insensitive, parameters do not change it"
	for _, ct := range []struct {
		v    string
		ok   bool
		note string
	}{
		{"application/json", true, ""},
		{"application/json; charset=UTF-8", true, "as the vendor documents"},
		{"application/json;charset=utf-8", true, same},
		{"APPLICATION/JSON", true, same},
		{"Application/Json; Charset=UTF-8", true, same},
		{"application/json ; charset=utf-8", true, same},
		{"application/json;", true, same},
		{"application/json; charset=ISO-8859-1", true, "RFC 8259 section 11: application/json has no charset parameter; the body is read as UTF-8"},
		{"application/json; foo=bar", true, same},
		{"", false, "present but empty"},
		{"text/plain", false, ""},
		{"text/json", false, ""},
		{"text/html", false, ""},
		{"application/xml", false, ""},
		{"application/x-www-form-urlencoded", false, ""},
		{"multipart/form-data; boundary=x", false, ""},
		{"application/octet-stream", false, ""},
		{"application/json-patch+json", false, "another media type"},
		{"application/vnd.api+json", false, "another media type"},
		{"application/jsonx", false, "another media type"},
		{"application/*", false, "a range, not a media type"},
		{"*/*", false, "a range, not a media type"},
		{"application/json, text/plain", false, "a list is not a media type"},
		{"json", false, "not a media type"},
	} {
		add(fmt.Sprintf("%q", ct.v), []string{ct.v}, ct.ok, ct.note)
	}
	add("missing", nil, false, "")
	add("given twice, same", []string{"application/json", "application/json"}, true,
		"both lines name the media type the contract wants; net/http and kin-openapi read the first")
	add("given twice, JSON first", []string{"application/json", "text/plain"}, true,
		"the first line decides, as net/http's Header.Get reads it; the body is JSON and keeps to the schema")
	add("given twice, JSON second", []string{"text/plain", "application/json"}, false,
		"the first line decides: text/plain")
	return cs
}

// methodCases send every other method to op's path: 405 with Allow.
func methodCases(op *operation) []Case {
	var cs []Case
	for _, m := range []string{"GET", "HEAD", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "FOO", strings.ToLower(op.method)} {
		cs = append(cs, Case{
			Name: op.id + "/method/" + m, Method: m, Path: op.path, Header: op.header(), Body: op.example.json(),
			Status: http.StatusMethodNotAllowed, Note: "RFC 9110 section 15.5.6: 405 with Allow: POST; method names are case-sensitive",
		})
	}
	return cs
}

// pathCases miss the contract's paths: 404 however near they come. The
// one that reaches applyToken (apply), with a query, carries its header.
func pathCases(apply *operation) []Case {
	const ap = openapi.ApplyTokenPath
	var cs []Case
	for _, p := range []struct{ what, path string }{
		{"root", "/"},
		{"unknown operation", "/apiaccess/ccmessaging/noSuchOperation"},
		{"other case", strings.ToLower(ap)},
		{"trailing slash", ap + "/"},
		{"double slash", "/" + ap},
		{"dot segment", "/apiaccess/ccmessaging/../ccmessaging/applyToken"},
		{"percent-encoded letter", "/apiaccess/ccmessaging/apply%54oken"},
		{"percent-encoded slash", "/apiaccess%2Fccmessaging/applyToken"},
		{"suffix", ap + "x"},
		{"a path parameter", ap + "/1"},
		{"semicolon", ap + ";x=1"},
		{"2 KiB path", "/" + strings.Repeat("a", 2<<10)},
	} {
		cs = append(cs, Case{
			Name: "path/" + p.what, Method: http.MethodPost, Path: p.path, Header: applyHeader(), Body: []byte(`{}`),
			Status: http.StatusNotFound, Note: "a path is matched exactly as spelled, so no router further in reads it differently",
		})
	}
	q := Case{
		Name: "path/query on applyToken", Operation: ApplyToken, Method: http.MethodPost, Path: ap + "?userId=x&token=y",
		Header: apply.header(), Status: http.StatusOK, Validation: Accepted, Note: "the contract declares no query parameter; an unknown one is ignored",
	}
	q.Body = []byte(applyBody)
	return append(cs, q)
}

// credentialCases vary applyToken's x-app-key and Authorization: the
// header names in any case, the Bearer scheme in any case, every other
// credential 401 or 403, checked before the body.
func credentialCases(op *operation) []Case {
	var cs []Case
	add := func(what string, status int, note string, edit func(http.Header)) {
		c := op.bodyCase("credentials/"+what, op.example.json(), true, note)
		if status != http.StatusOK {
			c.Status, c.Validation = status, Unreached
		}
		edit(c.Header)
		cs = append(cs, c)
	}
	rename := func(from, to string) func(http.Header) {
		return func(h http.Header) { h[to] = h[from]; delete(h, from) }
	}
	set := func(name string, values ...string) func(http.Header) {
		return func(h http.Header) { h[name] = values }
	}
	const anyCase = "header names are case-insensitive (RFC 9110 section 5.1); real integrations send X-APP-Key"
	for _, name := range []string{"X-APP-Key", "x-app-key", "X-APP-KEY", "x-App-kEY"} {
		add("x-app-key spelled "+name, http.StatusOK, anyCase, rename("X-App-Key", name))
	}
	for _, name := range []string{"authorization", "AUTHORIZATION"} {
		add("Authorization spelled "+name, http.StatusOK, anyCase, rename("Authorization", name))
	}
	const scheme = "the auth scheme is case-insensitive (RFC 9110 section 11.1)"
	for _, s := range []string{"bearer", "BEARER", "bEaReR"} {
		add("scheme "+s, http.StatusOK, scheme, set("Authorization", s+" "+AccessTokenPlaceholder))
	}

	const unauthorized = "401: the credential is missing, not Bearer <token> with one space, or the app key unknown"
	for _, u := range []struct {
		what string
		edit func(http.Header)
	}{
		{"x-app-key missing", func(h http.Header) { delete(h, "X-App-Key") }},
		{"x-app-key empty", set("X-App-Key", "")},
		{"x-app-key spelled with underscores", rename("X-App-Key", "X_App_Key")},
		{"x-app-key unknown", set("X-App-Key", "no-such-app")},
		{"x-app-key in other case", set("X-App-Key", strings.ToUpper(AppKey))},
		{"x-app-key with a suffix", set("X-App-Key", AppKey+"x")},
		{"x-app-key a prefix", set("X-App-Key", AppKey[:4])},
		{"x-app-key not UTF-8", set("X-App-Key", AppKey+"\xff")},
		{"x-app-key 8 KiB", set("X-App-Key", strings.Repeat("k", 8<<10))},
		{"x-app-key twice, same", set("X-App-Key", AppKey, AppKey)},
		{"x-app-key twice, spelled differently", func(h http.Header) { h["x-app-key"] = []string{AppKey} }},
		{"x-app-key a list", set("X-App-Key", AppKey+", "+AppKey)},
		{"Authorization missing", func(h http.Header) { delete(h, "Authorization") }},
		{"Authorization empty", set("Authorization", "")},
		{"Authorization twice, same", set("Authorization", "Bearer "+AccessTokenPlaceholder, "Bearer "+AccessTokenPlaceholder)},
		{"Authorization twice, spelled differently", func(h http.Header) { h["authorization"] = []string{"Bearer " + AccessTokenPlaceholder} }},
		{"both credentials missing", func(h http.Header) { delete(h, "Authorization"); delete(h, "X-App-Key") }},
		{"scheme Basic", set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(AppKey+":"+AppSecret)))},
		{"scheme Token", set("Authorization", "Token "+AccessTokenPlaceholder)},
		{"scheme Digest", set("Authorization", "Digest "+AccessTokenPlaceholder)},
		{"scheme Bearer with a colon", set("Authorization", "Bearer: "+AccessTokenPlaceholder)},
		{"scheme alone", set("Authorization", "Bearer")},
		{"no space after the scheme", set("Authorization", "Bearer"+AccessTokenPlaceholder)},
		{"two spaces after the scheme", set("Authorization", "Bearer  "+AccessTokenPlaceholder)},
		{"a tab after the scheme", set("Authorization", "Bearer\t"+AccessTokenPlaceholder)},
		{"token without a scheme", set("Authorization", AccessTokenPlaceholder)},
		{"two tokens", set("Authorization", "Bearer "+AccessTokenPlaceholder+" "+AccessTokenPlaceholder)},
		{"two credentials in one line", set("Authorization", "Bearer "+AccessTokenPlaceholder+", Bearer "+AccessTokenPlaceholder)},
	} {
		add(u.what, http.StatusUnauthorized, unauthorized, u.edit)
	}

	const forbidden = "403: a Bearer credential whose AccessToken fails its check"
	for _, f := range []struct{ what, token string }{
		{"forged", "forged-access-token"},
		{"JWT-shaped", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."},
		{"token and one more character", AccessTokenPlaceholder + "A"},
		{"token and two more characters", AccessTokenPlaceholder + "AA"},
		{"token padded with =", AccessTokenPlaceholder + "="},
		{"token with standard base64 characters", AccessTokenPlaceholder + "+/"},
		{"token not UTF-8", AccessTokenPlaceholder + "\xff"},
		{"4 KiB token", strings.Repeat("A", 4<<10)},
	} {
		add("AccessToken "+f.what, http.StatusForbidden, forbidden, set("Authorization", "Bearer "+f.token))
	}

	// Credentials come before the body: a refused caller learns nothing of
	// the schema, and a body over the cap is never read.
	before := func(what string, status int, body []byte, edit func(http.Header)) {
		c := Case{
			Name: op.id + "/credentials/" + what, Operation: op.id, Method: op.method, Path: op.path,
			Header: op.header(), Body: body, Status: status, Validation: Unreached,
			Note: "credentials are checked before the body",
		}
		edit(c.Header)
		cs = append(cs, c)
	}
	big := op.example.plus("extra", mustJSON(strings.Repeat("x", 1<<20))).json()
	before("missing, with a body that is not JSON", http.StatusUnauthorized, []byte("not json"), func(h http.Header) { delete(h, "Authorization") })
	before("missing, with a 1 MiB body", http.StatusUnauthorized, big, func(h http.Header) { delete(h, "X-App-Key") })
	before("forged, with a body that is not JSON", http.StatusForbidden, []byte("not json"), set("Authorization", "Bearer forged"))
	before("forged, with a 1 MiB body", http.StatusForbidden, big, set("Authorization", "Bearer forged"))
	before("forged, with no Content-Type", http.StatusForbidden, op.example.json(), func(h http.Header) {
		h["Authorization"] = []string{"Bearer forged"}
		delete(h, "Content-Type")
	})
	return cs
}

// secretCases are tokenByAkSk bodies the schema accepts but the demo app
// does not: 401, whichever part is wrong.
func secretCases(op *operation) []Case {
	var cs []Case
	for _, s := range []struct{ what, key, secret string }{
		{"wrong secret", AppKey, AppSecret + "x"},
		{"secret in other case", AppKey, strings.ToUpper(AppSecret)},
		{"secret with a trailing space", AppKey, AppSecret + " "},
		{"secret with a NUL", AppKey, AppSecret + "\x00"},
		{"secret a prefix", AppKey, AppSecret[:len(AppSecret)-1]},
		{"unknown key", "no-such-app", AppSecret},
		{"key in other case", strings.ToUpper(AppKey), AppSecret},
		{"key and secret swapped", AppSecret, AppKey},
	} {
		body := op.example.with("app_key", mustJSON(s.key)).with("app_secret", mustJSON(s.secret)).json()
		cs = append(cs, op.bodyCase("credentials/"+s.what, body, true, "the same 401 whichever part is wrong"))
	}
	ignored := op.bodyCase("credentials/applyToken's headers ignored", op.example.json(), true, "tokenByAkSk has no security requirement")
	ignored.Header["Authorization"] = []string{"Bearer forged"}
	ignored.Header["X-App-Key"] = []string{"no-such-app"}
	return append(cs, ignored)
}
