package ops

import (
	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// chanSums holds per-channel sums of the pre-activation gradient dy ⊙ act'(y),
// collected by the op that computes that gradient anyway (convOutGradOp,
// convTOutGradOp) while the values are in cache. The bias gradient is then a
// copy instead of another pass over the whole activation.
type chanSums struct{ s []float64 }

func (c *chanSums) reset(n int) []float64 {
	if cap(c.s) < n {
		c.s = make([]float64, n)
	}
	c.s = c.s[:n]
	clear(c.s)
	return c.s
}

// biasSumOp: (g) → db (1, C, 1, 1), the sums collected by the op that produced
// g. Taking g as input orders it after that op in every machine; it reads the
// sums from the producing op instance (same graph, same run).
type biasSumOp struct {
	base
	src *chanSums
	c   int
}

func newBiasSumOp(src *chanSums, c int, gshape tensor.Shape) *biasSumOp {
	return &biasSumOp{base: newBase("biasSum", tensor.Shape{1, c, 1, 1}, gshape.Clone()), src: src, c: c}
}

func (op *biasSumOp) Do(in ...G.Value) (G.Value, error) { return op.run(op, nil, in) }
func (op *biasSumOp) UsePreallocDo(p G.Value, in ...G.Value) (G.Value, error) {
	return op.run(op, p, in)
}

func (op *biasSumOp) compute(dt tensor.Dtype, out *tensor.Dense, in [maxArity]*tensor.Dense) error {
	if dt == tensor.Float32 {
		copySums(data[float32](out), op.src.s)
	} else {
		copySums(data[float64](out), op.src.s)
	}
	return nil
}

func copySums[T float](dst []T, s []float64) {
	for i := range dst {
		dst[i] = T(s[i])
	}
}
