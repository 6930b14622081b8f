package kernels

import (
	"math"
	"math/rand"
	"testing"
)

// The tests compare whichever implementation this build has (C or Go)
// with textbook float64 formulas.

func TestAdamMatchesTextbook(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	const n = 1003 // not a multiple of the vector width
	w, g, m, v := make([]float32, n), make([]float32, n), make([]float32, n), make([]float32, n)
	w64, m64, v64 := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range w {
		w[i] = float32(rng.NormFloat64())
		w64[i] = float64(w[i])
	}
	lr, b1, b2, eps := 1e-3, 0.9, 0.999, 1e-8
	for step := 1; step <= 5; step++ {
		grads := make([]float64, n)
		for i := range g {
			g[i] = float32(rng.NormFloat64() * 0.1)
			grads[i] = float64(g[i])
		}
		c1, c2 := 1-math.Pow(b1, float64(step)), 1-math.Pow(b2, float64(step))
		Adam(w, g, m, v, AdamParams{StepSize: float32(lr / c1), Beta1: float32(b1), Beta2: float32(b2),
			InvSqrtC2: float32(1 / math.Sqrt(c2)), Eps: float32(eps)})
		for i := range w64 {
			m64[i] = b1*m64[i] + (1-b1)*grads[i]
			v64[i] = b2*v64[i] + (1-b2)*grads[i]*grads[i]
			w64[i] -= lr * (m64[i] / c1) / (math.Sqrt(v64[i]/c2) + eps)
		}
		for i := range w {
			if g[i] != 0 {
				t.Fatalf("step %d: gradient %d not zeroed", step, i)
			}
			if d := math.Abs(float64(w[i]) - w64[i]); d > 1e-6 {
				t.Fatalf("step %d: w[%d] = %v, textbook %v", step, i, w[i], w64[i])
			}
		}
	}
}

func TestBCELogitsMatchesTextbook(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	const n = 5000
	l, y, sig := make([]float32, n), make([]float32, n), make([]float32, n)
	var want float64
	for i := range l {
		l[i] = float32(rng.NormFloat64() * 6)
		y[i] = float32(rng.Float64())
		x, yy := float64(l[i]), float64(y[i])
		want += math.Max(x, 0) - x*yy + math.Log1p(math.Exp(-math.Abs(x)))
	}
	want /= n
	got := BCELogits(sig, l, y)
	if math.Abs(got-want) > 1e-6*want {
		t.Fatalf("mean BCE %.9g, textbook %.9g", got, want)
	}
	for i, x := range l {
		s := 1 / (1 + math.Exp(-float64(x)))
		if math.Abs(float64(sig[i])-s) > 1e-6 {
			t.Fatalf("sigmoid(%v) = %v, want %v", x, sig[i], s)
		}
	}
}

func TestBCELogitsExtremesAndNaN(t *testing.T) {
	l := []float32{-200, 200, -200, 200, 0}
	y := []float32{1, 0, 0, 1, 0.5}
	sig := make([]float32, len(l))
	got := BCELogits(sig, l, y)
	if want := (200 + 200 + math.Ln2) / 5; math.Abs(got-want) > 1e-4 {
		t.Errorf("mean BCE %v, want %v", got, want)
	}
	for i, want := range []float32{0, 1, 0, 1, 0.5} {
		if math.Abs(float64(sig[i]-want)) > 1e-6 {
			t.Errorf("sigmoid(%v) = %v, want %v", l[i], sig[i], want)
		}
	}
	l[2] = float32(math.NaN())
	if got := BCELogits(sig, l, y); !math.IsNaN(got) {
		t.Errorf("a NaN logit gave loss %v, want NaN (divergence detection needs it)", got)
	}
}

// TestAdamZeroGradient: a weight whose gradient is always 0 (a pixel that is
// black in every image) must stay put, not become NaN through 0·(1/sqrt 0).
func TestAdamZeroGradient(t *testing.T) {
	w, g, m, v := []float32{0.5, 0.5}, []float32{0, 0.1}, []float32{0, 0}, []float32{0, 0}
	for step := 0; step < 3; step++ {
		Adam(w, g, m, v, AdamParams{StepSize: 1e-3, Beta1: 0.9, Beta2: 0.999, InvSqrtC2: 1, Eps: 1e-8})
		g[1] = 0.1
	}
	if w[0] != 0.5 || math.IsNaN(float64(w[1])) || w[1] >= 0.5 {
		t.Fatalf("weights after steps with zero and positive gradients: %v", w)
	}
}
