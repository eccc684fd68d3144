// Package client is the Go client of the AICC CC-Messaging applyToken
// interface: it trades an app key and secret for an AccessToken
// (tokenByAkSk), trades that for the one-hour ccmessaging-token
// (applyToken), keeps both fresh, and adds them to later CC-Messaging calls.
//
//	c, err := client.New("https://service.besclouds.com", client.WithCredentials(appKey, appSecret))
//	ts := c.TokenSource(client.ApplyTokenRequest{UserID: "user-0001", UserName: "Alice", ChannelID: "demo-channel", Locale: "en"})
//	hc := &http.Client{Transport: &client.Transport{Source: ts}} // every request now carries ccmessaging-token, x-app-key and Authorization
//
// # Tokens
//
// The AccessToken leg is an [oauth2.TokenSource]: tokenByAkSk behind
// [oauth2.ReuseTokenSourceWithExpiry], renewed 30 seconds before it
// expires, or whatever source [WithAccessTokenSource] names.
// [Client.ApplyToken] makes one applyToken call; [Client.TokenSource]
// returns a [MessagingTokenSource] that caches the token of one user
// session, refreshes it five minutes (see [WithRefreshMargin]) before its
// hour ends, and makes one upstream call however many goroutines ask at
// once. [Transport] uses a MessagingTokenSource for later calls.
//
// # Errors
//
// An answer other than 200 becomes an [*APIError], matched with
// [errors.As] or, by status, with [errors.Is] and the sentinels
// [ErrBadRequest], [ErrUnauthorized], [ErrForbidden], [ErrNotFound],
// [ErrPayloadTooLarge] and [ErrServer]. A 200 answer with resultCode "1"
// becomes a [*ResultError]. Input that breaks the contract is refused
// before anything is sent, with a [*ValidationError] naming the field.
//
// Nothing in this package logs, and no error message carries a token or
// the app secret.
package client
