package ops

import (
	"fmt"
	"testing"
)

func BenchmarkGemmShapes(b *testing.B) {
	shapes := []struct {
		tA, tB  bool
		m, n, k int
	}{
		{false, false, 16, 12544, 9},
		{true, false, 9, 12544, 16},
		{false, true, 16, 9, 12544},
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
		b.Run(fmt.Sprintf("%v%v_%dx%dx%d", s.tA, s.tB, s.m, s.n, s.k), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				gemm(s.tA, s.tB, s.m, s.n, s.k, 1, a, lda, bb, ldb, 0, c, s.n)
			}
			b.ReportMetric(float64(2*s.m*s.n*s.k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
		})
	}
}
