package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func TestReadLine(t *testing.T) {
	long := strings.Repeat("p", maxPasswordBytes)
	for _, tc := range []struct {
		in, want, rest string
		err            bool
	}{
		{in: "pw\n", want: "pw"},
		{in: "pw\r\n", want: "pw"},
		{in: "pw", want: "pw"},
		{in: " spaced pw \n", want: " spaced pw "},
		{in: "first\nsecond\n", want: "first", rest: "second\n"},
		{in: "\n", want: ""},
		{in: "", err: true},
		{in: long + "\n", want: long},
		{in: long + "x\n", err: true},
	} {
		r := strings.NewReader(tc.in)
		got, err := readLine(r)
		rest, _ := io.ReadAll(r)
		if (err != nil) != tc.err || got != tc.want || (!tc.err && string(rest) != tc.rest) {
			t.Errorf("readLine(%.20q) = %.20q, %v, rest %q", tc.in, got, err, rest)
		}
	}
	if _, err := readLine(strings.NewReader("")); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("empty input: %v, want io.ErrUnexpectedEOF", err)
	}
	if _, err := readLine(iotest.ErrReader(errors.New("boom"))); err == nil || err.Error() != "boom" {
		t.Errorf("read error: %v", err)
	}
	// One byte per Read (a terminal in canonical mode may deliver like this).
	if got, err := readLine(iotest.OneByteReader(bytes.NewReader([]byte("ab\ncd")))); err != nil || got != "ab" {
		t.Errorf("one byte reader: %q %v", got, err)
	}
}

func TestReadLineCtxCancelled(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := readLineCtx(ctx, pr); !errors.Is(err, ctx.Err()) {
		t.Fatalf("readLineCtx after cancel: %v", err)
	}
	pr.CloseWithError(errors.New("done")) // ends the reading goroutine
}
