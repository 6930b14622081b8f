package ops

import (
	"fmt"
	"testing"
)

// chunked calls gemm on column blocks of C of width w (B not transposed).
func chunked(tA bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, w int) {
	for j := 0; j < n; j += w {
		jw := min(w, n-j)
		gemm(tA, false, m, jw, k, 1, a, lda, b[j:], ldb, 0, c[j:], ldc)
	}
}

func BenchmarkGemmChunked(b *testing.B) {
	shapes := []struct {
		tA      bool
		m, n, k int
	}{
		{false, 16, 12544, 9},
		{true, 9, 12544, 16},
		{false, 32, 3136, 144},
		{true, 144, 3136, 32},
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
		lda := s.k
		if s.tA {
			lda = s.m
		}
		for _, w := range []int{64, 128, 192, 256, 512, 1024} {
			if s.m > 64 && w > 64 {
				continue
			}
			b.Run(fmt.Sprintf("%v_%dx%dx%d_w%d", s.tA, s.m, s.n, s.k, w), func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					chunked(s.tA, s.m, s.n, s.k, a, lda, bb, s.n, c, s.n, w)
				}
				b.ReportMetric(float64(2*s.m*s.n*s.k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}
