// Package depcheck holds the test that keeps the protocol engine free of the
// GUI toolkit: rvpclient, rvpserver, settings, cmd/rvpd and the internal
// wire and Digest packages must never depend on any fyne.io package
// (DESIGN.md, "Dependency rule").
package depcheck

import (
	"os/exec"
	"strings"
	"testing"
)

// engine lists the packages (and everything below them) that must stay
// free of Fyne.
var engine = []string{
	"rendezvous/rvpclient",
	"rendezvous/rvpserver",
	"rendezvous/settings",
	"rendezvous/cmd/rvpd",
	"rendezvous/internal/rvpwire",
	"rendezvous/internal/digest",
}

// fyneDeps returns the fyne.io packages pkg depends on.
func fyneDeps(t *testing.T, pkg string) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", pkg).CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
	}
	var found []string
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "fyne.io/") {
			found = append(found, dep)
		}
	}
	return found
}

// enginePackages expands the engine list to every package in the module
// below those import paths, so new subpackages are covered too.
func enginePackages(t *testing.T) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "rendezvous/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	var pkgs []string
	for _, p := range strings.Fields(string(out)) {
		for _, root := range engine {
			if p == root || strings.HasPrefix(p, root+"/") {
				pkgs = append(pkgs, p)
			}
		}
	}
	return pkgs
}

func TestEngineHasNoFyne(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go command not on PATH")
	}
	pkgs := enginePackages(t)
	for _, root := range engine {
		seen := false
		for _, p := range pkgs {
			seen = seen || p == root
		}
		if !seen {
			t.Errorf("engine package %s is missing from the module", root)
		}
	}
	for _, p := range pkgs {
		if deps := fyneDeps(t, p); len(deps) > 0 {
			t.Errorf("%s depends on Fyne: %s", p, strings.Join(deps, ", "))
		}
	}
}

// The detector itself works: package assets imports Fyne, and the check
// must say so. Without this, a broken go list call could pass silently.
func TestDetectorSeesFyne(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go command not on PATH")
	}
	if deps := fyneDeps(t, "rendezvous/assets"); len(deps) == 0 {
		t.Fatal("the check found no Fyne dependency in rendezvous/assets, which imports fyne.io/fyne/v2")
	}
}
