package servertest

import "github.com/aicc-kit/applytoken/server"

// Requests returns the requests the stub answered, oldest first (at most
// the last 1000), each with the rules of the contract it broke: what
// GET /_stub/requests shows of the binary.
//
//	for _, r := range srv.Requests() {
//		if len(r.Violations) > 0 { t.Errorf("%s %s broke the contract: %v", r.Method, r.Path, r.Violations) }
//	}
func (s *Server) Requests() []server.Request { return s.stub.Journal().Requests }

// Journal returns the whole request journal: the requests, how many were
// dropped beyond the cap, and the count of every violation.
func (s *Server) Journal() server.Journal { return s.stub.Journal() }

// ResetJournal empties the request journal.
func (s *Server) ResetJournal() { s.stub.ResetJournal() }
