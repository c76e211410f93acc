// Package settings keeps the desktop client's per-profile settings, the
// administrator's connection policy and the passwords of the Rendezvous
// Messenger.
//
// # Profiles on disk
//
// The caller resolves the application's configuration directory once (the
// app uses filepath.Join(xdg.ConfigHome, "rendezvous")) and passes it to Open
// and ListProfiles as baseDir. Each sign-in name has its own directory:
//
//	<baseDir>/
//	  profiles/                                    (0700)
//	    kari@humongous.example/                    (0700, one per sign-in name)
//	      settings.json                            (0600, the profile)
//	      settings.json.corrupt-20261121T235050.000000000Z
//	                                               (a file that failed to decode, moved aside)
//
// Directory names are the sign-in name with every byte other than ASCII
// letters, digits and "@._+-" (and a leading ".") written as %XX, so any
// sign-in name maps to one safe directory and back (ProfileDir).
//
// settings.json is one JSON object with these keys (the connection keys use
// the client's registry names, as in POLLING.md):
//
//	{
//	  "Version": 1,
//	  "SignInName": "kari@humongous.example",
//	  "Connection": {"PollingFlag": 2, "PollingPeriod": 10, "Ports": "5000-5010",
//	                 "ConfirmedAt": "2026-11-21T23:50:50Z", "OverriddenPolicy": "..."},
//	  "Server": "im.humongous.example:8080",
//	  "RememberPassword": true,
//	  "SignInAutomatically": false,
//	  "Notifications": {"NotifyOnMessage": true, "NotifyOnContactOnline": true, "PlaySound": true},
//	  "Windows": {"main": {"X": 10, "Y": 20, "Width": 300, "Height": 600}},
//	  "Groups": ["Friends", "Work"],
//	  "Contacts": [{"SignInName": "bob@x.example", "DisplayName": "Bob", "Group": "Work"}]
//	}
//
// Missing keys take their defaults. Unknown top-level keys are kept and
// written back unchanged, so an older build does not drop what a newer one
// stored, except keys whose names suggest a secret ("password", "token",
// ...), which are dropped with a warning; unknown keys inside the known
// objects are not kept. Values a
// hand edit made invalid are repaired on Open with a logged warning.
//
// Save writes the whole document atomically: a temporary file in the same
// directory, fsync, rename over settings.json, fsync of the directory. A
// crash leaves the old or the new file, never a mix. A file that does not
// decode is never silently replaced: Open moves it aside and returns a
// *CorruptError.
//
// RememberPassword only records the user's choice; the app stores or
// deletes the password in Secrets accordingly.
//
// No password or other secret is ever written to a settings file or a log:
// the document has no field for one. Passwords live in the desktop keyring
// behind the Secrets interface (Keyring, backed by go-keyring under the
// service name "Rendezvous Messenger"). Without a usable keyring its calls
// fail fast with an error matching ErrNoKeyring, and the app signs in without
// remembering the password.
//
// # Administrator policy
//
// An administrator may deploy the client keys PollingFlag, PollingPeriod and
// Ports in rendezvous/policy.json under a system configuration directory
// (the first of xdg.ConfigDirs that has one, e.g.
// /etc/xdg/rendezvous/policy.json):
//
//	{"PollingFlag": 2, "PollingPeriod": 5, "Ports": "5000-5010"}
//
// Whichever was written last wins (POLLING.md section 7): a policy file whose
// modification time is after the user's last OK in the Connection
// Configuration dialog (Connection.ConfirmedAt) overrides the user's keys it
// sets; a later OK overrides the policy. Invalid policy values are ignored
// with a warning naming the key. A Ports value below 1025 makes Fixed
// Port(s) fall back to Default with a warning. ResolveConnection (or
// Profile.EffectiveConnection) gives the effective configuration and whether
// the policy decided it.
//
// # Concurrency
//
// Profile and Keyring are safe for concurrent use. One process (one running
// app) owns a profile: two processes saving the same profile do not corrupt
// it, but the last Save wins. Everything else (Ports,
// Connection, Policy, ContactList, ...) is a plain value.
//
// This package never imports Fyne.
package settings
