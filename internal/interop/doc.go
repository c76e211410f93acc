// Package interop runs real third-party RVP clients of the 2000s against
// rvpd and checks that they interoperate with our own client engine.
//
// The package has no exported API; everything is in its tests. The one client
// available as a Debian package is librvp 0.9.7 (pidgin-librvp), the
// libpurple RVP plugin. The tests run it in finch (libpurple's text front
// end, on a pseudo-terminal) and in Pidgin (GTK, on a private Xvfb display,
// with screenshots), and talk to it over libpurple's D-Bus interface
// (dbus-send for calls, dbus-monitor for signals). The other side of each
// conversation is rendezvous/rvpclient (alice, and carol for chats).
//
// Scenario (TestLibrvpFinch, TestLibrvpPidgin): bob signs in with librvp
// (Digest as EXAMPLE\bob, checked on the wire), presence both ways, a chat
// hosted by librvp with two rvpclient users, a chat started by rvpclient
// (alice) with librvp and carol, typing and messages both ways in one
// Session-Id, librvp's eight statuses seen by rvpclient and rvpclient's seen
// by librvp, a second librvp login of bob, a server restart, blocking both
// ways through ACLs (403, presence hidden and restored), 412 for a user who
// never signed in, sign-out. TestLibrvpFinchSRV and TestLibrvpFinchSRVPort
// repeat it with an SRV record (a DNS server on 127.0.0.1:53) naming
// im.example.com, port 80 or 8081: librvp then names everybody
// http://im.example.com[:8081]/instmsg/aliases/<alias> and recognises a
// principal only in that form (a message from another form lands on a
// temporary buddy and its answer starts a new Session-Id), so rvpclient,
// which found rvpd through the same record, writes its own domain's
// principal URLs in that form too and reads them back as sign-in names
// (rvpclient/names.go); every request alice sends is checked for it.
//
// librvp's chat form: it reads only the first r:notification-to, so a chat
// message lists every participant, the sender included, as r:contact in ONE
// r:notification-to; and it drops the text of a message that opens a chat,
// so the chat is opened with a join control message (librvp's own invite)
// first. rvpclient does both for conversations with more than one other
// participant.
//
// RVP_INTEROP_KNOWN_BUGS=1 also runs a check that fails on a librvp bug we
// cannot work around: with an SRV port, a second librvp login of bob makes
// a buddy of its own principal URL, resolves "im.example.com:8081" as a
// host name and crashes on the missing host entry (see bobTwice).
//
// Two librvp bugs are worked around, both independent of the server:
//
//   - librvp reads HTTP responses one byte per main-loop callback and, after
//     a successful read(2), tests errno for EAGAIN and throws the byte away
//     when it matches. errno is stale there: a read on another nonblocking
//     socket (the X11 connection in Pidgin, libpurple's D-Bus connection in
//     finch) leaves EAGAIN, the "H" of "HTTP/1.1" is lost, and librvp reports
//     "Unexpected response from server" or, after its timeout, "Server
//     returned empty response". In Pidgin that happens on nearly every
//     request, so Pidgin+librvp cannot sign in to any server. The tests
//     preload testdata/readerrno.c, which sets errno to 0 after a successful
//     read (a conforming libc may do that); RVP_INTEROP_NO_SHIM=1 leaves it
//     out and shows the failure.
//   - At sign-out librvp waits for its UNSUBSCRIBE by spinning until the
//     request shows up in its pending table; on bare loopback the whole
//     exchange can finish unseen and librvp spins forever. The relay in front
//     of rvpd adds 25 ms of latency to every answer, as a network would.
//
// librvp also references gtk_events_pending, so finch needs libgtk-x11-2.0
// preloaded merely to load the plugin (the symbol is called only on paths
// that finch never reaches in these tests). And librvp 0.9.7 crashes when a
// buddy who already sent it a one-to-one message writes in a chat, whatever
// the wire form; the scenario opens both chats first.
//
// Isolation: the test binary re-executes itself under unshare(1) in a new
// network and mount namespace where only loopback exists, and bind-mounts a
// hosts file that maps example.com and im.example.com to 127.0.0.1 and a
// resolv.conf that points at 127.0.0.1 (nothing listens there unless an SRV
// test runs its DNS server; librvp then falls back on the domain, as it
// would without an SRV record). Nothing can leave the machine. rvpd listens
// on 127.0.0.1:8080 behind a transparent logging relay on 127.0.0.1:80
// (librvp only speaks to port 80 unless an SRV record names another), which
// records every byte and decodes every request/response pair for the
// assertions.
//
// The tests need root, unshare, ip, dbus-daemon, dbus-send, dbus-monitor, cc
// (for the shim), the go tool (to build rvpd, unless RVPD names a binary),
// finch or pidgin with Xvfb and import, and the librvp and libgtk-x11-2.0
// libraries; they skip with a message naming what is missing. Set
// RVP_INTEROP_ARTIFACTS to a directory to keep the logs (wire.log: the
// relay's trace; librvp-debug.log: libpurple's debug output with librvp's
// trace; rvpd.log; the finch terminal stream; Pidgin screenshots);
// scripts/interop-pidgin.sh does that. Further knobs: RVPD (a prebuilt rvpd),
// RVP_INTEROP_STRACE (strace finch into a file), RVP_INTEROP_DOMAINS and
// RVP_INTEROP_RVPD_FLAGS (rvpd configuration experiments).
package interop
