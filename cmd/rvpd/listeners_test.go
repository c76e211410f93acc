package main

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"rendezvous/internal/rvpwire"
)

// TestWriteDeadlinePerMethod: POLL gets the poll write deadline, every
// other method the other one. The other deadline is set in the past, so a
// non-POLL answer cannot be written at all, while a POLL answer can.
func TestWriteDeadlinePerMethod(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "2")
		w.WriteHeader(http.StatusOK)
		io.WriteString(w, "ok")
	})
	srv := httptest.NewServer(withWriteDeadline(h, time.Minute, -time.Second, slog.New(slog.DiscardHandler)))
	defer srv.Close()
	for _, tc := range []struct {
		method string
		ok     bool
	}{{rvpwire.MethodPoll, true}, {rvpwire.MethodNotify, false}, {rvpwire.MethodSubscribe, false}} {
		req, err := http.NewRequestWithContext(t.Context(), tc.method, srv.URL+"/instmsg/aliases/a", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := srv.Client().Do(req)
		if err == nil {
			body, rerr := io.ReadAll(resp.Body)
			resp.Body.Close()
			if rerr != nil || string(body) != "ok" {
				err = io.ErrUnexpectedEOF
			}
		}
		if (err == nil) != tc.ok {
			t.Errorf("%s: err %v, want success %v", tc.method, err, tc.ok)
		}
	}
}

// TestRVPServerTimeouts pins the http.Server limits the help promises.
func TestRVPServerTimeouts(t *testing.T) {
	cfg := DefaultConfig(func(string) string { return "" })
	cfg.Poll.LifeTime.Maximum = 4 * time.Hour
	s := rvpHTTPServer(cfg, nil, slog.New(slog.DiscardHandler))
	if s.ReadHeaderTimeout != 10*time.Second || s.ReadTimeout != 30*time.Second || s.IdleTimeout != 120*time.Second ||
		s.MaxHeaderBytes != 1<<20 || s.WriteTimeout != 4*time.Hour+time.Minute {
		t.Errorf("timeouts: header %v read %v write %v idle %v max header %d", s.ReadHeaderTimeout, s.ReadTimeout,
			s.WriteTimeout, s.IdleTimeout, s.MaxHeaderBytes)
	}
}
