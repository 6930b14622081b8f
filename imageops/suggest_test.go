package imageops

import (
	"math/rand"
	"path/filepath"
	"slices"
	"testing"

	"github.com/disintegration/imaging"
)

// maskScore compares a suggested mask with the true one.
func maskScore(got, want []float32) (precision, recall, iou float64) {
	var tp, fp, fn float64
	for i := range got {
		g, w := got[i] > 0.5, want[i] > 0.5
		switch {
		case g && w:
			tp++
		case g:
			fp++
		case w:
			fn++
		}
	}
	if tp+fp > 0 {
		precision = tp / (tp + fp)
	}
	if tp+fn > 0 {
		recall = tp / (tp + fn)
	}
	if tp+fp+fn > 0 {
		iou = tp / (tp + fp + fn)
	}
	return
}

func coverage(mask []float32) float64 {
	var k float64
	for _, m := range mask {
		if m > 0.5 {
			k++
		}
	}
	return k / float64(len(mask))
}

// TestSuggestMask draws text watermarks on real photos and measures the
// suggested mask against AddWatermark's exact one.
func TestSuggestMask(t *testing.T) {
	if testing.Short() {
		t.Skip("sixteen photos (TestSuggestMaskLarge covers the code in -short)")
	}
	const seeds = 8
	var sumIoU, sumTrivial float64
	runs := 0
	for _, name := range []string{"chelsea.png", "coffee.png"} {
		path := filepath.Join(photosDir, name)
		needFile(t, path)
		clean, err := LoadPhoto(path)
		if err != nil {
			t.Fatal(err)
		}
		w, h := clean.Width, clean.Height
		var photoIoU float64
		for seed := int64(1); seed <= seeds; seed++ {
			rgb := slices.Clone(clean.RGB)
			truth, err := AddWatermark(rgb, w, h, 3, MarkText, rand.New(rand.NewSource(seed)))
			if err != nil {
				t.Fatal(err)
			}
			got := SuggestMask(clean.WithRGB(rgb))
			p, r, iou := maskScore(got, truth)
			// The trivial mask (every pixel) has recall 1 and IoU = the mark's share.
			trivial := coverage(truth)
			t.Logf("%s seed %d: precision %.2f recall %.2f IoU %.2f (mark covers %.1f%%, suggested %.1f%%)",
				name, seed, p, r, iou, 100*trivial, 100*coverage(got))
			photoIoU += iou
			sumIoU += iou
			sumTrivial += trivial
			runs++
		}
		t.Logf("%s: mean IoU %.2f", name, photoIoU/seeds)
	}
	mean, trivial := sumIoU/float64(runs), sumTrivial/float64(runs)
	t.Logf("mean IoU %.2f; the all-pixels mask's %.3f", mean, trivial)
	// Measured: 0.24 (chelsea 0.22, coffee 0.25) against 0.022. Where the
	// mark is found precision is about 0.9 and recall 0.5 to 0.9 (stroke
	// interiors and faint edges are missed); in about 40% of the runs a
	// faint mark loses to the photo's own thin lines (the cat's whiskers,
	// the cup's rim) and is missed entirely.
	if mean < 0.15 || mean < 5*trivial {
		t.Errorf("mean IoU %.2f, want at least 0.15 and 5 times the all-pixels mask's %.3f", mean, trivial)
	}
}

// TestSuggestMaskClean: photos without a mark get a small mask (the
// detector always suggests its best guess).
func TestSuggestMaskClean(t *testing.T) {
	if testing.Short() {
		t.Skip("four photos")
	}
	for _, name := range []string{"chelsea.png", "coffee.png", "astronaut.png", "camera.png"} {
		path := filepath.Join(photosDir, name)
		needFile(t, path)
		p, err := LoadPhoto(path)
		if err != nil {
			t.Fatal(err)
		}
		c := coverage(SuggestMask(p))
		t.Logf("%s: %.2f%% suggested", name, 100*c)
		// Measured: 0.4% to 4.0% (whiskers, the camera's tripod and
		// the grass), about a mark's size: the user clears it.
		if c > 0.05 {
			t.Errorf("%s has no watermark but %.1f%% of it is suggested", name, 100*c)
		}
	}
}

// TestSuggestMaskLarge: a photo larger than suggestSide is searched shrunk
// and gets a mask of its own size that finds the mark.
func TestSuggestMaskLarge(t *testing.T) {
	clean := testPhoto(t)
	big := NewPhoto(imaging.Resize(clean.Image(), 2*clean.Width, 0, imaging.Lanczos))
	w, h := big.Width, big.Height
	truth, err := AddWatermark(big.RGB, w, h, 3, MarkText, rand.New(rand.NewSource(5)))
	if err != nil {
		t.Fatal(err)
	}
	got := SuggestMask(big)
	if len(got) != w*h {
		t.Fatalf("%d mask values for %dx%d", len(got), w, h)
	}
	p, r, iou := maskScore(got, truth)
	t.Logf("%dx%d: precision %.2f recall %.2f IoU %.2f", w, h, p, r, iou)
	for _, v := range got {
		if v != 0 && v != 1 {
			t.Fatalf("mask value %v", v)
		}
	}
	if iou < 0.3 { // measured 0.58
		t.Errorf("IoU %.2f, want at least 0.3", iou)
	}
}
