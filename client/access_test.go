package client

import (
	"testing"
	"time"

	"github.com/aicc-kit/applytoken/gen/contract"
	"github.com/aicc-kit/applytoken/internal/rules"
)

// TestAccessTokenMarginInsideShortestLifetime: the AccessToken's renewal
// margin is a choice of this package, not a rule of the contract, but it
// only makes sense well inside the shortest lifetime a caller may ask
// tokenByAkSk for (X-Token-Expire's minimum): a vendor change that lowers
// that minimum to the margin or below fails here, by name.
func TestAccessTokenMarginInsideShortestLifetime(t *testing.T) {
	var found bool
	for _, p := range contract.TokenByAkSk.Params {
		if p.In != rules.InHeader || p.Schema == nil || p.Schema.Type != rules.TypeInteger || p.Schema.Minimum == nil {
			continue
		}
		found = true
		shortest := time.Duration(*p.Schema.Minimum) * time.Second
		if 2*accessTokenMargin > shortest {
			t.Errorf("accessTokenMargin %v is not well inside %s's minimum, %v: renew at most half-way", accessTokenMargin, p.Name, shortest)
		}
	}
	if !found {
		t.Fatal("tokenByAkSk has no integer header parameter with a minimum: the lifetime a caller may ask for moved; see accessTokenMargin")
	}
}
