package imageops

import (
	"fmt"
	"math"
)

// PSNR is the peak signal-to-noise ratio in dB between two images of the
// same length, for values spanning dataRange (1 for values in [0,1], 255 for
// bytes): 10·log10(range² / MSE). Identical images give +Inf.
func PSNR(a, b []float32, dataRange float64) (float64, error) {
	if len(a) != len(b) || len(a) == 0 {
		return 0, fmt.Errorf("psnr: images of %d and %d values", len(a), len(b))
	}
	if !(dataRange > 0) {
		return 0, fmt.Errorf("psnr: data range must be positive, not %g", dataRange)
	}
	var sum float64
	for i, v := range a {
		d := float64(v) - float64(b[i])
		sum += d * d
	}
	mse := sum / float64(len(a))
	if mse == 0 {
		return math.Inf(1), nil
	}
	return 10 * math.Log10(dataRange*dataRange/mse), nil
}

// SSIMWindow chooses how SSIM weighs each pixel's neighbourhood.
type SSIMWindow int

const (
	// SSIMGaussian is Wang et al.'s window: Gaussian, σ 1.5, 11×11, with
	// population covariances.
	SSIMGaussian SSIMWindow = iota
	// SSIMUniform7 is scikit-image's default: a 7×7 uniform window with
	// sample covariances (divided by 48, not 49).
	SSIMUniform7
)

// SSIM is the mean structural similarity (Wang et al. 2004, K1 0.01, K2
// 0.03) between two images of w×h pixels and c channels laid out C×H×W,
// averaged over the channels. As scikit-image does, the mean is taken over
// the pixels whose window lies wholly inside the image.
func SSIM(a, b []float32, w, h, c int, dataRange float64, window SSIMWindow) (float64, error) {
	if len(a) != w*h*c || len(b) != len(a) {
		return 0, fmt.Errorf("ssim: want %d values per image, have %d and %d", w*h*c, len(a), len(b))
	}
	var kernel []float64
	covNorm := 1.0
	switch window {
	case SSIMGaussian:
		kernel = gaussianKernel(1.5, 5)
	case SSIMUniform7:
		kernel = make([]float64, 7)
		for i := range kernel {
			kernel[i] = 1.0 / 7
		}
		covNorm = 49.0 / 48
	default:
		return 0, fmt.Errorf("ssim: unknown window %d", window)
	}
	r := len(kernel) / 2
	if w <= 2*r || h <= 2*r {
		return 0, fmt.Errorf("ssim: a %dx%d image is smaller than the %dx%d window", w, h, len(kernel), len(kernel))
	}
	c1 := (0.01 * dataRange) * (0.01 * dataRange)
	c2 := (0.03 * dataRange) * (0.03 * dataRange)
	var total float64
	for ch := 0; ch < c; ch++ {
		x, y := a[ch*w*h:(ch+1)*w*h], b[ch*w*h:(ch+1)*w*h]
		// The five local moments, filtered separably over the valid region.
		mx := filterValid(x, nil, w, h, kernel)
		my := filterValid(y, nil, w, h, kernel)
		xx := filterValid(x, x, w, h, kernel)
		yy := filterValid(y, y, w, h, kernel)
		xy := filterValid(x, y, w, h, kernel)
		var sum float64
		for i := range mx {
			vx := covNorm * (xx[i] - mx[i]*mx[i])
			vy := covNorm * (yy[i] - my[i]*my[i])
			cxy := covNorm * (xy[i] - mx[i]*my[i])
			sum += (2*mx[i]*my[i] + c1) * (2*cxy + c2) / ((mx[i]*mx[i] + my[i]*my[i] + c1) * (vx + vy + c2))
		}
		total += sum / float64(len(mx))
	}
	return total / float64(c), nil
}

// gaussianKernel is a normalised 1-D Gaussian of 2·radius+1 taps.
func gaussianKernel(sigma float64, radius int) []float64 {
	k := make([]float64, 2*radius+1)
	var s float64
	for i := range k {
		d := float64(i - radius)
		k[i] = math.Exp(-d * d / (2 * sigma * sigma))
		s += k[i]
	}
	for i := range k {
		k[i] /= s
	}
	return k
}

// filterValid convolves x (times y, when given) with the separable kernel
// and returns the (w-2r)×(h-2r) pixels whose window lies inside the image.
func filterValid(x, y []float32, w, h int, k []float64) []float64 {
	r := len(k) / 2
	ow, oh := w-2*r, h-2*r
	rows := make([]float64, ow*h) // horizontal pass
	for j := 0; j < h; j++ {
		for i := 0; i < ow; i++ {
			var s float64
			for t, kv := range k {
				p := j*w + i + t
				v := float64(x[p])
				if y != nil {
					v *= float64(y[p])
				}
				s += kv * v
			}
			rows[j*ow+i] = s
		}
	}
	out := make([]float64, ow*oh) // vertical pass
	for j := 0; j < oh; j++ {
		for i := 0; i < ow; i++ {
			var s float64
			for t, kv := range k {
				s += kv * rows[(j+t)*ow+i]
			}
			out[j*ow+i] = s
		}
	}
	return out
}
