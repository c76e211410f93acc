package settings

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestNoSecretInFilesOrLogs stores a password through Secrets (mock
// keyring), saves a fully populated profile through the Save path, also
// runs the failure paths, and then scans every file under the base
// directory and every log line for the password.
func TestNoSecretInFilesOrLogs(t *testing.T) {
	const password = "Pa55-w0rd-ë✓-never-on-disk"
	base := t.TempDir()
	log, sink := newTestLogger()
	ctx := t.Context()

	k := NewKeyring(&KeyringOptions{Service: "settings test " + t.Name(), Logger: log})
	if err := k.Set(ctx, kari, password); err != nil {
		t.Fatal(err)
	}
	if got, err := k.Get(ctx, kari); err != nil || got != password {
		t.Fatalf("Get = %q, %v", got, err)
	}
	p := openProfile(t, base, &Options{Logger: log})
	fillProfile(t, p)
	if err := p.Save(); err != nil {
		t.Fatal(err)
	}
	// A corrupt file moved aside, and a repaired one, log too.
	q, err := Open(base, "bob@x.example", &Options{Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Save(); err != nil {
		t.Fatal(err)
	}
	_ = os.WriteFile(q.Path(), []byte("{broken"), 0o600)
	if _, err := Open(base, "bob@x.example", &Options{Logger: log}); err == nil {
		t.Fatal("corrupt file not reported")
	}
	// Failing keyring calls log and return errors: neither may carry it.
	k.be = &fakeBackend{err: errors.New("dbus: connection refused")}
	setErr := k.Set(ctx, kari, password)
	if setErr == nil || strings.Contains(setErr.Error(), password) {
		t.Fatalf("Set error = %v", setErr)
	}

	needles := secretForms(password)
	files := 0
	err = filepath.WalkDir(base, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		data, err := os.ReadFile(path)
		for _, n := range needles {
			if bytes.Contains(data, n) {
				t.Errorf("%s contains the password", path)
			}
		}
		return err
	})
	if err != nil || files < 2 {
		t.Fatalf("scanned %d files: %v", files, err)
	}
	logs := sink.bytes()
	if len(logs) == 0 {
		t.Fatal("nothing logged: the log scan would prove nothing")
	}
	for _, n := range needles {
		if bytes.Contains(logs, n) {
			t.Errorf("log contains the password:\n%s", logs)
		}
	}
}

// secretForms returns the password as raw bytes and as JSON would escape it.
func secretForms(pw string) [][]byte {
	quoted, _ := json.Marshal(pw)
	ascii := strings.Trim(strings.ToValidUTF8(string(quoted), ""), `"`)
	return [][]byte{[]byte(pw), []byte(ascii)}
}

// TestDocumentHasNoSecretField walks the settings document type: no field
// may be able to hold a password. RememberPassword is a bool and allowed.
func TestDocumentHasNoSecretField(t *testing.T) {
	seen := map[reflect.Type]bool{}
	var walk func(reflect.Type, string)
	walk = func(typ reflect.Type, path string) {
		for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice || typ.Kind() == reflect.Map {
			typ = typ.Elem()
		}
		if typ.Kind() != reflect.Struct || seen[typ] {
			return
		}
		seen[typ] = true
		for f := range typ.Fields() {
			name := strings.ToLower(f.Name)
			for _, word := range []string{"password", "secret", "token", "credential", "passwd"} {
				if strings.Contains(name, word) && f.Type.Kind() != reflect.Bool {
					t.Errorf("%s.%s (%s) could hold a secret", path, f.Name, f.Type)
				}
			}
			walk(f.Type, path+"."+f.Name)
		}
	}
	walk(reflect.TypeFor[fileData](), "fileData")
	if len(seen) < 4 {
		t.Fatalf("walked only %d struct types", len(seen))
	}
}

// TestSecretLookingUnknownKeysAreDropped: unknown keys are normally kept,
// but one that a hand edit named like a password is not written back.
func TestSecretLookingUnknownKeysAreDropped(t *testing.T) {
	base := t.TempDir()
	dir, _ := ProfileDir(base, kari)
	_ = os.MkdirAll(dir, 0o700)
	body := `{"Password": "hunter2", "authToken": "abc", "Future": 1}`
	if err := os.WriteFile(filepath.Join(dir, settingsFile), []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	log, sink := newTestLogger()
	p := openProfile(t, base, &Options{Logger: log})
	if err := p.Save(); err != nil {
		t.Fatal(err)
	}
	m := readJSON(t, p.Path())
	if _, ok := m["Password"]; ok || m["authToken"] != nil || m["Future"] != 1.0 {
		t.Fatalf("document = %v", m)
	}
	if len(sink.warningsWithKey(t, "Password")) != 1 || len(sink.warningsWithKey(t, "authToken")) != 1 {
		t.Fatalf("log:\n%s", sink.bytes())
	}
	if bytes.Contains(sink.bytes(), []byte("hunter2")) {
		t.Fatal("the dropped value was logged")
	}
}
