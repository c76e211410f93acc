package rvpclient

import (
	"time"
)

// Diagnostics is a snapshot of the engine's connection details for the UI
// ("Connection information").
type Diagnostics struct {
	State         ConnState
	Mode          Mode          // the mode in use (Default after a Ports fallback)
	Server        string        // home server base URL
	CallbackURL   string        // Default/Fixed: the advertised Call-Back
	CallbackCheck CallbackCheck // result of the self-test
	PollHold      time.Duration // Polling: the hold currently asked for
	LastPoll      time.Time     // Polling: when the last answer arrived
	LastPollRTT   time.Duration // Polling: how long that POLL was open
	PollsCut      int64         // Polling: POLLs that broke before their hold
	Dropped       int64         // Polling: items the server dropped (RVP-Poll-Dropped)
	Duplicates    int64         // Polling: items received again and ignored
	Reconnects    int64         // automatic sign-ins after losing the login
	EventsLost    int64         // events dropped because the handler fell behind
	LastError     error         // the last error the engine met on its own
}

// diagState holds the counters; guarded by Client.mu.
type diagState struct {
	mode          Mode
	server        string
	callbackURL   string
	callbackCheck CallbackCheck
	pollHold      time.Duration
	lastPoll      time.Time
	lastPollRTT   time.Duration
	pollsCut      int64
	dropped       int64
	duplicates    int64
	reconnects    int64
	lastErr       error
}

// session records the details of a newly installed session.
func (d *diagState) session(s *session) {
	d.mode, d.server, d.callbackURL = s.mode, s.tr.base.String(), s.callbackURL
	d.pollHold = 0
	if s.mode == ModePolling {
		d.pollHold = s.pollHold
	}
}

// Diagnostics returns a snapshot.
func (c *Client) Diagnostics() Diagnostics {
	c.mu.Lock()
	d := c.diag
	st := c.conn
	c.mu.Unlock()
	return Diagnostics{
		State: st, Mode: d.mode, Server: d.server, CallbackURL: d.callbackURL,
		CallbackCheck: d.callbackCheck, PollHold: d.pollHold, LastPoll: d.lastPoll,
		LastPollRTT: d.lastPollRTT, PollsCut: d.pollsCut, Dropped: d.dropped,
		Duplicates: d.duplicates, Reconnects: d.reconnects, EventsLost: c.ev.lostCount(),
		LastError: d.lastErr,
	}
}

// noteError records an error the engine met on its own.
func (c *Client) noteError(err error) {
	c.mu.Lock()
	c.diag.lastErr = err
	c.mu.Unlock()
	c.log.Info("rvpclient: " + err.Error())
}
