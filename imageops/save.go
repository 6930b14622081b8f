package imageops

import (
	"bufio"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"path/filepath"
)

// SavePNG writes img as a PNG file, atomically (see WriteAtomic).
func SavePNG(path string, img image.Image) error {
	return WriteAtomic(path, func(w io.Writer) error { return png.Encode(w, img) })
}

// SaveJPEG writes img as a JPEG file of the given quality (1 to 100),
// atomically (see WriteAtomic).
func SaveJPEG(path string, img image.Image, quality int) error {
	return WriteAtomic(path, func(w io.Writer) error { return jpeg.Encode(w, img, &jpeg.Options{Quality: quality}) })
}

// WriteAtomic writes a file with write (through a buffer): it writes a
// temporary file in the same directory, syncs it and renames it over path,
// so readers never see a half-written file and a failed save leaves any
// previous file intact. Images, models and exports are all saved this way.
func WriteAtomic(path string, write func(io.Writer) error) (err error) {
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
	bw := bufio.NewWriterSize(f, 1<<16)
	if err = write(bw); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	// CreateTemp makes the file private (0600); a saved file should not be.
	if err = os.Chmod(tmp, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
