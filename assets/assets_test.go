package assets

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"rendezvous/assets/internal/art"
)

// The committed PNG files are exactly what the generator draws now.
func TestGeneratedFilesAreCurrent(t *testing.T) {
	for _, icon := range art.Icons() {
		var want bytes.Buffer
		enc := png.Encoder{CompressionLevel: png.BestCompression}
		if err := enc.Encode(&want, icon.Draw(icon.Size)); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(".", icon.Name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want.Bytes()) {
			t.Errorf("%s is stale: run go generate ./assets", icon.Name)
		}
	}
}

func TestStatusIcon(t *testing.T) {
	cases := map[string]interface{ Name() string }{
		"online": StatusOnline, "busy": StatusBusy, "on-phone": StatusBusy, "away": StatusAway,
		"back-soon": StatusAway, "at-lunch": StatusAway, "idle": StatusAway,
		"offline": StatusOffline, "invisible": StatusOffline, "": StatusOffline, "something-new": StatusOnline,
	}
	for state, want := range cases {
		if got := StatusIcon(state); got.Name() != want.Name() {
			t.Errorf("StatusIcon(%q) = %s, want %s", state, got.Name(), want.Name())
		}
	}
	for _, r := range []interface{ Content() []byte }{AppIcon, TrayIcon, StatusOnline, StatusBusy, StatusAway, StatusOffline} {
		if _, err := png.Decode(bytes.NewReader(r.Content())); err != nil {
			t.Errorf("embedded image does not decode: %v", err)
		}
	}
}
