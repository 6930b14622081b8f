package ops

import (
	"fmt"
	"hash"
	"hash/fnv"

	"github.com/chewxy/hm"
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// maxArity is the largest number of inputs of any op here.
const maxArity = 3

// computer is implemented by every op: it fills out from the checked,
// contiguous inputs (only the first arity entries of in are set).
type computer interface {
	fmt.Stringer
	compute(dt tensor.Dtype, out *tensor.Dense, in [maxArity]*tensor.Dense) error
}

// base carries what all ops here share: a fixed signature (shapes are fixed
// when a Gorgonia graph is built), a description used for String and hashing,
// and the op-owned output buffer.
//
// The ops report ReturnsPtr() == false and CallsExtern() == false: Gorgonia then
// gives each node its own register and calls Do, which returns the op-owned
// buffer, instead of allocating a new output every step.
type base struct {
	desc     string
	ins      []tensor.Shape
	outShape tensor.Shape
	out      outBuf
}

func newBase(name string, outShape tensor.Shape, ins ...tensor.Shape) base {
	desc := fmt.Sprintf("%s%v->%v", name, ins, outShape)
	return base{desc: desc, ins: ins, outShape: outShape}
}

func (b *base) Arity() int { return len(b.ins) }

// inputShapes is the fixed signature of the op (used by tests).
func (b *base) inputShapes() []tensor.Shape { return b.ins }

// Type is a → … → a over tensors of the input and output ranks.
func (b *base) Type() hm.Type {
	a := hm.TypeVariable('a')
	ts := make([]hm.Type, 0, len(b.ins)+1)
	for _, s := range b.ins {
		ts = append(ts, G.TensorType{Dims: s.Dims(), Of: a})
	}
	ts = append(ts, G.TensorType{Dims: b.outShape.Dims(), Of: a})
	return hm.NewFnType(ts...)
}

func (b *base) InferShape(ds ...G.DimSizer) (tensor.Shape, error) {
	if len(ds) != len(b.ins) {
		return nil, fmt.Errorf("ops: %s: got %d input shapes, want %d", b.desc, len(ds), len(b.ins))
	}
	for i, d := range ds {
		if s, ok := d.(tensor.Shape); ok && !s.Eq(b.ins[i]) {
			return nil, fmt.Errorf("ops: %s: input %d has shape %v, want %v", b.desc, i, s, b.ins[i])
		}
	}
	return b.outShape.Clone(), nil
}

func (b *base) ReturnsPtr() bool      { return false }
func (b *base) CallsExtern() bool     { return false }
func (b *base) OverwritesInput() int  { return -1 }
func (b *base) WriteHash(h hash.Hash) { fmt.Fprint(h, b.desc) }
func (b *base) String() string        { return b.desc }

func (b *base) Hashcode() uint32 {
	h := fnv.New32a()
	b.WriteHash(h)
	return h.Sum32()
}

// run checks the inputs and computes into prealloc (if given) or into the
// op-owned output buffer.
func (b *base) run(c computer, prealloc G.Value, inputs []G.Value) (G.Value, error) {
	dt, err := dtypeOf(c, inputs, len(b.ins))
	if err != nil {
		return nil, err
	}
	var in [maxArity]*tensor.Dense
	for i, v := range inputs {
		if in[i], err = dense(c, i, v, dt, b.ins[i]); err != nil {
			return nil, err
		}
	}
	var out *tensor.Dense
	if prealloc != nil {
		if out, err = preallocDense(c, prealloc, dt, b.outShape); err != nil {
			return nil, err
		}
	} else {
		out = b.out.get(dt, b.outShape)
	}
	if err = c.compute(dt, out, in); err != nil {
		return nil, err
	}
	return out, nil
}

// apply adds op to the graph of the first child.
func apply(op G.Op, children ...*G.Node) (*G.Node, error) {
	n, err := G.ApplyOp(op, children...)
	if err != nil {
		return nil, fmt.Errorf("ops: applying %v: %w", op, err)
	}
	return n, nil
}
