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

func im2colPad[T float](g *geom, x, cols []T, pad *[]T) {
	N, C, H, W := g.N, g.C, g.H, g.W
	KH, KW, S := g.KH, g.KW, g.S
	OH, OW := g.OH, g.OW
	P := OH * OW
	NP := N * P
	HW := H * W
	PW := W + 2*g.P // padded row length
	padded := padPlane(pad, H+2*g.P, PW)
	for n := 0; n < N; n++ {
		for c := 0; c < C; c++ {
			src := x[(n*C+c)*HW : (n*C+c+1)*HW]
			plane := src
			if g.P > 0 {
				for h := 0; h < H; h++ {
					copy(padded[(h+g.P)*PW+g.P:(h+g.P)*PW+g.P+W], src[h*W:h*W+W])
				}
				plane = padded
			}
			r := c * KH * KW
			for kh := 0; kh < KH; kh++ {
				for kw := 0; kw < KW; kw++ {
					dst := cols[r*NP+n*P : r*NP+n*P+P]
					r++
					base := kh*PW + kw
					for oh := 0; oh < OH; oh++ {
						o := dst[oh*OW : oh*OW+OW]
						switch S {
						case 1:
							copy(o, plane[base:base+OW])
						case 2:
							s := plane[base : base+2*OW-1]
							for j := range o {
								o[j] = s[2*j]
							}
						default:
							s := plane[base : base+S*(OW-1)+1]
							for j := range o {
								o[j] = s[j*S]
							}
						}
						base += S * PW
					}
				}
			}
		}
	}
}

func BenchmarkIm2colOld(b *testing.B) {
	for _, c := range []struct{ n, c, h, k, s, p int }{{64, 1, 28, 3, 2, 1}, {64, 16, 14, 3, 2, 1}, {64, 16, 14, 3, 1, 1}} {
		g, _ := newGeom(c.n, c.c, c.h, c.h, c.k, c.k, c.s, c.p)
		x := make([]float32, c.n*c.c*c.h*c.h)
		cols := make([]float32, g.K()*g.N*g.PO())
		var pad []float32
		b.Run(fmt.Sprintf("im2colPad_%+v", c), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				im2colPad(&g, x, cols, &pad)
			}
		})
	}
}

func im2colPad32(g *geom, x, cols []float32, pad *[]float32) {
	N, C, H, W := g.N, g.C, g.H, g.W
	KH, KW, S := g.KH, g.KW, g.S
	OH, OW := g.OH, g.OW
	P := OH * OW
	NP := N * P
	HW := H * W
	PW := W + 2*g.P // padded row length
	padded := padPlane(pad, H+2*g.P, PW)
	for n := 0; n < N; n++ {
		for c := 0; c < C; c++ {
			src := x[(n*C+c)*HW : (n*C+c+1)*HW]
			plane := src
			if g.P > 0 {
				for h := 0; h < H; h++ {
					copy(padded[(h+g.P)*PW+g.P:(h+g.P)*PW+g.P+W], src[h*W:h*W+W])
				}
				plane = padded
			}
			r := c * KH * KW
			for kh := 0; kh < KH; kh++ {
				for kw := 0; kw < KW; kw++ {
					dst := cols[r*NP+n*P : r*NP+n*P+P]
					r++
					base := kh*PW + kw
					for oh := 0; oh < OH; oh++ {
						o := dst[oh*OW : oh*OW+OW]
						switch S {
						case 1:
							copy(o, plane[base:base+OW])
						case 2:
							s := plane[base : base+2*OW-1]
							for j := range o {
								o[j] = s[2*j]
							}
						default:
							s := plane[base : base+S*(OW-1)+1]
							for j := range o {
								o[j] = s[j*S]
							}
						}
						base += S * PW
					}
				}
			}
		}
	}
}

func BenchmarkIm2colOld32(b *testing.B) {
	for _, c := range []struct{ n, c, h, k, s, p int }{{64, 1, 28, 3, 2, 1}, {64, 16, 14, 3, 2, 1}, {64, 16, 14, 3, 1, 1}} {
		g, _ := newGeom(c.n, c.c, c.h, c.h, c.k, c.k, c.s, c.p)
		x := make([]float32, c.n*c.c*c.h*c.h)
		cols := make([]float32, g.K()*g.N*g.PO())
		var pad []float32
		b.Run(fmt.Sprintf("im2colPad32_%+v", c), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				im2colPad32(&g, x, cols, &pad)
			}
		})
	}
}
