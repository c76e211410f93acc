// Command gen draws the icons of package assets and writes them as PNG files.
//
// It uses only the standard library (image, image/draw, image/png); run it through
// `go generate ./assets` after changing package art, and commit the PNG files.
package main

import (
	"flag"
	"fmt"
	"image/png"
	"os"
	"path/filepath"

	"rendezvous/assets/internal/art"
)

func main() {
	out := flag.String("out", ".", "directory to write the PNG files into")
	flag.Parse()
	for _, icon := range art.Icons() {
		if err := write(filepath.Join(*out, icon.Name), icon); err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
	}
}

func write(path string, icon art.Icon) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(f, icon.Draw(icon.Size)); err != nil {
		f.Close()
		return fmt.Errorf("encode %s: %w", path, err)
	}
	return f.Close()
}
