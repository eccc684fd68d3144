package server

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aicc-kit/applytoken/openapi"
)

// TestUnreadBodyDoesNotHoldTheAnswer: a client declares a body the stub
// will never read (over the cap, or behind refused credentials) and sends
// none of it. The answer must come at once, without 100 Continue, with
// Connection: close; before the fix net/http waited for 256 KiB of the
// body, or for ReadTimeout, before answering.
func TestUnreadBodyDoesNotHoldTheAnswer(t *testing.T) {
	h := newHarness(t)
	access := h.accessToken(demoKey, demoSecret)
	addr := strings.TrimPrefix(h.srv.URL, "http://")
	for _, tc := range []struct {
		name, header string
		status       int
	}{
		{"413 for a declared 1 MiB", "X-App-Key: " + demoKey + "\r\nAuthorization: Bearer " + access + "\r\nContent-Length: 1048576\r\n", 413},
		{"413 for a declared 1 MiB, Expect 100-continue", "X-App-Key: " + demoKey + "\r\nAuthorization: Bearer " + access + "\r\nExpect: 100-continue\r\nContent-Length: 1048576\r\n", 413},
		{"401 for a declared 1 MiB", "Content-Length: 1048576\r\n", 401},
		{"403 for a declared 100 KB, Expect 100-continue", "X-App-Key: " + demoKey + "\r\nAuthorization: Bearer forged\r\nExpect: 100-continue\r\nContent-Length: 100000\r\n", 403},
	} {
		t.Run(tc.name, func(t *testing.T) {
			conn, err := net.DialTimeout("tcp", addr, time.Second)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			conn.SetDeadline(time.Now().Add(time.Second))
			fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: stub\r\nContent-Type: application/json\r\n%s\r\n", openapi.ApplyTokenPath, tc.header)
			br := bufio.NewReader(conn)
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatalf("no answer within a second: %v", err)
			}
			if _, err := io.ReadAll(resp.Body); err != nil {
				t.Fatalf("reading the answer: %v", err)
			}
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d; want %d", resp.StatusCode, tc.status)
			}
			if !resp.Close {
				t.Errorf("the answer keeps the connection, whose next bytes would be the unread body")
			}
		})
	}
}
