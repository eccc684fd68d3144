package client

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aicc-kit/applytoken/gen/contract"
	"github.com/aicc-kit/applytoken/internal/rules"
)

// jsonFields returns the json names of t's fields.
func jsonFields(t reflect.Type) []string {
	var names []string
	for i := range t.NumField() {
		if name, ok := jsonName(t.Field(i)); ok && name != "" {
			names = append(names, name)
		}
	}
	return names
}

// TestModelsCoverTheContract: every property of the contract's request
// schema can be set on ApplyTokenRequest, and every property of the 200
// body read from ApplyTokenResult, and neither has a field the contract
// does not define. (They are the generated models; this fails loudly if
// they ever stop being.)
func TestModelsCoverTheContract(t *testing.T) {
	for _, tt := range []struct {
		schema *rules.Schema
		model  reflect.Type
	}{
		{contract.ApplyTokenRequestSchema, reflect.TypeFor[ApplyTokenRequest]()},
		{contract.ApplyTokenResultSchema, reflect.TypeFor[ApplyTokenResult]()},
	} {
		fields := jsonFields(tt.model)
		for prop := range tt.schema.Properties {
			if !slices.Contains(fields, prop) {
				t.Errorf("property %s of %s has no json-tagged field in client.%s", prop, tt.schema.Name, tt.model.Name())
			}
		}
		for _, f := range fields {
			if tt.schema.Property(f) == nil {
				t.Errorf("client.%s has a field %q that %s does not define", tt.model.Name(), f, tt.schema.Name)
			}
		}
	}
}

// TestValidationIsTheContracts: the client refuses a request with exactly
// the first violation the stub's checks find in the same body, and sends
// what they accept.
func TestValidationIsTheContracts(t *testing.T) {
	u := newUpstream(t)
	c := u.newClient(t)
	long := strings.Repeat("x", 40)
	reqs := []ApplyTokenRequest{
		{},
		{UserID: "u"},
		{UserID: long, UserName: "n", ChannelID: "c", Locale: "en"},
		{UserID: "u", UserName: "n", ChannelID: "c", Locale: "EN"},
		{UserID: "u", UserName: "", ChannelID: "", Locale: "zh"},
		{UserID: "u", UserName: "n", ChannelID: "c", Locale: "zho"},
		{UserID: strings.Repeat("用", 32), UserName: "<&>", ChannelID: "c", Locale: "en"},
	}
	sent := int32(0)
	for _, req := range reqs {
		body, err := json.Marshal(req)
		if err != nil {
			t.Fatal(err)
		}
		want := rules.First(contract.ApplyToken.CheckBody(jsonContentType, body))
		_, err = c.ApplyToken(context.Background(), req)
		var verr *ValidationError
		switch {
		case want == nil && err != nil:
			t.Errorf("ApplyToken(%+v) = %v; the contract accepts it", req, err)
		case want == nil:
			sent++
		case !errors.As(err, &verr):
			t.Errorf("ApplyToken(%+v) = %v; want a *ValidationError", req, err)
		case verr.Field != want.Name || verr.Reason != want.Reason:
			t.Errorf("ApplyToken(%+v) = %q: %q; want the contract's %q: %q", req, verr.Field, verr.Reason, want.Name, want.Reason)
		}
	}
	if got := u.applyCalls.Load(); got != sent {
		t.Errorf("applyToken calls = %d; want %d, one per accepted request", got, sent)
	}
}

// TestValidationFollowsAChangedContract changes gen/contract's values as
// `make generate` would after a spec change, and checks that the client
// follows with no change of its own.
func TestValidationFollowsAChangedContract(t *testing.T) {
	u := newUpstream(t)
	c := u.newClient(t)
	s := contract.ApplyTokenRequestSchema
	userID := s.Properties["userId"]
	saved, savedRequired := *userID, s.Required
	t.Cleanup(func() { *userID, s.Required = saved, savedRequired })

	req := testRequest
	req.UserID = "user-00001"
	if _, err := c.ApplyToken(context.Background(), req); err != nil {
		t.Fatalf("ApplyToken before the change: %v", err)
	}
	// A tighter bound.
	userID.MaxLength = new(int64(8))
	var verr *ValidationError
	if _, err := c.ApplyToken(context.Background(), req); !errors.As(err, &verr) || verr.Field != "userId" || verr.Reason != "must be at most 8 characters" {
		t.Errorf("after maxLength 8: ApplyToken = %v; want userId must be at most 8 characters", err)
	}
	// A new required property: the model lacks it until `make generate`,
	// so every request is refused, naming it, rather than sent without it.
	*userID = saved
	s.Required = append(slices.Clip(s.Required), "tenantId")
	if _, err := c.ApplyToken(context.Background(), req); !errors.As(err, &verr) || verr.Field != "tenantId" || verr.Reason != "is required" {
		t.Errorf("after a required tenantId: ApplyToken = %v; want tenantId is required", err)
	}
	if got := u.applyCalls.Load(); got != 1 {
		t.Errorf("applyToken calls = %d; want 1", got)
	}
}

func TestInvalidUTF8NamesTheField(t *testing.T) {
	type inner struct {
		Name string `json:"name"`
	}
	type Embedded struct {
		Lifted string `json:"lifted"`
	}
	type body struct {
		Embedded
		Plain   string
		Tagged  string            `json:"tagged,omitempty"`
		Skipped string            `json:"-"`
		Ptr     *string           `json:"ptr"`
		Items   []inner           `json:"items"`
		Attrs   map[string]string `json:"attrs"`
		Raw     []byte            `json:"raw"`
		Any     any               `json:"any"`
		hidden  string
	}
	bad := "a\xffb"
	tests := []struct {
		name string
		v    body
		want string
	}{
		{"valid", body{Plain: "é", Raw: []byte{0xff}, Skipped: bad, hidden: bad}, ""},
		{"untagged", body{Plain: bad}, "Plain"},
		{"tagged", body{Tagged: bad}, "tagged"},
		{"pointer", body{Ptr: &bad}, "ptr"},
		{"lifted from an embedded struct", body{Embedded: Embedded{Lifted: bad}}, "lifted"},
		{"in a slice", body{Items: []inner{{"ok"}, {bad}}}, "items/1/name"},
		{"a map value", body{Attrs: map[string]string{"k": bad}}, "attrs"},
		{"a map key", body{Attrs: map[string]string{bad: "v"}}, "attrs"},
		{"in an interface", body{Any: []any{bad}}, "any/0"},
	}
	for _, tt := range tests {
		path, found := invalidUTF8(reflect.ValueOf(tt.v), "")
		if found != (tt.want != "") || path != tt.want {
			t.Errorf("%s: invalidUTF8 = %q, %v; want %q", tt.name, path, found, tt.want)
		}
	}
}

// TestEveryHeaderParameterHasAReading: the client sends the header
// parameters the contract names and leaves out, on purpose, the ones listed
// here. A header parameter the contract gains fails here, by name, until
// the client sends it (or it joins the list), so that make generate cannot
// add one that the client silently never sends.
func TestEveryHeaderParameterHasAReading(t *testing.T) {
	read := map[string]map[string]string{
		contract.OpApplyToken: {
			contract.SchemeAppKey.Name: "sent: the app key (wire.applyToken)",
		},
		contract.OpTokenByAkSk: {
			"X-Token-Expire": "left out: the client takes the default lifetime and renews ahead of it",
		},
	}
	for _, op := range contract.Operations {
		for _, p := range op.Params {
			if p.In != rules.InHeader {
				t.Errorf("%s takes a %s parameter %s; the client sends header parameters only", op.ID, p.In, p.Name)
				continue
			}
			if _, ok := read[op.ID][p.Name]; !ok {
				t.Errorf("%s takes header %s (required: %v), which the client neither sends nor leaves out on purpose: send it, or list it here with why", op.ID, p.Name, p.Required)
			}
		}
	}
}
