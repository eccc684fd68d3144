// Package baseline is the reference the stub's speed is measured against:
// a bare net/http handler that decodes an applyToken body with
// encoding/json and answers a fixed token, with nothing else on (no
// validation, no credentials, no log).
//
//	http.ListenAndServe("127.0.0.1:0", baseline.Handler())
//
// Its answer is as long as the stub's, so both put the same bytes on the
// wire.
package baseline

import (
	"encoding/json"
	"net/http"
	"strings"
)

// Token is the fixed token: 110 characters, the length of every
// ccmessaging-token the stub issues to the demo app (the subject is kept
// as a digest of fixed size).
var Token = strings.Repeat("t", 110)

type request struct {
	UserID    string `json:"userId"`
	UserName  string `json:"userName"`
	ChannelID string `json:"channelId"`
	Locale    string `json:"locale"`
}

// Handler returns the bare handler.
func Handler() http.Handler {
	answer, _ := json.Marshal(map[string]string{"resultCode": "0", "token": Token})
	answer = append(answer, '\n')
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req request
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		w.Write(answer)
	})
}
