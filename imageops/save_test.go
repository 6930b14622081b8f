package imageops

import (
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

func TestSavePNG(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.png")
	for _, c := range []color.NRGBA{{1, 2, 3, 255}, {200, 100, 50, 255}} { // the second overwrites
		if err := SavePNG(path, uniform(3, 2, c)); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if got := color.NRGBAModel.Convert(img.At(2, 1)); img.Bounds() != image.Rect(0, 0, 3, 2) || got != c {
			t.Errorf("read back %v with %v, want 3x2 of %v", img.Bounds(), got, c)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("folder holds %d entries, want only out.png (no temporary files)", len(entries))
	}
	if info, err := os.Stat(path); err != nil || info.Mode().Perm()&0o044 == 0 {
		t.Errorf("mode %v, err %v; want a readable file", info.Mode(), err)
	}

	if err := SavePNG(filepath.Join(dir, "missing", "x.png"), uniform(1, 1, color.White)); err == nil {
		t.Error("saving into a missing folder succeeded")
	}
	// An image png cannot encode leaves nothing behind.
	if err := SavePNG(filepath.Join(dir, "bad.png"), image.NewNRGBA(image.Rect(0, 0, 0, 0))); err == nil {
		t.Error("saving an empty image succeeded")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("after failures the folder holds %d entries, want 1", len(entries))
	}
}

func TestSaveJPEG(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.jpg")
	c := color.NRGBA{200, 100, 50, 255}
	if err := SaveJPEG(path, uniform(16, 8, c), 95); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	img, err := jpeg.Decode(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	got := color.NRGBAModel.Convert(img.At(5, 3)).(color.NRGBA)
	if img.Bounds() != image.Rect(0, 0, 16, 8) || absDiff8(got.R, c.R) > 4 || absDiff8(got.G, c.G) > 4 || absDiff8(got.B, c.B) > 4 {
		t.Errorf("read back %v with %v, want 16x8 of about %v", img.Bounds(), got, c)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("folder holds %d entries, want only out.jpg", len(entries))
	}
}

func absDiff8(a, b uint8) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}
