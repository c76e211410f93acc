package options

import (
	"testing"

	"fyne.io/fyne/v2/test"
)

func TestLauncherKeepsOneWindowOfEach(t *testing.T) {
	app := test.NewTempApp(t)
	builds := 0
	src := &fakeDiagnostics{d: pollingDiag}
	l := NewLauncher(app, func() Deps { builds++; return Deps{SignInName: kari} }, src)
	t.Cleanup(func() { l.Close(); l.Wait() })

	l.ShowOptions(nil)
	first := l.options
	l.ShowOptions(nil)
	if l.options != first || builds != 1 {
		t.Errorf("second Tools > Options built another window (%d builds)", builds)
	}
	first.Close()
	l.ShowOptions(nil)
	if l.options == first || builds != 2 {
		t.Error("a closed Options window was not replaced")
	}

	l.ShowDiagnostics(nil)
	l.Wait()
	diag := l.diagnostics
	l.ShowDiagnostics(nil)
	l.Wait()
	if l.diagnostics != diag {
		t.Error("second Help > Connection diagnostics built another window")
	}
	if diag.Text() != pollingDiagText {
		t.Errorf("diagnostics text %q", diag.Text())
	}

	l.Close()
	if !l.options.Closed() || !l.diagnostics.Closed() {
		t.Error("Close left a window open")
	}
	l.Close() // idempotent
}

func TestLauncherWithoutDiagnostics(t *testing.T) {
	app := test.NewTempApp(t)
	l := NewLauncher(app, func() Deps { return Deps{} }, nil)
	l.ShowDiagnostics(nil)
	if l.diagnostics != nil {
		t.Error("a diagnostics window was built without a source")
	}
}
