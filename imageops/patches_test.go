package imageops

import (
	"context"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/disintegration/imaging"
)

// transformNames maps the suffixes Patches writes into Files back to the
// transforms, spelled out here rather than taken from dihedral.suffix.
var transformNames = map[string]dihedral{
	"": 0, ",rot90": 1, ",rot180": 2, ",rot270": 3,
	",flipped": 4, ",rot90,flipped": 5, ",rot180,flipped": 6, ",rot270,flipped": 7,
}

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
	const n = 64 // enough draws that each of the 8 transforms comes up
	d, err := Patches(context.Background(), dir, PatchOptions{N: n, Size: 16, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() != n || d.Width != 16 || d.Channels != 3 || len(d.Skipped) != 1 {
		t.Fatalf("got %d patches of %dx%dx%d, skipped %v", d.Len(), d.Width, d.Height, d.Channels, d.Skipped)
	}
	seen := map[string]int{}
	want := image.NewNRGBA(image.Rect(0, 0, 16, 16))
	wantValues := make([]float32, 3*16*16)
	for i := 0; i < d.Len(); i++ {
		name := d.Files[i]
		var x, y int
		if _, err := fmt.Sscanf(name[len(dir)+1:], "big.png@%d,%d", &x, &y); err != nil {
			t.Fatalf("file %q: %v", name, err)
		}
		suffix := strings.TrimPrefix(name, fmt.Sprintf("%s@%d,%d", filepath.Join(dir, "big.png"), x, y))
		tr, ok := transformNames[suffix]
		if !ok {
			t.Fatalf("file %q: unknown transform %q", name, suffix)
		}
		seen[suffix]++
		cutPatch(want, img, x, y, tr)
		writeNRGBA(wantValues, want, false)
		if !slices.Equal(d.Image(i), wantValues) {
			t.Fatalf("patch %d (%s) is not the crop at %d,%d transformed by %q", i, name, x, y, suffix)
		}
	}
	if len(seen) != 8 {
		t.Errorf("transforms used %v; want all 8", seen)
	}
	again, _ := Patches(context.Background(), dir, PatchOptions{N: n, Size: 16, Seed: 3})
	if !slices.Equal(d.Data, again.Data) || !slices.Equal(d.Files, again.Files) {
		t.Error("the same seed gave other patches")
	}
	if _, err := Patches(context.Background(), filepath.Join(dir, "none"), PatchOptions{N: 3, Size: 16, Seed: 1}); err == nil {
		t.Error("a missing folder gave patches")
	}
	os.Remove(filepath.Join(dir, "big.png"))
	if _, err := Patches(context.Background(), dir, PatchOptions{N: 3, Size: 16, Seed: 1}); err == nil {
		t.Error("a folder of too-small photos gave patches")
	}
}

// TestCutPatchAllTransforms cuts the 3×3 crop
//
//	1 2 3
//	4 5 6
//	7 8 9
//
// out of a larger image in each of the 8 ways, against results worked out
// by hand: rot90 turns it clockwise, flipped then mirrors left to right.
func TestCutPatchAllTransforms(t *testing.T) {
	want := map[string][9]uint8{
		"":                {1, 2, 3, 4, 5, 6, 7, 8, 9},
		",rot90":          {7, 4, 1, 8, 5, 2, 9, 6, 3},
		",rot180":         {9, 8, 7, 6, 5, 4, 3, 2, 1},
		",rot270":         {3, 6, 9, 2, 5, 8, 1, 4, 7},
		",flipped":        {3, 2, 1, 6, 5, 4, 9, 8, 7},
		",rot90,flipped":  {1, 4, 7, 2, 5, 8, 3, 6, 9}, // the transpose
		",rot180,flipped": {7, 8, 9, 4, 5, 6, 1, 2, 3}, // upside down
		",rot270,flipped": {9, 6, 3, 8, 5, 2, 7, 4, 1},
	}
	// A 5×4 image with the crop at (1,1), framed by 200s; every byte of a
	// pixel differs, so a pixel copied in pieces or shifted shows.
	src := image.NewNRGBA(image.Rect(0, 0, 5, 4))
	for y := 0; y < 4; y++ {
		for x := 0; x < 5; x++ {
			v := uint8(200)
			if x >= 1 && x <= 3 && y >= 1 && y <= 3 {
				v = uint8((y-1)*3 + x)
			}
			i := src.PixOffset(x, y)
			src.Pix[i], src.Pix[i+1], src.Pix[i+2], src.Pix[i+3] = v, v+1, v+2, 255-v
		}
	}
	dst := image.NewNRGBA(image.Rect(0, 0, 3, 3))
	for suffix, tr := range transformNames {
		if got := tr.suffix(); got != suffix {
			t.Errorf("transform %d is named %q, want %q", tr, got, suffix)
		}
		cutPatch(dst, src, 1, 1, tr)
		for p, v := range want[suffix] {
			if got, w := dst.Pix[4*p:4*p+4], []uint8{v, v + 1, v + 2, 255 - v}; !slices.Equal(got, w) {
				t.Errorf("%q: pixel %d,%d is %v, want %v", suffix, p%3, p/3, got, w)
			}
		}
	}
}

// TestPatchesScales: with a scale, patches come from the photo and from
// its Lanczos-resized copy, named by the scale; copies too small for a
// patch and scales outside (0,1] are refused.
func TestPatchesScales(t *testing.T) {
	dir := t.TempDir()
	img := image.NewNRGBA(image.Rect(0, 0, 40, 30))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 7)
	}
	if err := SavePNG(filepath.Join(dir, "big.png"), img); err != nil {
		t.Fatal(err)
	}
	// 0.6 gives a 24x18 copy; 0.3 a 12x9 one, too small for 16x16 patches.
	d, err := Patches(context.Background(), dir, PatchOptions{N: 200, Size: 16, Scales: []float64{0.6, 0.3, 1}, Seed: 5})
	if err != nil {
		t.Fatal(err)
	}
	small := imaging.Resize(img, 24, 18, imaging.Lanczos)
	prefix := filepath.Join(dir, "big.png") + "@"
	patch := image.NewNRGBA(image.Rect(0, 0, 16, 16))
	want := make([]float32, 3*16*16)
	counts := map[string]int{}
	for i, name := range d.Files {
		rest := strings.TrimPrefix(name, prefix)
		src, scale := img, "1"
		if strings.HasPrefix(rest, "0.6x:") {
			src, scale, rest = small, "0.6", strings.TrimPrefix(rest, "0.6x:")
		}
		var x, y int
		if _, err := fmt.Sscanf(rest, "%d,%d", &x, &y); err != nil {
			t.Fatalf("file %q: %v", name, err)
		}
		counts[scale]++
		tr := transformNames[strings.TrimPrefix(rest, fmt.Sprintf("%d,%d", x, y))]
		cutPatch(patch, src, x, y, tr)
		writeNRGBA(want, patch, false)
		if !slices.Equal(d.Image(i), want) {
			t.Fatalf("patch %d (%s) is not its crop", i, name)
		}
	}
	if len(counts) != 2 || counts["0.6"] < 70 || counts["1"] < 70 {
		t.Errorf("patches per scale %v; want about 100 each of 1 and 0.6 and none of 0.3", counts)
	}
	for _, bad := range []float64{0, -0.5, 1.5} {
		if _, err := Patches(context.Background(), dir, PatchOptions{N: 3, Size: 16, Scales: []float64{bad}}); err == nil {
			t.Errorf("scale %g was accepted", bad)
		}
	}
}
