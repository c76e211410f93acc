// Package digest implements HTTP Digest access authentication (RFC 7616) as RVP needs
// it, for both ends: [Verifier] for the server and [Client] for the client engine.
//
// Contract (see DECISIONS.md "Authentication (Digest)"):
//
//   - Every 401 carries two Digest challenges, SHA-256 first and MD5 second, both with
//     qop="auth" and the same nonce ([Verifier.Challenge]). Basic is never offered.
//   - The server verifies with the algorithm the Authorization names, whichever challenge
//     it answers: old clients answer algorithm="MD5" (quoted) to the first challenge.
//     A missing algorithm means MD5. MD5-sess and SHA-256-sess are verified too; only
//     qop=auth is accepted (auth-int and the qop-less RFC 2069 mode are refused).
//   - A nonce is minted by the server (timestamp, random bytes and an HMAC under a server
//     key), lives five minutes and is then answered with stale=true. A nonce the verifier
//     cannot authenticate (for example one minted before a restart with a random key) is
//     also treated as stale, so clients retry transparently.
//   - The nonce count is hex, read case-insensitively; a count already used with a nonce is
//     refused. A sliding window of the 64 highest counts per nonce lets requests that
//     arrive slightly out of order pass. Replay state is kept for live nonces only and for
//     at most [VerifierOptions.MaxNonces] of them; a nonce evicted early is stale.
//   - The uri parameter must equal the Request-URI exactly as sent.
//
// Quoted strings. Old RVP clients put a raw backslash into the quoted username
// (username="CORP\alice"). This package therefore reads a backslash inside a quoted
// string literally, except in the pair \" which stands for a double quote. A parsed value
// consequently never ends in a backslash; formatting writes '"' as \" and everything else
// raw, so every parsed value formats back to an equivalent header. Values that end in a
// backslash cannot be represented; [NewClient] refuses such usernames.
//
// Usernames. The username may be "alias", "alias@domain" or "PREFIX\alias"; [Alias] maps
// all of them to the account alias. Because HA1 = H(username ":" realm ":" password)
// depends on the username exactly as sent and accounts store digests only, [Credentials]
// keeps one HA1 per accepted username form, computed when the password is set.
//
// Concurrency: [Verifier] and [Client] are safe for concurrent use. [Credentials],
// [Challenge] and [Authorization] are plain values.
package digest
