// Package interop runs real third-party RVP clients of the 2000s against
// rvpd and checks that they interoperate with our own client engine.
//
// The package has no exported API; everything is in its tests. The one client
// available as a Debian package is librvp 0.9.7 (pidgin-librvp), the
// libpurple RVP plugin. The test drives it through finch, libpurple's text
// front end, inside a pseudo-terminal, and talks to it over libpurple's D-Bus
// interface (dbus-send for calls, dbus-monitor for signals). The other side of
// each conversation is rendezvous/rvpclient.
//
// Why finch and not Pidgin: librvp reads its HTTP responses one byte per
// main-loop callback and, after a successful read(2), tests errno for EAGAIN
// and throws the byte away when it matches. errno is stale at that point; in
// Pidgin the GTK main loop's X11 reads leave it at EAGAIN before nearly every
// callback, so librvp loses most of each response and every request ends in
// "Server returned empty response" after its 30 s timeout, whatever the
// server sends. finch has no X connection, errno stays clean and librvp works.
// librvp also references gtk_events_pending, so finch needs libgtk-x11-2.0
// preloaded merely to load the plugin (the symbol is never called on the
// paths used here).
//
// Isolation: the test binary re-executes itself under unshare(1) in a new
// network and mount namespace where only loopback exists, bind-mounts a hosts
// file that maps the IM domain example.com to 127.0.0.1 and a resolv.conf
// that points at 127.0.0.1 (so librvp's SRV query fails at once and it falls
// back on the domain, as it would without an SRV record). Nothing can leave
// the machine. rvpd listens on 127.0.0.1:8080 behind a transparent logging
// relay on 127.0.0.1:80 (librvp only speaks to port 80), which records the
// wire conversation as evidence.
//
// The test needs root, unshare, ip, finch, dbus-daemon, dbus-send,
// dbus-monitor, the go tool (to build rvpd, unless RVPD names a binary) and
// the librvp and libgtk-x11-2.0 libraries; it skips with a message naming what
// is missing. Set RVP_INTEROP_ARTIFACTS to a
// directory to keep the logs (wire trace, librvp debug log, rvpd log, the
// finch terminal stream); scripts/interop-pidgin.sh does that.
package interop
