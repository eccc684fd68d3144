// Package client is the Go client of the AICC CC-Messaging applyToken
// interface: it trades an app key and secret for an AccessToken
// (tokenByAkSk), trades that for the ccmessaging-token (applyToken), keeps
// both fresh, and adds them to later CC-Messaging calls.
//
//	c, err := client.New("https://service.besclouds.com", client.WithCredentials(appKey, appSecret))
//	ts := c.TokenSource(client.ApplyTokenRequest{UserID: "user-0001", UserName: "Alice", ChannelID: "demo-channel", Locale: "en"})
//	hc := &http.Client{Transport: &client.Transport{Source: ts}} // every request now carries ccmessaging-token, x-app-key and Authorization
//
// # The contract
//
// Everything the package knows of the interface comes from its OpenAPI
// document, openapi/applytoken.yaml, through code generated from it:
// [ApplyTokenRequest] and [ApplyTokenResult] are the generated models, so
// a property the contract adds is a field after `make generate`; a request
// is checked against the contract's schema, with the checks the stub runs,
// before anything is sent; the header names are those of its security
// schemes; a token's lifetime is the one the contract gives its answer.
//
// # Tokens
//
// The AccessToken comes from tokenByAkSk, or from whatever
// [oauth2.TokenSource] [WithAccessTokenSource] names, and is renewed 30
// seconds before it expires. [Client.ApplyToken] makes one applyToken call
// and returns a [Token] carrying the whole answer; [Client.TokenSource]
// returns a [MessagingTokenSource] that caches the token of one user
// session, refreshes it five minutes (see [WithRefreshMargin]) before it
// expires (the lifetime the contract gives the answer: the vendor's hour
// unless a property of the answer says otherwise; see [Token]), and
// makes one upstream call however many goroutines ask at once, whose
// outcome (a token or an error) they all get. Both legs share one small
// cache: a lock-free read on the warm path, one refresh at a time that a
// waiter can give up on, invalidation of a refused token and replacement
// by a rotated one. [Transport] uses a MessagingTokenSource for
// later calls.
//
// # Errors
//
// An answer other than 200 becomes an [*APIError] carrying its status,
// its headers (such as Retry-After) and its Error body, matched with
// [errors.As] or, by status, with [errors.Is] and the sentinels
// [ErrBadRequest], [ErrUnauthorized], [ErrForbidden], [ErrNotFound],
// [ErrPayloadTooLarge] and [ErrServer] (any 5xx). A 200 answer with
// resultCode "1" becomes a [*ResultError]. Input that breaks the contract
// is refused before anything is sent, with a [*ValidationError] naming the
// field as the wire spells it, or "body" for a body over the contract's
// x-max-body-bytes.
//
// Nothing in this package logs, and no error message carries a token or
// the app secret.
package client
