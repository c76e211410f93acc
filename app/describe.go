package app

import (
	"errors"
	"fmt"
	"net"
	"sort"
	"strings"

	"rendezvous/app/localserver"
	"rendezvous/rvpclient"
	"rendezvous/settings"
)

// describe is the app's ui.Describer: it turns the engine's typed errors
// into one plain sentence. It never matches error text.
func describe(err error) string {
	var n notice
	if errors.As(err, &n) {
		return string(n)
	}
	if s := describeConversation(err); s != "" {
		return s
	}
	if s := describeSignIn(err); s != "" {
		return s
	}
	if s := describeDelivery(err); s != "" {
		return s
	}
	return describeLocal(err)
}

func describeSignIn(err error) string {
	var polling *rvpclient.PollingUnsupportedError
	var ports *rvpclient.PortsBusyError
	var dns *net.DNSError
	switch {
	case errors.Is(err, rvpclient.ErrAuth):
		return "The sign-in name or password is wrong."
	case errors.As(err, &polling):
		msg := "This server does not support polling. Choose Default or Fixed Port(s) in Connection Configuration (Tools > Options > Accounts > Advanced...)."
		if polling.Message != "" {
			msg = "This server does not support polling: " + polling.Message
		}
		return msg
	case errors.As(err, &ports):
		if ports.From == ports.To {
			return fmt.Sprintf("Port %d is in use by another program. Choose other ports in the Connection Configuration, or use Default.", ports.From)
		}
		return fmt.Sprintf("Every port from %d to %d is in use by another program. Choose other ports in the Connection Configuration, or use Default.", ports.From, ports.To)
	case errors.As(err, &dns):
		return "The server could not be found. Check the sign-in name, or type the server's name under Server."
	case rvpclient.IsTimeout(err):
		return "The server did not answer in time. Try again later."
	case rvpclient.IsNetwork(err):
		return "The server could not be reached. Check the server name and your network connection."
	case errors.Is(err, rvpclient.ErrNotConnected):
		return "The connection to the server was lost; the messenger is reconnecting. Try again in a moment."
	case errors.Is(err, rvpclient.ErrNotSignedIn), errors.Is(err, rvpclient.ErrClosed):
		return "You are signed out."
	}
	if msg, ok := settings.UserMessage(err); ok {
		return msg
	}
	return ""
}

// describeDelivery explains why a message or request did not get through.
func describeDelivery(err error) string {
	switch {
	case rvpclient.IsOffline(err):
		return "The contact is not signed in, so the message was not delivered."
	case rvpclient.IsBlocked(err):
		return "The contact does not accept messages or requests from you."
	case rvpclient.IsQueueFull(err):
		return "The contact has too many messages waiting. Try again later."
	case rvpclient.IsNotFound(err):
		return "There is no such user on that server."
	case rvpclient.IsLeft(err):
		return "The contact has closed the conversation."
	case errors.Is(err, rvpclient.ErrNotParticipant):
		return "Nobody else is in this conversation any more."
	}
	return ""
}

// describeConversation names who did not get a message in a group.
func describeConversation(err error) string {
	var ce *rvpclient.ConversationError
	if !errors.As(err, &ce) || len(ce.Failed) < 2 {
		return "" // one failure reads as that failure
	}
	names := make([]string, 0, len(ce.Failed))
	for n := range ce.Failed {
		names = append(names, n)
	}
	sort.Strings(names)
	return "Not delivered to " + strings.Join(names, ", ") + "."
}

func describeLocal(err error) string {
	switch {
	case errors.Is(err, localserver.ErrAccountExists):
		return "That name is already taken on this computer's server. Choose another name, or sign in with it."
	case errors.Is(err, localserver.ErrBadName):
		return "Use letters, digits, dots, dashes and underscores only."
	case errors.Is(err, localserver.ErrNoHost):
		return "No server is running on this computer. Choose \"Host a server on this computer\" first."
	}
	return ""
}

// describeOr is describe with a generic sentence for unknown errors.
func describeOr(err error) string {
	if s := describe(err); s != "" {
		return s
	}
	return "(" + err.Error() + ")"
}
