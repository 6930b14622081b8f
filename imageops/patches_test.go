package imageops

import (
	"context"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"testing"
)

func TestPatches(t *testing.T) {
	dir := t.TempDir()
	// A 40x30 photo whose pixels encode their position, and one too small.
	img := image.NewNRGBA(image.Rect(0, 0, 40, 30))
	for y := 0; y < 30; y++ {
		for x := 0; x < 40; x++ {
			i := img.PixOffset(x, y)
			img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = uint8(x*6), uint8(y*8), 77, 255
		}
	}
	if err := SavePNG(filepath.Join(dir, "big.png"), img); err != nil {
		t.Fatal(err)
	}
	if err := SavePNG(filepath.Join(dir, "small.png"), image.NewNRGBA(image.Rect(0, 0, 8, 8))); err != nil {
		t.Fatal(err)
	}
	d, err := Patches(context.Background(), dir, 30, 16, false, 3)
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() != 30 || d.Width != 16 || d.Channels != 3 || len(d.Skipped) != 1 {
		t.Fatalf("got %d patches of %dx%dx%d, skipped %v", d.Len(), d.Width, d.Height, d.Channels, d.Skipped)
	}
	flipped := 0
	for i := 0; i < d.Len(); i++ {
		var x, y int
		var name string
		var flip bool
		if _, err := fmt.Sscanf(d.Files[i][len(dir)+1:], "big.png@%d,%d", &x, &y); err != nil {
			t.Fatalf("file %q: %v", d.Files[i], err)
		}
		name = d.Files[i]
		flip = name[len(name)-len(",flipped"):] == ",flipped"
		if flip {
			flipped++
		}
		p := d.Image(i)
		for r := 0; r < 16; r++ {
			for c := 0; c < 16; c++ {
				sx := x + c
				if flip {
					sx = x + 15 - c
				}
				want := float32(uint8(sx*6)) / 255
				if got := p[r*16+c]; got != want {
					t.Fatalf("patch %d (%s) red at %d,%d = %v, want %v", i, name, c, r, got, want)
				}
				if got, want := p[256+r*16+c], float32(uint8((y+r)*8))/255; got != want {
					t.Fatalf("patch %d green at %d,%d = %v, want %v", i, c, r, got, want)
				}
			}
		}
	}
	if flipped == 0 || flipped == d.Len() {
		t.Errorf("%d of %d patches flipped; want some of each", flipped, d.Len())
	}
	again, _ := Patches(context.Background(), dir, 30, 16, false, 3)
	for i := range d.Data {
		if d.Data[i] != again.Data[i] {
			t.Fatal("the same seed gave other patches")
		}
	}
	if _, err := Patches(context.Background(), filepath.Join(dir, "none"), 3, 16, false, 1); err == nil {
		t.Error("a missing folder gave patches")
	}
	os.Remove(filepath.Join(dir, "big.png"))
	if _, err := Patches(context.Background(), dir, 3, 16, false, 1); err == nil {
		t.Error("a folder of too-small photos gave patches")
	}
}
