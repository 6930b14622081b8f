package ops

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Upsample2x is nearest-neighbour upsampling by 2 in H and W:
// x (N, C, H, W) → (N, C, 2H, 2W). Each input row is widened once and the
// result copied to the second output row, so the work is two row writes per
// input row. The gradient sums each 2×2 block.
func Upsample2x(x *G.Node) (*G.Node, error) {
	s := x.Shape()
	if s.Dims() != 4 {
		return nil, fmt.Errorf("ops: Upsample2x wants a 4-D input, got %v", s)
	}
	return apply(newUpsampleOp(s.Clone()), x)
}

type upsampleOp struct {
	base
}

func newUpsampleOp(s tensor.Shape) *upsampleOp {
	return &upsampleOp{base: newBase("upsample2x", tensor.Shape{s[0], s[1], 2 * s[2], 2 * s[3]}, s)}
}

func (op *upsampleOp) Do(in ...G.Value) (G.Value, error) { return op.run(op, nil, in) }
func (op *upsampleOp) UsePreallocDo(p G.Value, in ...G.Value) (G.Value, error) {
	return op.run(op, p, in)
}

func (op *upsampleOp) compute(dt tensor.Dtype, out *tensor.Dense, in [maxArity]*tensor.Dense) error {
	h, w := op.ins[0][2], op.ins[0][3]
	if dt == tensor.Float32 {
		upsample2x(data[float32](in[0]), data[float32](out), h, w)
	} else {
		upsample2x(data[float64](in[0]), data[float64](out), h, w)
	}
	return nil
}

func upsample2x[T float](x, y []T, h, w int) {
	rows := len(x) / w // N·C·H input rows
	for r := 0; r < rows; r++ {
		src := x[r*w : r*w+w]
		dst := y[2*r*2*w : 2*r*2*w+2*w]
		for i, v := range src {
			dst[2*i] = v
			dst[2*i+1] = v
		}
		copy(y[(2*r+1)*2*w:(2*r+2)*2*w], dst)
	}
}

func (op *upsampleOp) DiffWRT(int) []bool { return []bool{true} }

func (op *upsampleOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	dx, err := apply(newUpsampleGradOp(op.ins[0]), grad)
	if err != nil {
		return nil, err
	}
	return G.Nodes{dx}, nil
}

// upsampleGradOp: dy (N, C, 2H, 2W) → dx (N, C, H, W), the sum of each 2×2 block.
type upsampleGradOp struct {
	base
}

func newUpsampleGradOp(s tensor.Shape) *upsampleGradOp {
	return &upsampleGradOp{base: newBase("upsample2xGrad", s.Clone(), tensor.Shape{s[0], s[1], 2 * s[2], 2 * s[3]})}
}

func (op *upsampleGradOp) Do(in ...G.Value) (G.Value, error) { return op.run(op, nil, in) }
func (op *upsampleGradOp) UsePreallocDo(p G.Value, in ...G.Value) (G.Value, error) {
	return op.run(op, p, in)
}

func (op *upsampleGradOp) compute(dt tensor.Dtype, out *tensor.Dense, in [maxArity]*tensor.Dense) error {
	w := op.outShape[3]
	if dt == tensor.Float32 {
		upsample2xGrad(data[float32](in[0]), data[float32](out), w)
	} else {
		upsample2xGrad(data[float64](in[0]), data[float64](out), w)
	}
	return nil
}

func upsample2xGrad[T float](dy, dx []T, w int) {
	rows := len(dx) / w
	for r := 0; r < rows; r++ {
		a := dy[2*r*2*w : 2*r*2*w+2*w]
		b := dy[(2*r+1)*2*w : (2*r+2)*2*w]
		d := dx[r*w : r*w+w]
		for i := range d {
			d[i] = a[2*i] + a[2*i+1] + b[2*i] + b[2*i+1]
		}
	}
}
