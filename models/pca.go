package models

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"gonum.org/v1/gonum/mat"
)

// PCA is a principal component analysis of a set of d-dimensional vectors
// (model codes, for the latent explorer).
type PCA struct {
	Mean []float64 // d values
	// Components are k unit vectors of d values, by decreasing variance.
	// Each one's largest-magnitude entry is positive, so fits are
	// deterministic.
	Components [][]float64
	// Variance is the variance of the data along each component (the
	// eigenvalues of the sample covariance, denominator n-1).
	Variance []float64
}

// FitPCA finds the k principal components of n vectors of d values each
// (data holds n×d values, row by row). It eigendecomposes the d×d sample
// covariance, so it suits codes of up to a few hundred values.
func FitPCA(data []float32, n, d, k int) (*PCA, error) {
	switch {
	case n < 2:
		return nil, fmt.Errorf("pca: need at least 2 vectors, got %d", n)
	case d < 1:
		return nil, fmt.Errorf("pca: vectors must have at least 1 value, not %d", d)
	case k < 1 || k > d:
		return nil, fmt.Errorf("pca: cannot take %d components of %d-value vectors", k, d)
	case len(data) != n*d:
		return nil, fmt.Errorf("pca: got %d values for %d vectors of %d", len(data), n, d)
	}
	mean := make([]float64, d)
	for i := 0; i < n; i++ {
		row := data[i*d : (i+1)*d]
		for j, v := range row {
			mean[j] += float64(v)
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	// Accumulate the upper triangle of the scatter matrix.
	cov := make([]float64, d*d)
	centered := make([]float64, d)
	for i := 0; i < n; i++ {
		row := data[i*d : (i+1)*d]
		for j, v := range row {
			centered[j] = float64(v) - mean[j]
		}
		for a := 0; a < d; a++ {
			ca := centered[a]
			if ca == 0 {
				continue
			}
			r := cov[a*d : (a+1)*d]
			for b := a; b < d; b++ {
				r[b] += ca * centered[b]
			}
		}
	}
	for a := 0; a < d; a++ {
		for b := a; b < d; b++ {
			v := cov[a*d+b] / float64(n-1)
			cov[a*d+b], cov[b*d+a] = v, v
		}
	}
	for _, v := range cov {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, errors.New("pca: the data hold non-finite values")
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(mat.NewSymDense(d, cov), true) {
		return nil, errors.New("pca: eigendecomposition did not converge")
	}
	values := eig.Values(nil)
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	order := make([]int, d)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return values[order[a]] > values[order[b]] })

	p := &PCA{Mean: mean, Components: make([][]float64, k), Variance: make([]float64, k)}
	for c := 0; c < k; c++ {
		col := order[c]
		comp := make([]float64, d)
		mat.Col(comp, col, &vecs)
		fixSign(comp)
		p.Components[c] = comp
		p.Variance[c] = max(values[col], 0) // round-off can give -1e-17
	}
	return p, nil
}

// fixSign flips v so that its largest-magnitude entry is positive (the
// first such entry on ties).
func fixSign(v []float64) {
	best := 0
	for i, x := range v {
		if math.Abs(x) > math.Abs(v[best]) {
			best = i
		}
	}
	if v[best] < 0 {
		for i := range v {
			v[i] = -v[i]
		}
	}
}

// Dims returns the vector size d and the number of components k.
func (p *PCA) Dims() (d, k int) { return len(p.Mean), len(p.Components) }

// Project returns the coordinates of n vectors (n×d values) along the
// components: n×k values, row by row.
func (p *PCA) Project(data []float32, n int) []float64 {
	d, k := p.Dims()
	out := make([]float64, n*k)
	centered := make([]float64, d)
	for i := 0; i < n; i++ {
		row := data[i*d : (i+1)*d]
		for j, v := range row {
			centered[j] = float64(v) - p.Mean[j]
		}
		for c, comp := range p.Components {
			var s float64
			for j, w := range comp {
				s += w * centered[j]
			}
			out[i*k+c] = s
		}
	}
	return out
}

// Reconstruct returns the d-value vector at the given coordinates (up to k
// values; missing ones count as 0): the mean plus Σ coords[i]·Components[i].
func (p *PCA) Reconstruct(coords []float64) []float32 {
	d, _ := p.Dims()
	v := make([]float64, d)
	copy(v, p.Mean)
	for c, x := range coords {
		if c >= len(p.Components) {
			break
		}
		for j, w := range p.Components[c] {
			v[j] += x * w
		}
	}
	out := make([]float32, d)
	for j, x := range v {
		out[j] = float32(x)
	}
	return out
}
