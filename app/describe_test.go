package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"testing"

	"rendezvous/app/localserver"
	"rendezvous/internal/rvpwire"
	"rendezvous/rvpclient"
)

func TestDescribe(t *testing.T) {
	status := func(code int) error { return &rvpwire.StatusError{Code: code} }
	cases := []struct {
		err  error
		want string
	}{
		{fmt.Errorf("rvpclient: sign in: %w", rvpclient.ErrAuth), "The sign-in name or password is wrong."},
		{&rvpclient.PollingUnsupportedError{}, "This server does not support polling. Choose Default or Fixed Port(s) in Connection Configuration (Tools > Options > Accounts > Advanced...)."},
		{&rvpclient.PollingUnsupportedError{Message: "Polling is not enabled on this server."}, "This server does not support polling: Polling is not enabled on this server."},
		{&rvpclient.PortsBusyError{From: 5000, To: 5010}, "Every port from 5000 to 5010 is in use by another program. Choose other ports in the Connection Configuration, or use Default."},
		{&rvpclient.NetworkError{Op: "SUBSCRIBE", Err: &net.DNSError{Err: "no such host", Name: "im.example.com", IsNotFound: true}}, "The server could not be found. Check the sign-in name, or type the server's name under Server."},
		{&rvpclient.NetworkError{Op: "SUBSCRIBE", Err: errors.New("connection refused")}, "The server could not be reached. Check the server name and your network connection."},
		{fmt.Errorf("x: %w", context.DeadlineExceeded), "The server did not answer in time. Try again later."},
		{fmt.Errorf("send: %w", status(412)), "The contact is not signed in, so the message was not delivered."},
		{fmt.Errorf("send: %w", status(403)), "The contact does not accept messages or requests from you."},
		{fmt.Errorf("send: %w", status(507)), "The contact has too many messages waiting. Try again later."},
		{&rvpclient.ConversationError{Failed: map[string]error{"bob@x": status(412)}}, "The contact is not signed in, so the message was not delivered."},
		{&rvpclient.ConversationError{Failed: map[string]error{"carol@x": status(412), "bob@x": status(403)}}, "Not delivered to bob@x, carol@x."},
		{fmt.Errorf("app: %w", localserver.ErrAccountExists), "That name is already taken on this computer's server. Choose another name, or sign in with it."},
		{notice("Plain words."), "Plain words."},
		{errors.New("something unknown"), ""},
	}
	for _, c := range cases {
		if got := describe(c.err); got != c.want {
			t.Errorf("describe(%v) = %q, want %q", c.err, got, c.want)
		}
	}
}

func TestParseArgs(t *testing.T) {
	cfg, err := parseArgs([]string{"--profile", "bob", "--smoke-sign-in", "bob@localhost:pw:x", "--smoke-send", "alice@localhost:hi: there"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.profile != "bob" || *cfg.smokeIn != (smokeAccount{"bob@localhost", "pw:x"}) || *cfg.smokeSend != (smokeMessage{"alice@localhost", "hi: there"}) {
		t.Fatalf("cfg = %+v %+v %+v", cfg, cfg.smokeIn, cfg.smokeSend)
	}
	for _, bad := range [][]string{{"--profile", "../x"}, {"--profile", "default"}, {"--smoke-sign-in", "nopassword"},
		{"--smoke-send", "a@b:hi"}, {"extra"}} {
		if _, err := parseArgs(bad, io.Discard); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if _, err := parseArgs([]string{"--help"}, io.Discard); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("--help: %v", err)
	}
}

func TestResolveDirs(t *testing.T) {
	d := resolveDirs("/c", "/d", "")
	if d.config != "/c/rendezvous" || d.data != "/d/rendezvous" || d.server != "/d/rendezvous/server" {
		t.Fatalf("default dirs %+v", d)
	}
	d = resolveDirs("/c", "/d", "bob")
	if d.config != "/c/rendezvous/instances/bob" || d.data != "/d/rendezvous/instances/bob" || d.server != "/d/rendezvous/server" {
		t.Fatalf("bob's dirs %+v", d)
	}
}
