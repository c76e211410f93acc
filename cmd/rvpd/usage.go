package main

import (
	"fmt"
	"io"
	"strings"
)

const usageHead = `rvpd: the Rendezvous RVP server (Exchange 2000 Instant Messaging protocol).

Usage:
  rvpd [flags] [serve]     run the server (the default command)
  rvpd [flags] user add ALIAS [-display-name NAME] [-password-file FILE]
  rvpd [flags] user passwd ALIAS [-password-file FILE]
  rvpd [flags] user del ALIAS
  rvpd [flags] user list
  rvpd -h | --help | help  print this help

Flags:
  -config FILE   read configuration keys from FILE (see below)
  -KEY-FLAG VALUE  set one configuration key (each key's flag is listed below)
  -display-name NAME   the new user's display name (user add)
  -password-file FILE  read the password from FILE's first line (user add, passwd)

Flags may come before or after the command words; -flag and --flag are the
same. The user commands open the same database as the server (DataDir) and
need Domains (the first domain is the Digest realm the stored credentials are
computed for). The database can be open in one process only: stop rvpd before
running a user command, or it fails saying that the database is locked.

Passwords: with -password-file the first line of FILE; else, when stdin is a
terminal, a prompt without echo (asked twice); else one line read from stdin,
e.g. printf '%s\n' "$PW" | rvpd user add alice. Passwords are never echoed or
logged.

Configuration: the built-in values, then the file named by -config, then the
flags; a flag wins over the file. Without -config no file is read. The file
holds "Key = Value" lines; blank lines are ignored and '#' starts a comment at
the start of a line or after a space or tab. Keys are matched without regard
to case; the value is the rest of the line with surrounding blanks removed (no
quoting). An unknown key, a key set twice in the file, or a value that is not
allowed stops rvpd with a message naming the key, the value and what is
allowed. Example:

  # /etc/rvpd/rvpd.conf
  Domains = example.com
  HostNames = im.example.com
  Listen = :80
  PollMsgLimit = 200

Keys (config file name, flag, built-in value):
`

const usageTail = `
Default/Minimum/Maximum triples (PollLifeTime*, PollMsgLifeTime*): a triple is
used only when all three are set to whole seconds (0-4294967295), Minimum <=
Default <= Maximum and Maximum >= 1; an empty value counts as not set.
Otherwise the whole triple is ignored (even a member that is not a number),
the built-in triple is used and rvpd logs a warning naming the setting; rvpd
still starts. Values may go beyond the built-in range (e.g. all three
PollLifeTime values 14400, 4 hours).

Serving: the RVP listener (Listen) serves plain HTTP, or HTTPS when TLSCert
and TLSKey are set. Old RVP clients only reach port 80 (or a port published
in an SRV record), hence Listen = :80; binding it needs root or
CAP_NET_BIND_SERVICE. Use e.g. -listen 127.0.0.1:8080 to try rvpd as an
ordinary user. Request headers must arrive within 10 s and the whole request
within 30 s; a response may take PollLifeTimeMaximum + 60 s to write (a held
POLL) and other responses CallbackTimeout + 60 s; idle connections close
after 120 s; headers are limited to 64 KiB; TCP keep-alive probes start only
PollLifeTimeMaximum + 60 s after a connection fell silent, so held POLLs cost
no probes. AdminListen serves Prometheus text metrics at /metrics; keep it
on loopback.

Federation: users of other domains reach this server's users directly (their
clients find it by the DNS SRV record _rvp._tcp.<domain>, else the domain
itself on port 80) and are judged by the users' ACLs as "assertion"
principals. Presence for their watchers goes to the watcher's home server,
found the same way; a failed delivery is retried 4 times with backoff from
2 s, then logged and counted (rvpd_forward_failures_total). Publish the SRV
record for every domain in Domains when rvpd does not answer on the domain's
own address at port 80.

Default ACL: "rvpd user add" gives the new account an ACL of two entries: the
owner may do everything, and one "allprincipals" entry grants list and read,
plus presence (DefaultPresence = yes) and send-to (DefaultSendTo = yes). Its
credentials are assertion, digest and ntlm (DefaultForeign = allow): users of
other domains get those rights too, as Exchange did. With DefaultForeign =
deny they are digest and ntlm only: users of other domains get no right at
all (their messages are refused, they see the user offline) while local users
keep every right the entry grants. There is one allprincipals entry, so one
setting covers both presence and send-to. Each user can change the entry
later with an ACL request; the keys do not touch existing accounts.

Signals: SIGINT or SIGTERM shut rvpd down gracefully: held POLLs are answered
at once (204), requests in progress get up to 10 s to finish, then the
database is closed. Everything rvpd has acknowledged is already on disk, so
even kill -9 loses nothing acknowledged.

Logs go to stderr (LogFormat text or json) and never contain passwords or
Digest secrets.

Exit status: 0 success, 1 runtime failure (cannot listen, database locked,
no such user, ...), 2 invalid command line or configuration.
`

// writeUsage prints the help. The key list is generated from keySpecs, so
// it always names every key, its flag and its built-in value.
func writeUsage(w io.Writer) {
	var b strings.Builder
	b.WriteString(usageHead)
	for _, k := range keySpecs {
		fmt.Fprintf(&b, "  %-22s -%-26s %s\n", k.name, k.flag, k.def)
		fmt.Fprintf(&b, "      %s\n", k.help)
	}
	b.WriteString(usageTail)
	io.WriteString(w, b.String())
}
