package digest

import (
	"slices"
	"strings"
)

// Alias returns the account alias a Digest username names: it drops everything up to
// the last backslash ("CORP\alice"), then an "@domain" suffix ("alice@im.example.com"),
// and lower-cases the rest.
func Alias(username string) string {
	if i := strings.LastIndexByte(username, '\\'); i >= 0 {
		username = username[i+1:]
	}
	if i := strings.IndexByte(username, '@'); i >= 0 {
		username = username[:i]
	}
	return strings.ToLower(username)
}

// Credentials is what an account stores instead of its password: for each supported
// base algorithm, the HA1 of every username form it accepts, computed when the password
// is set. The forms are the alias, alias@domain for each served domain, and
// PREFIX\alias for each configured prefix (as given, upper-cased and lower-cased).
//
// Limitation: HA1 covers the username exactly as the client sends it, so a form that
// was not computed at password time (a new backslash prefix, a domain added later, the
// alias typed in another case) cannot be verified until the password is set again;
// [Credentials.HA1] reports such a backslash form as ErrUnknownPrefix.
//
// The HA1 values are password-equivalent for the realm: store them like passwords.
// Credentials is a plain value, JSON-serialisable; it is not safe to mutate while other
// goroutines read it.
type Credentials struct {
	Alias  string            `json:"alias"`
	Realm  string            `json:"realm"`
	MD5    map[string]string `json:"md5"`    // username form -> hex HA1
	SHA256 map[string]string `json:"sha256"` // username form -> hex HA1
}

// NewCredentials computes the stored digests for alias (normalised by [Alias]) and
// password in realm, for the username forms listed on [Credentials]. Domains are
// lower-cased.
func NewCredentials(alias, password, realm string, domains, prefixes []string) Credentials {
	alias = Alias(alias)
	c := Credentials{Alias: alias, Realm: realm, MD5: map[string]string{}, SHA256: map[string]string{}}
	for _, form := range usernameForms(alias, domains, prefixes) {
		c.MD5[form] = HA1(MD5, form, realm, password)
		c.SHA256[form] = HA1(SHA256, form, realm, password)
	}
	return c
}

func usernameForms(alias string, domains, prefixes []string) []string {
	forms := []string{alias}
	for _, d := range domains {
		forms = append(forms, alias+"@"+strings.ToLower(d))
	}
	for _, p := range prefixes {
		for _, v := range []string{p, strings.ToUpper(p), strings.ToLower(p)} {
			forms = append(forms, v+`\`+alias)
		}
	}
	slices.Sort(forms)
	return slices.Compact(forms)
}

// HA1 returns the stored hex HA1 for username exactly as sent, for the base of alg.
// Errors: ErrUnsupported for an unknown algorithm, ErrUnknownPrefix for a PREFIX\alias
// form of this account whose prefix was not configured, ErrUnknownUser otherwise.
func (c Credentials) HA1(alg Algorithm, username string) (string, error) {
	var m map[string]string
	switch alg.Base() {
	case MD5:
		m = c.MD5
	case SHA256:
		m = c.SHA256
	default:
		return "", newError(ErrUnsupported, username, "algorithm %q", alg)
	}
	if ha1, ok := m[username]; ok {
		return ha1, nil
	}
	if i := strings.LastIndexByte(username, '\\'); i >= 0 && Alias(username) == c.Alias {
		return "", newError(ErrUnknownPrefix, username,
			"prefix %q was not configured when the password was set", username[:i])
	}
	return "", newError(ErrUnknownUser, username, "no digest stored for this username form")
}
