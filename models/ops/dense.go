package ops

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Linear is a fully connected layer with bias and fused activation:
// x (B, In), w (In, Out), b (1, Out) → act(x·w + b), shape (B, Out).
//
// Gorgonia's Mul + BroadcastAdd + Rectify take three nodes, three output
// allocations and a broadcast iterator; this is one GEMM with the bias written
// first and the activation applied in place. When x is a leaf (input data)
// no gradient is built for it, which saves the largest GEMM of the backward
// pass of a first layer.
func Linear(x, w, b *G.Node, act Activation) (*G.Node, error) {
	if err := act.validate(); err != nil {
		return nil, err
	}
	xs, ws := x.Shape(), w.Shape()
	if xs.Dims() != 2 || ws.Dims() != 2 || xs[1] != ws[0] {
		return nil, fmt.Errorf("ops: Linear wants x (B, In) and w (In, Out), got %v and %v", xs, ws)
	}
	if !b.Shape().Eq(tensor.Shape{1, ws[1]}) {
		return nil, fmt.Errorf("ops: Linear: bias shape %v, want (1, %d)", b.Shape(), ws[1])
	}
	op := &linearOp{
		base:    newBase(fmt.Sprintf("linear{%s}", act), tensor.Shape{xs[0], ws[1]}, xs, ws, tensor.Shape{1, ws[1]}),
		act:     act,
		xIsLeaf: x.Op() == nil,
	}
	return apply(op, x, w, b)
}

type linearOp struct {
	base
	act     Activation
	xIsLeaf bool // x is data: no gradient for it
}

func (op *linearOp) Do(in ...G.Value) (G.Value, error) { return op.run(op, nil, in) }
func (op *linearOp) UsePreallocDo(p G.Value, in ...G.Value) (G.Value, error) {
	return op.run(op, p, in)
}

func (op *linearOp) compute(dt tensor.Dtype, out *tensor.Dense, in [maxArity]*tensor.Dense) error {
	if dt == tensor.Float32 {
		linearForward[float32](op, in, out)
	} else {
		linearForward[float64](op, in, out)
	}
	return nil
}

func linearForward[T float](op *linearOp, in [maxArity]*tensor.Dense, out *tensor.Dense) {
	x, w, b, y := data[T](in[0]), data[T](in[1]), data[T](in[2]), data[T](out)
	rows, k, cols := op.ins[0][0], op.ins[0][1], op.outShape[1]
	for r := 0; r < rows; r++ {
		copy(y[r*cols:(r+1)*cols], b)
	}
	gemm(false, false, rows, cols, k, 1, x, k, w, cols, 1, y, cols)
	if op.act.kind != actNone {
		biasAct(op.act, y, y, 0)
	}
}

func (op *linearOp) DiffWRT(int) []bool { return []bool{!op.xIsLeaf, true, true} }

// SymDiff: dz = dy ⊙ act'(y); dx = dz·wᵀ, dw = xᵀ·dz, db = Σ_rows dz.
func (op *linearOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	x, w := inputs[0], inputs[1]
	dz := grad
	if op.act.kind != actNone {
		var err error
		if dz, err = apply(newActGradOp(op.act, op.outShape), output, grad); err != nil {
			return nil, err
		}
	}
	var dx *G.Node
	if !op.xIsLeaf {
		var err error
		if dx, err = apply(newMatMulOp(false, true, op.outShape, op.ins[1]), dz, w); err != nil {
			return nil, err
		}
	}
	dw, err := apply(newMatMulOp(true, false, op.ins[0], op.outShape), x, dz)
	if err != nil {
		return nil, err
	}
	db, err := apply(newColSumOp(op.outShape), dz)
	if err != nil {
		return nil, err
	}
	return G.Nodes{dx, dw, db}, nil
}

// actGradOp: (y, dy) → dy ⊙ act'(z), with the derivative read from y.
type actGradOp struct {
	base
	act Activation
}

func newActGradOp(act Activation, shape tensor.Shape) *actGradOp {
	return &actGradOp{base: newBase(fmt.Sprintf("actGrad{%s}", act), shape, shape, shape), act: act}
}

func (op *actGradOp) Do(in ...G.Value) (G.Value, error) { return op.run(op, nil, in) }
func (op *actGradOp) UsePreallocDo(p G.Value, in ...G.Value) (G.Value, error) {
	return op.run(op, p, in)
}

func (op *actGradOp) compute(dt tensor.Dtype, out *tensor.Dense, in [maxArity]*tensor.Dense) error {
	if dt == tensor.Float32 {
		actGrad(op.act, data[float32](out), data[float32](in[0]), data[float32](in[1]))
	} else {
		actGrad(op.act, data[float64](out), data[float64](in[0]), data[float64](in[1]))
	}
	return nil
}

func (op *actGradOp) DiffWRT(int) []bool { return []bool{false, false} }
func (op *actGradOp) SymDiff(G.Nodes, *G.Node, *G.Node) (G.Nodes, error) {
	return nil, fmt.Errorf("ops: %v has no second derivative", op)
}

// matMulOp: (A, B) → op(A)·op(B), op transposing when asked.
type matMulOp struct {
	base
	tA, tB  bool
	m, n, k int
}

func newMatMulOp(tA, tB bool, a, b tensor.Shape) *matMulOp {
	m, k := a[0], a[1]
	if tA {
		m, k = k, m
	}
	n := b[1]
	if tB {
		n = b[0]
	}
	return &matMulOp{
		base: newBase(fmt.Sprintf("matmul{tA=%v tB=%v}", tA, tB), tensor.Shape{m, n}, a, b),
		tA:   tA, tB: tB, m: m, n: n, k: k,
	}
}

func (op *matMulOp) Do(in ...G.Value) (G.Value, error) { return op.run(op, nil, in) }
func (op *matMulOp) UsePreallocDo(p G.Value, in ...G.Value) (G.Value, error) {
	return op.run(op, p, in)
}

func (op *matMulOp) compute(dt tensor.Dtype, out *tensor.Dense, in [maxArity]*tensor.Dense) error {
	lda, ldb := op.ins[0][1], op.ins[1][1]
	if dt == tensor.Float32 {
		gemm(op.tA, op.tB, op.m, op.n, op.k, 1, data[float32](in[0]), lda, data[float32](in[1]), ldb, 0, data[float32](out), op.n)
	} else {
		gemm(op.tA, op.tB, op.m, op.n, op.k, 1, data[float64](in[0]), lda, data[float64](in[1]), ldb, 0, data[float64](out), op.n)
	}
	return nil
}

func (op *matMulOp) DiffWRT(int) []bool { return []bool{false, false} }
func (op *matMulOp) SymDiff(G.Nodes, *G.Node, *G.Node) (G.Nodes, error) {
	return nil, fmt.Errorf("ops: %v has no second derivative", op)
}

// colSumOp: (B, N) → (1, N), the sum over rows (a bias gradient).
type colSumOp struct{ base }

func newColSumOp(shape tensor.Shape) *colSumOp {
	return &colSumOp{base: newBase("colsum", tensor.Shape{1, shape[1]}, shape)}
}

func (op *colSumOp) Do(in ...G.Value) (G.Value, error) { return op.run(op, nil, in) }
func (op *colSumOp) UsePreallocDo(p G.Value, in ...G.Value) (G.Value, error) {
	return op.run(op, p, in)
}

func (op *colSumOp) compute(dt tensor.Dtype, out *tensor.Dense, in [maxArity]*tensor.Dense) error {
	if dt == tensor.Float32 {
		colSum(data[float32](out), data[float32](in[0]))
	} else {
		colSum(data[float64](out), data[float64](in[0]))
	}
	return nil
}

func colSum[T float](dst, src []T) {
	clear(dst)
	n := len(dst)
	for r := 0; r+n <= len(src); r += n {
		row := src[r : r+n]
		for j, v := range row {
			dst[j] += v
		}
	}
}

func (op *colSumOp) DiffWRT(int) []bool { return []bool{false} }
func (op *colSumOp) SymDiff(G.Nodes, *G.Node, *G.Node) (G.Nodes, error) {
	return nil, fmt.Errorf("ops: %v has no second derivative", op)
}
