package app

import (
	"context"
	"errors"
	"strings"
	"time"

	"fyne.io/fyne/v2"

	"rendezvous/app/localserver"
	"rendezvous/ui"
)

// Test hooks (--smoke-sign-in, --smoke-send) for automated runs under Xvfb.

// smokeWait bounds how long --smoke-send waits for its contact.
const smokeWait = time.Minute

// startSmoke signs in as --smoke-sign-in asks, creating the account on this
// computer's server first when the domain is localhost (UI goroutine).
func (c *controller) startSmoke() {
	in := c.cfg.smokeIn
	if in == nil {
		return
	}
	if c.cfg.smokeSend != nil {
		c.onSignedIn = c.smokeSend
	}
	c.bg.Add(1)
	go func() {
		defer c.bg.Done()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		name, domain, _ := strings.Cut(in.signInName, "@")
		if strings.EqualFold(domain, localserver.Domain) {
			_, err := c.local.Start(ctx)
			if err == nil {
				_, err = c.local.CreateAccount(ctx, name, in.password)
			}
			if err != nil && !errors.Is(err, localserver.ErrAccountExists) {
				c.log.Error("smoke: local account", "err", err)
			}
		}
		fyne.Do(func() {
			c.signInWin.SignInWith(ui.SignInRequest{SignInName: in.signInName, Password: in.password})
		})
	}()
}

// smokeSend adds the --smoke-send contact, waits until it is online and
// sends the text through the conversation window (UI goroutine).
func (c *controller) smokeSend(cur *signedIn) {
	msg := c.cfg.smokeSend
	c.bg.Add(1)
	go func() {
		defer c.bg.Done()
		ctx, cancel := context.WithTimeout(context.Background(), smokeWait)
		defer cancel()
		tick := time.NewTicker(500 * time.Millisecond)
		defer tick.Stop()
		for {
			ct, ok := cur.s.book.lookup(msg.to)
			if !ok { // the account may not exist yet: try again
				if err := cur.s.AddContact(ctx, msg.to); err != nil {
					c.log.Debug("smoke: add contact", "err", err)
				}
			}
			if ok && ct.State.IsOnline() {
				fyne.Do(func() { cur.convs.Open(ct).SendText(msg.text) })
				return
			}
			select {
			case <-ctx.Done():
				c.log.Error("smoke: contact never came online", "contact", msg.to)
				return
			case <-tick.C:
			}
		}
	}()
}
