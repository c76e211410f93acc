package assets

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"rendezvous/assets/internal/art"
)

// The committed PNG files hold exactly the pixels the generator draws now.
// Pixels, not bytes, are compared, so a change in the PNG encoder's
// compression between Go releases does not count as stale artwork.
func TestGeneratedFilesAreCurrent(t *testing.T) {
	for _, icon := range art.Icons() {
		want := icon.Draw(icon.Size)
		f, err := os.Open(filepath.Join(".", icon.Name))
		if err != nil {
			t.Fatal(err)
		}
		got, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", icon.Name, err)
		}
		if got.Bounds() != want.Bounds() {
			t.Errorf("%s is %v, the generator draws %v: run go generate ./assets", icon.Name, got.Bounds(), want.Bounds())
			continue
		}
		if x, y, ok := firstDifference(got, want); !ok {
			t.Errorf("%s differs from the generator at (%d,%d): run go generate ./assets", icon.Name, x, y)
		}
	}
}

// firstDifference compares two images of equal bounds pixel by pixel, as
// non-premultiplied colours, and reports the first pixel that differs.
func firstDifference(a, b image.Image) (x, y int, same bool) {
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if color.NRGBAModel.Convert(a.At(x, y)) != color.NRGBAModel.Convert(b.At(x, y)) {
				return x, y, false
			}
		}
	}
	return 0, 0, true
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
