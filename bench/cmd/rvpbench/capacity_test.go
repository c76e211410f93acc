package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestLastGCReadsGoTrace(t *testing.T) {
	// Lines as Go 1.26 prints them with GODEBUG=gctrace=1, between other
	// stderr output and a goroutine dump.
	dump := "time=... level=INFO msg=listening\n" +
		"gc 5 @0.002s 14%: 0.020+0.31+0.005 ms clock, 0.040+0.040/0.031/0.051+0.010 ms cpu, 54->62->62 MB, 55 MB goal, 0 MB stacks, 0 MB globals, 2 P\n" +
		"gc 6 @121.503s 1%: 0.044+0.093+0.002 ms clock, 0.089+0/0.049/0.018+0.004 ms cpu, 620->622->301 MB, 640 MB goal, 37 MB stacks, 0 MB globals, 2 P (forced)\n" +
		"SIGQUIT: quit\n\ngoroutine 1 gp=0x1 m=nil [select]:\n"
	path := filepath.Join(t.TempDir(), "stderr")
	if err := os.WriteFile(path, []byte(dump), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := lastGC(path)
	if err != nil {
		t.Fatal(err)
	}
	want := gcLine{at: 121503 * time.Millisecond, liveMB: 301, stacks: 37}
	if got != want {
		t.Fatalf("lastGC = %+v, want %+v", got, want)
	}
	if _, err := lastGC(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Fatal("lastGC of a missing file did not fail")
	}
}

func TestGoroutineHeaderSkipsG0(t *testing.T) {
	for line, want := range map[string]bool{
		"goroutine 0 gp=0xbaefc0 m=0 mp=0xbb01a0 [idle]:": false,
		"goroutine 1 gp=0x2dd9d9d001e0 m=nil [select]:":   true,
		"goroutine 38017 gp=0x1 m=nil [IO wait]:":         true,
		"\tgoroutine 5 [running]":                         false,
	} {
		if got := goroutineHeader.MatchString(line); got != want {
			t.Errorf("goroutineHeader(%q) = %v, want %v", line, got, want)
		}
	}
}
