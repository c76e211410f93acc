// Package history keeps the conversation transcripts of one profile: one
// JSON Lines file per contact under the profile's data directory.
//
//	<dir>/                       (0700, e.g. $XDG_DATA_HOME/rendezvous/<profile>/history)
//	  bob@example.com.jsonl      (0600, one Entry per line, oldest first)
//
// File names are the contact's lower-cased sign-in name with every byte
// other than ASCII letters, digits and "@._+-" (and a leading ".") written
// as %XX. Each Append is one write of one whole line with O_APPEND, so a
// crash loses at most the line being written; Load skips a line that does
// not decode. A file is bounded: when it grows past Options.MaxBytes, Append
// rewrites it with its newest MaxEntries entries (temporary file, fsync,
// rename), and Load reads at most the last MaxBytes of it.
//
// A Store is safe for concurrent use. A Recorder moves appends off the
// caller's goroutine (the UI's) onto one goroutine it owns.
package history

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Entry is one message of a transcript.
type Entry struct {
	From     string    `json:"from"`           // sender's sign-in name
	FromName string    `json:"name,omitempty"` // sender's display name then
	Text     string    `json:"text"`
	Time     time.Time `json:"time"`
	Outgoing bool      `json:"out,omitempty"` // written by the profile's user
}

// Options bound a Store. A nil *Options means defaults.
type Options struct {
	MaxEntries int   // entries kept after compaction and returned by Load; default 500
	MaxBytes   int64 // file size that triggers compaction; default 512 KiB
}

// Store reads and appends transcripts in one directory.
type Store struct {
	dir  string
	opts Options
	mu   sync.Mutex // serializes appends and compactions
}

// Open returns a store for dir. It does no I/O; the directory is created at
// the first Append.
func Open(dir string, opts *Options) *Store {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.MaxEntries <= 0 {
		o.MaxEntries = 500
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = 512 << 10
	}
	return &Store{dir: dir, opts: o}
}

// FileName is the file that holds the transcript with peer.
func FileName(peer string) (string, error) {
	peer = strings.ToLower(strings.TrimSpace(peer))
	if peer == "" {
		return "", errors.New("history: empty contact name")
	}
	var b strings.Builder
	for i := 0; i < len(peer); i++ {
		c := peer[i]
		plain := c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte("@._+-", c) >= 0
		if !plain || (i == 0 && c == '.') {
			fmt.Fprintf(&b, "%%%02X", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String() + ".jsonl", nil
}

func (s *Store) path(peer string) (string, error) {
	name, err := FileName(peer)
	if err != nil {
		return "", err
	}
	return filepath.Join(s.dir, name), nil
}

// Load returns the newest entries with peer, oldest first; none (and no
// error) when there is no file yet.
func (s *Store) Load(ctx context.Context, peer string) ([]Entry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	p, err := s.path(peer)
	if err != nil {
		return nil, err
	}
	data, err := readTail(p, s.opts.MaxBytes)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("history: load %s: %w", peer, err)
	}
	es := decode(data)
	return es[max(0, len(es)-s.opts.MaxEntries):], nil
}

// readTail reads the last limit bytes of a file, starting at a line.
func readTail(p string, limit int64) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	off := max(0, st.Size()-limit)
	data, err := io.ReadAll(io.NewSectionReader(f, off, st.Size()-off))
	if err != nil {
		return nil, err
	}
	if off > 0 {
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			data = data[i+1:]
		} else {
			data = nil
		}
	}
	return data, nil
}

// decode parses JSON lines, skipping lines that do not decode.
func decode(data []byte) []Entry {
	var out []Entry
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), len(data)+1)
	for sc.Scan() {
		var e Entry
		if json.Unmarshal(sc.Bytes(), &e) == nil && e.From != "" {
			out = append(out, e)
		}
	}
	return out
}

// Append adds e to the transcript with peer, compacting the file when it
// grew past MaxBytes.
func (s *Store) Append(peer string, e Entry) error {
	p, err := s.path(peer)
	if err != nil {
		return err
	}
	line, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("history: encode: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return fmt.Errorf("history: %w", err)
	}
	size, err := appendLine(p, append(line, '\n'))
	if err != nil {
		return fmt.Errorf("history: append %s: %w", peer, err)
	}
	if size > s.opts.MaxBytes {
		if err := s.compact(p); err != nil {
			return fmt.Errorf("history: compact %s: %w", peer, err)
		}
	}
	return nil
}

// appendLine appends one line; after a crash that left a partial last line,
// it starts on a new line so only the partial line is lost.
func appendLine(p string, line []byte) (int64, error) {
	f, err := os.OpenFile(p, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return 0, err
	}
	if st, err := f.Stat(); err == nil && st.Size() > 0 {
		last := make([]byte, 1)
		if _, err := f.ReadAt(last, st.Size()-1); err == nil && last[0] != '\n' {
			line = append([]byte{'\n'}, line...)
		}
	}
	if _, err := f.Write(line); err != nil {
		f.Close()
		return 0, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return 0, err
	}
	return st.Size(), f.Close()
}

// compact rewrites p with its newest entries, keeping at most half of
// MaxBytes so compaction does not run at every append.
func (s *Store) compact(p string) error {
	data, err := readTail(p, s.opts.MaxBytes/2)
	if err != nil {
		return err
	}
	es := decode(data)
	es = es[max(0, len(es)-s.opts.MaxEntries):]
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	for _, e := range es {
		if err := enc.Encode(e); err != nil {
			return err
		}
	}
	return writeAtomic(p, buf.Bytes())
}

func writeAtomic(p string, data []byte) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(p), ".compact-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o600)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), p)
	}
	return err
}
