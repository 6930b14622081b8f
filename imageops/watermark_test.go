package imageops

import (
	"image"
	"math/rand"
	"os"
	"path/filepath"
	"testing"
)

// TestAddWatermarkMaskIsExact: for every kind, the mask is 1 exactly where
// the photo's 8-bit value changed, it covers a plausible share of the
// photo, and the same seed draws the same mark.
func TestAddWatermarkMaskIsExact(t *testing.T) {
	const w, h = 160, 120
	base := make([]float32, 3*w*h)
	rng := rand.New(rand.NewSource(1))
	for i := range base {
		base[i] = 0.2 + 0.6*rng.Float32()
	}
	var rows [][]image.Image
	for _, kind := range MarkKinds {
		for seed := int64(1); seed <= 3; seed++ {
			img := append([]float32(nil), base...)
			mask, err := AddWatermark(img, w, h, 3, kind, rand.New(rand.NewSource(seed)))
			if err != nil {
				t.Fatal(err)
			}
			covered := 0
			for p, m := range mask {
				changed := false
				for ch := 0; ch < 3; ch++ {
					if unitToByte(img[ch*w*h+p]) != unitToByte(base[ch*w*h+p]) {
						changed = true
					}
				}
				if changed != (m == 1) {
					t.Fatalf("%s seed %d: pixel %d changed %v but mask %g", kind, seed, p, changed, m)
				}
				if m == 1 {
					covered++
				}
			}
			if share := float64(covered) / (w * h); share < 0.002 || share > 0.7 {
				t.Errorf("%s seed %d: the mark covers %.1f%% of the photo", kind, seed, 100*share)
			}
			again := append([]float32(nil), base...)
			mask2, _ := AddWatermark(again, w, h, 3, kind, rand.New(rand.NewSource(seed)))
			for p := range mask {
				if mask[p] != mask2[p] {
					t.Fatalf("%s seed %d: the same seed drew another mark", kind, seed)
				}
			}
			if seed == 1 {
				rows = append(rows, []image.Image{ToImage(img, w, h, 3), ToImage(mask, w, h, 1)})
			}
		}
	}
	if _, err := AddWatermark(make([]float32, 10), w, h, 3, "", rng); err == nil {
		t.Error("a short image gave no error")
	}
	if _, err := AddWatermark(append([]float32(nil), base...), w, h, 3, "blob", rng); err == nil {
		t.Error("an unknown kind gave no error")
	}
	if dir := os.Getenv("LATENTSTUDIO_WATERMARK_SAMPLES"); dir != "" {
		SavePNG(filepath.Join(dir, "watermarks.png"), Montage(rows, 0, 4, image.White))
	}
}
