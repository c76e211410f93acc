package ui

import (
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// maxTranscript bounds the entries a transcript shows; older ones scroll
// off the top for good (the history file keeps them).
const maxTranscript = 500

// delivery is the state of an outgoing message.
type delivery int

const (
	delivered delivery = iota // or received
	sending
	failed
)

// transcriptEntry is one message of the transcript and its widgets.
type transcriptEntry struct {
	msg    Message
	state  delivery
	reason string // why it failed
	box    *fyne.Container
	status *fyne.Container // sending / failed line under the text
}

// transcript is the scrolled list of messages and notices of a
// conversation. It lives on the UI goroutine.
type transcript struct {
	now     func() time.Time
	retry   func(*transcriptEntry)
	box     *fyne.Container
	scroll  *container.Scroll
	entries []*transcriptEntry
}

func newTranscript(now func() time.Time, retry func(*transcriptEntry)) *transcript {
	t := &transcript{now: now, retry: retry, box: container.NewVBox()}
	t.scroll = container.NewVScroll(t.box)
	return t
}

// formatTime shows the time of day for today's messages, else the date too.
func formatTime(at, now time.Time) string {
	y1, m1, d1 := at.Date()
	y2, m2, d2 := now.Date()
	if y1 == y2 && m1 == m2 && d1 == d2 {
		return at.Format("15:04")
	}
	return at.Format("Jan 2 15:04")
}

// add appends a message and returns its entry.
func (t *transcript) add(m Message, state delivery) *transcriptEntry {
	e := t.newEntry(m, state)
	t.append(e)
	return e
}

func (t *transcript) newEntry(m Message, state delivery) *transcriptEntry {
	head := widget.NewLabelWithStyle(m.Sender()+"  ·  "+formatTime(m.Time, t.now()),
		fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	if m.Outgoing {
		head.Importance = widget.LowImportance
	}
	body := widget.NewLabel(m.Text)
	body.Wrapping = fyne.TextWrapWord
	body.Selectable = true
	e := &transcriptEntry{msg: m, state: state, status: container.NewVBox()}
	e.box = container.NewVBox(head, body, e.status)
	t.setState(e, state, "")
	return e
}

// prependHistory puts earlier messages above everything shown so far. The
// history may already hold messages the window shows (they were kept while
// it loaded); those are not shown twice.
func (t *transcript) prependHistory(h []Message) {
	h = slices.DeleteFunc(slices.Clone(h), t.shows)
	h = h[max(0, len(h)-maxTranscript/2):]
	if len(h) == 0 {
		return
	}
	var front []*transcriptEntry
	front = append(front, t.newNotice("Earlier messages"))
	for _, m := range h {
		front = append(front, t.newEntry(m, delivered))
	}
	front = append(front, t.newNotice("New messages"))
	t.entries = append(front, t.entries...)
	objs := make([]fyne.CanvasObject, 0, len(front)+len(t.box.Objects))
	for _, e := range front {
		objs = append(objs, e.box)
	}
	t.box.Objects = append(objs, t.box.Objects...)
	t.trim()
	t.box.Refresh()
	t.scroll.ScrollToBottom()
}

// shows reports whether the transcript already shows m.
func (t *transcript) shows(m Message) bool {
	return slices.ContainsFunc(t.entries, func(e *transcriptEntry) bool {
		return e.msg.From == m.From && e.msg.Text == m.Text && e.msg.Outgoing == m.Outgoing && e.msg.Time.Equal(m.Time)
	})
}

// notice appends a line such as "Bob has left the conversation."
func (t *transcript) notice(text string) { t.append(t.newNotice(text)) }

func (t *transcript) newNotice(text string) *transcriptEntry {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignCenter, fyne.TextStyle{Italic: true})
	l.Importance = widget.LowImportance
	l.Wrapping = fyne.TextWrapWord
	return &transcriptEntry{box: container.NewVBox(l)}
}

func (t *transcript) append(e *transcriptEntry) {
	t.entries = append(t.entries, e)
	t.box.Add(e.box)
	t.trim()
	t.scroll.ScrollToBottom()
}

// trim drops the oldest entries beyond maxTranscript.
func (t *transcript) trim() {
	for len(t.entries) > maxTranscript {
		t.box.Remove(t.entries[0].box)
		t.entries = t.entries[1:]
	}
}

// setState shows an outgoing message as sending, delivered or failed.
func (t *transcript) setState(e *transcriptEntry, state delivery, reason string) {
	e.state, e.reason = state, reason
	e.status.RemoveAll()
	switch state {
	case sending:
		l := widget.NewLabelWithStyle("Sending…", fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
		l.Importance = widget.LowImportance
		e.status.Add(l)
	case failed:
		l := widget.NewLabel("Not delivered: " + reason)
		l.Importance = widget.DangerImportance
		l.Wrapping = fyne.TextWrapWord
		retry := widget.NewButtonWithIcon("Retry", theme.ViewRefreshIcon(), func() { t.retry(e) })
		e.status.Add(container.NewBorder(nil, nil, nil, retry, l))
	}
}
