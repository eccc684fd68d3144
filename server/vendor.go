package server

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/aicc-kit/applytoken/gen/apiserver"
	"github.com/aicc-kit/applytoken/gen/contract"
	"github.com/aicc-kit/applytoken/internal/rules"
)

// vendor is the AICC service the stub stands in for: what its two
// operations answer, behind the generated strict server. It takes
// everything it needs from its request objects. The checks in front of
// it (chain.go) have authenticated the request and held it to the
// contract, so it trusts both; called directly, it answers as it would
// behind them.
type vendor struct {
	apps              map[string]string // read-only after New
	channels          *channels
	signer            *signer
	now               func() time.Time
	accessLifetimes   lifetimeRange
	accessLifetime    time.Duration
	messagingLifetime time.Duration
	rotateBefore      time.Duration // a ccmessaging-token's rotation window (latercall.go)
	// The 200 bodies before the vendor fills in its own properties: every
	// other property of the schema holds its example in the contract
	// (fromExamples).
	accessResult apiserver.AccessTokenResult
	applyResult  apiserver.ApplyTokenResult
	// errors holds the Error body of each documented status, by operation.
	errors map[string]map[int]apiserver.Error
}

var _ apiserver.StrictServerInterface = (*vendor)(nil)

func newVendor(cfg Config, access lifetimeRange, key []byte, ops map[string]*operation) (*vendor, error) {
	v := &vendor{
		apps:              cfg.Apps,
		channels:          newChannels(cfg.Channels),
		signer:            newSigner(key),
		now:               cfg.Now,
		accessLifetimes:   access,
		accessLifetime:    cfg.AccessTokenLifetime,
		messagingLifetime: cfg.MessagingTokenLifetime,
		rotateBefore:      cfg.MessagingTokenRotateBefore,
		errors:            map[string]map[int]apiserver.Error{},
	}
	for id, op := range ops {
		v.errors[id] = op.errors
	}
	r, err := results()
	if err != nil {
		return nil, err
	}
	v.accessResult, v.applyResult = r.access, r.apply
	return v, nil
}

// results are the 200 bodies from the contract's examples, decoded once
// per process (gen/contract does not change).
var results = sync.OnceValues(func() (r struct {
	access apiserver.AccessTokenResult
	apply  apiserver.ApplyTokenResult
}, err error) {
	if r.access, err = fromExamples[apiserver.AccessTokenResult](contract.TokenByAkSk, contract.AccessTokenResultSchema); err != nil {
		return r, err
	}
	r.apply, err = fromExamples[apiserver.ApplyTokenResult](contract.ApplyToken, contract.ApplyTokenResultSchema)
	return r, err
})

// owned are the properties of each operation's 200 body that the vendor
// sets itself (tokenbyaksk.go, applytoken.go; Expires is what SetLifetime
// fills, the property x-lifetime marks). fromExamples needs no example
// for them.
var owned = map[string][]string{
	contract.OpTokenByAkSk: {"AccessToken", "ApplyType", "CreateTime", "Scope", "AppKey", "UserID", "Expires"},
	contract.OpApplyToken:  {"token", "resultCode", "resultDesc"},
}

// fromExamples returns the T, op's 200 body of schema, whose properties
// are the examples the contract gives them: the property's own, or else
// its value in the answer's example (a vendor adding a property often
// shows it only there). A property added to a 200 body in the spec is
// then sent after `make generate` alone. A required property with
// neither, that the vendor does not set, is an error: its zero value
// would break a minLength, or mean nothing. An optional one is left zero;
// server's completeness test names any property the stub never sends.
func fromExamples[T any](op *rules.Operation, schema *rules.Schema) (T, error) {
	var t T
	answer, err := answerExample(op)
	if err != nil {
		return t, err
	}
	examples := map[string]json.RawMessage{}
	for _, name := range slices.Sorted(maps.Keys(schema.Properties)) {
		switch {
		case schema.Properties[name].Example != "":
			examples[name] = json.RawMessage(schema.Properties[name].Example)
		case answer[name] != nil:
			examples[name] = answer[name]
		case slices.Contains(schema.Required, name) && !slices.Contains(owned[op.ID], name):
			return t, fmt.Errorf("server: %s: required property %s of the 200 answer has no example in the contract and the stub does not set it", op.ID, name)
		}
	}
	b, err := json.Marshal(examples)
	if err == nil {
		err = json.Unmarshal(b, &t)
	}
	if err != nil {
		return t, fmt.Errorf("server: the examples of %s's properties: %w", schema.Name, err)
	}
	return t, nil
}

// answerExample returns the properties of the example of op's 200 answer;
// none when the contract gives no example.
func answerExample(op *rules.Operation) (map[string]json.RawMessage, error) {
	resp := op.Response(http.StatusOK)
	if resp == nil || resp.Example == "" {
		return nil, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(resp.Example), &m); err != nil {
		return nil, fmt.Errorf("server: %s: the example of the 200 answer: %w", op.ID, err)
	}
	return m, nil
}

// knows reports whether appKey is a configured app.
func (v *vendor) knows(appKey string) bool {
	_, ok := v.apps[appKey]
	return ok
}

// secretMatches compares in constant time, over digests so that not even
// the secret's length shows.
func (v *vendor) secretMatches(appKey, secret string) bool {
	want, known := v.apps[appKey]
	a, b := sha256.Sum256([]byte(secret)), sha256.Sum256([]byte(want))
	return subtle.ConstantTimeCompare(a[:], b[:]) == 1 && known
}

// accessGranted reports whether token is a live AccessToken issued to
// appKey.
func (v *vendor) accessGranted(appKey, token string) bool {
	return v.signer.verify(purposeAccess, appKey, token, v.now()) == nil
}
