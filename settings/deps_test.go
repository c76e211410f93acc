package settings

import (
	"os/exec"
	"strings"
	"testing"
)

// TestNoFyneDependency enforces the design rule that engine packages never
// import fyne.io/... (directly or indirectly).
func TestNoFyneDependency(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("go command not found: %v", err)
	}
	out, err := exec.CommandContext(t.Context(), goTool, "list", "-deps", "rendezvous/settings").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list -deps printed only %q", deps)
	}
	for _, dep := range deps {
		if strings.HasPrefix(dep, "fyne.io/") {
			t.Errorf("settings depends on %s", dep)
		}
	}
}
