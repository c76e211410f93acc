// Package localserver runs an RVP server (package rvpserver) on this
// computer for people who have none, and lets a second instance of the app
// (another --profile) use the same server.
//
// # Design
//
// Only one process may open the server's bbolt database, so exactly one
// instance hosts the server: the first one asked to. Everything lives in one
// 0700 directory (normally $XDG_DATA_HOME/rendezvous/server):
//
//	rvpd.db       the server's store (bbolt, locked by the hosting process)
//	server.json   {"address":"127.0.0.1:PORT","token":"<64 hex>","open":false,
//	               "network":["192.0.2.7:PORT"]} (0600)
//
// The host listens on 127.0.0.1 only, unless the user opened it up (Host
// with open set, remembered in server.json for later starts): then it
// listens on every interface and other computers sign in with the server
// address of one of the "network" entries. Accounts are created by the host
// directly (rvpserver.Server.AddUser). Another instance finds the host
// through server.json and creates accounts by POSTing to the host's
// loopback-only endpoint /.rendezvous/accounts with "Authorization: Bearer
// <token>". The token is random per host start and readable only by the
// user (the file and its directory are the user's alone), so only the same
// user's processes can create accounts; the endpoint refuses non-loopback
// peers and compares the token in constant time. Nothing else is exposed.
//
// When the hosting instance exits, the server stops with it; the next
// instance asked to start it becomes the host, on the same port when free,
// so saved "Server" settings stay valid.
//
// All methods of Local are safe for concurrent use.
package localserver

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"rendezvous/rvpserver"
)

// Domain is the IM domain of accounts on the local server: alice@localhost.
const Domain = "localhost"

// Errors; test them with errors.Is.
var (
	// ErrNoHost: no live local server was found and hosting was not asked.
	ErrNoHost = errors.New("localserver: no server is running on this computer")
	// ErrAccountExists: the account name is taken.
	ErrAccountExists = errors.New("localserver: account already exists")
	// ErrBadName: the account name is not a valid alias.
	ErrBadName = errors.New("localserver: invalid account name")
)

// Options configure a Local. Dir is required.
type Options struct {
	Dir    string       // the 0700 directory of the server's files
	Logger *slog.Logger // nil discards
	// Port is the port to try first when hosting; 0 means the one in
	// server.json, else any free port.
	Port int
}

// Info says where the local server is.
type Info struct {
	Address string   // 127.0.0.1:PORT, for this computer
	Hosted  bool     // this process hosts it
	Open    bool     // other computers may connect
	Network []string // when Open: the addresses other computers use
}

// URL is the server's base URL for the client engine.
func (i Info) URL() string { return "http://" + i.Address }

// Local starts or finds the server on this computer. New does no I/O.
type Local struct {
	opts Options
	log  *slog.Logger

	mu    sync.Mutex
	host  *host // set while this process hosts
	token string
	info  Info
}

// New returns a Local for opts.
func New(opts Options) *Local {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Local{opts: opts, log: log}
}

type fileInfo struct {
	Address string   `json:"address"`
	Token   string   `json:"token"`
	Open    bool     `json:"open,omitempty"`
	Network []string `json:"network,omitempty"`
}

func (fi fileInfo) info() Info {
	return Info{Address: fi.Address, Open: fi.Open, Network: fi.Network}
}

func (l *Local) infoPath() string { return filepath.Join(l.opts.Dir, "server.json") }

// readFile reads server.json; a missing or broken file reads as empty.
func (l *Local) readFile() fileInfo {
	var fi fileInfo
	data, err := os.ReadFile(l.infoPath())
	if err == nil {
		_ = json.Unmarshal(data, &fi)
	}
	return fi
}

// Find returns the live server another process (or this one) hosts, or
// ErrNoHost.
func (l *Local) Find(ctx context.Context) (Info, error) {
	l.mu.Lock()
	if l.host != nil {
		defer l.mu.Unlock()
		return l.info, nil
	}
	l.mu.Unlock()
	fi := l.readFile()
	if fi.Address == "" || !alive(ctx, fi.Address) {
		return Info{}, ErrNoHost
	}
	return fi.info(), nil
}

// alive reports whether something answers TCP on a loopback address.
func alive(ctx context.Context, addr string) bool {
	if !isLoopback(addr) {
		return false
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	c, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

func isLoopback(addr string) bool {
	h, _, err := net.SplitHostPort(addr)
	ip := net.ParseIP(h)
	return err == nil && ip != nil && ip.IsLoopback()
}

// Start returns the running local server, hosting it in this process when
// no other process does, open to other computers when the user chose so
// the last time it was hosted.
func (l *Local) Start(ctx context.Context) (Info, error) {
	return l.Host(ctx, l.readFile().Open)
}

// Host is Start with the user's choice: open lets other computers connect
// when this call starts the server. A server already running stays as it
// is (Info says whether it is open).
func (l *Local) Host(ctx context.Context, open bool) (Info, error) {
	if info, err := l.Find(ctx); err == nil {
		return info, nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.host != nil {
		return l.info, nil
	}
	if err := os.MkdirAll(l.opts.Dir, 0o700); err != nil {
		return Info{}, fmt.Errorf("localserver: %w", err)
	}
	store, err := rvpserver.OpenBolt(filepath.Join(l.opts.Dir, "rvpd.db"))
	if errors.Is(err, rvpserver.ErrStoreLocked) {
		// Another instance holds the store but did not answer yet.
		fi := l.readFile()
		if fi.Address != "" && alive(ctx, fi.Address) {
			return fi.info(), nil
		}
		return Info{}, fmt.Errorf("localserver: the server's files are in use by another program: %w", err)
	}
	if err != nil {
		return Info{}, fmt.Errorf("localserver: %w", err)
	}
	h, err := startHost(ctx, store, l.preferredPort(), open, l.log)
	if err != nil {
		store.Close()
		return Info{}, err
	}
	l.token = newToken()
	h.token = l.token
	fi := fileInfo{Address: h.addr, Token: l.token, Open: open, Network: h.network}
	if err := l.writeFile(fi); err != nil {
		h.stop(ctx)
		return Info{}, err
	}
	l.host = h
	l.info = fi.info()
	l.info.Hosted = true
	l.log.Info("hosting the local server", "address", h.addr, "open", open, "network", h.network)
	return l.info, nil
}

func (l *Local) preferredPort() int {
	if l.opts.Port != 0 {
		return l.opts.Port
	}
	_, p, err := net.SplitHostPort(l.readFile().Address)
	if err != nil {
		return 0
	}
	n, _ := strconv.Atoi(p)
	return n
}

func newToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func (l *Local) writeFile(fi fileInfo) error {
	data, _ := json.Marshal(fi)
	tmp := l.infoPath() + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return fmt.Errorf("localserver: %w", err)
	}
	if err := os.Rename(tmp, l.infoPath()); err != nil {
		return fmt.Errorf("localserver: %w", err)
	}
	return nil
}

// CreateAccount creates name@localhost with password on the local server
// (here, or through the hosting process) and returns the sign-in name.
func (l *Local) CreateAccount(ctx context.Context, name, password string) (string, error) {
	name = strings.ToLower(strings.TrimSpace(name))
	if !rvpserver.ValidAlias(name) {
		return "", ErrBadName
	}
	l.mu.Lock()
	h := l.host
	l.mu.Unlock()
	var err error
	if h != nil {
		err = h.addUser(ctx, name, password)
	} else {
		err = l.remoteAdd(ctx, name, password)
	}
	if err != nil {
		return "", err
	}
	return name + "@" + Domain, nil
}

// Close stops the server if this process hosts it, and waits. Idempotent.
func (l *Local) Close(ctx context.Context) error {
	l.mu.Lock()
	h := l.host
	l.host = nil
	l.mu.Unlock()
	if h == nil {
		return nil
	}
	return h.stop(ctx)
}
