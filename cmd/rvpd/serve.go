package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"rendezvous/rvpserver"
)

// shutdownGrace bounds the graceful shutdown after SIGINT/SIGTERM: answering
// held POLLs, letting requests in progress finish, flushing the store.
const shutdownGrace = 10 * time.Second

// serve runs the daemon until ctx is cancelled (SIGINT/SIGTERM) or a
// listener fails. Order on the way up: database, engine, listeners, engine
// start, serving. On the way down: the engine first (it answers held POLLs
// with 204 and refuses new work), then the HTTP servers (they wait for the
// answers to be written), then the database.
func serve(ctx context.Context, e *env) int {
	logConfig(e)
	st, err := openStore(e.cfg)
	if err != nil {
		fmt.Fprintf(e.stderr, "rvpd: %v\n", err)
		return exitFailure
	}
	defer closeStore(st, e)
	srv, err := rvpserver.New(serverOptions(e.cfg, st, e))
	if err != nil {
		fmt.Fprintf(e.stderr, "rvpd: %v\n", err)
		return exitFailure
	}
	ls, err := listen(e.cfg, srv, e.log)
	if err != nil {
		fmt.Fprintf(e.stderr, "rvpd: %v\n", err)
		return exitFailure
	}
	if err := srv.Start(ctx); err != nil {
		ls.close()
		fmt.Fprintf(e.stderr, "rvpd: %v\n", err)
		return exitFailure
	}
	serveErr := ls.serve(ctx)
	code := exitOK
	if serveErr != nil {
		e.log.Error("listener failed; shutting down", "err", serveErr)
		code = exitFailure
	}
	if err := shutdown(ctx, srv, ls, e); err != nil {
		code = exitFailure
	}
	return code
}

// logConfig logs the effective configuration (it holds no secrets).
func logConfig(e *env) {
	c := e.cfg
	e.log.Info("starting", "domains", c.Domains, "host_names", c.HostNames, "db", c.DBPath(),
		"listen", c.Listen, "admin_listen", c.AdminListen, "tls", c.TLS(),
		"max_outstanding", c.MaxOutstanding, "callback_timeout", c.CallbackTimeout,
		"default_foreign", c.DefaultForeign, "default_presence", c.DefaultPresence, "default_send_to", c.DefaultSendTo,
		"poll_support", c.Poll.Support, "poll_lifetime", c.Poll.LifeTime.String(),
		"poll_msg_lifetime", c.Poll.MsgLifeTime.String(), "poll_msg_limit", c.Poll.MsgLimit,
		"poll_msg_kbyte_limit", c.Poll.MsgKByteLimit, "poll_drop_msg_lifetime", c.Poll.DropMsgLifeTime)
}

// shutdown stops the engine and the listeners within shutdownGrace.
func shutdown(ctx context.Context, srv *rvpserver.Server, ls *listeners, e *env) error {
	e.log.Info("shutting down", "grace", shutdownGrace)
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	errEngine := srv.Shutdown(sctx)
	if errEngine != nil {
		e.log.Error("engine shutdown incomplete", "err", errEngine)
	}
	errHTTP := ls.shutdown(sctx)
	if errHTTP != nil {
		e.log.Error("http shutdown incomplete; connections closed", "err", errHTTP)
	}
	return errors.Join(errEngine, errHTTP)
}

// openStore creates DataDir (0700) when missing and opens the database.
func openStore(cfg Config) (rvpserver.Store, error) {
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data dir: %w", err)
	}
	st, err := rvpserver.OpenBolt(cfg.DBPath())
	if errors.Is(err, rvpserver.ErrStoreLocked) {
		return nil, &lockedError{path: cfg.DBPath(), err: err}
	}
	return st, err
}

// lockedError says that another process (a running rvpd) holds the database.
type lockedError struct {
	path string
	err  error
}

func (e *lockedError) Error() string {
	return fmt.Sprintf("database %s is locked by another process (is rvpd running? user commands need it stopped)", e.path)
}

func (e *lockedError) Unwrap() error { return e.err }

func closeStore(st rvpserver.Store, e *env) {
	if err := st.Close(); err != nil {
		e.log.Error("closing the database failed", "err", err)
	}
}

// serverOptions converts the configuration for the engine.
func serverOptions(cfg Config, st rvpserver.Store, e *env) *rvpserver.Options {
	p := cfg.Poll
	triple := func(t Triple) rvpserver.Triple {
		return rvpserver.Triple{Default: t.Default, Minimum: t.Minimum, Maximum: t.Maximum}
	}
	return &rvpserver.Options{
		Domains:   cfg.Domains,
		HostNames: cfg.HostNames,
		Store:     st,
		Logger:    e.log,
		Poll: &rvpserver.PollOptions{
			Support: p.Support, LifeTime: triple(p.LifeTime), MsgLifeTime: triple(p.MsgLifeTime),
			MsgLimit: p.MsgLimit, MsgKByteLimit: p.MsgKByteLimit, DropMsgLifeTime: p.DropMsgLifeTime,
		},
		MaxOutstanding:  cfg.MaxOutstanding,
		CallbackTimeout: cfg.CallbackTimeout,
		DigestPrefixes:  cfg.DigestPrefixes,
		DefaultACL:      defaultACL(cfg),
	}
}
