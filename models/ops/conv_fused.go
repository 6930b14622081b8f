package ops

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// fusedMinCols is the size (K × N·PO values) of the column matrix from which
// Conv2d switches to the fused op: a whole-batch column matrix that large
// (16 MB in float32, e.g. a stride-1 3×3 conv of 32 channels on a batch of
// 32 40×40 patches makes 59 MB) streams through memory several times per
// step, and the fused op instead works on chunks of images that stay in
// cache. A variable so that tests can force either path.
var fusedMinCols = 4 << 20

// fusedChunkCols bounds the column-matrix values of one chunk (4 MB in
// float32). A variable so that tests can force one image per chunk.
var fusedChunkCols = 1 << 20

// chunkImages is the number of images per chunk of the fused conv.
func (g *geom) chunkImages() int { return max(1, min(g.N, fusedChunkCols/(g.K()*g.PO()))) }

// chunk is the geometry of m images of g (the same per-image layout).
func (g geom) chunk(m int) geom {
	g.N = m
	return g
}

// convFusedOp: (x (N, C, H, W), w (Cout, C, KH, KW)[, b (1, Cout, 1, 1)]) →
// y (N, Cout, OH, OW) = act(conv(x, w) + b), computed chunk by chunk: the
// im2col of a few images (or of a band of output rows of one large image,
// as a photo tile is), one GEMM, bias and activation while the result is
// in cache. Its gradient ops redo the chunk's im2col rather than keep the
// whole column matrix.
type convFusedOp struct {
	base
	g       geom
	cout    int
	act     Activation
	hasBias bool
	xIsLeaf bool // x is data: no input gradient is built
	tmp     scratch
}

func newConvFusedOp(g geom, cout int, act Activation, hasBias, xIsLeaf bool) *convFusedOp {
	ins := []tensor.Shape{{g.N, g.C, g.H, g.W}, {cout, g.C, g.KH, g.KW}}
	if hasBias {
		ins = append(ins, tensor.Shape{1, cout, 1, 1})
	}
	return &convFusedOp{
		base: newBase(fmt.Sprintf("convFused{%s %s}", g.name(), act),
			tensor.Shape{g.N, cout, g.OH, g.OW}, ins...),
		g: g, cout: cout, act: act, hasBias: hasBias, xIsLeaf: xIsLeaf,
	}
}

func (op *convFusedOp) Do(in ...G.Value) (G.Value, error) { return op.run(op, nil, in) }
func (op *convFusedOp) UsePreallocDo(p G.Value, in ...G.Value) (G.Value, error) {
	return op.run(op, p, in)
}

func (op *convFusedOp) compute(dt tensor.Dtype, out *tensor.Dense, in [maxArity]*tensor.Dense) error {
	if dt == tensor.Float32 {
		convFusedForward[float32](op, in, out)
	} else {
		convFusedForward[float64](op, in, out)
	}
	return nil
}

func convFusedForward[T float](op *convFusedOp, in [maxArity]*tensor.Dense, out *tensor.Dense) {
	g := &op.g
	K, P, CHW := g.K(), g.PO(), g.C*g.H*g.W
	x, w, y := data[T](in[0]), data[T](in[1]), data[T](out)
	var bias []T
	if op.hasBias {
		bias = data[T](in[2])
	}
	nc := g.chunkImages()
	rows := g.OH // output rows per chunk: fewer when one image is over the budget
	if nc == 1 {
		rows = max(1, min(g.OH, fusedChunkCols/(K*g.OW)))
	}
	colsp, yp := bufs[T](&op.tmp)
	cols := grow(colsp, K*nc*rows*g.OW)
	res := grow(yp, op.cout*nc*rows*g.OW)
	for n0 := 0; n0 < g.N; n0 += nc {
		m := min(nc, g.N-n0)
		gc := g.chunk(m)
		for oh0 := 0; oh0 < g.OH; oh0 += rows {
			oh1 := min(g.OH, oh0+rows)
			lp := (oh1 - oh0) * g.OW // positions of one image in this chunk
			ld := m * lp
			im2colRows(&gc, x[n0*CHW:(n0+m)*CHW], cols[:K*ld], padBuf[T](&op.tmp), oh0, oh1)
			gemm(false, false, op.cout, ld, K, 1, w, K, cols, ld, 0, res, ld)
			for co := 0; co < op.cout; co++ {
				var bv T
				if bias != nil {
					bv = bias[co]
				}
				for i := 0; i < m; i++ {
					o := ((n0+i)*op.cout+co)*P + oh0*g.OW
					biasAct(op.act, y[o:o+lp], res[co*ld+i*lp:], bv)
				}
			}
		}
	}
}

func (op *convFusedOp) DiffWRT(n int) []bool {
	r := []bool{!op.xIsLeaf, true, true}
	return r[:n]
}

// SymDiff: dZ' = dy ⊙ act'(y) as (Cout, N·PO) (the bias gradient summed on
// the way), then per chunk dW += dZ'·colsᵀ and dx = col2im(Wᵀ·dZ').
func (op *convFusedOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	x, w := inputs[0], inputs[1]
	return convGrads(op.g, op.cout, op.act, op.hasBias, output, grad, func(dz *G.Node) (dx, dw *G.Node, err error) {
		if !op.xIsLeaf {
			if dx, err = apply(newConvFusedInputGradOp(op.g, op.cout), w, dz); err != nil {
				return nil, nil, err
			}
		}
		dw, err = apply(newConvFusedWeightGradOp(op.g, op.cout), dz, x)
		return dx, dw, err
	})
}

// convFusedWeightGradOp: (dZ' (Cout, N·PO), x (N, C, H, W)) → dW (Cout, C,
// KH, KW) = Σ over chunks of dZ'_chunk · cols_chunkᵀ.
type convFusedWeightGradOp struct {
	base
	g    geom
	cout int
	tmp  scratch
}

func newConvFusedWeightGradOp(g geom, cout int) *convFusedWeightGradOp {
	return &convFusedWeightGradOp{
		base: newBase(fmt.Sprintf("convFusedWeightGrad{%s}", g.name()),
			tensor.Shape{cout, g.C, g.KH, g.KW}, tensor.Shape{cout, g.N * g.PO()}, tensor.Shape{g.N, g.C, g.H, g.W}),
		g: g, cout: cout,
	}
}

func (op *convFusedWeightGradOp) Do(in ...G.Value) (G.Value, error) { return op.run(op, nil, in) }
func (op *convFusedWeightGradOp) UsePreallocDo(p G.Value, in ...G.Value) (G.Value, error) {
	return op.run(op, p, in)
}

func (op *convFusedWeightGradOp) compute(dt tensor.Dtype, out *tensor.Dense, in [maxArity]*tensor.Dense) error {
	if dt == tensor.Float32 {
		convFusedWeightGrad[float32](op, data[float32](in[0]), data[float32](in[1]), data[float32](out))
	} else {
		convFusedWeightGrad[float64](op, data[float64](in[0]), data[float64](in[1]), data[float64](out))
	}
	return nil
}

func convFusedWeightGrad[T float](op *convFusedWeightGradOp, dz, x, dw []T) {
	g := &op.g
	K, P, CHW := g.K(), g.PO(), g.C*g.H*g.W
	NP := g.N * P
	nc := g.chunkImages()
	colsp, _ := bufs[T](&op.tmp)
	cols := grow(colsp, K*nc*P)
	for n0 := 0; n0 < g.N; n0 += nc {
		m := min(nc, g.N-n0)
		gc := g.chunk(m)
		ld := m * P
		im2col(&gc, x[n0*CHW:(n0+m)*CHW], cols[:K*ld], padBuf[T](&op.tmp))
		var beta T
		if n0 > 0 {
			beta = 1
		}
		gemm(false, true, op.cout, K, ld, 1, dz[n0*P:], NP, cols, ld, beta, dw, K)
	}
}

func (op *convFusedWeightGradOp) DiffWRT(int) []bool { return []bool{false, false} }
func (op *convFusedWeightGradOp) SymDiff(G.Nodes, *G.Node, *G.Node) (G.Nodes, error) {
	return nil, fmt.Errorf("ops: %v has no second derivative", op)
}

// convFusedInputGradOp: (w (Cout, C, KH, KW), dZ' (Cout, N·PO)) → dx (N, C,
// H, W) = col2im(Wᵀ·dZ'), chunk by chunk.
type convFusedInputGradOp struct {
	base
	g    geom
	cout int
	tmp  scratch
}

func newConvFusedInputGradOp(g geom, cout int) *convFusedInputGradOp {
	return &convFusedInputGradOp{
		base: newBase(fmt.Sprintf("convFusedInputGrad{%s}", g.name()),
			tensor.Shape{g.N, g.C, g.H, g.W}, tensor.Shape{cout, g.C, g.KH, g.KW}, tensor.Shape{cout, g.N * g.PO()}),
		g: g, cout: cout,
	}
}

func (op *convFusedInputGradOp) Do(in ...G.Value) (G.Value, error) { return op.run(op, nil, in) }
func (op *convFusedInputGradOp) UsePreallocDo(p G.Value, in ...G.Value) (G.Value, error) {
	return op.run(op, p, in)
}

func (op *convFusedInputGradOp) compute(dt tensor.Dtype, out *tensor.Dense, in [maxArity]*tensor.Dense) error {
	if dt == tensor.Float32 {
		convFusedInputGrad[float32](op, data[float32](in[0]), data[float32](in[1]), data[float32](out))
	} else {
		convFusedInputGrad[float64](op, data[float64](in[0]), data[float64](in[1]), data[float64](out))
	}
	return nil
}

func convFusedInputGrad[T float](op *convFusedInputGradOp, w, dz, dx []T) {
	g := &op.g
	K, P, CHW := g.K(), g.PO(), g.C*g.H*g.W
	NP := g.N * P
	nc := g.chunkImages()
	colsp, _ := bufs[T](&op.tmp)
	cols := grow(colsp, K*nc*P)
	for n0 := 0; n0 < g.N; n0 += nc {
		m := min(nc, g.N-n0)
		gc := g.chunk(m)
		ld := m * P
		gemm(true, false, K, ld, op.cout, 1, w, K, dz[n0*P:], NP, 0, cols, ld)
		col2im(&gc, cols[:K*ld], dx[n0*CHW:(n0+m)*CHW], padBuf[T](&op.tmp))
	}
}

func (op *convFusedInputGradOp) DiffWRT(int) []bool { return []bool{false, false} }
func (op *convFusedInputGradOp) SymDiff(G.Nodes, *G.Node, *G.Node) (G.Nodes, error) {
	return nil, fmt.Errorf("ops: %v has no second derivative", op)
}
