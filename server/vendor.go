package server

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"fmt"
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
	// other property of the schema holds its example in the contract.
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
	if r.access, err = fromExamples[apiserver.AccessTokenResult](contract.AccessTokenResultSchema); err != nil {
		return r, err
	}
	r.apply, err = fromExamples[apiserver.ApplyTokenResult](contract.ApplyTokenResultSchema)
	return r, err
})

// fromExamples returns the T whose properties are the examples the
// contract gives them in schema; properties without one are left zero.
// A property added to a 200 body in the spec is then sent, with its
// example, after `make generate` alone; server's completeness test names
// any property the stub never sends.
func fromExamples[T any](schema *rules.Schema) (T, error) {
	var t T
	examples := map[string]json.RawMessage{}
	for name, p := range schema.Properties {
		if p.Example != "" {
			examples[name] = json.RawMessage(p.Example)
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
