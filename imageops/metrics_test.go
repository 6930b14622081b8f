package imageops

import (
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"testing"
)

func constant(n int, v float32) []float32 {
	out := make([]float32, n)
	for i := range out {
		out[i] = v
	}
	return out
}

func TestPSNRAndSSIMHandCases(t *testing.T) {
	a, b := constant(20*20, 0.5), constant(20*20, 0.6)
	if p, _ := PSNR(a, b, 1); math.Abs(p-20) > 1e-5 {
		t.Errorf("PSNR of a 0.1 offset on [0,1] is %v, want 20 dB", p)
	}
	if p, _ := PSNR(a, a, 1); !math.IsInf(p, 1) {
		t.Errorf("PSNR of identical images %v", p)
	}
	// Constant images: only the luminance term is left, (2·.5·.6+C1)/(.25+.36+C1).
	want := (0.6 + 1e-4) / (0.61 + 1e-4)
	for _, win := range []SSIMWindow{SSIMGaussian, SSIMUniform7} {
		if s, _ := SSIM(a, b, 20, 20, 1, 1, win); math.Abs(s-want) > 1e-6 {
			t.Errorf("window %d: SSIM %v, want %v", win, s, want)
		}
		if s, _ := SSIM(a, a, 20, 20, 1, 1, win); math.Abs(s-1) > 1e-12 {
			t.Errorf("window %d: SSIM of identical images %v", win, s)
		}
	}
	if _, err := SSIM(a[:36], b[:36], 6, 6, 1, 1, SSIMUniform7); err == nil {
		t.Error("SSIM accepted an image smaller than its window")
	}
}

// TestSSIMUniformMatchesTheFormula: on a 7×7 image the 7×7 window has one
// position, so SSIM is the textbook formula over all 49 pixels with sample
// (n-1) variances, computed here directly.
func TestSSIMUniformMatchesTheFormula(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	x, y := make([]float32, 49), make([]float32, 49)
	for i := range x {
		x[i] = rng.Float32()
		y[i] = 0.7*x[i] + 0.3*rng.Float32()
	}
	var mx, my float64
	for i := range x {
		mx += float64(x[i]) / 49
		my += float64(y[i]) / 49
	}
	var vx, vy, cxy float64
	for i := range x {
		dx, dy := float64(x[i])-mx, float64(y[i])-my
		vx += dx * dx / 48
		vy += dy * dy / 48
		cxy += dx * dy / 48
	}
	c1, c2 := 1e-4, 9e-4
	want := (2*mx*my + c1) * (2*cxy + c2) / ((mx*mx + my*my + c1) * (vx + vy + c2))
	got, err := SSIM(x, y, 7, 7, 1, 1, SSIMUniform7)
	if err != nil || math.Abs(got-want) > 1e-9 {
		t.Fatalf("SSIM %v (%v), formula %v", got, err, want)
	}
}

// TestNoisyPhotoMetrics: a gray photo with Gaussian noise σ 25 (on 0-255),
// clipped, scores about 20.2-20.8 dB; scikit-image 0.19 gave 20.75 dB and a
// 7×7-window SSIM of 0.36 on the gray astronaut.
func TestNoisyPhotoMetrics(t *testing.T) {
	path := filepath.Join("..", "..", "shared", "data", "photos", "astronaut.png")
	if _, err := os.Stat(path); err != nil {
		t.Skip("shared photos not available")
	}
	clean, err := LoadImage(path, 512, 512, true)
	if err != nil {
		t.Fatal(err)
	}
	noisy := make([]float32, len(clean))
	AddGaussianNoise(noisy, clean, 25.0/255, rand.New(rand.NewSource(1)))
	p, _ := PSNR(clean, noisy, 1)
	s7, _ := SSIM(clean, noisy, 512, 512, 1, 1, SSIMUniform7)
	sg, _ := SSIM(clean, noisy, 512, 512, 1, 1, SSIMGaussian)
	t.Logf("astronaut, gray, σ 25: PSNR %.2f dB, SSIM %.3f (7×7), %.3f (Gaussian)", p, s7, sg)
	if p < 20.2 || p > 20.9 {
		t.Errorf("PSNR %.2f dB, want 20.2-20.9", p)
	}
	if s7 < 0.30 || s7 > 0.42 {
		t.Errorf("SSIM (7×7) %.3f, want about 0.36", s7)
	}
}

func TestSaltPepperAndPoissonNoise(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	src := constant(100000, 0.5)
	dst := make([]float32, len(src))
	AddSaltPepperNoise(dst, src, 0.1, rng)
	var zeros, ones, kept int
	for _, v := range dst {
		switch v {
		case 0:
			zeros++
		case 1:
			ones++
		case 0.5:
			kept++
		}
	}
	if math.Abs(float64(zeros)/1e5-0.05) > 0.005 || math.Abs(float64(ones)/1e5-0.05) > 0.005 || zeros+ones+kept != 1e5 {
		t.Errorf("salt and pepper: %d zeros, %d ones, %d kept", zeros, ones, kept)
	}
	// Poisson with mean 0.3·peak: mean 0.3, variance 0.3/peak after scaling
	// (0.3 keeps clipping at 1 negligible).
	src = constant(100000, 0.3)
	for _, peak := range []float64{10, 100} {
		AddPoissonNoise(dst, src, peak, rng)
		var mean, sq float64
		for _, v := range dst {
			mean += float64(v) / 1e5
		}
		for _, v := range dst {
			sq += (float64(v) - mean) * (float64(v) - mean) / 1e5
		}
		if math.Abs(mean-0.3) > 0.005 || math.Abs(sq-0.3/peak)/(0.3/peak) > 0.05 {
			t.Errorf("peak %v: mean %.4f, variance %.5f, want 0.3 and %.5f", peak, mean, sq, 0.3/peak)
		}
	}
}
