package ops

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// outBuf is an op-owned output tensor, allocated once and reused on every run
// (the TapeMachine would otherwise allocate a fresh output for each node and
// step). Every op overwrites its whole output, so stale contents never leak.
type outBuf struct{ t *tensor.Dense }

func (b *outBuf) get(dt tensor.Dtype, shape tensor.Shape) *tensor.Dense {
	if b.t == nil || b.t.Dtype() != dt || !b.t.Shape().Eq(shape) {
		b.t = tensor.New(tensor.Of(dt), tensor.WithShape(shape.Clone()...))
	}
	return b.t
}

// grow returns s resized to n elements, reallocating only when too small.
// Contents are unspecified.
func grow[T float](s *[]T, n int) []T {
	if cap(*s) < n {
		*s = make([]T, n)
	}
	*s = (*s)[:n]
	return *s
}

// scratch holds the temporary buffers of one op instance for both dtypes.
type scratch struct {
	a32, b32, c32 []float32
	a64, b64, c64 []float64
}

// bufs returns the first two scratch slices of the element type T.
func bufs[T float](s *scratch) (a, b *[]T) {
	switch any(a).(type) {
	case *[]float32:
		return any(&s.a32).(*[]T), any(&s.b32).(*[]T)
	default:
		return any(&s.a64).(*[]T), any(&s.b64).(*[]T)
	}
}

// padBuf returns the third scratch slice of the element type T, used for the
// zero-bordered plane of im2col/col2im.
func padBuf[T float](s *scratch) *[]T {
	var z T
	switch any(z).(type) {
	case float32:
		return any(&s.c32).(*[]T)
	default:
		return any(&s.c64).(*[]T)
	}
}

// dense checks that v is a *tensor.Dense of the wanted dtype and shape and
// returns it contiguous (a view that needs an iterator is materialised).
func dense(op fmt.Stringer, i int, v G.Value, dt tensor.Dtype, shape tensor.Shape) (*tensor.Dense, error) {
	d, ok := v.(*tensor.Dense)
	if !ok {
		return nil, fmt.Errorf("ops: %v: input %d is %T, want *tensor.Dense", op, i, v)
	}
	if d.Dtype() != dt {
		return nil, fmt.Errorf("ops: %v: input %d has dtype %v, want %v", op, i, d.Dtype(), dt)
	}
	if !d.Shape().Eq(shape) {
		return nil, fmt.Errorf("ops: %v: input %d has shape %v, want %v", op, i, d.Shape(), shape)
	}
	if d.RequiresIterator() {
		if m, ok := d.Materialize().(*tensor.Dense); ok {
			return m, nil
		}
		return nil, fmt.Errorf("ops: %v: input %d cannot be materialised", op, i)
	}
	return d, nil
}

// dtypeOf returns the dtype of the first input, which must be float32 or float64.
func dtypeOf(op fmt.Stringer, inputs []G.Value, arity int) (tensor.Dtype, error) {
	if len(inputs) != arity {
		return tensor.Dtype{}, fmt.Errorf("ops: %v: got %d inputs, want %d", op, len(inputs), arity)
	}
	dt := inputs[0].Dtype()
	if dt != tensor.Float32 && dt != tensor.Float64 {
		return dt, fmt.Errorf("ops: %v: unsupported dtype %v", op, dt)
	}
	return dt, nil
}

// prealloc checks a value handed to UsePreallocDo.
func preallocDense(op fmt.Stringer, v G.Value, dt tensor.Dtype, shape tensor.Shape) (*tensor.Dense, error) {
	d, ok := v.(*tensor.Dense)
	if !ok || d.Dtype() != dt || !d.Shape().Eq(shape) || d.RequiresIterator() {
		return nil, fmt.Errorf("ops: %v: unusable preallocated value %T %v", op, v, v.Shape())
	}
	return d, nil
}

// data returns the backing slice of a contiguous dense tensor as []T.
func data[T float](d *tensor.Dense) []T {
	var z T
	switch any(z).(type) {
	case float32:
		return any(d.Float32s()).([]T)
	default:
		return any(d.Float64s()).([]T)
	}
}
