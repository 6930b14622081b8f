package ops

import "fmt"

// geom is the geometry of a 2-D convolution seen from the convolution's side:
// an "image" (N, C, H, W) is turned into an output grid (OH, OW) by a KH×KW
// kernel with a square stride, zero padding and dilation D (taps D pixels
// apart, so a 3×3 kernel of dilation 2 spans 5×5). ConvTranspose2d reuses it with
// the roles swapped (its output is the image, its input the grid).
type geom struct {
	N, C, H, W int
	KH, KW     int
	S, P, D    int
	OH, OW     int
	ph         phases // stride-phase layout used by im2col/col2im
}

func newGeom(n, c, h, w, kh, kw, stride, pad, dilation int) (geom, error) {
	g := geom{N: n, C: c, H: h, W: w, KH: kh, KW: kw, S: stride, P: pad, D: dilation}
	if stride < 1 || pad < 0 || kh < 1 || kw < 1 || dilation < 1 {
		return g, fmt.Errorf("ops: invalid stride %d, pad %d, dilation %d or kernel %dx%d", stride, pad, dilation, kh, kw)
	}
	span := func(k int) int { return (k-1)*dilation + 1 } // the kernel's extent in pixels
	g.OH = (h+2*pad-span(kh))/stride + 1
	g.OW = (w+2*pad-span(kw))/stride + 1
	if h+2*pad < span(kh) || w+2*pad < span(kw) || g.OH < 1 || g.OW < 1 {
		return g, fmt.Errorf("ops: kernel spanning %dx%d larger than padded input %dx%d", span(kh), span(kw), h+2*pad, w+2*pad)
	}
	g.ph = newPhases(&g)
	return g, nil
}

// K is the number of rows of the column matrix (one per channel and tap).
func (g *geom) K() int { return g.C * g.KH * g.KW }

// name describes the geometry in op names; dilation only when it is not 1.
func (g *geom) name() string {
	if g.D == 1 {
		return fmt.Sprintf("k%dx%d s%d p%d", g.KH, g.KW, g.S, g.P)
	}
	return fmt.Sprintf("k%dx%d s%d p%d d%d", g.KH, g.KW, g.S, g.P, g.D)
}

// tapBase is where tap (kh, kw) of output (0, 0) sits in the phase planes:
// padded pixel (kh·D, kw·D), in the sub-plane of its stride phase.
func (g *geom) tapBase(kh, kw int) int {
	h, w := kh*g.D, kw*g.D
	return ((h%g.S)*g.S+w%g.S)*g.ph.PS + (h/g.S)*g.ph.PWs + w/g.S
}

// PO is the number of output positions of one image.
func (g *geom) PO() int { return g.OH * g.OW }

// phases describes the stride-phase split of one zero-padded image plane:
// padded pixel (h, w) goes to sub-plane (h%S, w%S), at (h/S, w/S). In that
// layout every kernel tap reads a contiguous run of OW values per output row,
// whatever the stride, so the inner loops of im2col and col2im are contiguous
// copies/adds instead of strided gathers with padding tests.
type phases struct {
	S, PHs, PWs, PS int // stride, sub-plane rows, columns and size
	// For each first input column w0 = 0..S-1 (in that order): its column
	// phase q = (w0+P)%S, its column in the sub-plane, and how many input
	// columns w0, w0+S, ... there are. Precomputed: integer division is slow
	// in these short loops.
	w0, q, d0, cnt []int
}

func newPhases(g *geom) phases {
	ph := phases{S: g.S}
	ph.PHs = (g.H + 2*g.P + g.S - 1) / g.S
	ph.PWs = (g.W + 2*g.P + g.S - 1) / g.S
	ph.PS = ph.PHs * ph.PWs
	for w0 := 0; w0 < g.S && w0 < g.W; w0++ { // ordered by w0
		ph.w0 = append(ph.w0, w0)
		ph.q = append(ph.q, (w0+g.P)%g.S)
		ph.d0 = append(ph.d0, (w0+g.P)/g.S)
		ph.cnt = append(ph.cnt, (g.W-w0+g.S-1)/g.S)
	}
	return ph
}

// scatterPlane writes one H×W image plane into the sub-planes in buf. Only
// interior positions are written (always the same ones), so padding that was
// zero stays zero.
func scatterPlane[T float](g *geom, ph *phases, src, buf []T) {
	S, W := g.S, g.W
	a, hr := g.P%S, g.P/S // row phase and sub-plane row of padded row h+P
	for h := 0; h < g.H; h++ {
		row := src[h*W : h*W+W]
		if S == 2 && W >= 2 {
			// both column phases in one pass over the row
			base := a*2*ph.PS + hr*ph.PWs
			d0 := buf[base+ph.q[0]*ph.PS+ph.d0[0]:]
			d0 = d0[:ph.cnt[0]]
			d1 := buf[base+ph.q[1]*ph.PS+ph.d0[1]:]
			d1 = d1[:ph.cnt[1]]
			for j := range d1 { // cnt[1] = W/2, cnt[0] = (W+1)/2
				p := (*[2]T)(row[2*j:])
				d0[j] = p[0]
				d1[j] = p[1]
			}
			if len(d0) > len(d1) {
				d0[len(d1)] = row[W-1]
			}
			if a++; a == S {
				a, hr = 0, hr+1
			}
			continue
		}
		for qi, w0 := range ph.w0 {
			dst := buf[(a*S+ph.q[qi])*ph.PS+hr*ph.PWs+ph.d0[qi]:]
			dst = dst[:ph.cnt[qi]]
			switch S {
			case 1:
				copy(dst, row)
			case 2:
				r := row[w0 : w0+2*len(dst)-1]
				for j := range dst {
					dst[j] = r[2*j]
				}
			default:
				for j := range dst {
					dst[j] = row[w0+j*S]
				}
			}
		}
		if a++; a == S {
			a, hr = 0, hr+1
		}
	}
}

// gatherPlane is the inverse of scatterPlane: it copies the interior of the
// sub-planes in buf into the H×W plane dst.
func gatherPlane[T float](g *geom, ph *phases, buf, dst []T) {
	S, W := g.S, g.W
	a, hr := g.P%S, g.P/S
	for h := 0; h < g.H; h++ {
		row := dst[h*W : h*W+W]
		if S == 2 && W >= 2 {
			base := a*2*ph.PS + hr*ph.PWs
			s0 := buf[base+ph.q[0]*ph.PS+ph.d0[0]:]
			s0 = s0[:ph.cnt[0]]
			s1 := buf[base+ph.q[1]*ph.PS+ph.d0[1]:]
			s1 = s1[:ph.cnt[1]]
			for j := range s1 {
				p := (*[2]T)(row[2*j:])
				p[0] = s0[j]
				p[1] = s1[j]
			}
			if len(s0) > len(s1) {
				row[W-1] = s0[len(s1)]
			}
			if a++; a == S {
				a, hr = 0, hr+1
			}
			continue
		}
		for qi, w0 := range ph.w0 {
			src := buf[(a*S+ph.q[qi])*ph.PS+hr*ph.PWs+ph.d0[qi]:]
			src = src[:ph.cnt[qi]]
			switch S {
			case 1:
				copy(row, src)
			case 2:
				r := row[w0 : w0+2*len(src)-1]
				for j, v := range src {
					r[2*j] = v
				}
			default:
				for j, v := range src {
					row[w0+j*S] = v
				}
			}
		}
		if a++; a == S {
			a, hr = 0, hr+1
		}
	}
}

// im2col fills cols, a K × (N·PO) matrix: row (c,kh,kw), column n·PO+oh·OW+ow
// holds x[n, c, oh·S-P+kh·D, ow·S-P+kw·D] (0 in the padding). Putting the whole batch
// side by side makes one GEMM per layer instead of one per image.
//
// Speed notes: rows are short (7 values for a 14×14 input at stride 2), so the
// per-row work must be tiny. Each image plane is split into stride phases (see
// phases), kept in L1 while its KH·KW taps are written, and every tap is then a
// set of short contiguous copies with no padding tests.
// buf is the op's phase-plane scratch (see phaseBuf); nothing else may write
// it, since the padding border of the sub-planes is written only once.
func im2col[T float](g *geom, x, cols []T, buf *[]T) { im2colRows(g, x, cols, buf, 0, g.OH) }

// im2colRows is im2col for output rows oh0 to oh1 only: cols is then
// K × (N·(oh1-oh0)·OW). It bounds the column matrix of one large image.
func im2colRows[T float](g *geom, x, cols []T, buf *[]T, oh0, oh1 int) {
	ph := &g.ph
	pb := phaseBuf(buf, g.S*g.S*ph.PS)
	OH, OW := oh1-oh0, g.OW
	P := OH * OW
	NP := g.N * P
	HW := g.H * g.W
	for n := 0; n < g.N; n++ {
		for c := 0; c < g.C; c++ {
			scatterPlane(g, ph, x[(n*g.C+c)*HW:(n*g.C+c+1)*HW], pb)
			r := c * g.KH * g.KW
			for kh := 0; kh < g.KH; kh++ {
				for kw := 0; kw < g.KW; kw++ {
					o := cols[r*NP+n*P : r*NP+n*P+P]
					r++
					base := g.tapBase(kh, kw) + oh0*ph.PWs
					switch {
					case OW >= 4 && OW <= 8:
						// two overlapping 4-value block moves per row
						for oh := 0; oh < OH; oh++ {
							d := o[oh*OW : oh*OW+OW]
							s := pb[base : base+OW]
							*(*[4]T)(d) = *(*[4]T)(s)
							*(*[4]T)(d[OW-4:]) = *(*[4]T)(s[OW-4:])
							base += ph.PWs
						}
					default:
						for oh := 0; oh < OH; oh++ {
							copy(o[oh*OW:oh*OW+OW], pb[base:base+OW])
							base += ph.PWs
						}
					}
				}
			}
		}
	}
}

// col2im is the adjoint of im2col: it sets x (N, C, H, W) to the sum of every
// column entry at the pixel it was read from. Used for the input gradient of a
// convolution and for the forward pass of a transposed convolution. Mirror
// image of im2col: contiguous adds into the sub-planes of each image plane,
// then one copy of their interior into x.
func col2im[T float](g *geom, cols, x []T, buf *[]T) {
	ph := &g.ph
	pb := phaseBuf(buf, g.S*g.S*ph.PS)
	OH, OW := g.OH, g.OW
	P := OH * OW
	NP := g.N * P
	HW := g.H * g.W
	for n := 0; n < g.N; n++ {
		for c := 0; c < g.C; c++ {
			clear(pb)
			r := c * g.KH * g.KW
			for kh := 0; kh < g.KH; kh++ {
				for kw := 0; kw < g.KW; kw++ {
					in := cols[r*NP+n*P : r*NP+n*P+P]
					r++
					base := g.tapBase(kh, kw)
					for oh := 0; oh < OH; oh++ {
						s := in[oh*OW : oh*OW+OW]
						d := pb[base : base+len(s)]
						for j, v := range s {
							d[j] += v
						}
						base += ph.PWs
					}
				}
			}
			gatherPlane(g, ph, pb, x[(n*g.C+c)*HW:(n*g.C+c+1)*HW])
		}
	}
}

// phaseBuf returns the n-element phase-plane scratch. It is zeroed whenever
// its length changes, so its padding border starts at zero; im2col never
// writes the border and col2im clears the planes itself.
func phaseBuf[T float](buf *[]T, n int) []T {
	if len(*buf) != n {
		if cap(*buf) < n {
			*buf = make([]T, n)
		}
		*buf = (*buf)[:n]
		clear(*buf)
	}
	return *buf
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
