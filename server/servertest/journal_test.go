package servertest_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/aicc-kit/applytoken/openapi"
	"github.com/aicc-kit/applytoken/server/servertest"
)

// TestJournal: the journal names what a request broke, marks a fault, and
// empties on ResetJournal.
func TestJournal(t *testing.T) {
	srv := servertest.New(t)
	_, tok := accessToken(t, srv)
	srv.FailNext("applyToken", 500)
	apply(t, srv, tok, srv.ChannelID)
	post(t, srv, openapi.ApplyTokenPath, http.Header{"X-App-Key": {srv.AppKey}}, map[string]string{"userId": "u1"})

	got := srv.Requests()
	if len(got) != 3 {
		t.Fatalf("journal of %d requests; want 3: %+v", len(got), got)
	}
	if r := got[0]; r.Op != "tokenByAkSk" || r.Status != 200 || len(r.Violations) != 0 || !r.BodyChecked {
		t.Errorf("the valid request: %+v", r)
	}
	if r := got[1]; r.Fault != "500" || r.Status != 500 || len(r.Violations) != 0 {
		t.Errorf("the fault: %+v; want fault 500 and no violation", r)
	}
	if r := got[2]; r.Status != 401 || len(r.Violations) != 1 || r.Violations[0].Name != "Authorization" || r.BodyChecked {
		t.Errorf("the request without Authorization: %+v", r)
	}
	if j := srv.Journal(); j.Broken != 1 || len(j.Tally) != 1 {
		t.Errorf("journal counts: broken %d, tally %+v", j.Broken, j.Tally)
	}
	srv.ResetJournal()
	if got := srv.Requests(); len(got) != 0 {
		t.Errorf("after ResetJournal: %+v", got)
	}
}

func ExampleServer_Requests() {
	srv, err := servertest.Start()
	if err != nil {
		panic(err)
	}
	defer srv.Close()

	body := `{"userId":"user-0001","userName":"Alice","channelId":"demo-channel","locale":"en-US"}`
	req, _ := http.NewRequest(http.MethodPost, srv.URL+openapi.ApplyTokenPath, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := srv.Client().Do(req) // no credentials: a 401, the body never read
	if err != nil {
		panic(err)
	}
	resp.Body.Close()

	for _, r := range srv.Requests() {
		fmt.Println(r.Op, r.Status, "body checked:", r.BodyChecked)
		for _, v := range r.Violations {
			fmt.Println(" ", v.In, v.Name, v.Rule)
		}
	}
	// Output:
	// applyToken 401 body checked: false
	//   header x-app-key security
	//   header Authorization security
}
