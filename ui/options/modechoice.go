package options

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"rendezvous/settings"
)

// modes lists the choices in the order shown.
var modes = [...]settings.PollingMode{settings.ModeDefault, settings.ModePolling, settings.ModeFixedPorts}

// modeChoice is the Default / Polling / Fixed Port(s) radio group as one
// focusable widget, like a native radio group: Tab reaches it once, the
// arrow keys move the choice, Enter confirms and Escape cancels the dialog.
// A tap on a row chooses it and focuses the group. Each mode's fields
// (details, may be nil) are shown indented under its row; they follow the
// group in the Tab order.
type modeChoice struct {
	widget.BaseWidget
	selected  settings.PollingMode
	focused   bool
	rows      [len(modes)]*modeRow
	details   [len(modes)]fyne.CanvasObject
	keys      *dialogKeys
	onChanged func(settings.PollingMode)
}

func newModeChoice(selected settings.PollingMode, keys *dialogKeys, onChanged func(settings.PollingMode),
	details [len(modes)]fyne.CanvasObject,
) *modeChoice {
	m := &modeChoice{selected: selected, keys: keys, onChanged: onChanged, details: details}
	for i, mode := range modes {
		m.rows[i] = newModeRow(mode.String(), func() { m.tapped(mode) })
	}
	m.ExtendBaseWidget(m)
	m.update()
	return m
}

// Selected returns the chosen mode.
func (m *modeChoice) Selected() settings.PollingMode { return m.selected }

// SetSelected chooses mode and calls onChanged if it changed.
func (m *modeChoice) SetSelected(mode settings.PollingMode) {
	if mode == m.selected || !mode.Valid() {
		return
	}
	m.selected = mode
	m.update()
	if m.onChanged != nil {
		m.onChanged(mode)
	}
}

func (m *modeChoice) tapped(mode settings.PollingMode) {
	if c := fyne.CurrentApp().Driver().CanvasForObject(m); c != nil {
		c.Focus(m)
	}
	m.SetSelected(mode)
}

// FocusGained implements fyne.Focusable.
func (m *modeChoice) FocusGained() { m.focused = true; m.update() }

// FocusLost implements fyne.Focusable.
func (m *modeChoice) FocusLost() { m.focused = false; m.update() }

// TypedRune implements fyne.Focusable.
func (m *modeChoice) TypedRune(rune) {}

// TypedKey implements fyne.Focusable.
func (m *modeChoice) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyDown, fyne.KeyRight:
		m.SetSelected((m.selected + 1) % settings.PollingMode(len(modes)))
	case fyne.KeyUp, fyne.KeyLeft:
		m.SetSelected((m.selected + settings.PollingMode(len(modes)) - 1) % settings.PollingMode(len(modes)))
	default:
		m.keys.handle(ev)
	}
}

func (m *modeChoice) update() {
	for i, row := range m.rows {
		row.set(modes[i] == m.selected, m.focused && modes[i] == m.selected)
	}
}

// CreateRenderer implements fyne.Widget.
func (m *modeChoice) CreateRenderer() fyne.WidgetRenderer {
	box := container.NewVBox()
	for i, r := range m.rows {
		box.Add(r)
		if m.details[i] != nil {
			indent := canvas.NewRectangle(color.Transparent)
			indent.SetMinSize(fyne.NewSize(theme.IconInlineSize()+2*theme.Padding(), 0))
			box.Add(container.NewBorder(nil, nil, indent, nil, m.details[i]))
		}
	}
	return widget.NewSimpleRenderer(box)
}

// modeRow is one radio button of a modeChoice; it is tappable but not
// focusable (the group is).
type modeRow struct {
	widget.BaseWidget
	Label    *widget.Label
	icon     *widget.Icon
	bg       *canvas.Rectangle
	onTapped func()
	Checked  bool
}

func newModeRow(text string, onTapped func()) *modeRow {
	r := &modeRow{
		Label: widget.NewLabel(text), icon: widget.NewIcon(theme.RadioButtonIcon()),
		bg: canvas.NewRectangle(color.Transparent), onTapped: onTapped,
	}
	r.bg.CornerRadius = theme.InputRadiusSize()
	r.bg.StrokeWidth = 2
	r.ExtendBaseWidget(r)
	return r
}

func (r *modeRow) set(checked, focused bool) {
	r.Checked = checked
	if checked {
		r.icon.SetResource(theme.RadioButtonCheckedIcon())
	} else {
		r.icon.SetResource(theme.RadioButtonIcon())
	}
	r.bg.StrokeColor = color.Transparent
	if focused {
		r.bg.StrokeColor = theme.Color(theme.ColorNameFocus)
	}
	r.bg.Refresh()
}

// Tapped implements fyne.Tappable.
func (r *modeRow) Tapped(*fyne.PointEvent) { r.onTapped() }

// CreateRenderer implements fyne.Widget.
func (r *modeRow) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewStack(r.bg, container.NewHBox(r.icon, r.Label)))
}
