package imageops

import (
	"fmt"
	"math"
	"slices"
)

// Classical denoisers, as baselines a trained denoiser has to beat. Both
// treat every channel on its own and handle borders by repeating the edge
// pixels, so a flat image stays flat right up to its edges.

// GaussianBlur convolves each channel of a C×H×W image with a Gaussian of
// the given sigma in pixels, cut off at ceil(3·sigma), as two 1-D passes
// (2·(2r+1) taps a pixel instead of (2r+1)²). It returns a new slice; a
// sigma <= 0 gives a copy. It panics when img does not hold w×h×c values.
func GaussianBlur(img []float32, w, h, c int, sigma float64) []float32 {
	checkPlanes("GaussianBlur", img, w, h, c)
	out := slices.Clone(img)
	if sigma <= 0 {
		return out
	}
	r := int(math.Ceil(3 * sigma))
	k := gaussianKernel(sigma, r)
	rows := make([]float64, w*h) // the horizontal pass, kept at full precision
	for ch := 0; ch < c; ch++ {
		src, dst := img[ch*w*h:(ch+1)*w*h], out[ch*w*h:(ch+1)*w*h]
		for y := 0; y < h; y++ {
			row := src[y*w : (y+1)*w]
			for x := 0; x < w; x++ {
				var s float64
				for t, kv := range k {
					s += kv * float64(row[clampIndex(x+t-r, w)])
				}
				rows[y*w+x] = s
			}
		}
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				var s float64
				for t, kv := range k {
					s += kv * rows[clampIndex(y+t-r, h)*w+x]
				}
				dst[y*w+x] = float32(s)
			}
		}
	}
	return out
}

// MedianFilter replaces each value by the median of the (2r+1)×(2r+1)
// window around it in the same channel. Unlike a blur it removes isolated
// outliers (salt-and-pepper noise) outright and keeps step edges sharp. It
// returns a new slice; radius 0 gives a copy. It panics when img does not
// hold w×h×c values or radius is negative.
func MedianFilter(img []float32, w, h, c int, radius int) []float32 {
	checkPlanes("MedianFilter", img, w, h, c)
	if radius < 0 {
		panic(fmt.Sprintf("imageops.MedianFilter: radius %d", radius))
	}
	out := slices.Clone(img)
	if radius == 0 {
		return out
	}
	side := 2*radius + 1
	win := make([]float32, side*side) // reused for every pixel
	for ch := 0; ch < c; ch++ {
		src, dst := img[ch*w*h:(ch+1)*w*h], out[ch*w*h:(ch+1)*w*h]
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				n := 0
				for dy := -radius; dy <= radius; dy++ {
					row := src[clampIndex(y+dy, h)*w:][:w]
					for dx := -radius; dx <= radius; dx++ {
						win[n] = row[clampIndex(x+dx, w)]
						n++
					}
				}
				dst[y*w+x] = selectKth(win, len(win)/2)
			}
		}
	}
	return out
}

// selectKth reorders v so that v[k] holds the value a sort would put there
// and returns it. This is Hoare's selection (Wirth's variant): expected
// linear time, about twice as fast as sorting a 7×7 window of noise.
func selectKth(v []float32, k int) float32 {
	lo, hi := 0, len(v)-1
	for lo < hi {
		pivot := v[k]
		i, j := lo, hi
		for i <= j {
			for v[i] < pivot {
				i++
			}
			for pivot < v[j] {
				j--
			}
			if i <= j {
				v[i], v[j] = v[j], v[i]
				i++
				j--
			}
		}
		if j < k {
			lo = i
		}
		if k < i {
			hi = j
		}
	}
	return v[k]
}

// clampIndex repeats the edge: indices before 0 or past n-1 map to them.
func clampIndex(i, n int) int {
	return min(max(i, 0), n-1)
}

// checkPlanes panics on a slice that is not a C×H×W image: a caller bug,
// reported like the noise functions report one.
func checkPlanes(fn string, img []float32, w, h, c int) {
	if w < 1 || h < 1 || c < 1 || len(img) != w*h*c {
		panic(fmt.Sprintf("imageops.%s: %d values for a %dx%dx%d image", fn, len(img), w, h, c))
	}
}
