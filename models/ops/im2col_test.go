package ops

import (
	"fmt"
	"math"
	"math/rand"
	"testing"
)

// naiveIm2col is the definition of the column matrix, element by element.
func naiveIm2col(g *geom, x []float64) []float64 {
	P := g.OH * g.OW
	NP := g.N * P
	cols := make([]float64, g.K()*NP)
	for n := 0; n < g.N; n++ {
		for c := 0; c < g.C; c++ {
			for kh := 0; kh < g.KH; kh++ {
				for kw := 0; kw < g.KW; kw++ {
					r := (c*g.KH+kh)*g.KW + kw
					for oh := 0; oh < g.OH; oh++ {
						for ow := 0; ow < g.OW; ow++ {
							ih, iw := oh*g.S-g.P+kh*g.D, ow*g.S-g.P+kw*g.D
							if ih >= 0 && ih < g.H && iw >= 0 && iw < g.W {
								cols[r*NP+n*P+oh*g.OW+ow] = x[((n*g.C+c)*g.H+ih)*g.W+iw]
							}
						}
					}
				}
			}
		}
	}
	return cols
}

// TestIm2colCol2im checks im2col against the definition and col2im as its
// adjoint (<im2col x, c> = <x, col2im c>) over many geometries, twice each
// with the same scratch (the zero border of the phase planes must survive).
func TestIm2colCol2im(t *testing.T) {
	rng := rand.New(rand.NewSource(11))
	for _, s := range []int{1, 2, 3} {
		for _, p := range []int{0, 1, 2, 3} {
			for _, k := range []int{1, 2, 3, 4} {
				for _, hw := range [][2]int{{5, 5}, {6, 7}, {8, 4}, {1, 3}, {9, 10}} {
					for _, d := range []int{1, 2, 3} {
						g, err := newGeom(2, 3, hw[0], hw[1], k, k, s, p, d)
						if err != nil {
							continue // kernel larger than the padded input
						}
						name := fmt.Sprintf("s%d_p%d_k%d_d%d_%dx%d", s, p, k, d, hw[0], hw[1])
						var pad, pad2 []float64
						for rep := 0; rep < 2; rep++ {
							x := make([]float64, g.N*g.C*g.H*g.W)
							for i := range x {
								x[i] = rng.NormFloat64()
							}
							want := naiveIm2col(&g, x)
							got := make([]float64, len(want))
							for i := range got {
								got[i] = math.NaN() // every entry must be written
							}
							im2col(&g, x, got, &pad)
							for i := range want {
								if got[i] != want[i] {
									t.Fatalf("%s: im2col[%d] = %g, want %g", name, i, got[i], want[i])
								}
							}
							c := make([]float64, len(want))
							for i := range c {
								c[i] = rng.NormFloat64()
							}
							back := make([]float64, len(x))
							for i := range back {
								back[i] = math.NaN()
							}
							col2im(&g, c, back, &pad2)
							var lhs, rhs float64
							for i := range want {
								lhs += want[i] * c[i]
							}
							for i := range x {
								rhs += x[i] * back[i]
							}
							if math.Abs(lhs-rhs) > 1e-9*(1+math.Abs(lhs)) {
								t.Fatalf("%s: <im2col x, c> = %g but <x, col2im c> = %g", name, lhs, rhs)
							}
						}
					}
				}
			}
		}
	}
}
