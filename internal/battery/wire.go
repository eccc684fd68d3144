package battery

import (
	"strconv"
	"strings"

	"github.com/aicc-kit/applytoken/openapi"
)

// applyBody is applyToken's request example.
const applyBody = `{"userId":"user-0001","userName":"Alice","channelId":"demo-channel","locale":"en"}`

// loginBody is tokenByAkSk's request example.
const loginBody = `{"app_key":"demo-app-key","app_secret":"demo-app-secret"}`

// Notes on the answers net/http gives before any handler runs. The stub
// cannot shape these (http.Server has no hook for them), so they carry
// net/http's text/plain body instead of the Error body; each is the
// status HTTP itself prescribes for a message that is not a valid request.
const (
	noteSyntax   = "not a valid HTTP/1.1 message (RFC 9112): net/http answers 400 before the stub sees it"
	noteTooLarge = "the head is over -max-header-bytes: net/http answers 431 (RFC 6585 section 5) before the stub sees it"
	noteCoding   = "an unknown transfer coding: net/http answers 501 (RFC 9112 section 6.1) before the stub sees it"
)

// WireCases returns the requests no http.Request can carry, as raw bytes.
// Their statuses assume the binary's default -max-header-bytes (16 KiB).
func WireCases() []WireCase {
	apply := func(extra, body string) string { return wire("POST", ApplyToken, applyHeaderLines+extra, body) }
	login := func(extra, body string) string {
		return wire("POST", TokenByAkSk, "Content-Type: application/json\r\n"+extra, body)
	}
	return []WireCase{
		// Header fields the stub reads, with what HTTP itself forbids.
		{Name: "NUL in x-app-key", Wire: strings.Replace(apply("", applyBody), "X-App-Key: "+AppKey, "X-App-Key: demo\x00app-key", 1), Status: 400, ByNetHTTP: true, Note: noteSyntax},
		{Name: "bare CR in Authorization", Wire: strings.Replace(apply("", applyBody), "Bearer ", "Bearer \r", 1), Status: 400, ByNetHTTP: true, Note: noteSyntax},
		{Name: "obsolete line folding", Wire: strings.Replace(apply("", applyBody), "X-App-Key: "+AppKey, "X-App-Key:\r\n "+AppKey, 1), Status: 200,
			Note: "RFC 9112 section 5.2: a server may replace obs-fold with a space instead of refusing it; net/http does"},
		{Name: "space before the colon", Wire: strings.Replace(apply("", applyBody), "X-App-Key:", "X-App-Key :", 1), Status: 400, ByNetHTTP: true, Note: noteSyntax},
		{Name: "header name with '@'", Wire: apply("X-App@Key: x\r\n", applyBody), Status: 400, ByNetHTTP: true, Note: noteSyntax},
		{Name: "header line without a colon", Wire: apply("X-App-Key\r\n", applyBody), Status: 400, ByNetHTTP: true, Note: noteSyntax},
		{Name: "no Host", Wire: strings.Replace(apply("", applyBody), "Host: HOST\r\n", "", 1), Status: 400, ByNetHTTP: true, Note: "RFC 9112 section 3.2: an HTTP/1.1 request without Host is a 400"},
		{Name: "two Hosts", Wire: apply("Host: other\r\n", applyBody), Status: 400, ByNetHTTP: true, Note: "RFC 9112 section 3.2: more than one Host is a 400"},
		{Name: "no HTTP version", Wire: "POST " + pathOf(ApplyToken) + "\r\nHost: HOST\r\n\r\n", Status: 400, ByNetHTTP: true, Note: noteSyntax},
		{Name: "head of 20 KiB", Wire: apply("X-Padding: "+strings.Repeat("p", 20<<10)+"\r\n", applyBody), Status: 431, ByNetHTTP: true, Note: noteTooLarge},
		{Name: "path of 20 KiB", Wire: "POST /" + strings.Repeat("a", 20<<10) + " HTTP/1.1\r\nHost: HOST\r\n\r\n", Status: 431, ByNetHTTP: true, Note: noteTooLarge},

		// Framing.
		{Name: "two different Content-Lengths", Wire: apply("Content-Length: 3\r\n", applyBody), Status: 400, ByNetHTTP: true, Note: "RFC 9112 section 6.3: conflicting lengths are a 400"},
		{Name: "the same Content-Length twice", Wire: apply("Content-Length: "+strconv.Itoa(len(applyBody))+"\r\n", applyBody), Status: 200, Note: "RFC 9110 section 8.6: identical values may be read as one"},
		{Name: "negative Content-Length", Wire: rawApply("Content-Length: -1\r\n", applyBody), Status: 400, ByNetHTTP: true, Note: noteSyntax},
		{Name: "Content-Length not a number", Wire: rawApply("Content-Length: ten\r\n", applyBody), Status: 400, ByNetHTTP: true, Note: noteSyntax},
		{Name: "Content-Length with a plus sign", Wire: rawApply("Content-Length: +"+strconv.Itoa(len(applyBody))+"\r\n", applyBody), Status: 400, ByNetHTTP: true, Note: noteSyntax},
		{Name: "Transfer-Encoding gzip", Wire: rawApply("Transfer-Encoding: gzip\r\n", applyBody), Status: 501, ByNetHTTP: true, Note: noteCoding},
		{Name: "Transfer-Encoding identity", Wire: rawApply("Transfer-Encoding: identity\r\n", applyBody), Status: 501, ByNetHTTP: true, Note: noteCoding},
		{Name: "Transfer-Encoding chunked twice", Wire: rawApply("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", chunk(applyBody)), Status: 501, ByNetHTTP: true, Note: noteCoding},
		{Name: "Transfer-Encoding and Content-Length", Wire: rawApply("Transfer-Encoding: chunked\r\nContent-Length: 3\r\n", chunk(applyBody)), Status: 200,
			Note: "RFC 9112 section 6.1: Transfer-Encoding overrides Content-Length; net/http drops the latter and reads the chunks"},
		{Name: "chunked", Wire: rawApply("Transfer-Encoding: chunked\r\n", chunk(applyBody)), Status: 200, Note: "the body is read through to its last chunk"},
		{Name: "chunk size not hexadecimal", Wire: rawApply("Transfer-Encoding: chunked\r\n", "zz\r\n"+applyBody+"\r\n0\r\n\r\n"), Status: 400,
			Note: "the body cannot be read: the stub answers 400 and net/http closes the connection"},
		{Name: "1 MiB declared, 10 bytes sent", Wire: rawApply("Content-Length: 1048576\r\n", applyBody[:10]), Status: 413,
			Note: "a declared length over the cap is a 413 at once, without waiting for the body"},
		{Name: "Expect 100-continue with 1 MiB declared", Wire: rawApply("Expect: 100-continue\r\nContent-Length: 1048576\r\n", ""), Status: 413,
			Note: "the stub answers 413 instead of 100 Continue: the body is never sent"},
		{Name: "no credentials, 1 MiB declared, nothing sent", Wire: strings.Replace(rawApply("Content-Length: 1048576\r\n", ""), "X-App-Key: "+AppKey+"\r\n", "", 1), Status: 401,
			Note: "credentials come before the body: the 401 does not wait for a body it will never read"},
		{Name: "forged AccessToken, 1 MiB declared, nothing sent", Wire: strings.Replace(rawApply("Content-Length: 1048576\r\n", ""), AccessTokenPlaceholder, "forged", 1), Status: 403,
			Note: "credentials come before the body: the 403 does not wait for a body it will never read"},
		{Name: "Expect 100-continue without credentials", Wire: strings.Replace(rawApply("Expect: 100-continue\r\nContent-Length: 100000\r\n", ""), "X-App-Key: "+AppKey+"\r\n", "", 1), Status: 401,
			Note: "the stub answers 401 instead of 100 Continue: the body is never sent"},
		{Name: "Expect something else", Wire: apply("Expect: teapot\r\n", applyBody), Status: 417, ByNetHTTP: true,
			Note: "RFC 9110 section 10.1.1: net/http answers an expectation it cannot meet with 417 before the stub sees the request"},

		// Request lines.
		{Name: "HTTP/1.0 without Host", Wire: strings.Replace(strings.Replace(login("", loginBody), "HTTP/1.1", "HTTP/1.0", 1), "Host: HOST\r\n", "", 1), Status: 200, Note: "Host is optional in HTTP/1.0"},
		{Name: "HTTP/2.0 on an HTTP/1 connection", Wire: strings.Replace(login("", loginBody), "HTTP/1.1", "HTTP/2.0", 1), Status: 505, ByNetHTTP: true,
			Note: "RFC 9110 section 15.6.6: net/http answers a major version it does not speak with 505"},
		{Name: "absolute-form target", Wire: strings.Replace(login("", loginBody), "POST /", "POST http://HOST/", 1), Status: 200, Note: "RFC 9112 section 3.2.2: a server accepts the absolute form"},
		{Name: "lowercase method", Wire: strings.Replace(login("", loginBody), "POST ", "post ", 1), Status: 405, Note: "method names are case-sensitive (RFC 9110 section 9.1)"},
		{Name: "OPTIONS *", Wire: "OPTIONS * HTTP/1.1\r\nHost: HOST\r\nContent-Length: 0\r\n\r\n", Status: 200, ByNetHTTP: true,
			Note: "RFC 9110 section 9.3.7: OPTIONS * asks about the server, not a path of the contract; net/http answers it with an empty 200"},
		{Name: "bare LF line ends", Wire: strings.ReplaceAll(login("", loginBody), "\r\n", "\n"), Status: 200, Note: "RFC 9112 section 2.2: a recipient may read a bare LF as a line end"},

		// Field values the stub reads, as only the wire can send them.
		{Name: "spaces around the credentials", Wire: strings.Replace(strings.Replace(apply("", applyBody), "X-App-Key: "+AppKey, "X-App-Key:   "+AppKey+"  \t", 1), "Authorization: Bearer", "Authorization: \t Bearer", 1), Status: 200,
			Note: "RFC 9110 section 5.5: surrounding whitespace is not part of a field value"},
		{Name: "spaces around X-Token-Expire", Wire: login("X-Token-Expire:  "+paramDefault(TokenByAkSk, "X-Token-Expire")+" \t\r\n", loginBody), Status: 200, Note: "RFC 9110 section 5.5: surrounding whitespace is not part of a field value"},
		{Name: "Latin-1 bytes in an unknown header", Wire: login("X-Note: caf\xe9\r\n", loginBody), Status: 200, Note: "RFC 9110 section 5.5: obs-text is allowed in a field value; the stub ignores the field"},
		{Name: "500 unknown headers", Wire: login(strings.Repeat("X-N: 1\r\n", 500), loginBody), Status: 200, Note: "many fields, yet under -max-header-bytes"},
	}
}

// applyHeaderLines are applyToken's header lines with the demo app's credentials.
const applyHeaderLines = "Content-Type: application/json; charset=UTF-8\r\nX-App-Key: " + AppKey + "\r\nAuthorization: Bearer " + AccessTokenPlaceholder + "\r\n"

// wire is a request for op with header lines extra, then Content-Length and body.
func wire(method, op, extra, body string) string {
	return method + " " + pathOf(op) + " HTTP/1.1\r\nHost: HOST\r\n" + extra +
		"Content-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body
}

// rawApply is an applyToken request whose framing lines are all in extra.
func rawApply(extra, body string) string {
	return "POST " + pathOf(ApplyToken) + " HTTP/1.1\r\nHost: HOST\r\n" + applyHeaderLines + extra + "\r\n" + body
}

func chunk(body string) string {
	return strconv.FormatInt(int64(len(body)), 16) + "\r\n" + body + "\r\n0\r\n\r\n"
}

func pathOf(op string) string { return openapi.Operation(op).Path }

// paramDefault is the default of op's header parameter name, as the
// contract writes it: a value in its bounds.
func paramDefault(op, name string) string {
	for _, p := range openapi.Operation(op).Params {
		if p.Name == name && p.Schema != nil && p.Schema.Default != "" {
			return p.Schema.Default
		}
	}
	panic("battery: the contract's " + op + " has no header parameter " + name + " with a default")
}
