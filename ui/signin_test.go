package ui

import (
	"context"
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

type testSignIn struct {
	*SignInWindow
	c *inline
}

func (w testSignIn) settle() { w.c.settle(w.queue) }

func newTestSignIn(t *testing.T, svc SignInService, opts SignInOptions) testSignIn {
	t.Helper()
	a := test.NewTempApp(t)
	opts.Service = svc
	opts.Describe = testDescribe
	c := &inline{}
	opts.deliver = c.deliver
	w := NewSignInWindow(a, opts)
	t.Cleanup(func() { w.Close(); w.Wait() })
	w.Show()
	return testSignIn{w, c}
}

func TestSignInTitle(t *testing.T) {
	w := newTestSignIn(t, &fakeSignIn{}, SignInOptions{})
	if got := w.Window().Title(); got != "Rendezvous Messenger" {
		t.Fatalf("title = %q", got)
	}
}

func TestSignInValidation(t *testing.T) {
	cases := []struct{ name, password, want string }{
		{"", "pw", "Type your sign-in name, for example alice@example.com."},
		{"alice", "pw", "A sign-in name looks like alice@example.com."},
		{"alice@", "pw", "A sign-in name looks like alice@example.com."},
		{"alice@example.com", "", "Type your password."},
	}
	for _, c := range cases {
		svc := &fakeSignIn{}
		w := newTestSignIn(t, svc, SignInOptions{})
		test.Type(w.name, c.name)
		test.Type(w.password, c.password)
		test.Tap(w.submit)
		w.settle()
		if !w.errText.Visible() || w.errText.Text != c.want {
			t.Errorf("%q/%q: error %q (visible %v), want %q", c.name, c.password, w.errText.Text, w.errText.Visible(), c.want)
		}
		if n := len(svc.requests()); n != 0 {
			t.Errorf("%q: service called %d times", c.name, n)
		}
	}
}

func TestSignInErrorInPlainWords(t *testing.T) {
	svc := &fakeSignIn{err: errWrongPassword}
	w := newTestSignIn(t, svc, SignInOptions{})
	test.Type(w.name, "alice@example.com")
	test.Type(w.password, "wrong")
	test.Tap(w.submit)
	w.settle()
	if w.errText.Text != "The sign-in name or password is wrong." || !w.errText.Visible() {
		t.Fatalf("error = %q visible %v", w.errText.Text, w.errText.Visible())
	}
	if w.busy || w.submit.Disabled() || w.progress.Visible() {
		t.Fatalf("still busy after failure")
	}
}

func TestSignInUnknownErrorKeepsText(t *testing.T) {
	svc := &fakeSignIn{err: context.DeadlineExceeded}
	w := newTestSignIn(t, svc, SignInOptions{})
	test.Type(w.name, "alice@example.com")
	test.Type(w.password, "pw")
	test.Tap(w.submit)
	w.settle()
	if w.errText.Text != "The server did not answer in time. Try again later." {
		t.Fatalf("error = %q", w.errText.Text)
	}
}

func TestSignInEnterSubmitsAndReportsSuccess(t *testing.T) {
	svc := &fakeSignIn{}
	var got []SignInRequest
	w := newTestSignIn(t, svc, SignInOptions{OnSignedIn: func(r SignInRequest) { got = append(got, r) }})
	test.Type(w.name, "alice@example.com")
	w.name.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if w.Window().Canvas().Focused() != w.password {
		t.Fatalf("Enter in the name field did not move to the password")
	}
	test.Type(w.password, "secret")
	test.Tap(w.remember)
	test.Type(w.server, "127.0.0.1:4180")
	w.password.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	w.settle()
	want := SignInRequest{SignInName: "alice@example.com", Password: "secret", Server: "127.0.0.1:4180", RememberPassword: true}
	if reqs := svc.requests(); len(reqs) != 1 || reqs[0] != want {
		t.Fatalf("requests = %+v, want %+v", reqs, want)
	}
	if len(got) != 1 || got[0] != want {
		t.Fatalf("OnSignedIn got %+v", got)
	}
}

func TestSignInProgressAndCancel(t *testing.T) {
	svc := &fakeSignIn{block: make(chan struct{})}
	var signedIn bool
	w := newTestSignIn(t, svc, SignInOptions{OnSignedIn: func(SignInRequest) { signedIn = true }})
	test.Type(w.name, "alice@example.com")
	test.Type(w.password, "pw")
	test.Tap(w.submit)
	if !w.progress.Visible() || !w.submit.Disabled() || !w.name.Disabled() || !w.cancel.Visible() {
		t.Fatalf("no progress shown while signing in")
	}
	if w.status.Text != "Signing in…" {
		t.Fatalf("status = %q", w.status.Text)
	}
	test.Tap(w.cancel)
	w.settle() // the cancelled attempt returns ctx.Err(); its result is dropped
	if w.progress.Visible() || w.submit.Disabled() || signedIn || w.errText.Visible() {
		t.Fatalf("after cancel: progress %v, submit disabled %v, signed in %v, error %q",
			w.progress.Visible(), w.submit.Disabled(), signedIn, w.errText.Text)
	}
}

func TestAutomaticSignInChecksRemember(t *testing.T) {
	w := newTestSignIn(t, &fakeSignIn{}, SignInOptions{})
	test.Tap(w.auto)
	if !w.remember.Checked {
		t.Fatal("automatic sign-in without remembering the password")
	}
	test.Tap(w.remember)
	if w.auto.Checked {
		t.Fatal("forgetting the password kept automatic sign-in")
	}
}

func TestRecallFillsKnownProfile(t *testing.T) {
	recall := func(_ context.Context, name string) (SignInRequest, error) {
		return SignInRequest{Password: "kept", RememberPassword: true, Server: "127.0.0.1:1"}, nil
	}
	w := newTestSignIn(t, &fakeSignIn{}, SignInOptions{KnownNames: []string{"bob@localhost"}, Recall: recall})
	w.name.SetText("bob@localhost")
	w.settle()
	if w.password.Text != "kept" || !w.remember.Checked || w.server.Text != "127.0.0.1:1" {
		t.Fatalf("recall not applied: %+v", w.request())
	}
}

func TestAutomaticSignInAtStart(t *testing.T) {
	recall := func(_ context.Context, name string) (SignInRequest, error) {
		return SignInRequest{Password: "kept", RememberPassword: true, SignInAutomatically: true}, nil
	}
	svc := &fakeSignIn{}
	w := newTestSignIn(t, svc, SignInOptions{KnownNames: []string{"bob@localhost"}, Recall: recall,
		Initial: SignInRequest{SignInName: "bob@localhost"}, AutoSignIn: true})
	w.settle()
	want := SignInRequest{SignInName: "bob@localhost", Password: "kept", RememberPassword: true, SignInAutomatically: true}
	if reqs := svc.requests(); len(reqs) != 1 || reqs[0] != want {
		t.Fatalf("requests = %+v", reqs)
	}
}

// fakeLocal is a LocalServer.
type fakeLocal struct {
	created []string
	open    []bool
}

func (f *fakeLocal) Start(_ context.Context, open bool) (LocalServerInfo, error) {
	f.open = append(f.open, open)
	info := LocalServerInfo{Address: "127.0.0.1:4180", Domain: "localhost"}
	if open {
		info.Network = []string{"192.0.2.7:4180"}
	}
	return info, nil
}

func (f *fakeLocal) CreateAccount(_ context.Context, name, _ string) (string, error) {
	f.created = append(f.created, name)
	return name + "@localhost", nil
}

func TestHostServerCreatesAccountAndSignsIn(t *testing.T) {
	svc := &fakeSignIn{}
	local := &fakeLocal{}
	w := newTestSignIn(t, svc, SignInOptions{LocalServer: local})
	test.Tap(w.host)
	if w.Window().Canvas().Overlays().Top() == nil {
		t.Fatal("no confirmation dialog")
	}
	w.startLocalServer(false) // what the dialog's Start Server button does
	w.settle()
	if w.server.Text != "127.0.0.1:4180" {
		t.Fatalf("server field = %q", w.server.Text)
	}
	form := w.Window().Canvas().Overlays().Top()
	if form == nil || !containsText(form, "Your sign-in name will be name@localhost") {
		t.Fatal("no account form")
	}
	if len(local.open) != 1 || local.open[0] {
		t.Fatalf("started with open %v", local.open)
	}
	if accountNameError("al ice") == nil || accountNameError("alice") != nil {
		t.Fatal("account name check")
	}
	w.createAccount("alice", "pw") // what the form's Create Account button does
	w.settle()
	want := SignInRequest{SignInName: "alice@localhost", Password: "pw", Server: "127.0.0.1:4180"}
	if reqs := svc.requests(); len(reqs) != 1 || reqs[0] != want {
		t.Fatalf("requests = %+v", reqs)
	}
}

func TestHostServerForTheNetwork(t *testing.T) {
	local := &fakeLocal{}
	w := newTestSignIn(t, &fakeSignIn{}, SignInOptions{LocalServer: local})
	test.Tap(w.host)
	confirm := w.Window().Canvas().Overlays().Top()
	var check *widget.Check
	for _, o := range test.LaidOutObjects(confirm) {
		if c, ok := o.(*widget.Check); ok {
			check = c
		}
	}
	if check == nil || check.Checked {
		t.Fatal("no unchecked 'other computers' choice")
	}
	w.startLocalServer(true)
	w.settle()
	form := w.Window().Canvas().Overlays().Top()
	if !slices.Equal(local.open, []bool{true}) ||
		!containsText(form, "Your sign-in name will be name@localhost; other computers use the server 192.0.2.7:4180") {
		t.Fatalf("open %v; the form does not name the network address", local.open)
	}
}

// containsText reports whether a label or rich text below o shows s.
func containsText(o fyne.CanvasObject, s string) bool {
	for _, obj := range test.LaidOutObjects(o) {
		switch v := obj.(type) {
		case *widget.Label:
			if v.Text == s {
				return true
			}
		case *widget.RichText:
			if v.String() == s {
				return true
			}
		case *canvas.Text:
			if v.Text == s {
				return true
			}
		}
	}
	return false
}
