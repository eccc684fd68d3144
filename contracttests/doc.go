// Package contracttests is the conformance suite of the applyToken contract:
// it proves that a server and the client keep to openapi/applytoken.yaml, for
// every status code the spec documents.
//
// The suite is spec-driven. It reads the (operation, status) pairs from the
// embedded spec and fails when a pair has no case, so adding a status to the
// spec forces a test. Every answer is validated with kin-openapi against the
// operation it belongs to, with undocumented statuses reported as failures.
//
// Point it at your own server from a test of your own:
//
//	func TestMyServer(t *testing.T) {
//		contracttests.RunServer(t, contracttests.Target{BaseURL: url, AppKey: k, AppSecret: s,
//			ChannelID: "my-channel", DisabledChannelID: "my-disabled-channel"})
//	}
//
// or, without writing any Go, set APPLYTOKEN_TARGET_URL and its companions
// (see the README) and run `go test ./contracttests -run Server`.
package contracttests
