package settings

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// writeFileAtomic replaces dir/name with data so that a crash leaves either
// the old or the new file, never a mix: it writes a temporary file in dir,
// fsyncs it, renames it over name and fsyncs dir. The file gets mode 0600.
func writeFileAtomic(dir, name string, data []byte) (err error) {
	tmp, err := os.CreateTemp(dir, "."+name+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()           // already closed on the success path
			_ = os.Remove(tmp.Name()) // never leave temporary files behind
		}
	}()
	if err = tmp.Chmod(0o600); err != nil {
		return err
	}
	if _, err = tmp.Write(data); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return err
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), filepath.Join(dir, name)); err != nil {
		return err
	}
	return syncDir(dir)
}

// ensureDir creates dir (0700) and any missing parents, and fsyncs the
// parent of every directory it created so that the new entries survive a
// crash together with the first file written into them.
func ensureDir(dir string) error {
	if st, err := os.Stat(dir); err == nil && st.IsDir() {
		return nil
	}
	parent := filepath.Dir(dir)
	if parent != dir {
		if err := ensureDir(parent); err != nil {
			return err
		}
	}
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return syncDir(parent)
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	if err := d.Sync(); err != nil {
		_ = d.Close()
		return err
	}
	return d.Close()
}

// maxSettingsBytes bounds a settings file; a larger one counts as corrupt.
const maxSettingsBytes = 8 << 20

var errTooLarge = errors.New("settings: file larger than 8 MiB")

// readBounded reads path, refusing more than limit bytes with errTooLarge.
func readBounded(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, errTooLarge
	}
	return data, nil
}

// corruptTimeLayout is the timestamp of a moved-aside file (UTC, sortable,
// free of characters that file systems or shells treat specially).
const corruptTimeLayout = "20060102T150405.000000000Z"

// moveAside renames path to path.corrupt-<timestamp> without replacing an
// existing file, and returns the new path (also when only the final fsync
// of the directory failed).
func moveAside(path string, now time.Time) (string, error) {
	base := path + corruptInfix + now.UTC().Format(corruptTimeLayout)
	for i := 0; i < 100; i++ {
		target := base
		if i > 0 {
			target += "-" + strconv.Itoa(i)
		}
		if _, err := os.Lstat(target); !errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err := os.Rename(path, target); err != nil {
			return "", err
		}
		return target, syncDir(filepath.Dir(path))
	}
	return "", fmt.Errorf("settings: no free name to move %s aside", path)
}
