package models

import "math"

// adam is Adam (Kingma & Ba) fused into one loop per tensor, over the
// float32 slices that the graph's weights and gradients live in. Gorgonia's
// own AdamSolver runs a dozen elementwise tensor ops per weight and keeps its
// state unexported; this one is a few lines and several times faster.
type adam struct {
	lr, beta1, beta2, eps float64
	t                     int
	m, v                  [][]float32
}

func newAdam(lr float64, sizes []int) *adam {
	a := &adam{lr: lr, beta1: 0.9, beta2: 0.999, eps: 1e-8}
	for _, n := range sizes {
		a.m = append(a.m, make([]float32, n))
		a.v = append(a.v, make([]float32, n))
	}
	return a
}

// step updates each weight slice from its gradient and zeroes the gradient
// (Gorgonia accumulates gradients across runs).
func (a *adam) step(weights, grads [][]float32) {
	a.t++
	b1, b2 := float32(a.beta1), float32(a.beta2)
	// Bias corrections folded into the step size, as in PyTorch.
	c1 := 1 - math.Pow(a.beta1, float64(a.t))
	c2 := 1 - math.Pow(a.beta2, float64(a.t))
	stepSize := float32(a.lr / c1)
	sqrtC2 := float32(math.Sqrt(c2))
	eps := float32(a.eps)
	for i, w := range weights {
		g, m, v := grads[i], a.m[i], a.v[i]
		_ = g[len(w)-1]
		_ = m[len(w)-1]
		_ = v[len(w)-1]
		for j := range w {
			gj := g[j]
			mj := b1*m[j] + (1-b1)*gj
			vj := b2*v[j] + (1-b2)*gj*gj
			m[j], v[j] = mj, vj
			w[j] -= stepSize * mj / (sqrt32(vj)/sqrtC2 + eps)
			g[j] = 0
		}
	}
}

func sqrt32(x float32) float32 { return float32(math.Sqrt(float64(x))) }
