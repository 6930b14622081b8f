package ops

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Conv2d is a 2-D convolution with bias and fused activation:
// x (N, Cin, H, W), w (Cout, Cin, KH, KW), b (1, Cout, 1, 1) or nil,
// output (N, Cout, Ho, Wo) with Ho = (H+2·pad-KH)/stride+1.
//
// For large column matrices it is one fused op that works on chunks of
// images (see fusedMinCols). Otherwise it is built from two nodes: cols =
// im2col(x), a K × (N·Ho·Wo) matrix with
// K = Cin·KH·KW, and y = act(W·cols + b), one GEMM for the whole batch. Keeping
// cols as a node lets the weight gradient reuse it, and lets Gorgonia skip the
// col2im of the input gradient when x is data that needs no gradient.
func Conv2d(x, w, b *G.Node, stride, pad int, act Activation) (*G.Node, error) {
	return DilatedConv2d(x, w, b, stride, pad, 1, act)
}

// DilatedConv2d is Conv2d with the kernel's taps dilation pixels apart
// (as PyTorch's dilation and ONNX's dilations): a 3×3 kernel of dilation d
// sees a (2d+1)×(2d+1) window, so stacked layers reach far for the same cost,
// and pad d keeps a stride-1 output the input's size.
func DilatedConv2d(x, w, b *G.Node, stride, pad, dilation int, act Activation) (*G.Node, error) {
	if err := act.validate(); err != nil {
		return nil, err
	}
	xs, ws := x.Shape(), w.Shape()
	if xs.Dims() != 4 || ws.Dims() != 4 {
		return nil, fmt.Errorf("ops: Conv2d wants 4-D x and w, got %v and %v", xs, ws)
	}
	if xs[1] != ws[1] {
		return nil, fmt.Errorf("ops: Conv2d: x has %d channels, w expects %d", xs[1], ws[1])
	}
	g, err := newGeom(xs[0], xs[1], xs[2], xs[3], ws[2], ws[3], stride, pad, dilation)
	if err != nil {
		return nil, err
	}
	cout := ws[0]
	if b != nil && !b.Shape().Eq(tensor.Shape{1, cout, 1, 1}) {
		return nil, fmt.Errorf("ops: Conv2d: bias shape %v, want (1, %d, 1, 1)", b.Shape(), cout)
	}
	if g.K()*g.N*g.PO() >= fusedMinCols {
		op := newConvFusedOp(g, cout, act, b != nil, x.Op() == nil)
		if b == nil {
			return apply(op, x, w)
		}
		return apply(op, x, w, b)
	}
	cols, err := apply(newIm2colOp(g), x)
	if err != nil {
		return nil, err
	}
	op := newConvGemmOp(g, cout, act, b != nil)
	if b == nil {
		return apply(op, cols, w)
	}
	return apply(op, cols, w, b)
}

// im2colOp: x (N, C, H, W) → cols (K, N·PO). Its gradient is col2im.
type im2colOp struct {
	base
	g   geom
	tmp scratch
}

func newIm2colOp(g geom) *im2colOp {
	return &im2colOp{
		base: newBase(fmt.Sprintf("im2col{%s}", g.name()),
			tensor.Shape{g.K(), g.N * g.PO()}, tensor.Shape{g.N, g.C, g.H, g.W}),
		g: g,
	}
}

func (op *im2colOp) Do(in ...G.Value) (G.Value, error) { return op.run(op, nil, in) }
func (op *im2colOp) UsePreallocDo(p G.Value, in ...G.Value) (G.Value, error) {
	return op.run(op, p, in)
}

func (op *im2colOp) compute(dt tensor.Dtype, out *tensor.Dense, in [maxArity]*tensor.Dense) error {
	if dt == tensor.Float32 {
		pad := padBuf[float32](&op.tmp)
		im2col(&op.g, data[float32](in[0]), data[float32](out), pad)
	} else {
		pad := padBuf[float64](&op.tmp)
		im2col(&op.g, data[float64](in[0]), data[float64](out), pad)
	}
	return nil
}

func (op *im2colOp) DiffWRT(int) []bool { return []bool{true} }

func (op *im2colOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	dx, err := apply(newCol2imOp(op.g), grad)
	if err != nil {
		return nil, err
	}
	return G.Nodes{dx}, nil
}

// col2imOp: cols (K, N·PO) → x (N, C, H, W), the adjoint of im2colOp.
type col2imOp struct {
	base
	g   geom
	tmp scratch
}

func newCol2imOp(g geom) *col2imOp {
	return &col2imOp{
		base: newBase(fmt.Sprintf("col2im{%s}", g.name()),
			tensor.Shape{g.N, g.C, g.H, g.W}, tensor.Shape{g.K(), g.N * g.PO()}),
		g: g,
	}
}

func (op *col2imOp) Do(in ...G.Value) (G.Value, error) { return op.run(op, nil, in) }
func (op *col2imOp) UsePreallocDo(p G.Value, in ...G.Value) (G.Value, error) {
	return op.run(op, p, in)
}

func (op *col2imOp) compute(dt tensor.Dtype, out *tensor.Dense, in [maxArity]*tensor.Dense) error {
	if dt == tensor.Float32 {
		pad := padBuf[float32](&op.tmp)
		col2im(&op.g, data[float32](in[0]), data[float32](out), pad)
	} else {
		pad := padBuf[float64](&op.tmp)
		col2im(&op.g, data[float64](in[0]), data[float64](out), pad)
	}
	return nil
}
