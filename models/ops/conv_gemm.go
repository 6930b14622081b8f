package ops

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// convGemmOp: (cols (K, N·PO), w (Cout, C, KH, KW)[, b (1, Cout, 1, 1)]) →
// y (N, Cout, OH, OW) = act(W·cols + b).
//
// A GEMM per chunk of images writes Y' (Cout, chunk·PO) into scratch; one pass
// then moves each run of PO values to its NCHW place while adding the bias and
// applying the activation, so the layout change costs no extra pass.
type convGemmOp struct {
	base
	g       geom
	cout    int
	act     Activation
	hasBias bool
	tmp     scratch
}

func newConvGemmOp(g geom, cout int, act Activation, hasBias bool) *convGemmOp {
	ins := []tensor.Shape{{g.K(), g.N * g.PO()}, {cout, g.C, g.KH, g.KW}}
	if hasBias {
		ins = append(ins, tensor.Shape{1, cout, 1, 1})
	}
	return &convGemmOp{
		base:    newBase(fmt.Sprintf("convGemm{%s}", act), tensor.Shape{g.N, cout, g.OH, g.OW}, ins...),
		g:       g,
		cout:    cout,
		act:     act,
		hasBias: hasBias,
	}
}

func (op *convGemmOp) Do(in ...G.Value) (G.Value, error) { return op.run(op, nil, in) }
func (op *convGemmOp) UsePreallocDo(p G.Value, in ...G.Value) (G.Value, error) {
	return op.run(op, p, in)
}

func (op *convGemmOp) compute(dt tensor.Dtype, out *tensor.Dense, in [maxArity]*tensor.Dense) error {
	if dt == tensor.Float32 {
		convGemmForward[float32](op, in, out)
	} else {
		convGemmForward[float64](op, in, out)
	}
	return nil
}

func convGemmForward[T float](op *convGemmOp, in [maxArity]*tensor.Dense, out *tensor.Dense) {
	g := &op.g
	K, P := g.K(), g.PO()
	NP := g.N * P
	cols, w, y := data[T](in[0]), data[T](in[1]), data[T](out)
	var bias []T
	if op.hasBias {
		bias = data[T](in[2])
	}
	// Images are done in chunks of about fwdChunkCols GEMM columns, so that the
	// GEMM result is still in cache when it is moved to NCHW with bias and
	// activation.
	nc := max(1, min(g.N, fwdChunkCols/P))
	tmpp, _ := bufs[T](&op.tmp)
	yp := grow(tmpp, op.cout*nc*P)
	for n0 := 0; n0 < g.N; n0 += nc {
		m := min(nc, g.N-n0)
		ld := m * P
		gemm(false, false, op.cout, ld, K, 1, w, K, cols[n0*P:], NP, 0, yp, ld)
		for co := 0; co < op.cout; co++ {
			var bv T
			if bias != nil {
				bv = bias[co]
			}
			for i := 0; i < m; i++ {
				o := ((n0+i)*op.cout + co) * P
				biasAct(op.act, y[o:o+P], yp[co*ld+i*P:], bv)
			}
		}
	}
}

// fwdChunkCols is the number of GEMM columns (output pixels) per chunk of the
// conv forward pass: Cout×1024 floats stay in L2.
const fwdChunkCols = 1024

func (op *convGemmOp) DiffWRT(n int) []bool {
	r := make([]bool, n)
	for i := range r {
		r[i] = true
	}
	return r
}

// SymDiff: dZ' = (dy ⊙ act'(y)) laid out as (Cout, N·PO); then
// dcols = Wᵀ·dZ', dW = dZ'·colsᵀ, db = Σ dZ' (summed while dZ' is written).
func (op *convGemmOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	cols, w := inputs[0], inputs[1]
	return convGrads(op.g, op.cout, op.act, op.hasBias, output, grad, func(dz *G.Node) (dcols, dw *G.Node, err error) {
		if dcols, err = apply(newConvColsGradOp(op.g, op.cout), w, dz); err != nil {
			return nil, nil, err
		}
		dw, err = apply(newConvWeightGradOp(op.g, op.cout), dz, cols)
		return dcols, dw, err
	})
}

// convGrads is the gradient of a convolution op with fused bias and
// activation: dZ' = dy ⊙ act'(y) laid out as (Cout, N·PO), then the input
// and weight gradients that inputAndWeight builds from it, then (with a
// bias) db = Σ dZ', whose sums the dZ' op collected while writing it.
func convGrads(g geom, cout int, act Activation, hasBias bool, output, grad *G.Node,
	inputAndWeight func(dz *G.Node) (dx, dw *G.Node, err error)) (G.Nodes, error) {
	dz, err := apply(newConvOutGradOp(g, cout, act), output, grad)
	if err != nil {
		return nil, err
	}
	// The node's op, not the one just made: Gorgonia may return an existing
	// identical node, and the bias op must read the sums of the op that runs.
	dzOp := dz.Op().(*convOutGradOp)
	dx, dw, err := inputAndWeight(dz)
	if err != nil {
		return nil, err
	}
	if !hasBias {
		return G.Nodes{dx, dw}, nil
	}
	db, err := apply(newBiasSumOp(&dzOp.sums, cout, dz.Shape()), dz)
	if err != nil {
		return nil, err
	}
	return G.Nodes{dx, dw, db}, nil
}

// convOutGradOp: (y, dy) (N, Cout, OH, OW) → dZ' (Cout, N·PO) = dy ⊙ act'(y),
// transposed to the channel-major layout of the GEMMs.
type convOutGradOp struct {
	base
	g    geom
	cout int
	act  Activation
	sums chanSums // Σ dZ' per channel, for the bias gradient
}

func newConvOutGradOp(g geom, cout int, act Activation) *convOutGradOp {
	ys := tensor.Shape{g.N, cout, g.OH, g.OW}
	return &convOutGradOp{
		base: newBase(fmt.Sprintf("convOutGrad{%s}", act), tensor.Shape{cout, g.N * g.PO()}, ys, ys),
		g:    g, cout: cout, act: act,
	}
}

func (op *convOutGradOp) Do(in ...G.Value) (G.Value, error) { return op.run(op, nil, in) }
func (op *convOutGradOp) UsePreallocDo(p G.Value, in ...G.Value) (G.Value, error) {
	return op.run(op, p, in)
}

func (op *convOutGradOp) compute(dt tensor.Dtype, out *tensor.Dense, in [maxArity]*tensor.Dense) error {
	if dt == tensor.Float32 {
		convOutGrad[float32](op, data[float32](in[0]), data[float32](in[1]), data[float32](out))
	} else {
		convOutGrad[float64](op, data[float64](in[0]), data[float64](in[1]), data[float64](out))
	}
	return nil
}

func convOutGrad[T float](op *convOutGradOp, y, dy, dz []T) {
	P := op.g.PO()
	NP := op.g.N * P
	sums := op.sums.reset(op.cout)
	for n := 0; n < op.g.N; n++ {
		for co := 0; co < op.cout; co++ {
			src := (n*op.cout + co) * P
			d := dz[co*NP+n*P : co*NP+n*P+P]
			actGrad(op.act, d, y[src:src+P], dy[src:src+P])
			sums[co] += sumRun(d) // d is still in L1
		}
	}
}

// convColsGradOp: (w (Cout, C, KH, KW), dZ' (Cout, N·PO)) → dcols = Wᵀ·dZ' (K, N·PO).
type convColsGradOp struct {
	base
	g    geom
	cout int
}

func newConvColsGradOp(g geom, cout int) *convColsGradOp {
	return &convColsGradOp{
		base: newBase("convColsGrad", tensor.Shape{g.K(), g.N * g.PO()},
			tensor.Shape{cout, g.C, g.KH, g.KW}, tensor.Shape{cout, g.N * g.PO()}),
		g: g, cout: cout,
	}
}

func (op *convColsGradOp) Do(in ...G.Value) (G.Value, error) { return op.run(op, nil, in) }
func (op *convColsGradOp) UsePreallocDo(p G.Value, in ...G.Value) (G.Value, error) {
	return op.run(op, p, in)
}

func (op *convColsGradOp) compute(dt tensor.Dtype, out *tensor.Dense, in [maxArity]*tensor.Dense) error {
	K, NP := op.g.K(), op.g.N*op.g.PO()
	if dt == tensor.Float32 {
		gemm(true, false, K, NP, op.cout, 1, data[float32](in[0]), K, data[float32](in[1]), NP, 0, data[float32](out), NP)
	} else {
		gemm(true, false, K, NP, op.cout, 1, data[float64](in[0]), K, data[float64](in[1]), NP, 0, data[float64](out), NP)
	}
	return nil
}

// convWeightGradOp: (dZ' (Cout, N·PO), cols (K, N·PO)) → dW = dZ'·colsᵀ,
// shaped (Cout, C, KH, KW). The sum over the batch happens inside the GEMM.
type convWeightGradOp struct {
	base
	g    geom
	cout int
}

func newConvWeightGradOp(g geom, cout int) *convWeightGradOp {
	return &convWeightGradOp{
		base: newBase("convWeightGrad", tensor.Shape{cout, g.C, g.KH, g.KW},
			tensor.Shape{cout, g.N * g.PO()}, tensor.Shape{g.K(), g.N * g.PO()}),
		g: g, cout: cout,
	}
}

func (op *convWeightGradOp) Do(in ...G.Value) (G.Value, error) { return op.run(op, nil, in) }
func (op *convWeightGradOp) UsePreallocDo(p G.Value, in ...G.Value) (G.Value, error) {
	return op.run(op, p, in)
}

func (op *convWeightGradOp) compute(dt tensor.Dtype, out *tensor.Dense, in [maxArity]*tensor.Dense) error {
	K, NP := op.g.K(), op.g.N*op.g.PO()
	if dt == tensor.Float32 {
		gemm(false, true, op.cout, K, NP, 1, data[float32](in[0]), NP, data[float32](in[1]), NP, 0, data[float32](out), K)
	} else {
		gemm(false, true, op.cout, K, NP, 1, data[float64](in[0]), NP, data[float64](in[1]), NP, 0, data[float64](out), K)
	}
	return nil
}
