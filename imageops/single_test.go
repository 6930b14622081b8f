package imageops

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"sync"
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

// TestOnDecodedSeesImagesDuringTheLoad: the hook gets every decoded image
// of a folder (not the skipped ones) before Load returns.
func TestOnDecodedSeesImagesDuringTheLoad(t *testing.T) {
	dir := t.TempDir()
	for i := 0; i < 40; i++ {
		img := image.NewGray(image.Rect(0, 0, 8, 8))
		img.Pix[0] = uint8(i)
		if err := SavePNG(filepath.Join(dir, fmt.Sprintf("%02d.png", i)), img); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(dir, "bad.png"), []byte("nope"), 0o644)
	var mu sync.Mutex
	seen := map[float32]bool{}
	d, err := Load(context.Background(), dir, Options{Gray: true, Workers: 4, OnDecoded: func(v []float32) {
		mu.Lock()
		seen[v[0]] = true
		mu.Unlock()
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 40 || d.Len() != 40 || !seen[float32(39)/255] {
		t.Fatalf("hook saw %d distinct images, dataset has %d", len(seen), d.Len())
	}
}

func TestIsIDX(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "train-images-idx3-ubyte.gz"), []byte("x"), 0o644)
	other := t.TempDir()
	os.WriteFile(filepath.Join(other, "a.png"), []byte("x"), 0o644)
	for src, want := range map[string]bool{
		dir: true, filepath.Join(dir, "train-images-idx3-ubyte.gz"): true,
		other: false, filepath.Join(other, "a.png"): false, filepath.Join(dir, "missing"): false,
	} {
		if got := IsIDX(src); got != want {
			t.Errorf("IsIDX(%s) = %v, want %v", src, got, want)
		}
	}
}
