package app

import (
	"strings"
	"sync"

	"rendezvous/rvpclient"
	"rendezvous/ui"
)

// contactBook is the signed-in user's contact list as the UI shows it: the
// names from the profile, presence from the engine, blocked flags from the
// ACL. Safe for concurrent use (the engine's event goroutine writes, window
// goroutines read).
type contactBook struct {
	mu      sync.Mutex
	order   []string              // lower-case sign-in names, in the user's order
	byName  map[string]ui.Contact // by lower-case sign-in name
	blocked map[string]bool
}

func newContactBook() *contactBook {
	return &contactBook{byName: map[string]ui.Contact{}, blocked: map[string]bool{}}
}

func key(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

// add puts a contact on the list (or refreshes it) from what the engine
// knows.
func (b *contactBook) add(c rvpclient.Contact) {
	b.mu.Lock()
	defer b.mu.Unlock()
	k := key(c.Name)
	if _, ok := b.byName[k]; !ok {
		b.order = append(b.order, k)
	}
	b.byName[k] = b.merge(b.byName[k], c)
}

func (b *contactBook) merge(old ui.Contact, c rvpclient.Contact) ui.Contact {
	old.SignInName = c.Name
	if c.DisplayName != "" {
		old.DisplayName = c.DisplayName
	}
	if c.State != "" {
		old.State = ui.State(c.State)
	}
	if c.Email != "" {
		old.Email = c.Email
	}
	old.Blocked = b.blocked[key(c.Name)]
	return old
}

// presence applies a presence event; it reports the updated contact and
// whether the contact is on the list.
func (b *contactBook) presence(e rvpclient.PresenceEvent) (ui.Contact, bool) {
	return b.refresh(rvpclient.Contact{Name: e.Contact, State: e.State, DisplayName: e.DisplayName, Email: e.Email})
}

// refresh applies what the engine learnt of a contact (what it does not
// know keeps its old value); it reports the updated contact and whether the
// contact is on the list.
func (b *contactBook) refresh(c rvpclient.Contact) (ui.Contact, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	k := key(c.Name)
	old, ok := b.byName[k]
	if !ok {
		return ui.Contact{}, false
	}
	n := b.merge(old, c)
	b.byName[k] = n
	return n, true
}

func (b *contactBook) remove(name string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	k := key(name)
	delete(b.byName, k)
	for i, o := range b.order {
		if o == k {
			b.order = append(b.order[:i], b.order[i+1:]...)
			break
		}
	}
}

func (b *contactBook) setBlocked(name string, blocked bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	k := key(name)
	b.blocked[k] = blocked
	if c, ok := b.byName[k]; ok {
		c.Blocked = blocked
		b.byName[k] = c
	}
}

// list returns the contacts in the user's order.
func (b *contactBook) list() []ui.Contact {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]ui.Contact, 0, len(b.order))
	for _, k := range b.order {
		out = append(out, b.byName[k])
	}
	return out
}

// lookup returns what the list knows of a sign-in name.
func (b *contactBook) lookup(name string) (ui.Contact, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	c, ok := b.byName[key(name)]
	return c, ok
}

// online returns the contacts that are signed in.
func (b *contactBook) online() []ui.Contact {
	var out []ui.Contact
	for _, c := range b.list() {
		if c.State.IsOnline() {
			out = append(out, c)
		}
	}
	return out
}
