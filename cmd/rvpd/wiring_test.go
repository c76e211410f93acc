package main

import (
	"net/http"
	"testing"

	"rendezvous/internal/rvpwire"
)

// TestConfigReachesEngine: the poll settings given to rvpd are the ones the
// running server applies.
func TestConfigReachesEngine(t *testing.T) {
	dir := t.TempDir()
	addUsers(t, dir, "alice", "bob")
	d := startDaemon(t, dir, "-poll-lifetime-default", "7", "-poll-lifetime-minimum", "1", "-poll-lifetime-maximum", "9",
		"-poll-msg-lifetime-default", "100", "-poll-msg-lifetime-minimum", "10", "-poll-msg-lifetime-maximum", "200",
		"-poll-msg-limit", "1")
	alice := newRVPClient(t, d.url(), "alice", "alice-pw")
	h := http.Header{}
	h.Set("Notification-Type", string(rvpwire.PragmaNotify))
	h.Set("Call-Back", rvpwire.CallBackPoll)
	resp, _ := alice.mustDo(t, http.StatusOK, rvpwire.MethodSubscribe, rvpwire.AliasesPath+"alice", h, nil)
	if got := [2]string{resp.Header.Get("RVP-Poll-Lifetime"), resp.Header.Get("RVP-Poll-Msg-Lifetime")}; got != [2]string{"7", "100"} {
		t.Errorf("granted RVP-Poll-Lifetime/RVP-Poll-Msg-Lifetime %q, want 7 and 100", got)
	}
	bob := newRVPClient(t, d.url(), "bob", "bob-pw")
	bob.sendIM(t, "alice", "{3F2A9C10-5B7E-4D21-9A0B-6C1D2E3F4A5B}", "fits", http.StatusOK)
	bob.sendIM(t, "alice", "{3F2A9C10-5B7E-4D21-9A0B-6C1D2E3F4A5B}", "over PollMsgLimit", http.StatusInsufficientStorage)
}

func TestPollSupportOff(t *testing.T) {
	dir := t.TempDir()
	addUsers(t, dir, "alice")
	d := startDaemon(t, dir, "-poll-support", "0")
	alice := newRVPClient(t, d.url(), "alice", "alice-pw")
	h := http.Header{}
	h.Set("Notification-Type", string(rvpwire.PragmaNotify))
	h.Set("Call-Back", rvpwire.CallBackPoll)
	alice.mustDo(t, http.StatusNotImplemented, rvpwire.MethodSubscribe, rvpwire.AliasesPath+"alice", h, nil)
}
