package models

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"math"
	"math/rand"
	"os"
	"testing"

	"latentstudio/imageops"
)

const photosDir = "../../shared/data/photos"

func TestParseNoise(t *testing.T) {
	got, err := ParseNoise("gaussian:0-51+poisson:5-60+saltpepper:0.05")
	if err != nil {
		t.Fatal(err)
	}
	want := []NoiseSpec{{NoiseGaussian, 0, 0.2}, {NoisePoisson, 5, 60}, {NoiseSaltPepper, 0.05, 0.05}}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for i := range want {
		if got[i].Kind != want[i].Kind || math.Abs(got[i].Lo-want[i].Lo) > 1e-12 || math.Abs(got[i].Hi-want[i].Hi) > 1e-12 {
			t.Errorf("spec %d: got %v, want %v", i, got[i], want[i])
		}
	}
	for _, bad := range []string{"gaussian", "blur:3", "gaussian:30-10", "poisson:0.5", "saltpepper:2", "gaussian:x"} {
		if _, err := ParseNoise(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// TestColorizeTargets: the network sees L/100 and learns (a+128)/256 and
// (b+128)/256; pure red is L 53.24, a 80.09, b 67.20 (CIE, D65), and the
// display of input and target gives the colour back.
func TestColorizeTargets(t *testing.T) {
	cfg := Config{Task: TaskColorize, Arch: ArchConv, Width: 1, Height: 1, Channels: 3, Layers: []int{1}, Loss: LossBCE}
	in, target := make([]float32, 1), make([]float32, 2)
	cfg.prepare(in, target, nil, []float32{1, 0, 0}, nil)
	for i, want := range []float64{0.5324, (80.09 + 128) / 256, (67.20 + 128) / 256} {
		got := float64(append(in, target...)[i])
		if math.Abs(got-want) > 2e-4 {
			t.Errorf("value %d: %.5f, want %.5f", i, got, want)
		}
	}
	rgb := cfg.displayOutput(in, target)
	for i, want := range []float32{1, 0, 0} {
		if math.Abs(float64(rgb[i]-want)) > 1e-3 {
			t.Errorf("round trip channel %d: %.4f, want %g", i, rgb[i], want)
		}
	}
}

// TestGrayShare: a colour photo denoiser sees about a quarter of its
// images gray, with the same noise in all three channels.
func TestGrayShare(t *testing.T) {
	cfg := Config{Task: TaskDenoise, Arch: ArchResidual, Width: 4, Height: 4, Channels: 3, Layers: []int{2}, Loss: LossMSE, NoiseSigma: 0.1}
	rng := rand.New(rand.NewSource(1))
	clean := make([]float32, cfg.ImageSize())
	for i := range clean {
		clean[i] = rng.Float32()
	}
	in, target := make([]float32, cfg.InputSize()), make([]float32, cfg.OutputSize())
	gray := 0
	const trials = 2000
	for k := 0; k < trials; k++ {
		cfg.prepare(in, target, nil, clean, rng)
		if equalPlanes(in, 16) {
			if !equalPlanes(target, 16) {
				t.Fatal("a gray input with a colour target")
			}
			gray++
		}
	}
	if share := float64(gray) / trials; math.Abs(share-grayShare) > 0.04 {
		t.Errorf("gray share %.3f, want %.2f", share, grayShare)
	}
}

func equalPlanes(v []float32, n int) bool {
	for i := 0; i < n; i++ {
		if v[i] != v[n+i] || v[i] != v[2*n+i] {
			return false
		}
	}
	return true
}

// photoPatches cuts patches from the test photos, or skips.
func photoPatches(t testing.TB, n, size int, gray bool) *imageops.Dataset {
	t.Helper()
	if _, err := os.Stat(photosDir); err != nil {
		t.Skipf("photos not available: %v", err)
	}
	d, err := imageops.Patches(context.Background(), photosDir, imageops.PatchOptions{N: n, Size: size, Gray: gray, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestResidualLearnsToDenoise is a learning test on real photo patches: a
// small residual denoiser trained for a few seconds at sigma 25 must lift
// held-out patches well above the noisy input (measured: see the log).
func TestResidualLearnsToDenoise(t *testing.T) {
	if testing.Short() {
		t.Skip("learning test")
	}
	data := photoPatches(t, 1600, 24, true)
	train, val := data.Split(0.1, 1)
	cfg := Config{Task: TaskDenoise, Arch: ArchResidual, Width: 24, Height: 24, Channels: 1, Layers: []int{24, 24, 24},
		Loss: LossMSE, NoiseSigma: 25.0 / 255, Seed: 1}
	ae, err := NewAutoencoder(cfg)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := NewTrainer(ae, train, nil, TrainOptions{Epochs: 2, Batch: 16, LR: 2e-3, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	noisy := make([]float32, len(val.Data))
	imageops.AddGaussianNoise(noisy, val.Data, cfg.NoiseSigma, rand.New(rand.NewSource(5)))
	out, err := ae.Reconstruct(noisy, val.Len())
	if err != nil {
		t.Fatal(err)
	}
	before, _ := imageops.PSNR(noisy, val.Data, 1)
	after, _ := imageops.PSNR(out, val.Data, 1)
	t.Logf("held-out patches at sigma 25: noisy %.2f dB, denoised %.2f dB (%d steps)", before, after, ae.History.Steps)
	if after < before+4 {
		t.Errorf("denoised %.2f dB from %.2f dB: want at least +4 dB", after, before)
	}
}

// TestInferAtMatchesForward: a fully convolutional model run at another
// size gives, at its own size, what Forward gives.
func TestInferAtMatchesForward(t *testing.T) {
	for _, cfg := range []Config{
		{Task: TaskDenoise, Arch: ArchResidual, Width: 8, Height: 6, Channels: 3, Layers: []int{4, 4}, Loss: LossMSE, NoiseSigma: 0.1, Seed: 2},
		{Task: TaskColorize, Arch: ArchConv, Width: 8, Height: 8, Channels: 3, Layers: []int{4, 4}, Loss: LossBCE, Seed: 2},
	} {
		ae, err := NewAutoencoder(cfg)
		if err != nil {
			t.Fatal(err)
		}
		x := make([]float32, 2*cfg.InputSize())
		rng := rand.New(rand.NewSource(3))
		for i := range x {
			x[i] = rng.Float32()
		}
		want, err := ae.Reconstruct(x, 2)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ae.InferAt(x, 2, cfg.Width, cfg.Height)
		if err != nil {
			t.Fatal(err)
		}
		for i := range want {
			if math.Abs(float64(got[i]-want[i])) > 1e-6 {
				t.Fatalf("%s: value %d: InferAt %g, Forward %g", cfg.Arch, i, got[i], want[i])
			}
		}
		if _, err := ae.InferAt(make([]float32, 16*16*cfg.InChannels()), 1, 16, 16); err != nil {
			t.Errorf("%s at 16x16: %v", cfg.Arch, err)
		}
	}
}

// TestApplyPhotoKeepsModeAndAlpha: a gray photo comes back gray, alpha
// comes back untouched, the size is kept, and a constant photo stays
// constant across tile borders (within 1/255) away from the image's own
// borders, where zero padding legitimately differs.
func TestApplyPhotoKeepsModeAndAlpha(t *testing.T) {
	for _, dilations := range [][]int{nil, {1, 3, 6, 1}} {
		t.Run(fmt.Sprint("dilations", dilations), func(t *testing.T) { applyPhotoKeepsModeAndAlpha(t, dilations) })
	}
}

func applyPhotoKeepsModeAndAlpha(t *testing.T, dilations []int) {
	cfg := Config{Task: TaskDenoise, Arch: ArchResidual, Width: 16, Height: 16, Channels: 3, Layers: []int{8, 8, 8}, Dilations: dilations, Loss: LossMSE, NoiseSigma: 0.1, Seed: 4}
	ae, err := NewAutoencoder(cfg)
	if err != nil {
		t.Fatal(err)
	}
	const w, h = 300, 170 // several 128-pixel tiles each way (2 by 2 of the dilated model's 128)
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			m.SetNRGBA(x, y, color.NRGBA{120, 120, 120, uint8(x)})
		}
	}
	p := imageops.NewPhoto(m)
	if !p.Gray || p.Alpha == nil {
		t.Fatalf("photo: gray %v, alpha %v", p.Gray, p.Alpha != nil)
	}
	tiles := 0
	out, err := ApplyPhoto(context.Background(), ae, p, PhotoOptions{Progress: func(done, total int) { tiles = total }})
	if err != nil {
		t.Fatal(err)
	}
	if tiles < 4 {
		t.Errorf("%d tiles; the test wants several", tiles)
	}
	img := out.Image()
	if img.Bounds() != m.Bounds() {
		t.Fatalf("size %v, want %v", img.Bounds(), m.Bounds())
	}
	border := cfg.ReceptiveRadius()
	ref := img.NRGBAAt(w/2, h/2)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := img.NRGBAAt(x, y)
			if c.A != uint8(x) {
				t.Fatalf("alpha at (%d,%d) = %d, want %d", x, y, c.A, x)
			}
			if c.R != c.G || c.G != c.B {
				t.Fatalf("gray photo came back coloured at (%d,%d): %v", x, y, c)
			}
			inner := x >= border && y >= border && x < w-border && y < h-border
			if inner && absDiff(c.R, ref.R) > 1 {
				t.Fatalf("constant photo: (%d,%d) = %d, centre %d: a seam", x, y, c.R, ref.R)
			}
		}
	}
}

func absDiff(a, b uint8) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}

// TestInpaintLearnsAndKeepsTheRest is a learning test on real photo
// patches with synthetic watermarks: a small inpainter trained for seconds
// fills held-out masks better than leaving them blank, and ApplyPhoto
// changes no pixel outside the mask.
func TestInpaintLearnsAndKeepsTheRest(t *testing.T) {
	if testing.Short() {
		t.Skip("learning test")
	}
	data := photoPatches(t, 1200, 32, false)
	cfg := Config{Task: TaskInpaint, Arch: ArchConv, Width: 32, Height: 32, Channels: 3, Layers: []int{16, 32}, Loss: LossMSE, Seed: 1}
	ae, err := NewAutoencoder(cfg)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := NewTrainer(ae, data, nil, TrainOptions{Epochs: 2, Batch: 16, LR: 2e-3, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	p, err := imageops.LoadPhoto(photosDir + "/chelsea.png")
	if err != nil {
		t.Fatal(err)
	}
	marked := append([]float32(nil), p.RGB...)
	mask, err := imageops.AddWatermark(marked, p.Width, p.Height, 3, imageops.MarkText, rand.New(rand.NewSource(7)))
	if err != nil {
		t.Fatal(err)
	}
	out, err := ApplyPhoto(context.Background(), ae, p.WithRGB(marked), PhotoOptions{Mask: mask})
	if err != nil {
		t.Fatal(err)
	}
	n := p.Width * p.Height
	var errFill, errMarked float64
	for i, m := range mask {
		for ch := 0; ch < 3; ch++ {
			j := ch*n + i
			if m == 0 {
				if out.RGB[j] != marked[j] {
					t.Fatalf("pixel %d outside the mask changed", i)
				}
				continue
			}
			errFill += float64((out.RGB[j] - p.RGB[j]) * (out.RGB[j] - p.RGB[j]))
			errMarked += float64((marked[j] - p.RGB[j]) * (marked[j] - p.RGB[j]))
		}
	}
	t.Logf("inside the mask: squared error %.1f filled, %.1f with the mark (%d steps)", errFill, errMarked, ae.History.Steps)
	if errFill >= errMarked/2 {
		t.Errorf("the fill (%.1f) is not clearly better than the mark (%.1f)", errFill, errMarked)
	}
}

// TestInpaintNeverSeesMaskedPixels: what lies under the mask does not
// reach the model (past the feathered edge, the output does not depend on
// it), and nothing outside the mask changes.
func TestInpaintNeverSeesMaskedPixels(t *testing.T) {
	cfg := Config{Task: TaskInpaint, Arch: ArchResidual, Width: 16, Height: 16, Channels: 3, Layers: []int{8, 8}, Loss: LossMSE, Seed: 3}
	ae, err := NewAutoencoder(cfg)
	if err != nil {
		t.Fatal(err)
	}
	const w, h = 40, 30
	rng := rand.New(rand.NewSource(1))
	base := make([]float32, 3*w*h)
	for i := range base {
		base[i] = rng.Float32()
	}
	mask := make([]float32, w*h)
	for y := 10; y < 20; y++ {
		for x := 5; x < 30; x++ {
			mask[y*w+x] = 1
		}
	}
	other := append([]float32(nil), base...) // differs only under the mask
	for ch := 0; ch < 3; ch++ {
		for i, m := range mask {
			if m > 0 {
				other[ch*w*h+i] = 1 - other[ch*w*h+i]
			}
		}
	}
	run := func(rgb []float32) []float32 {
		out, err := ApplyPhoto(context.Background(), ae, &imageops.Photo{Width: w, Height: h, RGB: rgb}, PhotoOptions{Mask: mask})
		if err != nil {
			t.Fatal(err)
		}
		for ch := 0; ch < 3; ch++ {
			for i, m := range mask {
				if j := ch*w*h + i; m == 0 && out.RGB[j] != rgb[j] {
					t.Fatalf("pixel %d outside the mask changed", i)
				}
			}
		}
		return out.RGB
	}
	a, b := run(base), run(other)
	for ch := 0; ch < 3; ch++ {
		for y := 12; y < 18; y++ { // two pixels in from the edge, where the feather blends
			for x := 7; x < 28; x++ {
				if i := ch*w*h + y*w + x; a[i] != b[i] {
					t.Fatalf("the output at (%d,%d) depends on the masked pixels: %v vs %v", x, y, a[i], b[i])
				}
			}
		}
	}
}
