package firewalltest

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sync"
	"time"

	"rendezvous/internal/rvpwire"
	"rendezvous/rvpclient"
)

// The chat role runs one rvpclient engine inside a namespace. It reads
// commands from stdin and writes events to stdout, one JSON object a line.

// command is what the test sends to a chat process.
type command struct {
	Op    string `json:"op"`              // add, send, status, diag, quit
	ID    int    `json:"id,omitempty"`    // echoed in the result
	Who   string `json:"who,omitempty"`   // add, send
	Text  string `json:"text,omitempty"`  // send
	State string `json:"state,omitempty"` // status
}

// event is what a chat process reports.
type event struct {
	Ev      string `json:"ev"` // signedin, result, message, presence, unreachable, conn, warning, diag
	ID      int    `json:"id,omitempty"`
	Err     string `json:"err,omitempty"`
	Code    string `json:"code,omitempty"` // offline, blocked, queuefull, network, timeout, other
	From    string `json:"from,omitempty"`
	Text    string `json:"text,omitempty"`
	Contact string `json:"contact,omitempty"`
	State   string `json:"state,omitempty"`
	// diag
	Mode     string `json:"mode,omitempty"`
	Callback string `json:"callback,omitempty"`
	PollsCut int64  `json:"polls_cut,omitempty"`
	Dups     int64  `json:"dups,omitempty"`
	Hold     string `json:"hold,omitempty"`
	At       int64  `json:"at"` // unix nanoseconds when the event was written
}

type chatOut struct {
	mu  sync.Mutex
	enc *json.Encoder
}

func (o *chatOut) emit(e event) {
	e.At = time.Now().UnixNano()
	o.mu.Lock()
	defer o.mu.Unlock()
	_ = o.enc.Encode(e)
}

func chatRole(args []string) int {
	fs := flag.NewFlagSet("chat", flag.ContinueOnError)
	user := fs.String("user", "", "sign-in name")
	password := fs.String("password", "", "password")
	server := fs.String("server", "", "server URL")
	mode := fs.String("mode", "default", "default, polling or fixed")
	ports := fs.String("ports", "", "fixed ports FROM-TO")
	period := fs.Duration("period", 10*time.Minute, "polling period")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	out := &chatOut{enc: json.NewEncoder(os.Stdout)}
	opts := &rvpclient.Options{ServerURL: *server, PollingPeriod: *period, SelfTestTimeout: 3 * time.Second}
	switch *mode {
	case "polling":
		opts.Mode = rvpclient.ModePolling
	case "fixed":
		opts.Mode = rvpclient.ModeFixedPort
		_, _ = fmt.Sscanf(*ports, "%d-%d", &opts.PortFrom, &opts.PortTo)
	}
	opts.Handler = rvpclient.HandlerFunc(func(ev rvpclient.Event) { reportEvent(out, ev) })
	c := rvpclient.New(opts)
	defer c.Close()
	ctx := context.Background()
	sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	err := c.SignIn(sctx, rvpclient.Account{SignInName: *user, Password: *password})
	cancel()
	if err != nil {
		out.emit(event{Ev: "signedin", Err: err.Error()})
		return 1
	}
	out.emit(event{Ev: "signedin"})
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		var cmd command
		if err := json.Unmarshal(in.Bytes(), &cmd); err != nil {
			out.emit(event{Ev: "result", Err: "bad command: " + err.Error()})
			continue
		}
		if cmd.Op == "quit" {
			qctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			_ = c.SignOut(qctx)
			cancel()
			return 0
		}
		go runCommand(ctx, c, out, cmd)
	}
	return 0
}

func runCommand(ctx context.Context, c *rvpclient.Client, out *chatOut, cmd command) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var err error
	switch cmd.Op {
	case "add":
		_, err = c.AddContact(ctx, cmd.Who)
	case "send":
		err = send(ctx, c, cmd.Who, cmd.Text)
	case "status":
		err = c.SetStatus(ctx, rvpwire.State(cmd.State))
	case "diag":
		d := c.Diagnostics()
		out.emit(event{Ev: "diag", ID: cmd.ID, Mode: d.Mode.String(), Callback: d.CallbackURL,
			PollsCut: d.PollsCut, Dups: d.Duplicates, Hold: d.PollHold.String()})
		return
	default:
		err = fmt.Errorf("unknown op %q", cmd.Op)
	}
	ev := event{Ev: "result", ID: cmd.ID}
	if err != nil {
		ev.Err, ev.Code = err.Error(), errorCode(err)
	}
	out.emit(ev)
}

// send reuses one conversation per peer, as the desktop app does.
var (
	convMu sync.Mutex
	convs  = map[string]*rvpclient.Conversation{}
)

func send(ctx context.Context, c *rvpclient.Client, to, text string) error {
	convMu.Lock()
	cv := convs[to]
	if cv == nil {
		var err error
		if cv, err = c.StartConversation(to); err != nil {
			convMu.Unlock()
			return err
		}
		convs[to] = cv
	}
	convMu.Unlock()
	return cv.Send(ctx, text)
}

func errorCode(err error) string {
	switch {
	case rvpclient.IsOffline(err):
		return "offline"
	case rvpclient.IsBlocked(err):
		return "blocked"
	case rvpclient.IsQueueFull(err):
		return "queuefull"
	case rvpclient.IsTimeout(err):
		return "timeout"
	case rvpclient.IsNetwork(err):
		return "network"
	}
	return "other"
}

func reportEvent(out *chatOut, ev rvpclient.Event) {
	switch e := ev.(type) {
	case rvpclient.MessageEvent:
		out.emit(event{Ev: "message", From: e.From, Text: e.Text})
	case rvpclient.PresenceEvent:
		if !e.Self {
			out.emit(event{Ev: "presence", Contact: e.Contact, State: string(e.State)})
		}
	case rvpclient.CallbackUnreachableEvent:
		out.emit(event{Ev: "unreachable", Callback: e.CallbackURL})
	case rvpclient.ConnectionEvent:
		ce := event{Ev: "conn", State: e.State.String()}
		if e.Reason != nil {
			ce.Err = e.Reason.Error()
		}
		out.emit(ce)
	case rvpclient.WarningEvent:
		out.emit(event{Ev: "warning", Text: e.Message})
	}
}
