package options

import (
	"cmp"
	"context"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"
)

// Watcher is someone who has added this user to their contact list: a
// subscriber to the user's own node, as listed by SUBSCRIPTIONS.
type Watcher struct {
	SignInName  string
	DisplayName string // may be empty
}

// ACLEntry is one entry of the user's access control list: someone allowed
// or blocked from seeing the user's status and sending messages.
type ACLEntry struct {
	SignInName string
	Blocked    bool
}

// PrivacySource is what the Privacy tab needs from the engine. Methods are
// called off the UI goroutine and must be safe for concurrent use.
type PrivacySource interface {
	// Watchers lists who has added the user (SUBSCRIPTIONS on the own node).
	Watchers(ctx context.Context) ([]Watcher, error)
	// ACL returns the allow and block lists.
	ACL(ctx context.Context) ([]ACLEntry, error)
	// SetBlocked moves signInName to the block list (true) or the allow
	// list (false).
	SetBlocked(ctx context.Context, signInName string, blocked bool) error
}

// Texts of the Privacy tab.
const (
	WatchersTitle   = "Who has added me"
	WatchersPrompt  = "See who has added you to their contact list"
	NoWatchers      = "Nobody has added you to their contact list yet."
	AllowListTitle  = "My allow list"
	BlockListTitle  = "My block list"
	PrivacyNotReady = "Sign in to see and change your allow and block lists."
)

// privacyTab shows the allow and block lists with buttons that move the
// selected person between them, and a View button listing the watchers.
type privacyTab struct {
	src    PrivacySource
	parent fyne.Window
	tasks  *tasks

	allowed, blocked []string
	allowList        *widget.List
	blockList        *widget.List
	selAllowed       int // selected row of allowList, -1 for none
	selBlocked       int
	blockBtn         *widget.Button
	allowBtn         *widget.Button
	viewBtn          *widget.Button
	status           *widget.Label
	busy             bool
	watchers         *messageDialog // the last watchers dialog shown
}

func newPrivacyTab(src PrivacySource, parent fyne.Window, t *tasks) *privacyTab {
	p := &privacyTab{src: src, parent: parent, tasks: t, selAllowed: -1, selBlocked: -1}
	p.allowList = p.newList(&p.allowed, &p.selAllowed)
	p.blockList = p.newList(&p.blocked, &p.selBlocked)
	p.blockBtn = widget.NewButton("Block >>", func() { p.move(p.allowed, p.selAllowed, true) })
	p.allowBtn = widget.NewButton("<< Allow", func() { p.move(p.blocked, p.selBlocked, false) })
	p.viewBtn = widget.NewButton("View...", p.viewWatchers)
	p.status = widget.NewLabel("")
	p.status.Wrapping = fyne.TextWrapWord
	if src == nil {
		p.status.SetText(PrivacyNotReady)
		p.viewBtn.Disable()
	}
	p.updateButtons()
	return p
}

func (p *privacyTab) newList(names *[]string, sel *int) *widget.List {
	l := widget.NewList(
		func() int { return len(*names) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(id widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText((*names)[id]) },
	)
	l.OnSelected = func(id widget.ListItemID) { *sel = id; p.updateButtons() }
	l.OnUnselected = func(widget.ListItemID) { *sel = -1; p.updateButtons() }
	return l
}

func (p *privacyTab) content() fyne.CanvasObject {
	lists := container.NewGridWithColumns(2,
		container.NewBorder(widget.NewLabel(AllowListTitle), nil, nil, nil, p.allowList),
		container.NewBorder(widget.NewLabel(BlockListTitle), nil, nil, nil, p.blockList),
	)
	moves := container.NewHBox(layout.NewSpacer(), p.blockBtn, p.allowBtn, layout.NewSpacer())
	watchers := container.NewHBox(widget.NewLabel(WatchersPrompt), p.viewBtn)
	return container.NewBorder(watchers, container.NewVBox(moves, p.status), nil, nil, lists)
}

func (p *privacyTab) updateButtons() {
	ready := p.src != nil && !p.busy
	setEnabled(p.blockBtn, ready && p.selAllowed >= 0 && p.selAllowed < len(p.allowed))
	setEnabled(p.allowBtn, ready && p.selBlocked >= 0 && p.selBlocked < len(p.blocked))
}

// load fetches the ACL off the UI goroutine and shows it.
func (p *privacyTab) load() {
	if p.src == nil {
		return
	}
	p.setBusy(true)
	p.tasks.do(func(ctx context.Context) func() {
		acl, err := p.src.ACL(ctx)
		return func() {
			p.setBusy(false)
			if err != nil {
				p.status.SetText(userMessage(err, "Your allow and block lists could not be read"))
				return
			}
			p.status.SetText("")
			p.setACL(acl)
		}
	})
}

func (p *privacyTab) setACL(acl []ACLEntry) {
	acl = slices.Clone(acl)
	slices.SortFunc(acl, func(a, b ACLEntry) int { return cmp.Compare(a.SignInName, b.SignInName) })
	p.allowed, p.blocked = nil, nil
	for _, e := range acl {
		if e.Blocked {
			p.blocked = append(p.blocked, e.SignInName)
		} else {
			p.allowed = append(p.allowed, e.SignInName)
		}
	}
	p.allowList.UnselectAll()
	p.blockList.UnselectAll()
	p.selAllowed, p.selBlocked = -1, -1
	p.allowList.Refresh()
	p.blockList.Refresh()
	p.updateButtons()
}

func (p *privacyTab) setBusy(on bool) {
	p.busy = on
	p.updateButtons()
}

// move blocks or allows names[sel] off the UI goroutine, then reloads.
func (p *privacyTab) move(names []string, sel int, block bool) {
	if p.busy || sel < 0 || sel >= len(names) {
		return
	}
	name := names[sel]
	p.setBusy(true)
	p.tasks.do(func(ctx context.Context) func() {
		err := p.src.SetBlocked(ctx, name, block)
		var acl []ACLEntry
		if err == nil {
			acl, err = p.src.ACL(ctx)
		}
		return func() {
			p.setBusy(false)
			if err != nil {
				p.status.SetText(userMessage(err, "Your allow and block lists could not be changed"))
				return
			}
			p.status.SetText("")
			p.setACL(acl)
		}
	})
}

// viewWatchers lists, off the UI goroutine, who has added the user.
func (p *privacyTab) viewWatchers() {
	p.viewBtn.Disable()
	p.tasks.do(func(ctx context.Context) func() {
		ws, err := p.src.Watchers(ctx)
		return func() {
			p.viewBtn.Enable()
			if err != nil {
				p.status.SetText(userMessage(err, "The list of people who have added you could not be read"))
				return
			}
			p.watchers = showDialog(p.parent, WatchersTitle, watchersContent(ws), "Close")
		}
	})
}

// WatcherLine is how the watchers dialog shows w.
func WatcherLine(w Watcher) string {
	if w.DisplayName == "" || w.DisplayName == w.SignInName {
		return w.SignInName
	}
	return w.DisplayName + " (" + w.SignInName + ")"
}

func watchersContent(ws []Watcher) fyne.CanvasObject {
	if len(ws) == 0 {
		return withMinWidth(widget.NewLabel(NoWatchers), 360)
	}
	ws = slices.Clone(ws)
	slices.SortFunc(ws, func(a, b Watcher) int { return cmp.Compare(a.SignInName, b.SignInName) })
	box := container.NewVBox()
	for _, w := range ws {
		box.Add(widget.NewLabel(WatcherLine(w)))
	}
	scroll := container.NewVScroll(box)
	scroll.SetMinSize(fyne.NewSize(360, min(box.MinSize().Height, 300)))
	return scroll
}
