// Package contracttests is the conformance suite of the applyToken contract:
// it proves that a server and the client keep to openapi/applytoken.yaml, for
// every status code the spec documents.
//
// The suite is spec-driven. It reads the (operation, status) pairs from the
// embedded spec and fails when a pair has no case, so adding a status to the
// spec forces a test. Every answer is validated with kin-openapi against the
// operation it belongs to (openapi.ValidateResponse), with undocumented
// statuses reported as failures.
//
// Beside its fixed cases, RunServer generates cases from the spec's
// schemas and parameters: every bound and one past it (lengths in
// characters, with multi-byte characters at the edge), values a pattern
// refuses, required properties missing, null and of each wrong type,
// unknown properties, wrong media types, tokens of another signer or age
// (another purpose is a fixed case), and a canary in every field and header that no answer may
// repeat. They are seeded; a failure prints the seed and the request, and
// APPLYTOKEN_CONTRACTTESTS_SEED=N replays them. Target.Advance and
// Target.PeerURL, when a server can offer them, drive the expiry and
// foreign-signer cases; without them those cases say NOT DRIVEN, and with
// CI=true in the environment they fail (go test shows no skip of a
// package that passes, so a CI run would otherwise pass with them
// unproved) unless Target.AllowNotDriven accepts them.
//
// Point it at your own server from a test of your own:
//
//	func TestMyServer(t *testing.T) {
//		contracttests.RunServer(t, contracttests.Target{BaseURL: url, AppKey: k, AppSecret: s,
//			ChannelID: "my-channel", DisabledChannelID: "my-disabled-channel",
//			FailNext: contracttests.FailNextURL(url+"/_stub/fail-next", nil), // optional
//			Advance:  contracttests.AdvanceURL(url+"/_stub/advance", nil)})    // optional
//	}
//
// Target.FailNext drives the statuses that cannot be caused from outside
// (tokenByAkSk's 500), Target.Advance the expiry of an AccessToken;
// FailNextURL and AdvanceURL speak the protocols of the stub's
// /_stub/fail-next and /_stub/advance, which a server of your own can
// offer too.
//
// or, without writing any Go, set APPLYTOKEN_TARGET_URL and its companions
// (see the README) and run `go test ./contracttests -run Server`.
package contracttests
