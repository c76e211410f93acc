// Package rvpwire holds the RVP wire format shared by the rvpd server
// (rvpserver) and the client engine (rvpclient): the XML element tree with
// the fixed d:/r:/a: prefixes that old clients match literally, the typed
// documents built on it (multistatus, propertyupdate, notification, ACL,
// subscriptions), header names and values, the status error type, node
// URLs, the instant-message MIME payload and the multipart POLL answer.
//
// Reading is namespace-aware (any prefix, or a default namespace, is
// accepted); writing always uses d: for DAV:, r: for
// http://schemas.microsoft.com/rvp/ and a: for
// http://schemas.microsoft.com/rvp/acl/, declares every prefix on the root
// element and emits no whitespace between elements (see DECISIONS.md,
// "What real clients of the 2000s need").
//
// Everything in this package is a plain value or a pure function; it holds
// no state and is safe for concurrent use.
package rvpwire
