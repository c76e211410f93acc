package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"rendezvous/bench/internal/proc"
)

// Pidgin cannot sign in to rvpd (see runDesktop), so it is measured signed
// in to a loopback IRC server (Debian's ngircd) with 100 buddies that are
// all online: the same shape of work for the client (connect, sign in, show
// 100 online contacts), over the protocol Pidgin handles with no plugin.

// ircd is a running ngircd.
type ircd struct {
	p    *proc.Process
	addr string
}

// startIRCd runs ngircd on a free loopback port with a configuration of its
// own (no PAM, ident or DNS; no per-address connection limit).
func startIRCd(ctx context.Context, e *env) (*ircd, error) {
	dir := filepath.Join(e.work, "ircd")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := l.Addr().String()
	l.Close()
	_, port, _ := net.SplitHostPort(addr)
	conf := fmt.Sprintf("[Global]\nName = irc.bench.example\nInfo = rvpbench\nListen = 127.0.0.1\nPorts = %s\n"+
		"PidFile = %s\nMotdPhrase = rvpbench\n[Limits]\nMaxConnections = 0\nMaxConnectionsIP = 0\n"+
		"[Options]\nPAM = no\nIdent = no\nDNS = no\nConnectIPv6 = no\n", port, filepath.Join(dir, "pid"))
	cf := filepath.Join(dir, "ngircd.conf")
	if err := os.WriteFile(cf, []byte(conf), 0o600); err != nil {
		return nil, err
	}
	ready := func() bool {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
		}
		return err == nil
	}
	p, err := proc.StartWait(ctx, 20*time.Second, e.logs, nil, ready, "ngircd", "-n", "-f", cf)
	if err != nil {
		return nil, err
	}
	return &ircd{p: p, addr: addr}, nil
}

func (d *ircd) stop() { d.p.Stop(5 * time.Second) }

// ircUser is one registered IRC connection that answers PINGs until closed.
type ircUser struct {
	c  net.Conn
	br *bufio.Reader
}

// ircRegister connects as nick and waits for the welcome (001).
func ircRegister(addr, nick string) (*ircUser, error) {
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, err
	}
	u := &ircUser{c: c, br: bufio.NewReader(c)}
	c.SetDeadline(time.Now().Add(20 * time.Second))
	fmt.Fprintf(c, "NICK %s\r\nUSER %s 0 * :%s\r\n", nick, nick, nick)
	for {
		line, err := u.br.ReadString('\n')
		if err != nil {
			c.Close()
			return nil, fmt.Errorf("irc %s: %w", nick, err)
		}
		if f := strings.Fields(line); len(f) > 1 && f[1] == "001" {
			c.SetDeadline(time.Time{})
			return u, nil
		}
	}
}

// idle answers PINGs until the connection closes.
func (u *ircUser) idle() {
	for {
		line, err := u.br.ReadString('\n')
		if err != nil {
			return
		}
		if strings.HasPrefix(line, "PING") {
			fmt.Fprintf(u.c, "PONG%s", strings.TrimPrefix(line, "PING"))
		}
	}
}

// startIRCBuddies registers every nick and keeps them online; the returned
// function disconnects them and waits for their goroutines.
func startIRCBuddies(addr string, nicks []string) (func(), error) {
	var users []*ircUser
	var wg sync.WaitGroup
	stop := func() {
		for _, u := range users {
			u.c.Close()
		}
		wg.Wait()
	}
	for _, n := range nicks {
		u, err := ircRegister(addr, n)
		if err != nil {
			stop()
			return nil, err
		}
		users = append(users, u)
		wg.Go(u.idle)
	}
	return stop, nil
}

// ircWatcher asks the server with ISON whether a nick is on, one question
// per call; it is used from one goroutine.
type ircWatcher struct {
	u    *ircUser
	nick string
}

// online reports whether the nick is connected and registered.
func (w *ircWatcher) online() bool {
	w.u.c.SetDeadline(time.Now().Add(2 * time.Second))
	fmt.Fprintf(w.u.c, "ISON %s\r\n", w.nick)
	for {
		line, err := w.u.br.ReadString('\n')
		if err != nil {
			return false
		}
		f := strings.Fields(line)
		if len(f) > 1 && f[0] == "PING" {
			fmt.Fprintf(w.u.c, "PONG %s\r\n", strings.Join(f[1:], " "))
			continue
		}
		if len(f) > 1 && f[1] == "303" {
			_, list, _ := strings.Cut(strings.TrimPrefix(line, ":"), ":")
			return strings.EqualFold(strings.TrimSpace(list), w.nick)
		}
	}
}
