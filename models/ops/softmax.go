package ops

import (
	"fmt"
	"math"
	"slices"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// SoftmaxCrossEntropy is the mean over rows of the cross-entropy between
// softmax(logits) and the target distributions, -Σ_k y_k log p_k, in the
// stable form Σ_k y_k (logsumexp(l) - l_k). logits and targets are
// (rows, classes); each target row must sum to 1 (one-hot labels, or
// probabilities). The result is a scalar; the targets get no gradient.
func SoftmaxCrossEntropy(logits, target *G.Node) (*G.Node, error) {
	s := logits.Shape()
	if s.Dims() != 2 || !s.Eq(target.Shape()) {
		return nil, fmt.Errorf("ops: SoftmaxCrossEntropy: want logits and targets of one (rows, classes) shape, have %v and %v", s, target.Shape())
	}
	op := &softmaxCEOp{bceOp: bceOp{base: newBase("softmaxCrossEntropy", tensor.ScalarShape(), s, s)}}
	return apply(op, logits, target)
}

// softmaxCEOp reuses the BCE op's signature and its backward op: with
// target rows summing to 1, d loss / d l_rk = (p_rk - y_rk)/rows, the form
// of BCE's (sigmoid - y)/N with p in place of the sigmoid. The forward pass
// keeps the probabilities where BCE keeps its sigmoids.
type softmaxCEOp struct{ bceOp }

func (op *softmaxCEOp) Do(in ...G.Value) (G.Value, error) { return op.run(op, nil, in) }
func (op *softmaxCEOp) UsePreallocDo(p G.Value, in ...G.Value) (G.Value, error) {
	return op.run(op, p, in)
}

func (op *softmaxCEOp) compute(dt tensor.Dtype, out *tensor.Dense, in [maxArity]*tensor.Dense) error {
	k := op.ins[0][1]
	if dt == tensor.Float32 {
		p, _ := bufs[float32](&op.sig)
		l := data[float32](in[0])
		out.Set(0, float32(softmaxCEForward(grow(p, len(l)), l, data[float32](in[1]), k)))
	} else {
		p, _ := bufs[float64](&op.sig)
		l := data[float64](in[0])
		out.Set(0, softmaxCEForward(grow(p, len(l)), l, data[float64](in[1]), k))
	}
	return nil
}

// softmaxCEForward returns the mean loss over rows of k classes and writes
// softmax(l) into p. Subtracting each row's maximum keeps exp in (0,1].
func softmaxCEForward[T float](p, l, y []T, k int) float64 {
	var sum float64
	for r := 0; r+k <= len(l); r += k {
		row, pr := l[r:r+k], p[r:r+k]
		m := float64(slices.Max(row))
		var z float64
		for i, v := range row {
			e := math.Exp(float64(v) - m)
			pr[i] = T(e)
			z += e
		}
		lse := m + math.Log(z)
		for i, v := range row {
			pr[i] = T(float64(pr[i]) / z)
			sum += float64(y[r+i]) * (lse - float64(v))
		}
	}
	return sum / float64(len(l)/k)
}

func (op *softmaxCEOp) SymDiff(inputs G.Nodes, output, grad *G.Node) (G.Nodes, error) {
	k := op.ins[0][1]
	gop := &softmaxCEGradOp{bceGradOp{base: newBase("softmaxCrossEntropyGrad", op.ins[0], op.ins[0], op.ins[1]), fwd: &op.bceOp}, k}
	dl, err := apply(gop, inputs[0], inputs[1], grad)
	if err != nil {
		return nil, err
	}
	return G.Nodes{dl, nil}, nil
}

// softmaxCEGradOp is the BCE backward op times k: BCE's divides by all
// rows×k values, the mean here is over rows only.
type softmaxCEGradOp struct {
	bceGradOp
	k int
}

func (op *softmaxCEGradOp) Do(in ...G.Value) (G.Value, error) { return op.times(op.do(nil, in)) }
func (op *softmaxCEGradOp) UsePreallocDo(p G.Value, in ...G.Value) (G.Value, error) {
	return op.times(op.do(p, in))
}

func (op *softmaxCEGradOp) times(v G.Value, err error) (G.Value, error) {
	if err != nil {
		return nil, err
	}
	if d := v.(*tensor.Dense); d.Dtype() == tensor.Float32 {
		scale(data[float32](d), float32(op.k))
	} else {
		scale(data[float64](d), float64(op.k))
	}
	return v, nil
}

func scale[T float](x []T, k T) {
	for i := range x {
		x[i] *= k
	}
}
