package imageops

import (
	"math"
	"math/rand"
	"testing"
)

func TestAddGaussianNoise(t *testing.T) {
	const n = 20000
	src := make([]float32, n)
	for i := range src {
		src[i] = 0.5
	}
	dst := make([]float32, n)
	AddGaussianNoise(dst, src, 0.1, rand.New(rand.NewSource(1)))
	var sum, sq float64
	for _, v := range dst {
		sum += float64(v)
		sq += float64(v) * float64(v)
	}
	mean := sum / n
	std := math.Sqrt(sq/n - mean*mean)
	if !near(mean, 0.5, 0.005) || !near(std, 0.1, 0.005) {
		t.Errorf("mean %.4f std %.4f, want 0.5 and 0.1", mean, std)
	}
	if src[0] != 0.5 {
		t.Error("src was modified")
	}

	// Same seed, same noise; in place works; values stay in [0,1].
	again := append([]float32(nil), src...)
	AddGaussianNoise(again, again, 0.1, rand.New(rand.NewSource(1)))
	for i := range dst {
		if again[i] != dst[i] {
			t.Fatalf("in-place value %d = %g, want %g", i, again[i], dst[i])
		}
	}
	AddGaussianNoise(dst, src, 5, rand.New(rand.NewSource(2)))
	var zeros, ones int
	for _, v := range dst {
		if v < 0 || v > 1 {
			t.Fatalf("value %g outside [0,1]", v)
		}
		if v == 0 {
			zeros++
		} else if v == 1 {
			ones++
		}
	}
	if zeros < n/3 || ones < n/3 {
		t.Errorf("with sigma 5: %d zeros and %d ones, want about half each", zeros, ones)
	}
}
