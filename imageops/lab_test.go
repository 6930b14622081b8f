package imageops

import (
	"math"
	"math/rand"
	"testing"
)

// Reference L*a*b* (D65) of the sRGB primaries and greys, as published
// (e.g. by Bruce Lindbloom's calculator and colormath).
func TestLabKnownValues(t *testing.T) {
	cases := []struct{ r, g, b, l, a, bb float64 }{
		{1, 1, 1, 100, 0, 0},
		{0, 0, 0, 0, 0, 0},
		{1, 0, 0, 53.2408, 80.0925, 67.2032},
		{0, 1, 0, 87.7347, -86.1827, 83.1793},
		{0, 0, 1, 32.2970, 79.1875, -107.8602},
		{0.5, 0.5, 0.5, 53.3890, 0, 0},
	}
	for _, c := range cases {
		l, a, bb := RGBToLab(c.r, c.g, c.b)
		if math.Abs(l-c.l) > 2e-3 || math.Abs(a-c.a) > 2e-3 || math.Abs(bb-c.bb) > 2e-3 {
			t.Errorf("RGB(%v,%v,%v) -> Lab(%.4f, %.4f, %.4f), want (%.4f, %.4f, %.4f)", c.r, c.g, c.b, l, a, bb, c.l, c.a, c.bb)
		}
	}
}

func TestLabRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 10000; i++ {
		r, g, b := rng.Float64(), rng.Float64(), rng.Float64()
		if i < 3 { // the dark, linear segment too
			r, g, b = 0.001*float64(i), 0.002, 0.03
		}
		r2, g2, b2 := LabToRGB(RGBToLab(r, g, b))
		if math.Abs(r-r2) > 1e-9 || math.Abs(g-g2) > 1e-9 || math.Abs(b-b2) > 1e-9 {
			t.Fatalf("RGB(%v,%v,%v) came back as (%v,%v,%v)", r, g, b, r2, g2, b2)
		}
	}
	// Planes: a 2-pixel image survives the trip in float32.
	img := []float32{1, 0.2, 0, 0.5, 0, 0.9}
	back := LabToImage(ImageToLab(img, 2), 2)
	for i := range img {
		if math.Abs(float64(img[i]-back[i])) > 1e-5 {
			t.Fatalf("plane value %d: %v came back as %v", i, img[i], back[i])
		}
	}
}

func TestInvert3(t *testing.T) {
	inv := invert3(rgbToXYZ)
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			var s float64
			for k := 0; k < 3; k++ {
				s += rgbToXYZ[i][k] * inv[k][j]
			}
			want := 0.0
			if i == j {
				want = 1
			}
			if math.Abs(s-want) > 1e-14 {
				t.Fatalf("M·M⁻¹[%d][%d] = %v", i, j, s)
			}
		}
	}
}
