package ops

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// ConvTranspose2d is a transposed convolution with PyTorch semantics, bias and
// fused activation: x (N, Cin, H, W), w (Cin, Cout, KH, KW), b (1, Cout, 1, 1)
// or nil, output (N, Cout, Ho, Wo) with Ho = (H-1)·stride - 2·pad + KH +
// outputPadding (0 ≤ outputPadding < stride).
//
// It is the adjoint of a convolution whose image is the output: the forward
// pass is one GEMM (Wᵀ·x for the whole batch) followed by col2im, and the
// input gradient is im2col followed by one GEMM.
func ConvTranspose2d(x, w, b *G.Node, stride, pad, outputPadding int, act Activation) (*G.Node, error) {
	if err := act.validate(); err != nil {
		return nil, err
	}
	xs, ws := x.Shape(), w.Shape()
	if xs.Dims() != 4 || ws.Dims() != 4 {
		return nil, fmt.Errorf("ops: ConvTranspose2d wants 4-D x and w, got %v and %v", xs, ws)
	}
	if xs[1] != ws[0] {
		return nil, fmt.Errorf("ops: ConvTranspose2d: x has %d channels, w (Cin, Cout, KH, KW) expects %d", xs[1], ws[0])
	}
	if stride < 1 || outputPadding < 0 || outputPadding >= stride {
		return nil, fmt.Errorf("ops: ConvTranspose2d: need stride ≥ 1 and 0 ≤ outputPadding < stride, got %d, %d", stride, outputPadding)
	}
	n, cin, h, wd := xs[0], xs[1], xs[2], xs[3]
	cout, kh, kw := ws[1], ws[2], ws[3]
	ho := (h-1)*stride - 2*pad + kh + outputPadding
	wo := (wd-1)*stride - 2*pad + kw + outputPadding
	if ho < 1 || wo < 1 {
		return nil, fmt.Errorf("ops: ConvTranspose2d: output would be %dx%d", ho, wo)
	}
	g, err := newGeom(n, cout, ho, wo, kh, kw, stride, pad, 1)
	if err != nil {
		return nil, err
	}
	if g.OH != h || g.OW != wd {
		return nil, fmt.Errorf("ops: ConvTranspose2d: inconsistent geometry %+v for input %v", g, xs)
	}
	if b != nil && !b.Shape().Eq(tensor.Shape{1, cout, 1, 1}) {
		return nil, fmt.Errorf("ops: ConvTranspose2d: bias shape %v, want (1, %d, 1, 1)", b.Shape(), cout)
	}
	op := newConvTOp(g, cin, outputPadding, act, b != nil)
	if b == nil {
		return apply(op, x, w)
	}
	return apply(op, x, w, b)
}

// convTOp: (x (N, Cin, H, W), w (Cin, Cout, KH, KW)[, b]) → y (N, Cout, Ho, Wo).
// g describes the adjoint convolution: its image is y, its output grid is x.
type convTOp struct {
	base
	g       geom
	cin     int
	act     Activation
	hasBias bool
	tmp     scratch
}

func newConvTOp(g geom, cin, outputPadding int, act Activation, hasBias bool) *convTOp {
	ins := []tensor.Shape{{g.N, cin, g.OH, g.OW}, {cin, g.C, g.KH, g.KW}}
	if hasBias {
		ins = append(ins, tensor.Shape{1, g.C, 1, 1})
	}
	return &convTOp{
		base: newBase(fmt.Sprintf("convTranspose{s%d p%d op%d %s}", g.S, g.P, outputPadding, act),
			tensor.Shape{g.N, g.C, g.H, g.W}, ins...),
		g: g, cin: cin, act: act, hasBias: hasBias,
	}
}

func (op *convTOp) Do(in ...G.Value) (G.Value, error) { return op.run(op, nil, in) }
func (op *convTOp) UsePreallocDo(p G.Value, in ...G.Value) (G.Value, error) {
	return op.run(op, p, in)
}

func (op *convTOp) compute(dt tensor.Dtype, out *tensor.Dense, in [maxArity]*tensor.Dense) error {
	if dt == tensor.Float32 {
		convTForward[float32](op, in, out)
	} else {
		convTForward[float64](op, in, out)
	}
	return nil
}

func convTForward[T float](op *convTOp, in [maxArity]*tensor.Dense, out *tensor.Dense) {
	g := &op.g
	K, P := g.K(), g.PO()
	NP := g.N * P
	x, w, y := data[T](in[0]), data[T](in[1]), data[T](out)
	xpp, colp := bufs[T](&op.tmp)
	pad := padBuf[T](&op.tmp)
	xp := grow(xpp, op.cin*NP)
	cols := grow(colp, K*NP)
	swapOuter(x, xp, g.N, op.cin, P)
	gemm(true, false, K, NP, op.cin, 1, w, K, xp, NP, 0, cols, NP)
	col2im(g, cols, y, pad)
	HW := g.H * g.W
	for n := 0; n < g.N; n++ {
		for co := 0; co < g.C; co++ {
			var bv T
			if op.hasBias {
				bv = data[T](in[2])[co]
			}
			plane := y[(n*g.C+co)*HW : (n*g.C+co+1)*HW]
			biasAct(op.act, plane, plane, bv)
		}
	}
}

func (op *convTOp) DiffWRT(n int) []bool {
	r := make([]bool, n)
	for i := range r {
		r[i] = true
	}
	return r
}

// SymDiff: dcols = im2col(dy ⊙ act'(y)); dx = W·dcols, dW = x·dcolsᵀ, db = Σ dy ⊙ act'(y)
// (summed while the product is computed).
func (op *convTOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	x, w := inputs[0], inputs[1]
	dc, err := apply(newConvTOutGradOp(op.g, op.act), output, grad)
	if err != nil {
		return nil, err
	}
	dcOp := dc.Op().(*convTOutGradOp) // see convGemmOp.SymDiff
	dx, err := apply(newConvTInputGradOp(op.g, op.cin), w, dc)
	if err != nil {
		return nil, err
	}
	dw, err := apply(newConvTWeightGradOp(op.g, op.cin), x, dc)
	if err != nil {
		return nil, err
	}
	if !op.hasBias {
		return G.Nodes{dx, dw}, nil
	}
	db, err := apply(newBiasSumOp(&dcOp.sums, op.g.C, dc.Shape()), dc)
	if err != nil {
		return nil, err
	}
	return G.Nodes{dx, dw, db}, nil
}

// convTOutGradOp: (y, dy) (N, Cout, Ho, Wo) → im2col(dy ⊙ act'(y)) (K, N·P).
type convTOutGradOp struct {
	base
	g    geom
	act  Activation
	tmp  scratch
	sums chanSums // Σ dy ⊙ act'(y) per channel, for the bias gradient
}

func newConvTOutGradOp(g geom, act Activation) *convTOutGradOp {
	ys := tensor.Shape{g.N, g.C, g.H, g.W}
	return &convTOutGradOp{
		base: newBase(fmt.Sprintf("convTOutGrad{%s %s}", g.name(), act),
			tensor.Shape{g.K(), g.N * g.PO()}, ys, ys),
		g: g, act: act,
	}
}

func (op *convTOutGradOp) Do(in ...G.Value) (G.Value, error) { return op.run(op, nil, in) }
func (op *convTOutGradOp) UsePreallocDo(p G.Value, in ...G.Value) (G.Value, error) {
	return op.run(op, p, in)
}

func (op *convTOutGradOp) compute(dt tensor.Dtype, out *tensor.Dense, in [maxArity]*tensor.Dense) error {
	if dt == tensor.Float32 {
		convTOutGrad[float32](op, data[float32](in[0]), data[float32](in[1]), data[float32](out))
	} else {
		convTOutGrad[float64](op, data[float64](in[0]), data[float64](in[1]), data[float64](out))
	}
	return nil
}

func convTOutGrad[T float](op *convTOutGradOp, y, dy, dcols []T) {
	dz := dy
	if op.act.kind != actNone {
		p, _ := bufs[T](&op.tmp)
		dz = grow(p, len(dy))
	}
	C, HW := op.g.C, op.g.H*op.g.W
	sums := op.sums.reset(C)
	for n := 0; n < op.g.N; n++ {
		for c := 0; c < C; c++ {
			o := (n*C + c) * HW
			d := dz[o : o+HW]
			if op.act.kind != actNone {
				actGrad(op.act, d, y[o:o+HW], dy[o:o+HW])
			}
			sums[c] += sumRun(d) // d is still in L1
		}
	}
	pad := padBuf[T](&op.tmp)
	im2col(&op.g, dz, dcols, pad)
}

// convTInputGradOp: (w (Cin, Cout, KH, KW), dcols (K, N·P)) → dx (N, Cin, H, W)
// = W·dcols, computed as (Cin, N·P) and swapped back to NCHW.
type convTInputGradOp struct {
	base
	g   geom
	cin int
	tmp scratch
}

func newConvTInputGradOp(g geom, cin int) *convTInputGradOp {
	return &convTInputGradOp{
		base: newBase("convTInputGrad", tensor.Shape{g.N, cin, g.OH, g.OW},
			tensor.Shape{cin, g.C, g.KH, g.KW}, tensor.Shape{g.K(), g.N * g.PO()}),
		g: g, cin: cin,
	}
}

func (op *convTInputGradOp) Do(in ...G.Value) (G.Value, error) { return op.run(op, nil, in) }
func (op *convTInputGradOp) UsePreallocDo(p G.Value, in ...G.Value) (G.Value, error) {
	return op.run(op, p, in)
}

func (op *convTInputGradOp) compute(dt tensor.Dtype, out *tensor.Dense, in [maxArity]*tensor.Dense) error {
	if dt == tensor.Float32 {
		convTInputGrad[float32](op, data[float32](in[0]), data[float32](in[1]), data[float32](out))
	} else {
		convTInputGrad[float64](op, data[float64](in[0]), data[float64](in[1]), data[float64](out))
	}
	return nil
}

func convTInputGrad[T float](op *convTInputGradOp, w, dcols, dx []T) {
	K, P := op.g.K(), op.g.PO()
	NP := op.g.N * P
	p, _ := bufs[T](&op.tmp)
	dxp := grow(p, op.cin*NP)
	gemm(false, false, op.cin, NP, K, 1, w, K, dcols, NP, 0, dxp, NP)
	swapOuter(dxp, dx, op.cin, op.g.N, P)
}

// convTWeightGradOp: (x (N, Cin, H, W), dcols (K, N·P)) → dW (Cin, Cout, KH, KW)
// = x'·dcolsᵀ with x' the (Cin, N·P) layout of x; the GEMM sums over the batch.
type convTWeightGradOp struct {
	base
	g   geom
	cin int
	tmp scratch
}

func newConvTWeightGradOp(g geom, cin int) *convTWeightGradOp {
	return &convTWeightGradOp{
		base: newBase("convTWeightGrad", tensor.Shape{cin, g.C, g.KH, g.KW},
			tensor.Shape{g.N, cin, g.OH, g.OW}, tensor.Shape{g.K(), g.N * g.PO()}),
		g: g, cin: cin,
	}
}

func (op *convTWeightGradOp) Do(in ...G.Value) (G.Value, error) { return op.run(op, nil, in) }
func (op *convTWeightGradOp) UsePreallocDo(p G.Value, in ...G.Value) (G.Value, error) {
	return op.run(op, p, in)
}

func (op *convTWeightGradOp) compute(dt tensor.Dtype, out *tensor.Dense, in [maxArity]*tensor.Dense) error {
	if dt == tensor.Float32 {
		convTWeightGrad[float32](op, data[float32](in[0]), data[float32](in[1]), data[float32](out))
	} else {
		convTWeightGrad[float64](op, data[float64](in[0]), data[float64](in[1]), data[float64](out))
	}
	return nil
}

func convTWeightGrad[T float](op *convTWeightGradOp, x, dcols, dw []T) {
	K, P := op.g.K(), op.g.PO()
	NP := op.g.N * P
	p, _ := bufs[T](&op.tmp)
	xp := grow(p, op.cin*NP)
	swapOuter(x, xp, op.g.N, op.cin, P)
	gemm(false, true, op.cin, K, NP, 1, xp, NP, dcols, NP, 0, dw, K)
}
