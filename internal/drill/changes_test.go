package drill

// change is one realistic change of the vendor's contract: the edits a
// maintainer makes by hand (to the spec, and to the expectations of
// openapi/spec_test.go that check it against the vendor's pages), the
// check that proves the kit followed (testdata/<check>.go.txt), and what
// tests must then fail on, naming it: the top-level test (package.Test),
// and what its failure must name.
type change struct {
	name, kind string
	edits      []edit
	check      string
	mustFail   map[string][]string
	// peersMustFail are more of mustFail, for where the npm peers are
	// installed: the suite's runs through Prism.
	peersMustFail map[string][]string
}

const (
	spec         = "openapi/applytoken.yaml"
	expectations = "openapi/spec_test.go"
)

var changes = []change{
	{
		name: "userId up to 64 characters", kind: "bound changed",
		edits: []edit{
			{spec, "          maxLength: 32\n          description: User ID defined by the enterprise, 1 to 32 characters",
				"          maxLength: 64\n          description: User ID defined by the enterprise, 1 to 64 characters"},
			{expectations, "max32 := uint64(32)", "max32 := uint64(64)"},
		},
		check: "userid64",
	},
	{
		name: "X-Token-Expire up to 12 hours", kind: "bound changed",
		edits: []edit{
			{spec, "            maximum: 86400\n", "            maximum: 43200\n"},
			{spec, "Bounds 60..86400 and default 600", "Bounds 60..43200 and default 600"},
			{expectations, "*s.Max == 86400, \"X-Token-Expire bounds must be 60..86400\"", "*s.Max == 43200, \"X-Token-Expire bounds must be 60..43200\""},
		},
		check: "expire12h",
	},
	{
		name: "locale with a region", kind: "pattern changed",
		edits: []edit{
			{spec, "          pattern: '^[a-z]{2,3}$'\n          description: |\n            ISO 639 language code without country code",
				"          pattern: '^[a-z]{2,3}(-[A-Z]{2})?$'\n          description: |\n            ISO 639 language code with an optional ISO 3166 region"},
			{expectations, `"locale":    {required: true, pattern: "^[a-z]{2,3}$"},`, `"locale":    {required: true, pattern: "^[a-z]{2,3}(-[A-Z]{2})?$"},`},
		},
		check: "localeregion",
	},
	{
		name: "userId without white space", kind: "pattern changed",
		edits: []edit{
			{spec, "          description: User ID defined by the enterprise", "          pattern: '^\\S+$'\n          description: User ID defined by the enterprise"},
			{expectations, `"userId":    {required: true, minLen: 1, maxLen: &max32},`, `"userId":    {required: true, minLen: 1, maxLen: &max32, pattern: ` + "`^\\S+$`" + `},`},
		},
		check: "useridpattern",
	},
	{
		name: "nickName and priority in the request", kind: "request property added",
		edits: []edit{
			{spec, "            [applyToken page].\n          example: en\n",
				"            [applyToken page].\n          example: en\n" +
					"        nickName:\n          type: string\n          maxLength: 16\n          description: A name shown to agents instead of userName.\n          example: Ali\n" +
					"        priority:\n          type: integer\n          minimum: 1\n          maximum: 5\n          description: Queue priority of the session, 1 to 5.\n          example: 3\n"},
			{expectations, `"channelId": {required: true, minLen: 1},`,
				`"channelId": {required: true, minLen: 1},
			"nickName":  {maxLen: new(uint64(16))},
			"priority":  {typ: "integer"},`},
		},
		check: "requestprops",
	},
	{
		name: "expiresIn and channelName in the answer", kind: "response property added",
		edits: []edit{
			{spec, "          description: Result description; optional [applyToken page].\n",
				"          description: Result description; optional [applyToken page].\n" +
					"        expiresIn:\n          type: integer\n          description: Seconds the token lives.\n          x-lifetime: seconds\n          example: 3600\n" +
					"        channelName:\n          type: string\n          description: The channel's display name.\n          example: Demo channel\n"},
			{expectations, `"resultDesc": {},`, `"resultDesc": {},
			"expiresIn":   {typ: "integer"},
			"channelName": {},`},
		},
		check: "responseprops",
	},
	{
		name: "429 with Retry-After on both operations", kind: "error status added",
		edits: []edit{
			{spec, "        '500':\n          description: |\n            Business failure", status429("applyToken") + "        '500':\n          description: |\n            Business failure"},
			{spec, "        '500':\n          description: The server failed to issue the AccessToken [stub].", status429("tokenByAkSk") + "        '500':\n          description: The server failed to issue the AccessToken [stub]."},
			{expectations, `"tokenByAkSk": {"200", "400", "401", "413", "500"},`, `"tokenByAkSk": {"200", "400", "401", "413", "429", "500"},`},
			{expectations, `"applyToken":  {"200", "400", "401", "403", "404", "413", "500"},`, `"applyToken":  {"200", "400", "401", "403", "404", "413", "429", "500"},`},
		},
		check: "status429",
		mustFail: map[string][]string{
			"contracttests.TestServerInProcess":           {"applyToken 429", "tokenByAkSk 429"}, // the suite's coverage
			"contracttests.TestServerBinary":              {"applyToken 429", "tokenByAkSk 429"}, // the same, against the built stub
			"contracttests.TestClientAgainstSpecExamples": {"applyToken 429", "tokenByAkSk 429"}, // the client suite's coverage
			"contracttests.TestSuiteHasTeeth":             {"applyToken 429", "tokenByAkSk 429"}, // the suite fails on every stub, mutant or not
			"server.TestStatusTable":                      {"applyToken 429", "tokenByAkSk 429"}, // the status table's
		},
		peersMustFail: map[string][]string{
			"contracttests.TestClientAgainstPrismMock": {"applyToken 429", "tokenByAkSk 429"}, // the client suite's coverage, against Prism's mock
			"contracttests.TestServerBehindPrismProxy": {"applyToken 429", "tokenByAkSk 429"}, // the suite's coverage, through Prism's proxy
		},
	},
}

// status429 is a documented 429 with its Retry-After header.
func status429(op string) string {
	return `        '429':
          description: Too many requests from this app to ` + op + `; retry after Retry-After seconds [Access guides].
          headers:
            Retry-After:
              description: Seconds to wait before the next request.
              required: true
              schema:
                type: integer
              example: 30
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Error'
              example:
                errorCode: too_many_requests
                exceptionInfo: Too many requests. Try again later.
`
}
