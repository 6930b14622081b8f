package imageops

import (
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"path/filepath"
)

// SavePNG writes img as a PNG file, atomically (see saveAtomic).
func SavePNG(path string, img image.Image) error {
	return saveAtomic(path, func(w io.Writer) error { return png.Encode(w, img) })
}

// SaveJPEG writes img as a JPEG file of the given quality (1 to 100),
// atomically (see saveAtomic).
func SaveJPEG(path string, img image.Image, quality int) error {
	return saveAtomic(path, func(w io.Writer) error { return jpeg.Encode(w, img, &jpeg.Options{Quality: quality}) })
}

// saveAtomic writes a file with encode. It writes a temporary file in the
// same directory and renames it over path, so readers never see a
// half-written file and a failed save leaves any previous file intact.
func saveAtomic(path string, encode func(io.Writer) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
			err = fmt.Errorf("save %s: %w", path, err)
		}
	}()
	if err = encode(f); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	// CreateTemp makes the file private (0600); a saved image should not be.
	if err = os.Chmod(tmp, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
