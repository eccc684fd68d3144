package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/aicc-kit/applytoken/openapi"
	"github.com/aicc-kit/applytoken/server"
)

// control sends a request to a control of s and returns the status and
// body.
func control(t *testing.T, s *started, method, path string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, s.banner.base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := (&http.Client{Timeout: wait}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

// TestFailOnViolation: the stop prints what the requests broke and exits
// 3, or says none did and exits 0.
func TestFailOnViolation(t *testing.T) {
	login := []byte(`{"app_key":"demo-app-key","app_secret":"demo-app-secret"}`)
	hdr := http.Header{"Content-Type": {"application/json"}}

	t.Run("clean", func(t *testing.T) {
		s := startRun(t, nil, "-fail-on-violation")
		exchange(t, nil, newRequest(t, http.MethodPost, s.banner.base+openapi.TokenByAkSkPath, hdr, login))
		if code := s.stop(); code != 0 {
			t.Errorf("exit %d; want 0\n%s", code, s.stderr)
		}
		if !strings.Contains(s.stderr.String(), "applytoken-stub: no request broke the contract (1 request)") {
			t.Errorf("no summary:\n%s", s.stderr)
		}
	})
	t.Run("broken", func(t *testing.T) {
		s := startRun(t, nil, "-fail-on-violation")
		exchange(t, nil, newRequest(t, http.MethodPost, s.banner.base+openapi.TokenByAkSkPath, hdr, login))
		exchange(t, nil, newRequest(t, http.MethodPost, s.banner.base+openapi.ApplyTokenPath, hdr, []byte(`{"locale":"en-US"}`)))
		exchange(t, nil, newRequest(t, http.MethodPost, s.banner.base+openapi.TokenByAkSkPath, hdr, []byte(`{"app_key":"demo-app-key"}`)))
		if code := s.stop(); code != exitViolation {
			t.Errorf("exit %d; want %d\n%s", code, exitViolation, s.stderr)
		}
		log := s.stderr.String()
		for _, want := range []string{
			"applytoken-stub: 2 of 3 requests broke the contract",
			"applyToken   header  x-app-key      security",
			"applyToken   header  Authorization  security",
			"tokenByAkSk  body    app_secret     required",
			"-> 401: x-app-key security, Authorization security (body not read)",
		} {
			if !strings.Contains(log, want) {
				t.Errorf("the summary has no %q:\n%s", want, log)
			}
		}
		if strings.Index(log, "stopped") > strings.Index(log, "broke the contract") {
			t.Errorf("the summary comes before the log's end:\n%s", log)
		}
	})
	t.Run("without the flag", func(t *testing.T) {
		s := startRun(t, nil)
		exchange(t, nil, newRequest(t, http.MethodPost, s.banner.base+openapi.ApplyTokenPath, hdr, nil))
		if code := s.stop(); code != 0 || strings.Contains(s.stderr.String(), "broke the contract") {
			t.Errorf("exit %d; want 0 and no summary\n%s", code, s.stderr)
		}
	})
}

// TestRequestsControl: GET /_stub/requests answers the journal, DELETE
// empties it; the controls themselves are not in it.
func TestRequestsControl(t *testing.T) {
	s := startRun(t, nil, "-controls")
	exchange(t, nil, newRequest(t, http.MethodPost, s.banner.base+openapi.ApplyTokenPath, http.Header{"Content-Type": {"application/json"}}, nil))
	status, body := control(t, s, http.MethodGet, "/_stub/requests")
	var j server.Journal
	if err := json.Unmarshal(body, &j); err != nil || status != http.StatusOK {
		t.Fatalf("GET /_stub/requests: %d %s (%v)", status, body, err)
	}
	if len(j.Requests) != 1 || j.Requests[0].Op != "applyToken" || j.Requests[0].Status != 401 || j.Broken != 1 {
		t.Errorf("journal %s; want the one applyToken, 401, broken", body)
	}
	for _, key := range []string{`"violations"`, `"dropped":0`, `"name":"Authorization"`} {
		if !bytes.Contains(body, []byte(key)) {
			t.Errorf("the journal has no %s: %s", key, body)
		}
	}
	if status, _ := control(t, s, http.MethodDelete, "/_stub/requests"); status != http.StatusNoContent {
		t.Errorf("DELETE /_stub/requests: %d; want 204", status)
	}
	if _, body := control(t, s, http.MethodGet, "/_stub/requests"); !bytes.Contains(body, []byte(`"requests":[]`)) {
		t.Errorf("after DELETE: %s", body)
	}
	if status, _ := control(t, s, http.MethodPost, "/_stub/requests"); status != http.StatusMethodNotAllowed {
		t.Errorf("POST /_stub/requests: %d; want 405", status)
	}
}

func TestJournalOnlyWhenRead(t *testing.T) {
	for _, tc := range []struct {
		o    options
		want int
	}{
		{options{}, 0},
		{options{controls: true}, 1000},
		{options{failOnViolation: true}, 1000},
	} {
		if got := journalSize(tc.o, 1000); got != tc.want {
			t.Errorf("journalSize(%+v) = %d; want %d", tc.o, got, tc.want)
		}
	}
}

// TestFailOnViolationNeedsAJournal: a journal of 0 would see no request
// break the contract, so -fail-on-violation refuses it; -controls, whose
// journal is then merely empty, does not.
func TestFailOnViolationNeedsAJournal(t *testing.T) {
	for _, tc := range []struct {
		o       options
		journal int
		refused bool
	}{
		{options{failOnViolation: true}, 0, true},
		{options{failOnViolation: true, controls: true}, 0, true},
		{options{failOnViolation: true}, 1, false},
		{options{controls: true}, 0, false},
		{options{}, 0, false},
	} {
		if err := checkJournal(tc.o, tc.journal); (err != nil) != tc.refused {
			t.Errorf("checkJournal(%+v, %d) = %v; want refused %v", tc.o, tc.journal, err, tc.refused)
		}
	}
}

// TestConfiguredJournal: the journal keeps as many requests as the config
// file's journal says, the latest, and counts the older ones dropped; the
// verdict of -fail-on-violation still counts them all.
func TestConfiguredJournal(t *testing.T) {
	const size = 2
	config := writeFile(t, "c.yaml", "journal: "+strconv.Itoa(size)+"\n")
	s := startRun(t, nil, "-config", config, "-controls", "-fail-on-violation")
	for i := range size + 2 {
		exchange(t, nil, newRequest(t, http.MethodGet, s.banner.base+"/journal-"+strconv.Itoa(i), nil, nil))
	}
	status, body := control(t, s, http.MethodGet, "/_stub/requests")
	var j server.Journal
	if err := json.Unmarshal(body, &j); err != nil || status != http.StatusOK {
		t.Fatalf("GET /_stub/requests: %d %s (%v)", status, body, err)
	}
	if len(j.Requests) != size || j.Dropped != 2 || j.Broken != size+2 {
		t.Fatalf("journal %s; want %d requests, 2 dropped, %d broken", body, size, size+2)
	}
	for i, r := range j.Requests {
		if want := "/journal-" + strconv.Itoa(i+2); r.Path != want {
			t.Errorf("request %d of the journal is %s; want %s, the oldest dropped first", i, r.Path, want)
		}
	}
	if code := s.stop(); code != exitViolation || !strings.Contains(s.stderr.String(), "4 of 4 requests broke the contract") {
		t.Errorf("exit %d; want %d and every request counted\n%s", code, exitViolation, s.stderr)
	}
}
