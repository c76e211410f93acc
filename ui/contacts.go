package ui

import (
	"fmt"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// contactRow is one line of the contact list: a group header or a contact.
type contactRow struct {
	header  string // set for a group header
	contact Contact
}

// groupContacts builds the rows of the contact list: an "Online" group and
// a "Not Online" group, each sorted by shown name. Both headers are always
// present and carry their count.
func groupContacts(cs []Contact) []contactRow {
	var on, off []Contact
	for _, c := range cs {
		if c.State.IsOnline() {
			on = append(on, c)
		} else {
			off = append(off, c)
		}
	}
	slices.SortFunc(on, compareContacts)
	slices.SortFunc(off, compareContacts)
	rows := make([]contactRow, 0, len(cs)+2)
	rows = append(rows, contactRow{header: fmt.Sprintf("Online (%d)", len(on))})
	for _, c := range on {
		rows = append(rows, contactRow{contact: c})
	}
	rows = append(rows, contactRow{header: fmt.Sprintf("Not Online (%d)", len(off))})
	for _, c := range off {
		rows = append(rows, contactRow{contact: c})
	}
	return rows
}

// contactDetail is the grey text after a contact's name.
func contactDetail(c Contact) string {
	switch {
	case c.Blocked:
		return "(Blocked)"
	case c.State.IsOnline() && c.State != StateOnline:
		return "(" + c.State.Label() + ")"
	}
	return ""
}

// contactItem is the list's row widget. Fyne's List has no double tap, so the
// row handles taps itself: a tap selects, a double tap opens a conversation
// and a secondary tap opens the context menu.
type contactItem struct {
	widget.BaseWidget
	owner  *MainWindow
	id     widget.ListItemID
	icon   *widget.Icon
	name   *widget.Label
	detail *widget.Label
}

func newContactItem(owner *MainWindow) *contactItem {
	it := &contactItem{owner: owner, icon: widget.NewIcon(nil), name: widget.NewLabel(""), detail: widget.NewLabel("")}
	it.name.Truncation = fyne.TextTruncateEllipsis
	it.detail.Importance = widget.LowImportance
	it.ExtendBaseWidget(it)
	return it
}

func (it *contactItem) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewBorder(nil, nil, it.icon, it.detail, it.name))
}

// set shows row r as list item id.
func (it *contactItem) set(id widget.ListItemID, r contactRow) {
	it.id = id
	if r.header != "" {
		it.icon.Hide()
		it.name.TextStyle = fyne.TextStyle{Bold: true}
		it.name.SetText(r.header)
		it.detail.SetText("")
		return
	}
	it.icon.SetResource(it.owner.opts.Icons.Status(r.contact.State))
	it.icon.Show()
	it.name.TextStyle = fyne.TextStyle{}
	it.name.SetText(r.contact.Name())
	it.detail.SetText(contactDetail(r.contact))
}

// Tapped selects the row.
func (it *contactItem) Tapped(*fyne.PointEvent) { it.owner.list.Select(it.id) }

// DoubleTapped opens a conversation with the row's contact.
func (it *contactItem) DoubleTapped(*fyne.PointEvent) {
	it.owner.list.Select(it.id)
	if c, ok := it.owner.contactAt(it.id); ok {
		it.owner.openConversation(c)
	}
}

// TappedSecondary selects the row and shows its context menu.
func (it *contactItem) TappedSecondary(e *fyne.PointEvent) {
	c, ok := it.owner.contactAt(it.id)
	if !ok {
		return
	}
	it.owner.list.Select(it.id)
	menu := it.owner.contextMenu(c)
	widget.ShowPopUpMenuAtPosition(menu, it.owner.win.Canvas(), e.AbsolutePosition)
}

// contactList is the contact list with keys: Enter opens a conversation
// with the highlighted contact, Delete offers to remove it; arrows and
// Space work as in any Fyne list.
type contactList struct {
	widget.List
	owner *MainWindow
}

func newContactList(owner *MainWindow) *contactList {
	l := &contactList{owner: owner}
	l.Length = func() int { return len(owner.rows) }
	l.CreateItem = func() fyne.CanvasObject { return newContactItem(owner) }
	l.UpdateItem = func(id widget.ListItemID, o fyne.CanvasObject) { o.(*contactItem).set(id, owner.rows[id]) }
	l.ExtendBaseWidget(l)
	return l
}

// TypedKey handles Enter and Delete, and passes other keys to the list.
func (l *contactList) TypedKey(k *fyne.KeyEvent) {
	switch k.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		l.List.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace}) // select the highlighted row
		if c, ok := l.owner.contactAt(l.owner.selected); ok {
			l.owner.openConversation(c)
		}
	case fyne.KeyDelete:
		l.List.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace})
		if c, ok := l.owner.contactAt(l.owner.selected); ok {
			l.owner.confirmRemove(c)
		}
	default:
		l.List.TypedKey(k)
	}
}
