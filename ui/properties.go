package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// propertiesView is the Properties dialog of one contact. It opens with
// what the contact list knows and is filled in again with what the server
// answers. It lives on the UI goroutine.
type propertiesView struct {
	contact Contact
	dialog  dialog.Dialog
	icon    *widget.Icon
	name    *widget.Label
	status  *widget.Label
	blocked *widget.Label
	email   *widget.Label
	note    *widget.Label // "Asking the server…", or why it could not
	closed  bool
}

// Texts of the dialog's note line.
const (
	propsAsking  = "Asking the server for the latest details…"
	propsUnknown = "Not known"
)

// showProperties shows c's properties and asks the service for fresh ones
// on the window's goroutine; the answer is applied once, if the dialog is
// still open.
func (w *MainWindow) showProperties(c Contact) {
	v := &propertiesView{icon: widget.NewIcon(nil), name: selectableLabel(""), status: widget.NewLabel(""),
		blocked: widget.NewLabel(""), email: selectableLabel(""), note: widget.NewLabel(propsAsking)}
	v.note.Importance = widget.LowImportance
	v.note.Wrapping = fyne.TextWrapWord
	form := widget.NewForm(
		widget.NewFormItem("Name", v.name),
		widget.NewFormItem("Sign-in name", selectableLabel(c.SignInName)),
		widget.NewFormItem("Status", v.status),
		widget.NewFormItem("E-mail", v.email),
		widget.NewFormItem("Blocked", v.blocked),
	)
	v.fill(w, c)
	content := container.NewBorder(nil, v.note, v.icon, nil, form)
	v.dialog = dialog.NewCustom(c.Name()+" Properties", "Close", content, w.win)
	v.dialog.SetOnClosed(func() {
		v.closed = true
		if w.props == v {
			w.props = nil
		}
	})
	w.props = v
	v.dialog.Show()
	name := c.SignInName
	ok := w.queue.submit(func(ctx context.Context) func() {
		fresh, err := w.opts.Service.Properties(ctx, name)
		return func() { v.answer(w, fresh, err) }
	})
	if !ok {
		v.note.Hide()
	}
}

// fill shows c.
func (v *propertiesView) fill(w *MainWindow, c Contact) {
	v.contact = c
	v.icon.SetResource(w.opts.Icons.Status(c.State))
	v.name.SetText(c.Name())
	v.status.SetText(c.State.Label())
	email := c.Email
	if email == "" {
		email = propsUnknown
	}
	v.email.SetText(email)
	blocked := "No"
	if c.Blocked {
		blocked = "Yes"
	}
	v.blocked.SetText(blocked)
}

// answer applies the server's answer: what it knows replaces what the list
// knew; an error is shown in the note line, keeping the list's details.
func (v *propertiesView) answer(w *MainWindow, fresh Contact, err error) {
	if v.closed {
		return
	}
	if err != nil {
		v.note.SetText("These details may be out of date: " + describe(w.opts.Describe, err))
		return
	}
	c := v.contact
	if fresh.DisplayName != "" {
		c.DisplayName = fresh.DisplayName
	}
	if fresh.Email != "" {
		c.Email = fresh.Email
	}
	if fresh.State != "" {
		c.State = fresh.State
	}
	v.fill(w, c)
	v.note.SetText("")
	v.note.Hide()
}

func selectableLabel(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Selectable = true
	return l
}
