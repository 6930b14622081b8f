package imageops

import (
	"image"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadImage(t *testing.T) {
	dir := t.TempDir()
	img := image.NewNRGBA(image.Rect(0, 0, 10, 10))
	for i := range img.Pix {
		img.Pix[i] = 255 // white
	}
	img.Set(0, 0, color.NRGBA{0, 0, 0, 255})
	path := filepath.Join(dir, "a.png")
	if err := SavePNG(path, img); err != nil {
		t.Fatal(err)
	}
	vals, err := LoadImage(path, 10, 10, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(vals) != 100 || vals[0] != 0 || vals[1] != 1 {
		t.Fatalf("got %d values starting %v", len(vals), vals[:2])
	}
	if vals, _ := LoadImage(path, 5, 5, false); len(vals) != 75 {
		t.Fatalf("resized RGB: %d values", len(vals))
	}
	bad := filepath.Join(dir, "bad.jpg")
	os.WriteFile(bad, []byte("not a jpeg"), 0o644)
	if _, err := LoadImage(bad, 10, 10, true); err == nil || !strings.Contains(err.Error(), "bad.jpg") {
		t.Fatalf("text as JPEG: %v", err)
	}
}
