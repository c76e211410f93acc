package rvpwire

import (
	"errors"
	"fmt"
	"net/http"
)

// StatusError is a non-2xx answer to an RVP request. Client code returns it
// (wrapped) for every failed request; server handlers return it to choose
// the status code of the response.
type StatusError struct {
	Method string // request method, e.g. NOTIFY
	URL    string // request URL
	Code   int    // HTTP status code
	Reason string // optional human-readable detail (the response body's text, if short)
}

// Error implements error.
func (e *StatusError) Error() string {
	msg := fmt.Sprintf("rvpwire: %s %s: %d %s", e.Method, e.URL, e.Code, StatusText(e.Code))
	if e.Reason != "" {
		msg += ": " + e.Reason
	}
	return msg
}

// Status builds a StatusError for server code; method and URL may be empty.
func Status(code int, reason string) *StatusError {
	return &StatusError{Code: code, Reason: reason}
}

// StatusCode returns the code of the first StatusError in err's chain, or 0.
func StatusCode(err error) int {
	var se *StatusError
	if errors.As(err, &se) {
		return se.Code
	}
	return 0
}

// IsStatus reports whether err's chain holds a StatusError with code.
func IsStatus(err error, code int) bool { return StatusCode(err) == code }

// StatusText is the reason phrase rvpd writes: Exchange's own phrases where
// known ("Successful", "Access Denied", "Object moved"), net/http's otherwise.
func StatusText(code int) string {
	switch code {
	case http.StatusOK:
		return "Successful"
	case http.StatusUnauthorized:
		return "Access Denied"
	case http.StatusFound:
		return "Object moved"
	}
	return http.StatusText(code)
}

// StatusLine formats a propstat status such as "HTTP/1.1 200 Successful".
func StatusLine(code int) string {
	return fmt.Sprintf("HTTP/1.1 %d %s", code, StatusText(code))
}
