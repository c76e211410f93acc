package settings

import (
	"encoding/json"
	"fmt"
	"os"
	"sync"
	"testing"
)

// TestProfileConcurrentUse runs setters, getters and saves from many
// goroutines (meaningful under -race) and checks that the file ends with the
// final state.
func TestProfileConcurrentUse(t *testing.T) {
	base := t.TempDir()
	p := openProfile(t, base, nil)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 20 {
				name := fmt.Sprintf("w%d", i)
				if err := p.SetWindowGeometry(name, Geometry{Width: j + 1, Height: 1}); err != nil {
					t.Error(err)
				}
				p.SetRememberPassword(j%2 == 0)
				_ = p.ContactList()
				_, _ = p.WindowGeometry(name)
				if j%10 == 0 {
					if err := p.Save(); err != nil {
						t.Error(err)
					}
				}
			}
		})
	}
	wg.Wait()
	if err := p.Save(); err != nil {
		t.Fatal(err)
	}
	q := openProfile(t, base, nil)
	for i := range 8 {
		if g, ok := q.WindowGeometry(fmt.Sprintf("w%d", i)); !ok || g.Width != 20 {
			t.Errorf("w%d = %+v, %v", i, g, ok)
		}
	}
}

// TestReadersNeverSeeAPartialFile saves a large profile over and over while
// another goroutine keeps reading the file: every read must decode. A
// writer that truncated and rewrote the file in place would fail this.
func TestReadersNeverSeeAPartialFile(t *testing.T) {
	p := openProfile(t, t.TempDir(), nil)
	big := ContactList{Groups: []string{"G"}}
	for i := range 1000 {
		big.Contacts = append(big.Contacts, Contact{SignInName: fmt.Sprintf("c%d@x.example", i), DisplayName: "Someone", Group: "G"})
	}
	if err := p.SetContactList(big); err != nil {
		t.Fatal(err)
	}
	if err := p.Save(); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			data, err := os.ReadFile(p.Path())
			if err != nil {
				t.Errorf("read: %v", err)
				return
			}
			if !json.Valid(data) {
				t.Errorf("reader saw a partial file (%d bytes)", len(data))
				return
			}
		}
	})
	for i := range 10 {
		p.SetRememberPassword(i%2 == 0)
		if err := p.Save(); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
}
