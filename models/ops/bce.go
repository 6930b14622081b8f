package ops

import (
	"fmt"
	"github.com/chewxy/hm"
	"math"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"latentstudio/models/kernels"
)

// BCEWithLogits is the mean binary cross-entropy between sigmoid(logits)
// and targets in [0,1], in the stable form max(l,0) - l·y + log(1+e^-|l|).
// Both inputs have the same shape; the result is a scalar. The targets get
// no gradient.
//
// Gorgonia's own pieces (Softplus, HadamardProd, Sub, and Sigmoid in the
// backward pass) take five nodes and evaluate exp and log in float64 twice;
// this op computes each element's loss and its sigmoid in one pass and keeps
// the sigmoid for the backward pass.
func BCEWithLogits(logits, target *G.Node) (*G.Node, error) {
	s := logits.Shape()
	if !s.Eq(target.Shape()) {
		return nil, fmt.Errorf("ops: BCEWithLogits: logits %v and targets %v differ in shape", s, target.Shape())
	}
	return apply(&bceOp{base: newBase("bceWithLogits", tensor.ScalarShape(), s, s)}, logits, target)
}

// bceOp: (l, y) → the mean loss, a scalar. Reducing inside the op spares
// Gorgonia's Mean, whose backward pass broadcasts the scalar gradient into a
// full-size tensor.
type bceOp struct {
	base
	sig scratch // sigmoid(l) from the last forward run, read by bceGradOp
}

// Type is (Tensor a, Tensor a) → a: Gorgonia's Grad needs a scalar type.
func (op *bceOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	t := G.TensorType{Dims: op.ins[0].Dims(), Of: a}
	return hm.NewFnType(t, t, a)
}

func (op *bceOp) Do(in ...G.Value) (G.Value, error) { return op.run(op, nil, in) }
func (op *bceOp) UsePreallocDo(p G.Value, in ...G.Value) (G.Value, error) {
	return op.run(op, p, in)
}

func (op *bceOp) compute(dt tensor.Dtype, out *tensor.Dense, in [maxArity]*tensor.Dense) error {
	if dt == tensor.Float32 {
		s, _ := bufs[float32](&op.sig)
		l := data[float32](in[0])
		out.Set(0, float32(kernels.BCELogits(grow(s, len(l)), l, data[float32](in[1]))))
	} else {
		s, _ := bufs[float64](&op.sig)
		l := data[float64](in[0])
		out.Set(0, bceForward(grow(s, len(l)), l, data[float64](in[1])))
	}
	return nil
}

// bceForward returns the mean loss and writes sigmoid(l) into sig (float64
// graphs, as in gradient checks; float32 goes to the vectorised kernel).
func bceForward[T float](sig, l, y []T) float64 {
	y, sig = y[:len(l)], sig[:len(l)]
	var sum float64
	for i, v := range l {
		x := float64(v)
		e := math.Exp(-math.Abs(x)) // in (0,1]: never overflows
		sum += max(x, 0) - x*float64(y[i]) + math.Log1p(e)
		if x >= 0 {
			sig[i] = T(1 / (1 + e))
		} else {
			sig[i] = T(e / (1 + e))
		}
	}
	return sum / float64(len(l))
}

func (op *bceOp) DiffWRT(int) []bool { return []bool{true, false} }

// SymDiff: d loss_i / d l_i = sigmoid(l_i) - y_i.
func (op *bceOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	gop := &bceGradOp{base: newBase("bceWithLogitsGrad", op.ins[0], op.ins[0], op.ins[1]), fwd: op}
	dl, err := apply(gop, inputs[0], inputs[1], grad)
	if err != nil {
		return nil, err
	}
	return G.Nodes{dl, nil}, nil
}

// bceGradOp: (l, y, dloss) → (sigmoid(l) - y)·dloss/N, reading the sigmoid
// its forward op kept. l is an input only to order it after the forward op;
// dloss is a scalar, so the op takes it apart from the two tensors.
type bceGradOp struct {
	base // over (l, y) only
	fwd  *bceOp
	g    float64 // the scalar gradient of the current call
}

func (op *bceGradOp) Arity() int { return 3 }

func (op *bceGradOp) Type() hm.Type {
	a := hm.TypeVariable('a')
	t := G.TensorType{Dims: op.ins[0].Dims(), Of: a}
	return hm.NewFnType(t, t, a, t)
}

func (op *bceGradOp) InferShape(ds ...G.DimSizer) (tensor.Shape, error) {
	if len(ds) != 3 {
		return nil, fmt.Errorf("ops: %v: got %d input shapes, want 3", op, len(ds))
	}
	return op.base.InferShape(ds[:2]...)
}

func (op *bceGradOp) Do(in ...G.Value) (G.Value, error) { return op.do(nil, in) }
func (op *bceGradOp) UsePreallocDo(p G.Value, in ...G.Value) (G.Value, error) {
	return op.do(p, in)
}

func (op *bceGradOp) do(p G.Value, in []G.Value) (G.Value, error) {
	if len(in) != 3 {
		return nil, fmt.Errorf("ops: %v: got %d inputs, want 3", op, len(in))
	}
	switch g := in[2].Data().(type) {
	case float32:
		op.g = float64(g)
	case float64:
		op.g = g
	default:
		return nil, fmt.Errorf("ops: %v: the gradient is %T, want a scalar", op, in[2].Data())
	}
	return op.run(op, p, in[:2])
}

func (op *bceGradOp) compute(dt tensor.Dtype, out *tensor.Dense, in [maxArity]*tensor.Dense) error {
	if dt == tensor.Float32 {
		s, _ := bufs[float32](&op.fwd.sig)
		bceBackward(data[float32](out), *s, data[float32](in[1]), op.g)
	} else {
		s, _ := bufs[float64](&op.fwd.sig)
		bceBackward(data[float64](out), *s, data[float64](in[1]), op.g)
	}
	return nil
}

func bceBackward[T float](dl, sig, y []T, g float64) {
	sig, y = sig[:len(dl)], y[:len(dl)]
	scale := T(g / float64(len(dl)))
	for i, s := range sig {
		dl[i] = (s - y[i]) * scale
	}
}

func (op *bceGradOp) DiffWRT(int) []bool { return []bool{false, false, false} }
func (op *bceGradOp) SymDiff(G.Nodes, *G.Node, *G.Node) (G.Nodes, error) {
	return nil, fmt.Errorf("ops: %v has no second derivative", op)
}
