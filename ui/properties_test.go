package ui

import (
	"slices"
	"testing"
)

// propsShown is what the open Properties dialog shows.
type propsShown struct{ name, status, email, blocked, note string }

func shownProps(v *propertiesView) propsShown {
	return propsShown{v.name.Text, v.status.Text, v.email.Text, v.blocked.Text, v.note.Text}
}

func TestPropertiesAreFetchedWhenOpened(t *testing.T) {
	w := newTestMain(t)
	w.svc.props = map[string]Contact{bob.SignInName: {SignInName: bob.SignInName,
		DisplayName: "Robert", Email: "robert@example.org", State: StateAway}}
	w.showProperties(Contact{SignInName: bob.SignInName, DisplayName: "Bob", State: StateOnline, Blocked: true})
	v := w.props
	if got := shownProps(v); got != (propsShown{"Bob", "Online", propsUnknown, "Yes", propsAsking}) {
		t.Fatalf("before the answer: %+v", got)
	}
	w.settle()
	if got := shownProps(v); got != (propsShown{"Robert", "Away", "robert@example.org", "Yes", ""}) || v.note.Visible() {
		t.Fatalf("after the answer: %+v (note shown %v)", got, v.note.Visible())
	}
	if !slices.Equal(w.svc.asked, []string{bob.SignInName}) {
		t.Fatalf("asked for %q", w.svc.asked)
	}
}

func TestPropertiesKeepTheListsDetailsOnError(t *testing.T) {
	w := newTestMain(t)
	w.svc.propsErr = errOffline
	w.showProperties(bob)
	v := w.props
	w.settle()
	want := propsShown{"Bob", "Online", propsUnknown, "No", "These details may be out of date: Bob is not signed in."}
	if got := shownProps(v); got != want {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
}

func TestPropertiesClosedBeforeTheAnswer(t *testing.T) {
	w := newTestMain(t)
	w.svc.props = map[string]Contact{bob.SignInName: {DisplayName: "Robert"}}
	w.showProperties(bob)
	v := w.props
	v.dialog.Hide()
	w.settle()
	if w.props != nil || v.name.Text != "Bob" {
		t.Fatalf("a closed dialog was updated: %q", v.name.Text)
	}
}
