package rvpserver

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// AddUser creates an account on a running server (and its store).
func (s *Server) AddUser(ctx context.Context, alias, password, displayName string) error {
	rec, err := s.cfg.newAccount(alias, password, displayName)
	if err != nil {
		return err
	}
	s.mu.Lock()
	if !s.runningLocked() {
		s.mu.Unlock()
		return ErrNotRunning
	}
	if s.accounts[rec.Alias] != nil {
		s.mu.Unlock()
		return fmt.Errorf("rvpserver: add %q: %w", rec.Alias, ErrUserExists)
	}
	s.accounts[rec.Alias] = rec
	w := s.submitLocked(putRecord(BucketAccounts, rec.Alias, rec))
	s.mu.Unlock()
	return w.wait(ctx)
}

// SetPassword replaces an account's stored digests on a running server.
func (s *Server) SetPassword(ctx context.Context, alias, password string) error {
	alias = strings.ToLower(alias)
	s.mu.Lock()
	old := s.accounts[alias]
	if !s.runningLocked() || old == nil {
		s.mu.Unlock()
		if old == nil {
			return fmt.Errorf("rvpserver: %q: %w", alias, ErrNoSuchUser)
		}
		return ErrNotRunning
	}
	next := *old
	next.Creds = s.cfg.credentials(alias, password)
	s.accounts[alias] = &next
	w := s.submitLocked(putRecord(BucketAccounts, alias, &next))
	s.mu.Unlock()
	return w.wait(ctx)
}

// DeleteUser removes an account from a running server with its
// subscriptions (those on its node and those it holds elsewhere; held
// POLLs get 404), views and poll queues.
func (s *Server) DeleteUser(ctx context.Context, alias string) error {
	alias = strings.ToLower(alias)
	s.mu.Lock()
	if s.accounts[alias] == nil || !s.runningLocked() {
		s.mu.Unlock()
		if !s.runningLocked() {
			return ErrNotRunning
		}
		return fmt.Errorf("rvpserver: %q: %w", alias, ErrNoSuchUser)
	}
	var ws []*commitWait
	for _, sub := range s.subs { // on the node, and the user's own elsewhere
		if sub.Node == alias || sub.Owner == alias {
			ws = append(ws, s.removeSubLocked(sub, http.StatusNotFound))
		}
	}
	var ops []Op
	for _, v := range s.liveViewsLocked(alias) {
		ops = append(ops, s.removeViewLocked(v))
	}
	delete(s.accounts, alias)
	ws = append(ws, s.submitLocked(append(ops, Del(BucketAccounts, alias))...))
	s.mu.Unlock()
	for _, w := range ws {
		if err := w.wait(ctx); err != nil {
			return err
		}
	}
	return nil
}

// ListUsers lists the accounts of a running server, ordered by alias.
func (s *Server) ListUsers(context.Context) ([]UserInfo, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]UserInfo, 0, len(s.accounts))
	for _, a := range s.accounts {
		out = append(out, a.info())
	}
	slices.SortFunc(out, func(a, b UserInfo) int { return strings.Compare(a.Alias, b.Alias) })
	return out, nil
}
