package battery_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"testing"

	"github.com/aicc-kit/applytoken/internal/battery"
	"github.com/aicc-kit/applytoken/internal/stubproc"
	"github.com/aicc-kit/applytoken/openapi"
	"github.com/aicc-kit/applytoken/server/servertest"
)

// TestCases checks the battery itself: large enough, names unique, every
// status it claims consistent with its Validation.
func TestCases(t *testing.T) {
	for _, gap := range battery.Gaps() {
		t.Errorf("battery: %s", gap)
	}
	cs := battery.Cases()
	if len(cs) < 200 {
		t.Errorf("%d cases; want at least 200", len(cs))
	}
	seen := map[string]bool{}
	count := map[string]int{}
	for _, c := range cs {
		if seen[c.Name] {
			t.Errorf("two cases named %q", c.Name)
		}
		seen[c.Name] = true
		count[fmt.Sprintf("%s %d %s", c.Operation, c.Status, c.Validation)]++
		switch {
		case c.Validation == battery.Rejected && c.Status != http.StatusBadRequest,
			c.Validation == battery.Accepted && (c.Status == http.StatusBadRequest || c.Status == http.StatusRequestEntityTooLarge),
			c.Validation != battery.Unreached && c.Operation == "":
			t.Errorf("%s: status %d with validation %s", c.Name, c.Status, c.Validation)
		}
	}
	for _, c := range battery.WireCases() {
		if seen[c.Name] {
			t.Errorf("two cases named %q", c.Name)
		}
		seen[c.Name] = true
	}
	t.Logf("%d cases, %d wire cases; by operation, status and validation: %v", len(cs), len(battery.WireCases()), count)
}

// TestExampleIsTheSpecs: the valid body the battery builds from the
// properties' examples is the spec's own request example: every member of
// the example, with its value. It may hold more only where the example
// leaves out an optional property that has an example of its own.
func TestExampleIsTheSpecs(t *testing.T) {
	doc, err := openapi.Document()
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range openapi.Operations() {
		want, ok := doc.Paths.Value(op.Path).GetOperation(op.Method).RequestBody.Value.Content.Get("application/json").Example.(map[string]any)
		if !ok {
			t.Fatalf("%s: the spec's request example is not an object", op.ID)
		}
		var got map[string]any
		for _, c := range battery.Cases() {
			if c.Name == op.ID+`/content-type/"application/json"` {
				if err := json.Unmarshal(c.Body, &got); err != nil {
					t.Fatal(err)
				}
			}
		}
		if got == nil {
			t.Fatalf("%s: the battery has no case with its valid body", op.ID)
		}
		for name, v := range want {
			if !reflect.DeepEqual(got[name], v) {
				t.Errorf("%s: the battery's valid body has %s = %v; the spec's example %v", op.ID, name, got[name], v)
			}
		}
		for name := range got {
			if _, inExample := want[name]; !inExample && slices.Contains(op.Body.Schema.Required, name) {
				t.Errorf("%s: the battery's valid body has the required %s, which the spec's example leaves out", op.ID, name)
			} else if !inExample && op.Body.Schema.Property(name) == nil {
				t.Errorf("%s: the battery's valid body has %s, which is no property of the schema", op.ID, name)
			}
		}
	}
}

// TestInProcess runs the battery against the stub in-process.
func TestInProcess(t *testing.T) {
	srv := servertest.New(t)
	battery.Run(t, srv.URL)
}

// TestBinary runs the battery against the built binary over TCP, with
// the wire cases that only a real listener meets.
func TestBinary(t *testing.T) {
	p := stubproc.Start(t, stubproc.Build(t), "-addr", "127.0.0.1:0")
	t.Run("cases", func(t *testing.T) { battery.Run(t, p.Base) })
	t.Run("wire", func(t *testing.T) { battery.RunWire(t, p.Base) })
	t.Run("still serving", func(t *testing.T) {
		hc := &http.Client{Timeout: battery.MaxTime}
		battery.AccessToken(t, hc, p.Base)
	})
}
