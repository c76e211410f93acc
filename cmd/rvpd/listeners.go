package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"syscall"
	"time"

	"rendezvous/internal/rvpwire"
	"rendezvous/rvpserver"
)

// Timeouts of the RVP listener. A POLL is held up to PollLifeTimeMaximum, so
// no fixed WriteTimeout fits every request: the server-wide WriteTimeout is a
// backstop (the longest hold plus writeMargin) and withWriteDeadline narrows
// it per request, to the longest hold plus writeMargin for POLL and to
// CallbackTimeout plus writeMargin for everything else (a NOTIFY may wait
// for one outgoing delivery). ReadTimeout only bounds reading the request:
// net/http clears the read deadline once the request body has been read (at
// once for a POLL, which has no body), so it never cuts a held POLL.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 30 * time.Second
	idleTimeout       = 120 * time.Second
	// rvpserver answers 431 itself past 64 KiB (with the RVP headers);
	// net/http's own, bare 431 only stops header sections beyond 1 MiB.
	maxHeaderBytes = 1 << 20
	writeMargin    = 60 * time.Second
)

// listeners owns the RVP and metrics servers and their serving goroutines.
type listeners struct {
	log   *slog.Logger
	rvp   *http.Server
	rvpLn net.Listener
	tls   bool
	admin *http.Server // nil when AdminListen is off
	adLn  net.Listener
	wg    sync.WaitGroup
	errc  chan error // one slot per serving goroutine
}

// listen binds both addresses (failing before anything is served) and
// builds the http.Servers. With TLSCert/TLSKey the RVP listener serves TLS.
func listen(cfg Config, srv *rvpserver.Server, log *slog.Logger) (*listeners, error) {
	ls := &listeners{log: log, errc: make(chan error, 2)}
	ls.rvp = rvpHTTPServer(cfg, srv, log)
	if cfg.TLS() {
		cert, err := tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey)
		if err != nil {
			return nil, fmt.Errorf("TLSCert/TLSKey: %w", err)
		}
		ls.rvp.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		ls.tls = true
	}
	var err error
	if ls.rvpLn, err = listenTCP("Listen", cfg.Listen, rvpKeepAlive(cfg)); err != nil {
		return nil, err
	}
	if !ls.tls {
		ls.rvpLn = rvpListener{ls.rvpLn} // the HTTP layer's own answers get the RVP headers (rawanswers.go)
	}
	if cfg.AdminListen == "" {
		return ls, nil
	}
	if ls.adLn, err = listenTCP("AdminListen", cfg.AdminListen, net.KeepAliveConfig{Enable: true}); err != nil {
		ls.rvpLn.Close()
		return nil, err
	}
	ls.admin = adminHTTPServer(srv, log)
	return ls, nil
}

// rvpKeepAlive sets TCP keep-alive probes on RVP connections to start only
// after the longest poll hold: a held POLL is an idle connection, and Go's
// default (a probe every 15 s) would cost about 36 KiB per polling client
// and hour, several times what the polls themselves cost
// (docs/BENCHMARKS.md, idle cost). A dead client is still noticed, after
// PollLifeTimeMaximum + 1 minute and five unanswered probes.
func rvpKeepAlive(cfg Config) net.KeepAliveConfig {
	return net.KeepAliveConfig{Enable: true, Idle: cfg.Poll.LifeTime.Maximum + time.Minute, Interval: time.Minute, Count: 5}
}

// listenTCP binds addr and explains the usual failure of port 80.
func listenTCP(key, addr string, ka net.KeepAliveConfig) (net.Listener, error) {
	lc := net.ListenConfig{KeepAliveConfig: ka}
	ln, err := lc.Listen(context.Background(), "tcp", addr)
	if errors.Is(err, syscall.EACCES) {
		return nil, fmt.Errorf("%s = %s: %w (ports below 1024 need root or CAP_NET_BIND_SERVICE; try -listen 127.0.0.1:8080)", key, addr, err)
	}
	if err != nil {
		return nil, fmt.Errorf("%s = %s: %w", key, addr, err)
	}
	return ln, nil
}

func rvpHTTPServer(cfg Config, srv *rvpserver.Server, log *slog.Logger) *http.Server {
	pollWrite := cfg.Poll.LifeTime.Maximum + writeMargin
	return &http.Server{
		Handler:           withWriteDeadline(srv, pollWrite, cfg.CallbackTimeout+writeMargin, log),
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      max(pollWrite, cfg.CallbackTimeout+writeMargin),
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// withWriteDeadline sets the write deadline of each request: poll for POLL,
// other for every other method.
func withWriteDeadline(h http.Handler, poll, other time.Duration, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d := other
		if r.Method == rvpwire.MethodPoll {
			d = poll
		}
		if err := http.NewResponseController(w).SetWriteDeadline(time.Now().Add(d)); err != nil {
			log.Debug("cannot set write deadline; server WriteTimeout applies", "err", err)
		}
		h.ServeHTTP(w, r)
	})
}

func adminHTTPServer(srv *rvpserver.Server, log *slog.Logger) *http.Server {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", srv.MetricsHandler())
	return &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// serve serves until ctx is done or a server stops by itself; it returns
// that server's error (nil after ctx).
func (ls *listeners) serve(ctx context.Context) error {
	ls.start(func() error {
		if ls.tls {
			return ls.rvp.ServeTLS(ls.rvpLn, "", "")
		}
		return ls.rvp.Serve(ls.rvpLn)
	})
	ls.log.Info("listening", "addr", ls.rvpLn.Addr().String(), "tls", ls.tls)
	if ls.admin != nil {
		ls.start(func() error { return ls.admin.Serve(ls.adLn) })
		ls.log.Info("metrics listening", "addr", ls.adLn.Addr().String())
	}
	select {
	case <-ctx.Done():
		return nil
	case err := <-ls.errc:
		return err
	}
}

func (ls *listeners) start(serveFn func() error) {
	ls.wg.Add(1)
	go func() {
		defer ls.wg.Done()
		if err := serveFn(); !errors.Is(err, http.ErrServerClosed) {
			ls.errc <- err
		}
	}()
}

// shutdown stops accepting, waits for requests in progress until ctx ends,
// then closes what is left and waits for the serving goroutines.
func (ls *listeners) shutdown(ctx context.Context) error {
	var errs []error
	for _, s := range []*http.Server{ls.rvp, ls.admin} {
		if s == nil {
			continue
		}
		if err := s.Shutdown(ctx); err != nil {
			errs = append(errs, err, s.Close())
		}
	}
	ls.wg.Wait()
	return errors.Join(errs...)
}

// close releases the listeners when serving never started.
func (ls *listeners) close() {
	ls.rvpLn.Close()
	if ls.adLn != nil {
		ls.adLn.Close()
	}
}
