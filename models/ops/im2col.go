package ops

import "fmt"

// geom is the geometry of a 2-D convolution seen from the convolution's side:
// an "image" (N, C, H, W) is turned into an output grid (OH, OW) by a KH×KW
// kernel with a square stride and zero padding. ConvTranspose2d reuses it with
// the roles swapped (its output is the image, its input the grid).
type geom struct {
	N, C, H, W int
	KH, KW     int
	S, P       int
	OH, OW     int
}

func newGeom(n, c, h, w, kh, kw, stride, pad int) (geom, error) {
	g := geom{N: n, C: c, H: h, W: w, KH: kh, KW: kw, S: stride, P: pad}
	if stride < 1 || pad < 0 || kh < 1 || kw < 1 {
		return g, fmt.Errorf("ops: invalid stride %d, pad %d or kernel %dx%d", stride, pad, kh, kw)
	}
	g.OH = (h+2*pad-kh)/stride + 1
	g.OW = (w+2*pad-kw)/stride + 1
	if h+2*pad < kh || w+2*pad < kw || g.OH < 1 || g.OW < 1 {
		return g, fmt.Errorf("ops: kernel %dx%d larger than padded input %dx%d", kh, kw, h+2*pad, w+2*pad)
	}
	return g, nil
}

// K is the number of rows of the column matrix (one per channel and tap).
func (g *geom) K() int { return g.C * g.KH * g.KW }

// P is the number of output positions of one image.
func (g *geom) PO() int { return g.OH * g.OW }

// im2col fills cols, a K × (N·PO) matrix: row (c,kh,kw), column n·PO+oh·OW+ow
// holds x[n, c, oh·S-P+kh, ow·S-P+kw] (0 in the padding). Putting the whole batch
// side by side makes one GEMM per layer instead of one per image.
//
// Speed notes: rows are short (7 values for a 14×14 input at stride 2), so the
// per-row work must be tiny. Each input plane is first copied into a zero-
// bordered plane (pad, whose border is never written, so it stays zero), after
// which every tap is a plain strided copy with no padding tests. Images are the
// outer loop so that the plane stays in L1 while its KH·KW rows are written.
func im2col[T float](g *geom, x, cols []T, pad *[]T) {
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
			plane := src // rows of length PW == W when there is no padding
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

// col2im is the adjoint of im2col: it sets x (N, C, H, W) to the sum of every
// column entry at the pixel it was read from. Used for the input gradient of a
// convolution and for the forward pass of a transposed convolution. It
// accumulates into the zero-bordered plane and copies the interior out, the
// mirror image of im2col; the border is re-zeroed after each plane.
func col2im[T float](g *geom, cols, x []T, pad *[]T) {
	N, C, H, W := g.N, g.C, g.H, g.W
	KH, KW, S := g.KH, g.KW, g.S
	OH, OW := g.OH, g.OW
	P := OH * OW
	NP := N * P
	HW := H * W
	PW := W + 2*g.P
	PH := H + 2*g.P
	padded := padPlane(pad, PH, PW)
	for n := 0; n < N; n++ {
		for c := 0; c < C; c++ {
			dst := x[(n*C+c)*HW : (n*C+c+1)*HW]
			acc := padded // without padding, accumulate in place
			if g.P == 0 {
				acc = dst
			}
			clear(acc)
			r := c * KH * KW
			for kh := 0; kh < KH; kh++ {
				for kw := 0; kw < KW; kw++ {
					src := cols[r*NP+n*P : r*NP+n*P+P]
					r++
					base := kh*PW + kw
					for oh := 0; oh < OH; oh++ {
						s := src[oh*OW : oh*OW+OW]
						switch S {
						case 1:
							d := acc[base : base+OW]
							for j, v := range s {
								d[j] += v
							}
						case 2:
							d := acc[base : base+2*OW-1]
							for j, v := range s {
								d[2*j] += v
							}
						default:
							d := acc[base : base+S*(OW-1)+1]
							for j, v := range s {
								d[j*S] += v
							}
						}
						base += S * PW
					}
				}
			}
			if g.P > 0 {
				for h := 0; h < H; h++ {
					copy(dst[h*W:h*W+W], padded[(h+g.P)*PW+g.P:(h+g.P)*PW+g.P+W])
				}
			}
		}
	}
}

// padPlane returns a PH×PW scratch plane. It is zeroed when (re)allocated;
// im2col only writes its interior, so its border stays zero.
func padPlane[T float](pad *[]T, ph, pw int) []T {
	n := ph * pw
	if cap(*pad) < n {
		*pad = make([]T, n)
	}
	*pad = (*pad)[:n]
	return *pad
}

// swapOuter copies src viewed as (A, B, L) into dst viewed as (B, A, L): it
// swaps the batch and channel axes of an activation, moving runs of L values.
func swapOuter[T float](src, dst []T, a, b, l int) {
	for i := 0; i < a; i++ {
		for j := 0; j < b; j++ {
			copy(dst[(j*a+i)*l:(j*a+i+1)*l], src[(i*b+j)*l:(i*b+j+1)*l])
		}
	}
}
