// Package rvpclient is the client protocol engine of Rendezvous Messenger: it
// speaks RVP (PROTOCOL.md) to a home server, with the polling and fixed-port
// delivery modes of POLLING.md and the gap decisions of DECISIONS.md. It
// imports no user-interface code; the desktop app drives it and receives its
// events.
//
// # Usage
//
// [New] builds a [Client] from [Options] without any I/O (nil options mean
// defaults). [Client.SignIn] discovers the server (explicit URL, DNS SRV
// _rvp._tcp.<domain>, then the domain itself), opens the delivery path chosen
// in [Options.Mode] (a callback listener or a POLL loop), subscribes to the
// own node and publishes the initial status. Afterwards the engine keeps the
// login alive by itself: subscriptions are renewed about five minutes before
// they expire, the status lease is refreshed before its 20 minutes run out,
// and when the server forgets the login (404) or restarts, the engine signs
// in again with backoff and restores status, contact subscriptions and open
// conversations.
//
// # Principal URLs and chats
//
// Events and methods name people by sign-in name (bob@example.com). On the
// wire the engine writes principal URLs in the logical form
// (http://example.com/instmsg/aliases/bob), except that after finding its
// server through an SRV record it writes its own domain's people with the
// SRV target host, and its port unless 80
// (http://im.example.com:8081/instmsg/aliases/bob), as librvp and Miranda
// do: librvp recognises a principal only in its own form. The engine reads
// a URL whose host is a server it knows for a domain (the SRV target or
// the ServerURL host) as a sign-in name of that domain (PROTOCOL.md 2.2.5).
//
// A conversation with more than one other participant is a chat: its
// messages list every participant, the sender included, in one
// r:notification-to, and the first message the user sends in a chat they
// started is preceded by the join control message, as librvp writes and
// expects chats. A conversation with one other participant names only them.
//
// # Concurrency
//
// All methods of [Client] and [Conversation] are safe for concurrent use.
// Every method that does I/O takes a context first and returns either nil or
// a typed, wrapped error (see [ErrAuth], [IsOffline], [IsBlocked],
// [IsQueueFull], [IsNetwork], [IsTimeout], [PortsBusyError],
// [ErrPollingUnsupported]). Events are delivered to the [Handler] one at a
// time, in order, on a goroutine owned by the engine; the handler must not
// block (hand the event to the UI thread and return).
//
// Goroutines: the engine owns an event dispatcher, a callback listener or a
// poll loop, one maintenance loop (renewals and the status lease) and a
// reconnect supervisor. [Client.Close] stops all of them and waits.
package rvpclient
