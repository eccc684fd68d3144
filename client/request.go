package client

import (
	"strconv"
	"unicode/utf8"
)

// ApplyTokenRequest is the body of an applyToken call: the user session a
// ccmessaging-token is issued for.
type ApplyTokenRequest struct {
	// UserID is defined by the enterprise: 1 to 32 characters, counted as
	// Unicode code points.
	UserID string
	// UserName is shown to agents; it must not be empty.
	UserName string
	// ChannelID is the Configuration ID of the channel configured in the
	// AICC; it must not be empty.
	ChannelID string
	// Locale is an ISO 639 language code without a country code, such as
	// "en" or "zh": two or three lower-case ASCII letters.
	Locale string
}

const maxUserIDChars = 32

// validate applies the contract's rules, so that nothing the server would
// refuse with 400 goes on the wire. Field names in errors are the wire's.
func (r ApplyTokenRequest) validate() error {
	fields := [...]struct{ name, value string }{
		{"userId", r.UserID},
		{"userName", r.UserName},
		{"channelId", r.ChannelID},
		{"locale", r.Locale},
	}
	for _, f := range fields {
		if f.value == "" {
			return &ValidationError{Field: f.name, Reason: "is required"}
		}
		// encoding/json would silently turn invalid bytes into U+FFFD.
		if !utf8.ValidString(f.value) {
			return &ValidationError{Field: f.name, Reason: "is not valid UTF-8"}
		}
	}
	if n := utf8.RuneCountInString(r.UserID); n > maxUserIDChars {
		return &ValidationError{Field: "userId", Reason: "must be 1 to 32 characters, not " + strconv.Itoa(n)}
	}
	if !validLocale(r.Locale) {
		return &ValidationError{Field: "locale", Reason: "must be an ISO 639 code of 2 or 3 lower-case letters, such as en or zh"}
	}
	return nil
}

// validLocale reports whether s matches ^[a-z]{2,3}$.
func validLocale(s string) bool {
	if len(s) < 2 || len(s) > 3 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return true
}
