// Package depcheck holds the test that keeps the protocol engine free of the
// GUI toolkit: rvpclient, rvpserver, settings, cmd/rvpd and every package
// under internal/ (the wire and Digest packages among them) must never
// depend on any fyne.io package, and neither may their tests (DESIGN.md,
// "Dependency rule").
package depcheck

import (
	"errors"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// engine lists the import paths that, with everything below them, must
// stay free of Fyne.
var engine = []string{
	"rendezvous/rvpclient",
	"rendezvous/rvpserver",
	"rendezvous/settings",
	"rendezvous/cmd/rvpd",
	"rendezvous/internal",
}

// required are engine packages that must exist, so that a renamed or
// mistyped path cannot make the check vacuous.
var required = []string{
	"rendezvous/rvpclient",
	"rendezvous/rvpserver",
	"rendezvous/settings",
	"rendezvous/cmd/rvpd",
	"rendezvous/internal/rvpwire",
	"rendezvous/internal/digest",
}

// goList runs the go command (the one `go test` puts first on PATH) and
// returns its standard output.
func goList(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command("go", append([]string{"list"}, args...)...)
	out, err := cmd.Output()
	if err != nil {
		var exitErr *exec.ExitError
		var stderr []byte
		if errors.As(err, &exitErr) {
			stderr = exitErr.Stderr
		}
		t.Fatalf("go list %s: %v\n%s", strings.Join(args, " "), err, stderr)
	}
	return string(out)
}

// depsFormat prints one line per package, test variants included: its
// import path, a tab and its transitive dependencies.
const depsFormat = `{{.ImportPath}}{{"\t"}}{{join .Deps " "}}`

// fyneDeps maps each listed package, and each of its test variants, to the
// fyne.io packages it depends on; packages without any are left out.
func fyneDeps(t *testing.T, pkgs ...string) map[string][]string {
	t.Helper()
	return parseFyneDeps(goList(t, append([]string{"-test", "-f", depsFormat}, pkgs...)...))
}

// parseFyneDeps reads depsFormat output.
func parseFyneDeps(out string) map[string][]string {
	found := map[string][]string{}
	for line := range strings.Lines(out) {
		pkg, deps, _ := strings.Cut(strings.TrimRight(line, "\n"), "\t")
		for _, dep := range strings.Fields(deps) {
			if isFyne(dep) {
				found[pkg] = append(found[pkg], dep)
			}
		}
	}
	return found
}

func isFyne(path string) bool {
	return path == "fyne.io" || strings.HasPrefix(path, "fyne.io/")
}

// under reports whether path is root or a package below it.
func under(path, root string) bool {
	return path == root || strings.HasPrefix(path, root+"/")
}

// enginePackages lists every package of the module below an engine path,
// so new subpackages are covered without editing this test.
func enginePackages(t *testing.T) []string {
	t.Helper()
	var pkgs []string
	for _, p := range strings.Fields(goList(t, "rendezvous/...")) {
		if slices.ContainsFunc(engine, func(root string) bool { return under(p, root) }) {
			pkgs = append(pkgs, p)
		}
	}
	return pkgs
}

func TestEngineHasNoFyne(t *testing.T) {
	pkgs := enginePackages(t)
	for _, p := range required {
		if !slices.Contains(pkgs, p) {
			t.Errorf("engine package %s is missing from the module", p)
		}
	}
	for pkg, deps := range fyneDeps(t, pkgs...) {
		t.Errorf("%s depends on Fyne: %s", pkg, strings.Join(deps, ", "))
	}
}

// The detector itself works on the real go command: package assets imports
// Fyne, and the check must say so. Without this, a changed go list output
// could make TestEngineHasNoFyne pass silently.
func TestDetectorSeesFyne(t *testing.T) {
	found := fyneDeps(t, "rendezvous/assets")
	if !slices.Contains(found["rendezvous/assets"], "fyne.io/fyne/v2") {
		t.Fatalf("the check missed fyne.io/fyne/v2 in rendezvous/assets, which imports it; found %v", found)
	}
}

func TestParseFyneDeps(t *testing.T) {
	out := "rendezvous/a\tfmt fyne.io/fyne/v2 fyne.io/systray\n" +
		"rendezvous/b [rendezvous/b.test]\tfmt fyne.io/fyne/v2/test\n" +
		"rendezvous/c\tfmt notfyne.io/x fyne.iox/y\n" +
		"rendezvous/d\t\n"
	got := parseFyneDeps(out)
	want := map[string][]string{
		"rendezvous/a":                     {"fyne.io/fyne/v2", "fyne.io/systray"},
		"rendezvous/b [rendezvous/b.test]": {"fyne.io/fyne/v2/test"},
	}
	if len(got) != len(want) {
		t.Fatalf("parseFyneDeps = %v, want %v", got, want)
	}
	for pkg, deps := range want {
		if !slices.Equal(got[pkg], deps) {
			t.Errorf("parseFyneDeps[%q] = %v, want %v", pkg, got[pkg], deps)
		}
	}
}

func TestUnder(t *testing.T) {
	cases := []struct {
		path, root string
		want       bool
	}{
		{"rendezvous/settings", "rendezvous/settings", true},
		{"rendezvous/settings/policy", "rendezvous/settings", true},
		{"rendezvous/settingsui", "rendezvous/settings", false},
		{"rendezvous/internal/rvpwire", "rendezvous/internal", true},
		{"rendezvous/app", "rendezvous/internal", false},
	}
	for _, c := range cases {
		if got := under(c.path, c.root); got != c.want {
			t.Errorf("under(%q, %q) = %v, want %v", c.path, c.root, got, c.want)
		}
	}
}
