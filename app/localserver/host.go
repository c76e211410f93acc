package localserver

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"rendezvous/rvpserver"
)

// accountsPath is the host's account-creation endpoint.
const accountsPath = "/.rendezvous/accounts"

// host is the server this process runs: rvpserver on a loopback listener.
type host struct {
	srv     *rvpserver.Server
	store   rvpserver.Store
	http    *http.Server
	addr    string   // loopback address
	bound   string   // the listener's address (127.0.0.1:PORT, or [::]:PORT when open)
	network []string // addresses for other computers (open servers only)
	token   string
	done    sync.WaitGroup
}

// listen listens on 127.0.0.1 (or every interface when open) at port, or
// at any free port when that one is taken.
func listen(port int, open bool) (net.Listener, error) {
	host := "127.0.0.1"
	if open {
		host = ""
	}
	if port > 0 {
		if ln, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(port))); err == nil {
			return ln, nil
		}
	}
	return net.Listen("tcp", net.JoinHostPort(host, "0"))
}

// networkAddrs lists this computer's non-loopback addresses with port.
func networkAddrs(port string) []string {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return nil
	}
	var out []string
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() && !n.IP.IsLinkLocalUnicast() {
			out = append(out, net.JoinHostPort(n.IP.String(), port))
		}
	}
	return out
}

func startHost(ctx context.Context, store rvpserver.Store, port int, open bool, log *slog.Logger) (*host, error) {
	ln, err := listen(port, open)
	if err != nil {
		return nil, fmt.Errorf("localserver: listen: %w", err)
	}
	p := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	addr := net.JoinHostPort("127.0.0.1", p)
	var network []string
	if open {
		network = networkAddrs(p)
	}
	srv, err := rvpserver.New(&rvpserver.Options{
		Domains:   []string{Domain},
		HostNames: append([]string{addr, "localhost:" + p}, network...),
		Store:     store,
		Logger:    log,
	})
	if err == nil {
		err = srv.Start(ctx)
	}
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("localserver: %w", err)
	}
	h := &host{srv: srv, store: store, addr: addr, network: network, bound: ln.Addr().String()}
	mux := http.NewServeMux()
	mux.Handle("POST "+accountsPath, http.HandlerFunc(h.serveAccounts))
	mux.Handle("/", srv)
	h.http = &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      15 * time.Minute, // held POLLs
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	h.done.Add(1)
	go func() {
		defer h.done.Done()
		if err := h.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Warn("local server stopped", "err", err)
		}
	}()
	return h, nil
}

func (h *host) addUser(ctx context.Context, name, password string) error {
	err := h.srv.AddUser(ctx, name, password, name)
	switch {
	case errors.Is(err, rvpserver.ErrUserExists):
		return ErrAccountExists
	case errors.Is(err, rvpserver.ErrInvalidAlias):
		return ErrBadName
	case err != nil:
		return fmt.Errorf("localserver: add account: %w", err)
	}
	return nil
}

type accountRequest struct {
	Name     string `json:"name"`
	Password string `json:"password"`
}

// serveAccounts creates an account for a loopback peer holding the token.
func (h *host) serveAccounts(w http.ResponseWriter, r *http.Request) {
	peer, _, _ := net.SplitHostPort(r.RemoteAddr)
	ip := net.ParseIP(peer)
	want := "Bearer " + h.token
	if ip == nil || !ip.IsLoopback() || subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), []byte(want)) != 1 {
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	var req accountRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<10)).Decode(&req); err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	switch err := h.addUser(r.Context(), req.Name, req.Password); {
	case errors.Is(err, ErrAccountExists):
		http.Error(w, "exists", http.StatusConflict)
	case errors.Is(err, ErrBadName):
		http.Error(w, "bad name", http.StatusUnprocessableEntity)
	case err != nil:
		http.Error(w, "failed", http.StatusInternalServerError)
	default:
		w.WriteHeader(http.StatusCreated)
	}
}

// remoteAdd asks the hosting process to create an account.
func (l *Local) remoteAdd(ctx context.Context, name, password string) error {
	fi := l.readFile()
	if fi.Address == "" || fi.Token == "" || !isLoopback(fi.Address) {
		return ErrNoHost
	}
	body, _ := json.Marshal(accountRequest{Name: name, Password: password})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+fi.Address+accountsPath, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("localserver: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+fi.Token)
	req.Header.Set("Content-Type", "application/json")
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("localserver: %w: %w", ErrNoHost, err)
	}
	resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusCreated:
		return nil
	case http.StatusConflict:
		return ErrAccountExists
	case http.StatusUnprocessableEntity:
		return ErrBadName
	}
	return fmt.Errorf("localserver: the hosting instance answered %s", resp.Status)
}

// stop shuts the HTTP server and rvpserver down and closes the store.
func (h *host) stop(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	err := h.srv.Shutdown(ctx)
	if cerr := h.http.Shutdown(ctx); cerr != nil {
		h.http.Close()
		err = errors.Join(err, cerr)
	}
	h.done.Wait()
	return errors.Join(err, h.store.Close())
}
