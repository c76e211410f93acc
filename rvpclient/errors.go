package rvpclient

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"

	"rendezvous/internal/rvpwire"
)

// Sentinel errors. Test them with errors.Is.
var (
	// ErrAuth: the server refused the user name or password. The UI says
	// "wrong password".
	ErrAuth = errors.New("rvpclient: wrong user name or password")
	// ErrPollingUnsupported: the server answered 501 to a polling sign-in.
	// The returned error is a *PollingUnsupportedError holding the server's
	// sentence; errors.Is(err, ErrPollingUnsupported) holds for it.
	ErrPollingUnsupported = errors.New("rvpclient: polling is not supported by the server")
	// ErrNotSignedIn: the call needs a signed-in client.
	ErrNotSignedIn = errors.New("rvpclient: not signed in")
	// ErrNotConnected: signed in, but the engine is reconnecting; try later.
	ErrNotConnected = errors.New("rvpclient: not connected (reconnecting)")
	// ErrAlreadySignedIn: SignIn on a client that is signed in.
	ErrAlreadySignedIn = errors.New("rvpclient: already signed in")
	// ErrClosed: the client was closed.
	ErrClosed = errors.New("rvpclient: client closed")
	// ErrNotParticipant: the conversation has no participant to send to.
	ErrNotParticipant = errors.New("rvpclient: conversation has no other participant")
)

// PollingUnsupportedError is returned when a polling sign-in is answered
// 501. Message is the server's own sentence, shown to the user as is.
type PollingUnsupportedError struct {
	Message string
	Err     error // the *rvpwire.StatusError
}

func (e *PollingUnsupportedError) Error() string {
	if e.Message == "" {
		return ErrPollingUnsupported.Error()
	}
	return e.Message
}

// Unwrap returns ErrPollingUnsupported and the status error.
func (e *PollingUnsupportedError) Unwrap() []error { return []error{ErrPollingUnsupported, e.Err} }

// PortsBusyError is returned by SignIn in ModeFixedPort when no port of the
// range could be bound.
type PortsBusyError struct {
	From, To int
	Err      error // the last bind error
}

func (e *PortsBusyError) Error() string {
	if e.From == e.To {
		return fmt.Sprintf("rvpclient: port %d is in use", e.From)
	}
	return fmt.Sprintf("rvpclient: all ports %d-%d are in use", e.From, e.To)
}

// Unwrap returns the last bind error.
func (e *PortsBusyError) Unwrap() error { return e.Err }

// ConversationError reports a send to some of a conversation's participants
// that failed. Failed maps each failing participant's sign-in name to its
// error; the others received the message.
type ConversationError struct {
	SessionID string
	Failed    map[string]error
}

func (e *ConversationError) Error() string {
	for name, err := range e.Failed {
		if len(e.Failed) == 1 {
			return err.Error()
		}
		return fmt.Sprintf("rvpclient: send failed for %d participants (%s: %v)", len(e.Failed), name, err)
	}
	return "rvpclient: send failed"
}

// Unwrap returns the individual errors, so IsOffline etc. see them.
func (e *ConversationError) Unwrap() []error {
	out := make([]error, 0, len(e.Failed))
	for _, err := range e.Failed {
		out = append(out, err)
	}
	return out
}

// IsOffline reports whether err says the recipient is not signed in (412).
func IsOffline(err error) bool { return rvpwire.IsStatus(err, http.StatusPreconditionFailed) }

// IsBlocked reports whether the recipient's ACL refused the request (403).
func IsBlocked(err error) bool { return rvpwire.IsStatus(err, http.StatusForbidden) }

// IsQueueFull reports whether a polling recipient's queue is full (507).
func IsQueueFull(err error) bool { return rvpwire.IsStatus(err, http.StatusInsufficientStorage) }

// IsNotFound reports whether the server does not know the node or
// subscription (404), e.g. a contact name that does not exist.
func IsNotFound(err error) bool { return rvpwire.IsStatus(err, http.StatusNotFound) }

// IsLeft reports whether the recipient's client no longer takes part in the
// conversation (500 from the recipient).
func IsLeft(err error) bool { return rvpwire.IsStatus(err, http.StatusInternalServerError) }

// IsAuth reports whether the server refused the user name or password.
func IsAuth(err error) bool { return errors.Is(err, ErrAuth) }

// IsTimeout reports whether err is a deadline or network timeout.
func IsTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout()
}

// IsNetwork reports whether err is a network failure (the server could not
// be reached or the connection broke) rather than an answer of the server.
func IsNetwork(err error) bool {
	var ne *NetworkError
	return errors.As(err, &ne)
}

// NetworkError wraps a failure to reach a server or to read its answer.
type NetworkError struct {
	Op  string // e.g. "SUBSCRIBE http://127.0.0.1:8080/instmsg/aliases/alice"
	Err error
}

func (e *NetworkError) Error() string { return "rvpclient: " + e.Op + ": " + e.Err.Error() }

// Unwrap returns the underlying error.
func (e *NetworkError) Unwrap() error { return e.Err }
