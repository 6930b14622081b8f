package imageops

import (
	"math"
	"math/rand"
	"slices"
	"testing"
)

// threeConstants is a w×h image whose three channels hold 0.2, 0.5 and 0.9.
func threeConstants(w, h int) []float32 {
	return slices.Concat(constant(w*h, 0.2), constant(w*h, 0.5), constant(w*h, 0.9))
}

func TestFiltersKeepConstants(t *testing.T) {
	const w, h = 13, 9 // smaller than some windows: every pixel sees the edge
	img := threeConstants(w, h)
	for _, sigma := range []float64{0, 0.8, 2.5, 6} {
		out := GaussianBlur(img, w, h, 3, sigma)
		for i, v := range out {
			if math.Abs(float64(v-img[i])) > 1e-6 {
				t.Fatalf("blur sigma %v: value %d is %v, want %v", sigma, i, v, img[i])
			}
		}
	}
	for _, r := range []int{0, 1, 3, 7} {
		if out := MedianFilter(img, w, h, 3, r); !slices.Equal(out, img) {
			t.Fatalf("median radius %d changed a constant image", r)
		}
	}
}

func TestFiltersReturnNewSlices(t *testing.T) {
	img := []float32{0.1, 0.9, 0.4, 0.6}
	keep := slices.Clone(img)
	for name, out := range map[string][]float32{
		"blur sigma 0": GaussianBlur(img, 2, 2, 1, 0), "blur": GaussianBlur(img, 2, 2, 1, 1),
		"median radius 0": MedianFilter(img, 2, 2, 1, 0), "median": MedianFilter(img, 2, 2, 1, 1),
	} {
		if &out[0] == &img[0] {
			t.Errorf("%s returned its input", name)
		}
	}
	if !slices.Equal(img, keep) {
		t.Errorf("the input changed to %v", img)
	}
	if out := GaussianBlur(img, 2, 2, 1, -1); !slices.Equal(out, img) {
		t.Errorf("a negative sigma gave %v, want a copy", out)
	}
}

// TestGaussianBlurImpulse: far from the edges, the blur of a single 1 is the
// kernel itself: it sums to 1, peaks in the middle and is symmetric under
// mirroring and transposition.
func TestGaussianBlurImpulse(t *testing.T) {
	const n = 21 // radius ceil(3·1.5) = 5 fits around the centre
	img := make([]float32, n*n)
	img[n/2*n+n/2] = 1
	out := GaussianBlur(img, n, n, 1, 1.5)
	var sum float64
	for _, v := range out {
		sum += float64(v)
	}
	if math.Abs(sum-1) > 1e-5 {
		t.Errorf("the blurred impulse sums to %v, want 1", sum)
	}
	at := func(x, y int) float32 { return out[y*n+x] }
	if peak := at(n/2, n/2); peak >= 1 || peak != slices.Max(out) {
		t.Errorf("centre %v, maximum %v: want the (smaller than 1) maximum in the centre", peak, slices.Max(out))
	}
	if at(n/2+1, n/2) <= at(n/2+2, n/2) || at(n/2+5, n/2) <= 0 || at(n/2+6, n/2) != 0 {
		t.Errorf("row through the centre %v: want a decay reaching out exactly 5 pixels", out[n/2*n:][:n])
	}
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			v := at(x, y)
			if math.Abs(float64(v-at(n-1-x, y))) > 1e-7 || math.Abs(float64(v-at(x, n-1-y))) > 1e-7 ||
				math.Abs(float64(v-at(y, x))) > 1e-7 {
				t.Fatalf("not symmetric at %d,%d: %v vs mirrored %v, %v and transposed %v",
					x, y, v, at(n-1-x, y), at(x, n-1-y), at(y, x))
			}
		}
	}
}

func TestGaussianBlurLowersNoise(t *testing.T) {
	const w, h = 64, 48
	img := constant(3*w*h, 0.5)
	AddGaussianNoise(img, img, 0.1, rand.New(rand.NewSource(1)))
	noisy := variance(img)
	blurred := variance(GaussianBlur(img, w, h, 3, 1.5))
	// White noise through a 2-D Gaussian keeps 1/(4π·σ²) ≈ 3.5% of its variance.
	if blurred > noisy/10 {
		t.Errorf("variance %.5f before the blur, %.5f after; want at most a tenth", noisy, blurred)
	}
}

func variance(v []float32) float64 {
	var mean, ss float64
	for _, x := range v {
		mean += float64(x) / float64(len(v))
	}
	for _, x := range v {
		ss += (float64(x) - mean) * (float64(x) - mean)
	}
	return ss / float64(len(v))
}

// TestMedianFilterHandCase works out every pixel of a 3×3 image, edges
// repeated: e.g. the top-left window is 9 9 1 / 9 9 1 / 3 3 7, median 7.
func TestMedianFilterHandCase(t *testing.T) {
	img := []float32{
		0.9, 0.1, 0.5,
		0.3, 0.7, 0.2,
		0.8, 0.4, 0.6,
	}
	want := []float32{
		0.7, 0.5, 0.5,
		0.7, 0.5, 0.5,
		0.7, 0.6, 0.6,
	}
	if got := MedianFilter(img, 3, 3, 1, 1); !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestMedianFilterRemovesSaltKeepsEdges(t *testing.T) {
	const w, h = 12, 10
	img := threeConstants(w, h)
	img[w*h+4*w+6] = 1 // a salt pixel in the middle channel only
	want := threeConstants(w, h)
	if got := MedianFilter(img, w, h, 3, 1); !slices.Equal(got, want) {
		t.Error("an isolated salt pixel survived the 3×3 median, or the channels mixed")
	}
	step := make([]float32, w*h) // dark left half, bright right half
	for y := 0; y < h; y++ {
		for x := w / 2; x < w; x++ {
			step[y*w+x] = 0.8
		}
	}
	for r := 1; r <= 3; r++ {
		if got := MedianFilter(step, w, h, 1, r); !slices.Equal(got, step) {
			t.Errorf("radius %d blurred a step edge: row %v", r, got[:w])
		}
	}
}

// TestSelectKthMatchesSort checks the selection against a sort on windows
// full of ties, as flat image regions give.
func TestSelectKthMatchesSort(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	for trial := 0; trial < 500; trial++ {
		v := make([]float32, 1+rng.Intn(49))
		for i := range v {
			v[i] = float32(rng.Intn(5)) / 4
		}
		sorted := slices.Clone(v)
		slices.Sort(sorted)
		k := rng.Intn(len(v))
		if got := selectKth(v, k); got != sorted[k] {
			t.Fatalf("element %d of %v: got %v, want %v", k, sorted, got, sorted[k])
		}
	}
}

func BenchmarkMedianFilter(b *testing.B) {
	const w, h = 600, 400
	img := make([]float32, 3*w*h)
	AddGaussianNoise(img, constant(len(img), 0.5), 0.2, rand.New(rand.NewSource(1)))
	for b.Loop() {
		MedianFilter(img, w, h, 3, 3)
	}
}

func BenchmarkGaussianBlur(b *testing.B) {
	const w, h = 600, 400
	img := make([]float32, 3*w*h)
	AddGaussianNoise(img, constant(len(img), 0.5), 0.2, rand.New(rand.NewSource(1)))
	for b.Loop() {
		GaussianBlur(img, w, h, 3, 2)
	}
}
