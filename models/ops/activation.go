package ops

import (
	"fmt"
	"math"
)

type actKind uint8

const (
	actNone actKind = iota
	actReLU
	actLeakyReLU
	actSigmoid
)

// Activation is an activation fused into a conv op: applying it while the
// output is written saves a full pass and a graph node, and its derivative is
// computed from the op's output (so the pre-activation need not be kept).
type Activation struct {
	kind  actKind
	alpha float64 // negative slope of LeakyReLU
}

var (
	// ActNone is the identity.
	ActNone = Activation{}
	// ActReLU is max(0, z).
	ActReLU = Activation{kind: actReLU}
	// ActSigmoid is 1/(1+exp(-z)).
	ActSigmoid = Activation{kind: actSigmoid}
)

// ActLeakyReLU is z for z > 0, alpha*z otherwise. alpha must be > 0, so that the
// sign of the output tells the branch in the backward pass.
func ActLeakyReLU(alpha float64) Activation {
	return Activation{kind: actLeakyReLU, alpha: alpha}
}

func (a Activation) String() string {
	switch a.kind {
	case actNone:
		return "none"
	case actReLU:
		return "relu"
	case actLeakyReLU:
		return fmt.Sprintf("leakyrelu(%g)", a.alpha)
	case actSigmoid:
		return "sigmoid"
	}
	return "invalid"
}

func (a Activation) validate() error {
	switch a.kind {
	case actNone, actReLU, actSigmoid:
		return nil
	case actLeakyReLU:
		if !(a.alpha > 0) {
			return fmt.Errorf("ops: LeakyReLU slope must be > 0, got %g", a.alpha)
		}
		return nil
	}
	return fmt.Errorf("ops: invalid activation %v", a.kind)
}

// biasAct sets dst[i] = act(src[i] + bias). dst and src may be the same slice.
func biasAct[T float](a Activation, dst, src []T, bias T) {
	src = src[:len(dst)]
	switch a.kind {
	case actNone:
		for i, v := range src {
			dst[i] = v + bias
		}
	case actReLU:
		for i, v := range src {
			v += bias
			if v < 0 {
				v = 0
			}
			dst[i] = v
		}
	case actLeakyReLU:
		s := T(a.alpha)
		for i, v := range src {
			v += bias
			if v < 0 {
				v *= s
			}
			dst[i] = v
		}
	case actSigmoid:
		for i, v := range src {
			dst[i] = T(1 / (1 + math.Exp(-float64(v+bias))))
		}
	}
}

// actGrad sets dst[i] = dy[i] * act'(z_i), where the derivative is expressed
// through the output y_i = act(z_i). dst may alias dy.
func actGrad[T float](a Activation, dst, y, dy []T) {
	y = y[:len(dst)]
	dy = dy[:len(dst)]
	switch a.kind {
	case actNone:
		copy(dst, dy)
	case actReLU:
		for i, v := range y {
			if v > 0 {
				dst[i] = dy[i]
			} else {
				dst[i] = 0
			}
		}
	case actLeakyReLU:
		s := T(a.alpha)
		for i, v := range y {
			if v > 0 {
				dst[i] = dy[i]
			} else {
				dst[i] = dy[i] * s
			}
		}
	case actSigmoid:
		for i, v := range y {
			dst[i] = dy[i] * v * (1 - v)
		}
	}
}

// actGradSum returns sum_i dy[i] * act'(z_i) (the bias gradient of one channel).
// Accumulates in float64 so that float32 sums over a whole batch stay accurate.
func actGradSum[T float](a Activation, y, dy []T) float64 {
	dy = dy[:len(y)]
	var s float64
	switch a.kind {
	case actNone:
		for _, g := range dy {
			s += float64(g)
		}
	case actReLU:
		for i, v := range y {
			if v > 0 {
				s += float64(dy[i])
			}
		}
	case actLeakyReLU:
		var neg float64
		for i, v := range y {
			if v > 0 {
				s += float64(dy[i])
			} else {
				neg += float64(dy[i])
			}
		}
		s += a.alpha * neg
	case actSigmoid:
		for i, v := range y {
			s += float64(dy[i] * v * (1 - v))
		}
	}
	return s
}
