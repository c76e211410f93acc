package rvpserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"

	"rendezvous/internal/digest"
	"rendezvous/internal/rvpwire"
)

// Account errors; test them with errors.Is.
var (
	ErrUserExists   = errors.New("rvpserver: user already exists")
	ErrNoSuchUser   = errors.New("rvpserver: no such user")
	ErrInvalidAlias = errors.New("rvpserver: invalid alias")
)

// UserInfo describes an account for listings. It never holds secrets.
type UserInfo struct {
	Alias       string
	DisplayName string
	Email       string
}

// ValidAlias reports whether alias can name an account: 1 to 64 characters
// out of letters, digits and "._-", matched case-insensitively.
func ValidAlias(alias string) bool {
	if alias == "" || len(alias) > 64 {
		return false
	}
	for _, r := range alias {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-'
		if !ok {
			return false
		}
	}
	return true
}

// AddUser creates an account in st without a running server (rvpd user
// add). Only Digest HA1 values of the password are stored. It fails with
// ErrUserExists, ErrInvalidAlias or ErrInvalidOptions. It is not atomic
// against a concurrent AddUser of the same alias on the same store; use
// (*Server).AddUser while a server runs.
func AddUser(ctx context.Context, st Store, opts *Options, alias, password, displayName string) error {
	c, err := normalize(withStore(opts, st))
	if err != nil {
		return err
	}
	rec, err := c.newAccount(alias, password, displayName)
	if err != nil {
		return err
	}
	if _, err := st.Get(ctx, BucketAccounts, rec.Alias); err == nil {
		return fmt.Errorf("rvpserver: add %q: %w", rec.Alias, ErrUserExists)
	} else if !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("rvpserver: add %q: %w", rec.Alias, err)
	}
	return st.Apply(ctx, []Op{putRecord(BucketAccounts, rec.Alias, rec)})
}

// SetPassword replaces the stored digests of an account (rvpd user passwd).
func SetPassword(ctx context.Context, st Store, opts *Options, alias, password string) error {
	c, err := normalize(withStore(opts, st))
	if err != nil {
		return err
	}
	rec, err := loadAccount(ctx, st, alias)
	if err != nil {
		return err
	}
	rec.Creds = c.credentials(rec.Alias, password)
	return st.Apply(ctx, []Op{putRecord(BucketAccounts, rec.Alias, rec)})
}

// DeleteUser removes an account with its subscriptions, views and poll
// queues (rvpd user del).
func DeleteUser(ctx context.Context, st Store, alias string) error {
	rec, err := loadAccount(ctx, st, alias)
	if err != nil {
		return err
	}
	ops := []Op{Del(BucketAccounts, rec.Alias)}
	err = st.Scan(ctx, BucketSubscriptions, "", func(k string, v []byte) error {
		var s subRecord
		if json.Unmarshal(v, &s) == nil && (s.Node == rec.Alias || s.Owner == rec.Alias) {
			ops = append(ops, subDeleteOps(s.ID)...)
		}
		return nil
	})
	if err != nil {
		return err
	}
	err = st.Scan(ctx, BucketViews, "", func(k string, v []byte) error {
		var vr viewRecord
		if json.Unmarshal(v, &vr) == nil && vr.Alias == rec.Alias {
			ops = append(ops, Del(BucketViews, k))
		}
		return nil
	})
	if err != nil {
		return err
	}
	var items []Op
	for _, op := range ops {
		if op.Bucket == BucketSubscriptions {
			prefix := op.Key + "/"
			_ = st.Scan(ctx, BucketPollItems, prefix, func(k string, _ []byte) error {
				items = append(items, Del(BucketPollItems, k))
				return nil
			})
		}
	}
	return st.Apply(ctx, append(ops, items...))
}

// ListUsers lists every account, ordered by alias.
func ListUsers(ctx context.Context, st Store) ([]UserInfo, error) {
	var out []UserInfo
	err := st.Scan(ctx, BucketAccounts, "", func(_ string, v []byte) error {
		var rec accountRecord
		if err := json.Unmarshal(v, &rec); err != nil {
			return fmt.Errorf("rvpserver: list users: %w", err)
		}
		out = append(out, rec.info())
		return nil
	})
	return out, err
}

func (a *accountRecord) info() UserInfo {
	return UserInfo{Alias: a.Alias, DisplayName: a.DisplayName, Email: a.Email}
}

func withStore(opts *Options, st Store) *Options {
	var o Options
	if opts != nil {
		o = *opts
	}
	o.Store = st
	return &o
}

func loadAccount(ctx context.Context, st Store, alias string) (*accountRecord, error) {
	alias = strings.ToLower(alias)
	v, err := st.Get(ctx, BucketAccounts, alias)
	if errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("rvpserver: %q: %w", alias, ErrNoSuchUser)
	}
	if err != nil {
		return nil, err
	}
	var rec accountRecord
	if err := json.Unmarshal(v, &rec); err != nil {
		return nil, fmt.Errorf("rvpserver: account %q: %w", alias, err)
	}
	return &rec, nil
}

// newAccount builds the record of a new user with the default ACL.
func (c *config) newAccount(alias, password, displayName string) (*accountRecord, error) {
	if !ValidAlias(alias) {
		return nil, fmt.Errorf("%w %q: use 1-64 letters, digits, '.', '_' or '-'", ErrInvalidAlias, alias)
	}
	alias = strings.ToLower(alias)
	if displayName == "" {
		displayName = alias
	}
	return &accountRecord{
		Alias:       alias,
		DisplayName: displayName,
		Email:       alias + "@" + hostOnly(c.domains[0]),
		Creds:       c.credentials(alias, password),
		ACL:         c.defaultACL(alias),
	}, nil
}

// credentials computes the stored digests for every served name and
// user-name form. Besides DigestPrefixes, the first label of each IM domain
// is a prefix (EXAMPLE\alice for example.com): the NT domain an old client
// puts before the user name is usually that, and librvp's "Auth Domain"
// convention uses it. A prefix nobody configured cannot be verified, since
// only digests are stored.
func (c *config) credentials(alias, password string) digest.Credentials {
	var names []string
	for h := range c.hosts {
		names = append(names, hostOnly(h))
	}
	return digest.NewCredentials(alias, password, c.realm(), names, c.prefixes())
}

// prefixes are DigestPrefixes plus the first label of every IM domain that
// is a name (not an address).
func (c *config) prefixes() []string {
	out := slices.Clone(c.DigestPrefixes)
	for _, d := range c.domains {
		label, _, _ := strings.Cut(hostOnly(d), ".")
		if label != "" && net.ParseIP(hostOnly(d)) == nil && !slices.ContainsFunc(out, func(p string) bool { return strings.EqualFold(p, label) }) {
			out = append(out, strings.ToUpper(label))
		}
	}
	return out
}

func hostOnly(h string) string {
	if host, _, err := net.SplitHostPort(h); err == nil {
		return host
	}
	return h
}

// defaultACL is DECISIONS.md's default, shaped by DefaultACL: one
// allprincipals ACE (list, read, send-to, presence; assertion, digest,
// ntlm) and the owner's ACE granting everything.
func (c *config) defaultACL(alias string) rvpwire.ACL {
	d := c.DefaultACL
	if d == nil {
		d = &DefaultACL{AllowPresence: true, AllowSendTo: true}
	}
	grant := []rvpwire.Right{rvpwire.RightList, rvpwire.RightRead}
	if d.AllowSendTo {
		grant = append(grant, rvpwire.RightSendTo)
	}
	if d.AllowPresence {
		grant = append(grant, rvpwire.RightPresence)
	}
	creds := []rvpwire.Credential{rvpwire.CredAssertion, rvpwire.CredDigest, rvpwire.CredNTLM}
	if d.LocalOnly {
		creds = creds[1:]
	}
	owner := []rvpwire.Right{rvpwire.RightList, rvpwire.RightRead, rvpwire.RightWrite, rvpwire.RightSendTo,
		rvpwire.RightReceiveFrom, rvpwire.RightReadACL, rvpwire.RightWriteACL, rvpwire.RightPresence,
		rvpwire.RightSubscriptions, rvpwire.RightSubscribeOthers}
	return rvpwire.ACL{Inheritance: "none", ACEs: []rvpwire.ACE{
		{All: true, Credentials: creds, Grant: grant},
		{Principal: rvpwire.PrincipalURL(c.domains[0], alias),
			Credentials: []rvpwire.Credential{rvpwire.CredAssertion}, Grant: owner},
	}}
}

// subDeleteOps deletes a subscription and its poll state (items are
// deleted by the caller, which knows them).
func subDeleteOps(id uint64) []Op {
	return []Op{Del(BucketSubscriptions, idKey(id)), Del(BucketPollState, idKey(id))}
}
