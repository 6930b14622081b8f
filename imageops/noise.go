package imageops

import (
	"fmt"
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
