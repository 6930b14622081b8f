package models

import (
	"math"

	"latentstudio/models/kernels"
)

// adam is Adam (Kingma & Ba) fused into one loop per tensor (a vectorised
// kernel), over the float32 slices that the graph's weights and gradients
// live in. Gorgonia's own AdamSolver runs a dozen elementwise tensor ops per
// weight and keeps its state unexported.
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
	// Bias corrections folded into the step size, as in PyTorch.
	c1 := 1 - math.Pow(a.beta1, float64(a.t))
	c2 := 1 - math.Pow(a.beta2, float64(a.t))
	p := kernels.AdamParams{StepSize: float32(a.lr / c1), Beta1: float32(a.beta1), Beta2: float32(a.beta2),
		InvSqrtC2: float32(1 / math.Sqrt(c2)), Eps: float32(a.eps)}
	for i, w := range weights {
		kernels.Adam(w, grads[i], a.m[i], a.v[i], p)
	}
}
