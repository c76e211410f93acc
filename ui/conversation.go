package ui

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// ConversationService is one conversation of the engine. Send and Invite
// block and return errors the Describer knows; Typing and Leave are best
// effort. All are called on the window's goroutine with a context, in the
// order the user acted.
type ConversationService interface {
	Send(ctx context.Context, text string) error
	Typing(ctx context.Context)
	Leave(ctx context.Context)
	Invite(ctx context.Context, signInName string) error
}

// Timing of the typing indicator.
const (
	typingRepeat = 4 * time.Second // how often we tell others we are typing
	typingShown  = 6 * time.Second // how long "X is typing" stays without news
)

// ConversationOptions configure a ConversationWindow. Self, Peer and
// Service are required; callbacks run on the UI goroutine.
type ConversationOptions struct {
	Self     Contact // the signed-in user
	Peer     Contact // the contact the conversation is with
	Service  ConversationService
	Describe Describer
	Icons    Icons
	// LoadHistory returns earlier messages with Peer, oldest first. It runs
	// on the window's goroutine at the first Show; nil means none.
	LoadHistory func(ctx context.Context) ([]Message, error)

	Invitable func() []Contact  // contacts offered by Invite; nil disables Invite
	Record    func(m Message)   // a message was sent or received: keep it
	OnActive  func(active bool) // the window gained or lost the keyboard focus
	OnClosed  func()            // the window closed

	Now   func() time.Time                              // nil means time.Now
	After func(d time.Duration, f func()) (stop func()) // nil means time.AfterFunc; f runs on any goroutine

	deliver func(func()) // tests: replaces fyne.Do for queue results
}

// ConversationWindow is one conversation. Methods run on the UI goroutine
// unless their comment says "any goroutine".
type ConversationWindow struct {
	opts  ConversationOptions
	win   fyne.Window
	queue *workQueue

	peers      []Contact // everyone else in the conversation, Peer first
	to         *widget.Label
	transcript *transcript
	typing     *widget.Label
	typers     []typer // who is typing, in arrival order
	input      *messageEntry
	active     bool // the window has the keyboard (see focus.go)
	focusSeq   int  // counts the entry's focus changes
	showing    bool // Show is focusing the entry
	later      func(func())
	shown      bool
	closed     bool
	lastTyping time.Time // when we last told others we are typing
	typingSeq  int
}

type typer struct {
	who  Contact
	seq  int // tells a stale expiry from the current one
	stop func()
}

// ConversationTitle is the title of a conversation window.
func ConversationTitle(peerName string) string { return "Conversation with " + peerName }

// NewConversationWindow builds a conversation window; it does not show it.
func NewConversationWindow(a fyne.App, opts ConversationOptions) *ConversationWindow {
	opts.Icons = opts.Icons.withDefaults()
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.After == nil {
		opts.After = func(d time.Duration, f func()) func() { t := time.AfterFunc(d, f); return func() { t.Stop() } }
	}
	w := &ConversationWindow{opts: opts, win: a.NewWindow(ConversationTitle(opts.Peer.Name())),
		queue: newWorkQueue(opts.deliver), peers: []Contact{opts.Peer}, later: opts.deliver}
	if w.later == nil {
		w.later = fyne.Do
	}
	w.win.SetIcon(opts.Icons.App)
	w.win.SetContent(w.build())
	w.win.Resize(fyne.NewSize(480, 420))
	w.win.SetOnClosed(w.closedByUser)
	w.refreshPeers()
	return w
}

// Window returns the Fyne window.
func (w *ConversationWindow) Window() fyne.Window { return w.win }

// Show shows the window, brings it to the front and focuses the input.
// The first Show loads the history.
func (w *ConversationWindow) Show() {
	if !w.shown && w.opts.LoadHistory != nil {
		w.queue.submit(w.loadHistory)
	}
	w.shown = true
	w.win.Show()
	w.win.RequestFocus()
	w.showing = true // giving the entry the focus is not the window getting the keyboard
	w.win.Canvas().Focus(w.input)
	w.showing = false
}

// Active reports whether the window has the keyboard focus, as far as Fyne
// lets us know (focus.go).
func (w *ConversationWindow) Active() bool { return w.active }

// Peers returns everyone else in the conversation.
func (w *ConversationWindow) Peers() []Contact { return append([]Contact(nil), w.peers...) }

// Messages returns the messages the transcript shows, oldest first.
func (w *ConversationWindow) Messages() []Message {
	var out []Message
	for _, e := range w.transcript.entries {
		if e.msg.From != "" {
			out = append(out, e.msg)
		}
	}
	return out
}

// Close closes the window; the conversation is left as when the user closes
// it.
func (w *ConversationWindow) Close() { w.win.Close() }

// Stop cancels the window's pending service calls (app shutdown).
func (w *ConversationWindow) Stop() { w.queue.stop() }

// Wait blocks until the window's goroutine has ended after Close or Stop.
func (w *ConversationWindow) Wait() { w.queue.wait() }

func (w *ConversationWindow) build() fyne.CanvasObject {
	w.to = widget.NewLabel("")
	w.to.Truncation = fyne.TextTruncateEllipsis
	invite := widget.NewButtonWithIcon("Invite", theme.ContentAddIcon(), w.promptInvite)
	if w.opts.Invitable == nil {
		invite.Disable()
	}
	w.transcript = newTranscript(w.opts.Now, w.retry)
	w.typing = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
	w.typing.Importance = widget.LowImportance
	w.input = newMessageEntry(w.sendInput, w.focusChanged)
	w.input.OnChanged = w.inputChanged
	send := widget.NewButtonWithIcon("Send", theme.MailSendIcon(), w.sendInput)
	send.Importance = widget.HighImportance
	top := container.NewBorder(nil, widget.NewSeparator(), nil, invite, w.to)
	bottom := container.NewBorder(w.typing, nil, nil, send, w.input)
	return container.NewBorder(top, bottom, nil, nil, newTapArea(w.transcript.scroll, w.focusInput))
}

func (w *ConversationWindow) loadHistory(ctx context.Context) func() {
	h, err := w.opts.LoadHistory(ctx)
	if err != nil || len(h) == 0 {
		return nil // a history that cannot be read is not worth a dialog
	}
	return func() { w.transcript.prependHistory(h) }
}

// refreshPeers updates the To: line and the title.
func (w *ConversationWindow) refreshPeers() {
	parts := make([]string, len(w.peers))
	names := make([]string, len(w.peers))
	for i, p := range w.peers {
		names[i] = p.Name()
		parts[i] = p.Name() + " <" + p.SignInName + ">"
		if p.State != "" { // unknown for someone not on the contact list
			parts[i] += " (" + p.State.Label() + ")"
		}
	}
	w.to.SetText("To: " + strings.Join(parts, ", "))
	w.win.SetTitle(ConversationTitle(strings.Join(names, ", ")))
}

// closedByUser leaves the conversation and lets the queue drain.
func (w *ConversationWindow) closedByUser() {
	if w.closed {
		return
	}
	w.closed = true
	for _, t := range w.typers {
		t.stop()
	}
	w.typers = nil
	w.queue.submit(call(w.opts.Service.Leave))
	w.queue.finish()
	if w.opts.OnClosed != nil {
		w.opts.OnClosed()
	}
}

func (w *ConversationWindow) showError(err error) {
	dialog.ShowInformation("Rendezvous Messenger", describe(w.opts.Describe, err), w.win)
}
