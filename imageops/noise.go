package imageops

import (
	"fmt"
	"math"
	"math/rand"
)

// AddGaussianNoise sets dst[i] = src[i] + N(0, sigma²), clipped to [0,1], as
// used by denoising autoencoders. dst may be src. A nil rng uses the global
// source. It panics when dst and src differ in length.
func AddGaussianNoise(dst, src []float32, sigma float64, rng *rand.Rand) {
	if len(dst) != len(src) {
		panic(fmt.Sprintf("imageops.AddGaussianNoise: len(dst)=%d, len(src)=%d", len(dst), len(src)))
	}
	norm := rand.NormFloat64
	if rng != nil {
		norm = rng.NormFloat64
	}
	for i, v := range src {
		n := v + float32(norm()*sigma)
		dst[i] = min(max(n, 0), 1)
	}
}

// AddSaltPepperNoise sets a share amount of the values to 0 or 1 (half
// each, on average) and copies the rest; dst may be src.
func AddSaltPepperNoise(dst, src []float32, amount float64, rng *rand.Rand) {
	if len(dst) != len(src) {
		panic(fmt.Sprintf("imageops.AddSaltPepperNoise: len(dst)=%d, len(src)=%d", len(dst), len(src)))
	}
	for i, v := range src {
		switch u := rng.Float64(); {
		case u < amount/2:
			dst[i] = 0
		case u < amount:
			dst[i] = 1
		default:
			dst[i] = v
		}
	}
}

// AddPoissonNoise models photon noise: each value becomes a Poisson count
// with mean v·peak, divided by peak, clipped to [0,1] (a lower peak is
// noisier; photos at peak 30 look grainy). dst may be src.
func AddPoissonNoise(dst, src []float32, peak float64, rng *rand.Rand) {
	if len(dst) != len(src) {
		panic(fmt.Sprintf("imageops.AddPoissonNoise: len(dst)=%d, len(src)=%d", len(dst), len(src)))
	}
	for i, v := range src {
		dst[i] = min(float32(poisson(float64(v)*peak, rng)/peak), 1)
	}
}

// poisson draws from a Poisson distribution of the given mean: Knuth's
// product method for small means, a rounded normal approximation above 30.
func poisson(mean float64, rng *rand.Rand) float64 {
	if mean <= 0 {
		return 0
	}
	if mean > 30 {
		return max(0, math.Round(mean+math.Sqrt(mean)*rng.NormFloat64()))
	}
	l, k, p := math.Exp(-mean), 0.0, 1.0
	for {
		p *= rng.Float64()
		if p <= l {
			return k
		}
		k++
	}
}
