package servertest

import "github.com/aicc-kit/applytoken/server"

// Inject arms f for the next call of op ("tokenByAkSk", "applyToken" or
// "laterCall"): a documented error status, a broken answer (reset,
// truncate, malformed), a delay, or a delay with either; see server.Fault.
// Faults queue with FailNext's and are met before any check. A delay runs
// on the wall clock, not on Now; Close cuts it short.
func (s *Server) Inject(op string, f server.Fault) {
	if err := s.stub.Inject(op, f); err != nil {
		s.fail("%v", err)
	}
}
