//go:build !cgo || purego

package kernels

import "math"

// Adam updates w from g with moments m and v, and zeroes g. All four slices
// have the same length.
func Adam(w, g, m, v []float32, p AdamParams) {
	n := len(w)
	if n == 0 {
		return
	}
	g, m, v = g[:n], m[:n], v[:n]
	for i := range w {
		gi := g[i]
		mi := p.Beta1*m[i] + (1-p.Beta1)*gi
		vi := p.Beta2*v[i] + (1-p.Beta2)*gi*gi
		m[i], v[i] = mi, vi
		w[i] -= p.StepSize * mi / (float32(math.Sqrt(float64(vi)))*p.InvSqrtC2 + p.Eps)
		g[i] = 0
	}
}

// BCELogits returns the mean binary cross-entropy of logits l against
// targets y and writes sigmoid(l) into sig (all of one length).
func BCELogits(sig, l, y []float32) float64 {
	n := len(l)
	if n == 0 {
		return 0
	}
	sig, y = sig[:n], y[:n]
	var sum float64
	for i, v := range l {
		x := float64(v)
		e := math.Exp(-math.Abs(x))
		sum += max(x, 0) - x*float64(y[i]) + math.Log1p(e)
		r := 1 / (1 + e)
		if x < 0 {
			r *= e
		}
		sig[i] = float32(r)
	}
	return sum / float64(n)
}
