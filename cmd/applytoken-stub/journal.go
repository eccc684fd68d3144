package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/aicc-kit/applytoken/server"
)

// exitViolation is the exit status of -fail-on-violation when a request
// broke the contract.
const exitViolation = 3

// serveJournal is the requests control: GET answers the stub's request
// journal (server.Journal as JSON), DELETE empties it (204).
func serveJournal(w http.ResponseWriter, r *http.Request, stub *server.Stub) {
	switch r.Method {
	case http.MethodGet:
		b, err := json.Marshal(stub.Journal())
		if err != nil {
			writeError(w, http.StatusInternalServerError, "internal_error", "The journal could not be encoded.")
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Write(append(b, '\n'))
	case http.MethodDelete:
		stub.ResetJournal()
		w.WriteHeader(http.StatusNoContent)
	default:
		w.Header().Set("Allow", "GET, DELETE")
		writeError(w, http.StatusMethodNotAllowed, "method_not_allowed", "The method is not allowed on this path. Use GET or DELETE.")
	}
}

// journalSize is Config.Journal as the binary serves it: the journal
// costs nothing unless something reads it, -controls or
// -fail-on-violation.
func journalSize(o options, configured int) int {
	if o.controls || o.failOnViolation {
		return configured
	}
	return 0
}

// checkJournal refuses -fail-on-violation over a journal the configuration
// turns off (journal 0): with no journal no request is seen to break the
// contract, and the stop would pass every client.
func checkJournal(o options, configured int) error {
	if o.failOnViolation && configured == 0 {
		return fmt.Errorf("-fail-on-violation needs the journal, which the configuration turns off (journal 0, in the config file or %s)", envJournal)
	}
	return nil
}

// failOnViolation is -fail-on-violation, once the stub has stopped with
// status code: it prints what the requests broke to w, and turns a clean
// stop into exitViolation when any request broke the contract. Another
// status (serving failed) is kept.
func failOnViolation(o options, stub *server.Stub, code int, w io.Writer) int {
	if !o.failOnViolation {
		return code
	}
	j := stub.Journal()
	printViolations(w, j)
	if j.Broken > 0 && code == 0 {
		return exitViolation
	}
	return code
}

// printViolations writes the summary: how many requests broke the
// contract, each violation with its count, and the first requests that
// broke it. Like the journal, it holds no header value and no body.
func printViolations(w io.Writer, j server.Journal) {
	total := len(j.Requests) + j.Dropped
	if j.Broken == 0 {
		fmt.Fprintf(w, "applytoken-stub: no request broke the contract (%s)\n", requests(total))
		return
	}
	fmt.Fprintf(w, "applytoken-stub: %d of %s broke the contract\n", j.Broken, requests(total))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  count\top\tin\tname\trule\treason")
	for _, t := range j.Tally {
		fmt.Fprintf(tw, "  %d\t%s\t%s\t%s\t%s\t%s\n", t.Count, dash(t.Op), t.In, dash(t.Name), t.Rule, t.Reason)
	}
	tw.Flush()
	fmt.Fprintln(w, "the first of them:")
	for _, r := range j.FirstBroken {
		var vs []string
		for _, v := range r.Violations {
			vs = append(vs, strings.TrimSpace(v.Name+" "+v.Rule))
		}
		unread := ""
		if !r.BodyChecked && r.Op != "" {
			unread = " (body not read)"
		}
		fmt.Fprintf(w, "  %s %s -> %d: %s%s\n", printable(r.Method), printable(r.Path), r.Status, strings.Join(vs, ", "), unread)
	}
}

// printable quotes what a caller sent when it holds more than printable
// ASCII, so that no path can add a line to the summary.
func printable(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return strconv.Quote(s)
		}
	}
	return s
}

func requests(n int) string {
	if n == 1 {
		return "1 request"
	}
	return strconv.Itoa(n) + " requests"
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
