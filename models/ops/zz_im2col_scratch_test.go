package ops

import (
	"fmt"
	"testing"
)

func BenchmarkIm2col(b *testing.B) {
	for _, c := range []struct{ n, c, h, k, s, p int }{{64, 1, 28, 3, 2, 1}, {64, 16, 14, 3, 2, 1}, {64, 16, 14, 3, 1, 1}} {
		g, _ := newGeom(c.n, c.c, c.h, c.h, c.k, c.k, c.s, c.p)
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
