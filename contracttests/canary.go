package contracttests

import (
	"maps"
	"net/http"
	"path"
	"slices"
	"strings"
	"testing"
)

// Error texts are the server's own words: they never repeat what the
// caller sent (docs/architecture.md, "The status table"), or an answer
// would reflect attacker-chosen text into logs and pages, and a secret
// sent by mistake into every log that keeps answers. The canary cases put
// one distinctive value, the run's canary, into each field and header in
// turn, in a request the server must refuse, and fail when any part of
// the answer, body or header, carries it in any case.

// canaryCases send the canary in each body property, as an unknown
// property's name and value, in each header parameter and credential, in
// the Content-Type, in an unknown header, and in the path.
func (g *generator) canaryCases(base genRequest) {
	c := g.canary
	s := base.op.Body.Schema
	for _, name := range slices.Sorted(maps.Keys(s.Properties)) {
		g.addCanary("canary in "+name, g.refused(base.with(name, c), name))
	}
	g.addCanary("canary as an unknown property", g.refused(base.with(c, c), ""))
	for _, p := range base.op.Params {
		if !isCredential(base.op, p.Name) {
			g.addCanary("canary in header "+p.Name, g.refused(base.withHeader(p.Name, c), ""))
		}
	}
	for _, alt := range base.op.Security[:min(1, len(base.op.Security))] {
		for _, sc := range alt {
			switch sc.Type {
			case "apiKey":
				g.addCanary("canary in credential "+sc.Name, base.withHeader(sc.Name, c))
			case "http":
				g.addCanary("canary as the Bearer token", base.withHeader("Authorization", "Bearer "+c))
				g.addCanary("canary as the Authorization scheme", base.withHeader("Authorization", c+" "+tokenPlaceholder))
			}
		}
	}
	g.addCanary("canary in Content-Type", base.withHeader("Content-Type", "application/"+c))
	g.addCanary("canary in an unknown header", g.refused(base.withHeader("X-"+c, c), ""))
	if slices.Contains(base.op.Statuses(), http.StatusNotFound) {
		r := base.clone()
		r.path = path.Dir(base.op.Path) + "/" + c
		g.addCanary("canary in the path", r)
	}
}

// refused returns r if the server must refuse it, or else r without a
// required property other than keep.
func (g *generator) refused(r genRequest, keep string) genRequest {
	if status, _ := g.expect(r); status != http.StatusOK {
		return r
	}
	for _, name := range r.op.Body.Schema.Required {
		if name != keep {
			return r.without(name)
		}
	}
	return r.withRaw(nil)
}

func (g *generator) addCanary(name string, r genRequest) {
	g.add(name, r)
	g.out[len(g.out)-1].canary = g.canary
}

// checkNoEcho fails when any part of the answer carries the canary.
func checkNoEcho(t *testing.T, canary string, x *exchange) {
	t.Helper()
	lc := strings.ToLower(canary)
	if strings.Contains(strings.ToLower(string(x.body)), lc) {
		t.Errorf("the answer's body repeats what the caller sent (the canary %q): %.300s", canary, x.body)
	}
	for k, vs := range x.header {
		for _, v := range append([]string{k}, vs...) {
			if strings.Contains(strings.ToLower(v), lc) {
				t.Errorf("the answer's header %s repeats what the caller sent (the canary %q): %q", k, canary, v)
			}
		}
	}
}
