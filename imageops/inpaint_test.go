package imageops

import (
	"math"
	"math/rand"
	"path/filepath"
	"testing"
)

// TestInpaintBaselines: outside the mask nothing changes; a hole in a
// constant photo is filled with that constant by both; a hole in a linear
// ramp (harmonic) comes back exactly by diffusion but not by the border
// mean; and on a real photo with a text mark both beat leaving the mark.
func TestInpaintBaselines(t *testing.T) {
	const w, h = 40, 30
	ramp := make([]float32, 2*w*h)
	mask := make([]float32, w*h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			ramp[y*w+x] = float32(x) / w               // channel 0: a ramp
			ramp[w*h+y*w+x] = 0.3                      // channel 1: constant
			if x >= 10 && x < 25 && y >= 8 && y < 20 { // a hole
				mask[y*w+x] = 1
			}
		}
	}
	holed := append([]float32(nil), ramp...)
	for p, m := range mask {
		if m == 1 {
			holed[p], holed[w*h+p] = 0.9, 0.9
		}
	}
	mean, err := FillBorderMean(holed, w, h, 2, mask)
	if err != nil {
		t.Fatal(err)
	}
	diff, err := DiffusionInpaint(holed, w, h, 2, mask, 5000)
	if err != nil {
		t.Fatal(err)
	}
	var meanErr, diffErr float64
	for p, m := range mask {
		if m == 0 {
			for ch := 0; ch < 2; ch++ {
				if mean[ch*w*h+p] != holed[ch*w*h+p] || diff[ch*w*h+p] != holed[ch*w*h+p] {
					t.Fatalf("pixel %d outside the mask changed", p)
				}
			}
			continue
		}
		if math.Abs(float64(mean[w*h+p]-0.3)) > 1e-6 || math.Abs(float64(diff[w*h+p]-0.3)) > 1e-4 {
			t.Fatalf("constant channel filled with %g and %g", mean[w*h+p], diff[w*h+p])
		}
		meanErr = math.Max(meanErr, math.Abs(float64(mean[p]-ramp[p])))
		diffErr = math.Max(diffErr, math.Abs(float64(diff[p]-ramp[p])))
	}
	if diffErr > 0.01 || meanErr < 0.1 {
		t.Errorf("ramp: diffusion off by %.4f (want < 0.01), border mean by %.4f (want a visible error)", diffErr, meanErr)
	}
	if _, err := FillBorderMean(holed, w, h, 2, mask[:10]); err == nil {
		t.Error("a short mask gave no error")
	}
}

// TestInpaintBaselinesOnPhoto: on a real photo with a synthetic text mark,
// both fills are closer to the clean photo inside the mask than the mark.
func TestInpaintBaselinesOnPhoto(t *testing.T) {
	p := testPhoto(t)
	w, h := p.Width, p.Height
	marked := append([]float32(nil), p.RGB...)
	mask, err := AddWatermark(marked, w, h, 3, MarkText, rand.New(rand.NewSource(4)))
	if err != nil {
		t.Fatal(err)
	}
	mean, _ := FillBorderMean(marked, w, h, 3, mask)
	diff, _ := DiffusionInpaint(marked, w, h, 3, mask, 2000)
	inMask := func(v []float32) float64 {
		var sum float64
		n := 0
		for q, m := range mask {
			if m == 1 {
				for ch := 0; ch < 3; ch++ {
					e := float64(v[ch*w*h+q] - p.RGB[ch*w*h+q])
					sum += e * e
				}
				n += 3
			}
		}
		return 10 * math.Log10(1/(sum/float64(n)))
	}
	t.Logf("PSNR inside the mask: marked %.2f dB, border mean %.2f, diffusion %.2f", inMask(marked), inMask(mean), inMask(diff))
	if inMask(diff) <= inMask(marked) || inMask(diff) < inMask(mean) {
		t.Errorf("diffusion %.2f dB, border mean %.2f, marked %.2f", inMask(diff), inMask(mean), inMask(marked))
	}
}

// testPhoto is chelsea from the shared photos, or a skip.
func testPhoto(t *testing.T) *Photo {
	t.Helper()
	path := filepath.Join(photosDir, "chelsea.png")
	needFile(t, path)
	p, err := LoadPhoto(path)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDilate(t *testing.T) {
	mask := make([]float32, 5*4)
	mask[1*5+2] = 1
	got := Dilate(mask, 5, 4, 1)
	for y := 0; y < 4; y++ {
		for x := 0; x < 5; x++ {
			want := float32(0)
			if x >= 1 && x <= 3 && y <= 2 {
				want = 1
			}
			if got[y*5+x] != want {
				t.Fatalf("(%d,%d) = %g, want %g", x, y, got[y*5+x], want)
			}
		}
	}
}
