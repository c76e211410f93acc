// Package rvpserver is the engine of rvpd, an RVP home server (Exchange
// 2000 Instant Messaging dialect) as specified by PROTOCOL.md, POLLING.md
// and DECISIONS.md in shared/rvp.
//
// Use: New validates Options (no I/O), Start loads the Store and starts the
// server's goroutines, ServeHTTP serves requests (mount it on an
// http.Server with MaxHeaderBytes 64 KiB), MetricsHandler serves Prometheus
// text metrics, Shutdown answers held POLLs and stops everything. Accounts
// are managed with AddUser/SetPassword/DeleteUser/ListUsers, either on a
// Store without a server (rvpd user ...) or as methods of a running Server.
//
// Identity: an account is an alias; the same alias in every served domain
// (and through every HostName) is the same account, and principal URLs in
// answers use the domain the request addressed (HostNames map to
// Domains[0]). Accounts store Digest HA1 values only, never a password.
//
// Durability: every change a client is told about is written to the Store
// before the answer goes out (write-through). Writes are grouped: one
// goroutine applies everything pending in one transaction, in the order
// the changes were made in memory, so concurrent requests share an fsync.
// Start loads accounts, subscriptions, presence views, poll queues and
// counters, and expires at once whatever ran out while the server was down.
//
// Ids: Subscription-Id and r:view-id values are decimal integers at most
// 2^31-1 (librvp reads them with %d). A fresh store (no counters record,
// e.g. after a wipe) starts them at a random value in [2^20, 2^30)
// (Options.FirstID pins it), so a client left over from before the wipe
// cannot UNSUBSCRIBE a new subscription with a stale id; past 2^31-1 a
// counter restarts at a new random value, skipping ids in use. A store
// that has its counters keeps them.
//
// Behaviour where the contract leaves a choice (status codes in brackets):
//
//   - Authentication: every request needs Digest unless its
//     RVP-From-Principal names a domain this server does not serve, or is
//     a bare server name, even one of ours (a foreign or server request,
//     judged by ACL entries accepting assertion; a server name is no
//     account, so it gets only what ACLs grant everyone). A local
//     RVP-From-Principal that is not the authenticated user [403]. Bad or
//     missing credentials [401] with SHA-256 and MD5 challenges.
//   - Unknown node, or an absolute Request-URI naming a domain not served
//     [404], after authentication (a path-only Request-URI addresses
//     Domains[0] whatever the Host header says). GET, HEAD, POST, PUT, LOCK, UNLOCK, OPTIONS and any
//     unknown method [501]; COPY, MOVE [405]; no authentication needed.
//   - SUBSCRIBE pragma/notify on another principal's node needs
//     subscribe-others [403]; update/propchange with a Call-Back other than
//     the subscriber's own principal needs subscribe-others [403]. A
//     Call-Back that is not an http(s) URL (or "poll" for a login) [400].
//     Renewal or UNSUBSCRIBE of a subscription on another node or unknown
//     [404]; by someone who is neither its subscriber nor the node's owner
//     [403]. SUBSCRIPTIONS needs the subscriptions right [403]; without
//     Notification-Type it lists every type.
//   - PROPFIND: Depth missing or not 0 [412]; an empty body means allprop;
//     needs the read right [403]. PROPPATCH of another node [403]; a
//     property other than state, displayname, email, mobile-state,
//     mobile-description is answered in a 403 propstat; an unknown or
//     expired view-id starts a new view (new id in the echo); an expired
//     lease ends its view (its default value is not kept).
//   - NOTIFY: a message needs send-to [403]. Hop count over MaxHopCount [500].
//     DeepOr: [200] when one login accepted (a callback answered 2xx or a
//     poll queue took it). Otherwise: no live login [412]; a recipient
//     client answered 500 ("left the conversation") [500]; only full poll
//     queues [507]; every callback unreachable [412] ("recipient not
//     reachable": the same answer the sender gets once the login is
//     declared dead, so it does not change meaning over time). DeepAnd
//     needs every login; SingleHop answers once queued or handed to the
//     delivery workers.
//   - Dead callbacks: a transport failure, timeout or 404/410 from the
//     callback counts as a failure, any other answer as life. After
//     Options.DeadAfter (3) consecutive failures the login is removed; if it
//     was the principal's last login, its presence views end and watchers
//     are told offline. Outgoing NOTIFYs are bounded by
//     Options.MaxDeliveries and Options.CallbackTimeout and never read a
//     response body.
//   - Presence notifications to watchers are asynchronous and best effort:
//     a bounded queue feeds a fixed set of workers; when it is full the
//     notification is dropped and counted (a watcher refreshes on renewal).
//   - Property notifications (PROTOCOL.md 10, rule 2): a PROPPATCH that
//     changes d:displayname, r:email, r:mobile-state or r:mobile-description
//     (setting the value it already has is no change) sends each
//     update/propchange watcher that has the read right (as for PROPFIND)
//     an r:propnotification holding those four properties as they are now,
//     without r:state. r:state travels alone in its own notifications,
//     gated by the presence right: a watcher denied presence still hears of
//     a new display name, one denied read still sees the state. Both are
//     routed like presence (local logins, poll queues, foreign servers). A
//     newer notification replaces an older queued one only when it comes
//     from the same node and carries the same properties (poll queues, also
//     for notifications forwarded by other servers), and a foreign
//     watcher's server is owed at most one state and one properties
//     notification per subscription.
//   - Federation (PROTOCOL.md 10): a Call-Back that names a node (path under
//     /instmsg/aliases/ or /instmsg/local/) is that node's server, found by
//     SRV _rvp._tcp.<host>, then the host on port 80 (a host with a port or
//     an IP address is used as is; Options.Resolver and
//     Options.DialContext are the hooks); the request has a path-only
//     Request-URI and the URL's host in Host. Presence for a foreign
//     watcher goes to its home server, which forwards it to the watcher's
//     logins. A NOTIFY a login forwards to another server goes out with
//     RVP-From-Principal set to this server (Domains[0]).
//   - Server-to-server retries: a transport failure or a 502/503/504 is
//     retried Options.ForwardRetries (4) times with backoff
//     Options.ForwardBackoff (2 s) doubling, at most a minute. Presence: in
//     memory, one pending state and one pending properties notification per
//     subscription (a newer one of the same kind replaces it), then logged and counted (rvpd_forward_failures_total);
//     a restart forgets pending retries. A forwarded IM: retried while the
//     sender waits (at most 4 CallbackTimeouts); the sender's answer is
//     the outcome (412 when no server took it).
//   - RVP-Hop-Count: each forward adds one; a NOTIFY that would be sent
//     with a hop count over MaxHopCount (5) is refused [500] and counted
//     (rvpd_hop_limit_total), which ends forwarding loops. Another
//     server's 500 is a failure of that leg, not "left the conversation".
//   - A property notification (r:propnotification) needs no send-to right:
//     it comes only because the node's owner subscribed with its own URL,
//     so a user who shuts out other domains still sees the contacts it
//     watches there. Messages need send-to.
//   - ACL (DECISIONS.md, "ACL"): allprincipals is one principal whatever
//     its credentials, so a set with an allprincipals ACE replaces the one
//     there (empty grant and deny remove it). An ACE applies only to a
//     requester that satisfies its credentials (digest and ntlm satisfy
//     assertion too; a foreign requester has assertion only). To shut out
//     other domains, a user sets an allprincipals ACE listing digest and
//     ntlm only: foreign principals get nothing from it, local users keep
//     its rights; DefaultACL.LocalOnly makes that the default for new
//     users. Lifting it is setting an allprincipals ACE with assertion.
//   - POLL on a subscription that is not a polling login of the requester
//     [404]; PollSupport off [501] with a text body, for the login and for
//     POLL. Bad RVP-Poll-Ack or RVP-Poll-Lifetime [400].
//   - ACL get needs readacl [403]; ACL set only by the node's owner [403];
//     a body means set, none means get. The node's owner always has every
//     right on its own node whatever its ACL says.
//   - Limits: more than Options.MaxOutstanding requests in progress [503]
//     with Retry-After: 5 (held POLLs give their place back); bodies over
//     1 MiB (NOTIFY) or 64 KiB (others) [413]; malformed XML or a missing
//     required header [400]; a state token or property name that is not an
//     XML name [400].
//   - Error answers carry a short text/plain reason; every answer carries
//     RVP-Notifications-Version: 0.2 and Content-Length. The answers
//     net/http writes before any handler runs (a malformed header line or
//     no Host [400], an unknown Transfer-Encoding [501], a header section
//     over rvpd's 1 MiB [431]) get both from rvpd's listener
//     (cmd/rvpd/rawanswers.go), on plain HTTP; behind TLS they stay as
//     net/http writes them (net/http handshakes only a *tls.Conn it sees
//     itself, and the clients of the 2000s speak plain HTTP).
//   - Reason phrases are Go's ("200 OK", "401 Unauthorized"), not
//     Exchange's "200 Successful" and "401 Access Denied" (PROTOCOL.md
//     11): net/http writes the status line itself, changing it would mean
//     hijacking every connection, and clients do not depend on the phrase
//     (PROTOCOL.md 1).
//
// Concurrency: see Server. Logs never contain Authorization values,
// passwords or message bodies.
package rvpserver
