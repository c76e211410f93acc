package ui

import (
	"context"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// MessageReceived shows a message from another participant. Any goroutine.
func (w *ConversationWindow) MessageReceived(m Message) {
	fyne.Do(func() { w.applyMessage(m) })
}

// TypingReceived shows "X is typing" for a few seconds. Any goroutine.
func (w *ConversationWindow) TypingReceived(who Contact) {
	fyne.Do(func() { w.applyTyping(who) })
}

// ParticipantJoined adds a participant. Any goroutine.
func (w *ConversationWindow) ParticipantJoined(who Contact) {
	fyne.Do(func() { w.applyJoined(who) })
}

// ParticipantLeft shows "X has left the conversation". Any goroutine.
func (w *ConversationWindow) ParticipantLeft(who Contact) {
	fyne.Do(func() { w.applyLeft(who) })
}

// PeerChanged updates a participant's name or state. Any goroutine.
func (w *ConversationWindow) PeerChanged(who Contact) {
	fyne.Do(func() { w.applyPeerChanged(who) })
}

func (w *ConversationWindow) applyMessage(m Message) {
	m.Outgoing = false
	w.stopTyping(m.From)
	w.transcript.add(m, delivered)
	if w.opts.Record != nil {
		w.opts.Record(m)
	}
}

func (w *ConversationWindow) applyTyping(who Contact) {
	if w.closed {
		return
	}
	w.stopTyping(who.SignInName)
	w.typingSeq++
	seq := w.typingSeq
	stop := w.opts.After(typingShown, func() { fyne.Do(func() { w.expireTyping(seq) }) })
	w.typers = append(w.typers, typer{who: who, seq: seq, stop: stop})
	w.refreshTyping()
}

// stopTyping removes who from the typing line.
func (w *ConversationWindow) stopTyping(signInName string) {
	w.removeTyper(slices.IndexFunc(w.typers, func(t typer) bool { return sameName(t.who.SignInName, signInName) }))
}

// expireTyping removes the typer whose indicator timed out, unless newer
// news replaced it.
func (w *ConversationWindow) expireTyping(seq int) {
	w.removeTyper(slices.IndexFunc(w.typers, func(t typer) bool { return t.seq == seq }))
}

func (w *ConversationWindow) removeTyper(i int) {
	if i < 0 {
		return
	}
	w.typers[i].stop()
	w.typers = slices.Delete(w.typers, i, i+1)
	w.refreshTyping()
}

func (w *ConversationWindow) refreshTyping() {
	switch len(w.typers) {
	case 0:
		w.typing.SetText("")
	case 1:
		w.typing.SetText(w.typers[0].who.Name() + " is typing…")
	default:
		names := make([]string, len(w.typers))
		for i, t := range w.typers {
			names[i] = t.who.Name()
		}
		w.typing.SetText(strings.Join(names, ", ") + " are typing…")
	}
}

func sameName(a, b string) bool { return strings.EqualFold(a, b) }

func (w *ConversationWindow) applyJoined(who Contact) {
	if slices.ContainsFunc(w.peers, func(p Contact) bool { return sameName(p.SignInName, who.SignInName) }) {
		return
	}
	w.peers = append(w.peers, who)
	w.refreshPeers()
	w.transcript.notice(who.Name() + " has joined the conversation.")
}

func (w *ConversationWindow) applyLeft(who Contact) {
	w.stopTyping(who.SignInName)
	w.transcript.notice(who.Name() + " has left the conversation.")
	if len(w.peers) > 1 {
		w.peers = slices.DeleteFunc(w.peers, func(p Contact) bool { return sameName(p.SignInName, who.SignInName) })
		w.refreshPeers()
	}
}

func (w *ConversationWindow) applyPeerChanged(who Contact) {
	for i, p := range w.peers {
		if sameName(p.SignInName, who.SignInName) {
			w.peers[i] = who
			w.refreshPeers()
		}
	}
}

// inputChanged tells the others we are typing, at most every typingRepeat,
// and never queues it behind a slow send.
func (w *ConversationWindow) inputChanged(text string) {
	now := w.opts.Now()
	if text == "" || now.Sub(w.lastTyping) < typingRepeat || w.queue.queued() > 0 {
		return
	}
	w.lastTyping = now
	w.queue.submit(call(w.opts.Service.Typing))
}

// SendText sends text as if the user had typed it and pressed Enter.
func (w *ConversationWindow) SendText(text string) { w.sendText(text) }

// sendInput sends what the input holds (Enter, the Send button).
func (w *ConversationWindow) sendInput() {
	if w.sendText(w.input.Text) {
		w.input.SetText("")
	}
}

// sendText puts text into the transcript and sends it; false when there
// was nothing to send.
func (w *ConversationWindow) sendText(text string) bool {
	text = strings.TrimRight(text, " \t\r\n")
	if strings.TrimSpace(text) == "" || w.closed {
		return false
	}
	w.lastTyping = w.opts.Now().Add(-typingRepeat) // the next keystroke is news again
	m := Message{From: w.opts.Self.SignInName, FromName: w.opts.Self.Name(), Text: text,
		Time: w.opts.Now(), Outgoing: true}
	w.send(w.transcript.add(m, sending))
	w.win.Canvas().Focus(w.input)
	return true
}

// send hands e's text to the service and marks the result.
func (w *ConversationWindow) send(e *transcriptEntry) {
	text := e.msg.Text
	ok := w.queue.submit(func(ctx context.Context) func() {
		err := w.opts.Service.Send(ctx, text)
		return func() { w.applySent(e, err) }
	})
	if !ok {
		w.transcript.setState(e, failed, "Too many messages are waiting to be sent.")
	}
}

func (w *ConversationWindow) applySent(e *transcriptEntry, err error) {
	if err != nil {
		w.transcript.setState(e, failed, describe(w.opts.Describe, err))
		return
	}
	w.transcript.setState(e, delivered, "")
	if w.opts.Record != nil {
		w.opts.Record(e.msg)
	}
}

// retry sends a failed message again.
func (w *ConversationWindow) retry(e *transcriptEntry) {
	if e.state != failed || w.closed {
		return
	}
	w.transcript.setState(e, sending, "")
	w.send(e)
}

// promptInvite offers the invitable contacts not yet in the conversation.
func (w *ConversationWindow) promptInvite() {
	var names []string
	byName := map[string]Contact{}
	for _, c := range w.opts.Invitable() {
		if slices.ContainsFunc(w.peers, func(p Contact) bool { return sameName(p.SignInName, c.SignInName) }) {
			continue
		}
		label := c.Name() + " <" + c.SignInName + ">"
		names = append(names, label)
		byName[label] = c
	}
	if len(names) == 0 {
		dialog.ShowInformation("Invite", "None of your other contacts is online.", w.win)
		return
	}
	pick := widget.NewSelect(names, nil)
	pick.SetSelectedIndex(0)
	items := []*widget.FormItem{{Text: "Contact", Widget: pick}}
	dialog.ShowForm("Invite Someone to This Conversation", "Invite", "Cancel", items, func(ok bool) {
		if c, found := byName[pick.Selected]; ok && found {
			w.invite(c)
		}
	}, w.win)
}

func (w *ConversationWindow) invite(c Contact) {
	w.queue.submit(func(ctx context.Context) func() {
		err := w.opts.Service.Invite(ctx, c.SignInName)
		return func() {
			if err != nil {
				w.showError(err)
				return
			}
			w.applyJoined(c)
		}
	})
}
