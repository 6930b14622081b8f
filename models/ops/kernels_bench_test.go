package ops

import (
	"fmt"
	"math/rand"
	"testing"
)

// Micro-benchmarks of the kernels at the shapes of the anchor conv
// autoencoder (batch 64), for profiling work on the pieces.

// BenchmarkGemmShapes: the GEMMs of the model, with GFLOP/s.
func BenchmarkGemmShapes(b *testing.B) {
	shapes := []struct {
		tA, tB  bool
		m, n, k int
	}{
		{false, false, 16, 12544, 9}, // conv1 forward
		{true, false, 9, 12544, 16},  // conv1 input gradient, convT2 forward
		{false, true, 16, 9, 12544},  // conv1 / convT2 weight gradient
		{false, false, 32, 3136, 144},
		{true, false, 144, 3136, 32},
		{false, true, 32, 144, 3136},
	}
	for _, s := range shapes {
		a := make([]float32, s.m*s.k)
		bb := make([]float32, s.k*s.n)
		c := make([]float32, s.m*s.n)
		for i := range a {
			a[i] = float32(i%7) * 0.1
		}
		for i := range bb {
			bb[i] = float32(i%5) * 0.1
		}
		lda, ldb := s.k, s.n
		if s.tA {
			lda = s.m
		}
		if s.tB {
			ldb = s.k
		}
		b.Run(fmt.Sprintf("tA=%v_tB=%v_%dx%dx%d", s.tA, s.tB, s.m, s.n, s.k), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				gemm(s.tA, s.tB, s.m, s.n, s.k, 1, a, lda, bb, ldb, 0, c, s.n)
			}
			b.ReportMetric(float64(2*s.m*s.n*s.k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}

// BenchmarkIm2col: im2col and col2im of the model's layers.
func BenchmarkIm2col(b *testing.B) {
	for _, c := range []struct{ n, c, h, k, s, p int }{{64, 1, 28, 3, 2, 1}, {64, 16, 14, 3, 2, 1}, {64, 16, 14, 3, 1, 1}} {
		g, _ := newGeom(c.n, c.c, c.h, c.h, c.k, c.k, c.s, c.p, 1)
		x := make([]float32, c.n*c.c*c.h*c.h)
		cols := make([]float32, g.K()*g.N*g.PO())
		var pad []float32
		b.Run(fmt.Sprintf("im2col_%+v", c), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				im2col(&g, x, cols, &pad)
			}
		})
		b.Run(fmt.Sprintf("col2im_%+v", c), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				col2im(&g, cols, x, &pad)
			}
		})
	}
}

// BenchmarkActivation: fused bias+ReLU and its gradient on 200k values of
// random sign (the branch-free loops).
func BenchmarkActivation(b *testing.B) {
	n := 200704
	rng := rand.New(rand.NewSource(1))
	y, dy, dst := make([]float32, n), make([]float32, n), make([]float32, n)
	for i := range y {
		y[i] = float32(rng.NormFloat64())
		dy[i] = float32(rng.NormFloat64())
	}
	b.Run("biasReLU", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			biasAct(ActReLU, dst, y, 0.1)
		}
	})
	biasAct(ActReLU, y, y, 0)
	b.Run("reluGrad", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			actGrad(ActReLU, dst, y, dy)
		}
	})
}
