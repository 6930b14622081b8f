package ops

import (
	"fmt"
	"math/rand"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

func TestConv2dGradients(t *testing.T) { conv2dGradients(t, false) }

// conv2dGradients checks Conv2d's gradients on a table of geometries. With
// xThroughOp, x passes through an op first so that it is not a leaf (ops
// build no input gradient for data).
func conv2dGradients(t *testing.T, xThroughOp bool) {
	cases := []struct {
		n, cin, h, w, cout, k, stride, pad int
		act                                Activation
		bias                               bool
		dilation                           int // 0 means 1
	}{
		{2, 3, 6, 6, 4, 3, 1, 0, ActNone, true, 0},
		{2, 3, 6, 6, 4, 3, 1, 1, ActReLU, true, 0},
		{2, 3, 7, 7, 4, 3, 2, 1, ActNone, true, 0},
		{2, 2, 8, 8, 3, 3, 2, 1, ActReLU, true, 0},
		{2, 3, 5, 6, 2, 1, 1, 0, ActNone, true, 0},
		{1, 2, 6, 5, 3, 1, 2, 1, ActReLU, true, 0},
		{2, 2, 6, 6, 3, 3, 2, 0, ActLeakyReLU(0.2), true, 0},
		{2, 2, 5, 5, 3, 3, 1, 1, ActSigmoid, false, 0},
		{2, 2, 7, 6, 3, 3, 1, 2, ActReLU, true, 2},
		{2, 2, 9, 9, 2, 3, 1, 3, ActNone, true, 3},
		{1, 2, 9, 8, 3, 3, 2, 1, ActNone, true, 2},
	}
	for i, c := range cases {
		c := c
		dil := max(c.dilation, 1)
		name := fmt.Sprintf("n%d_c%d_%dx%d_o%d_k%d_s%d_p%d_d%d_%v_bias%v", c.n, c.cin, c.h, c.w, c.cout, c.k, c.stride, c.pad, dil, c.act, c.bias)
		t.Run(name, func(t *testing.T) {
			rng := rand.New(rand.NewSource(int64(i)))
			in := map[string]*tensor.Dense{
				"x": randDense(rng, tensor.Float64, 1, c.n, c.cin, c.h, c.w),
				"w": randDense(rng, tensor.Float64, 0.5, c.cout, c.cin, c.k, c.k),
				"b": randDense(rng, tensor.Float64, 0.5, 1, c.cout, 1, 1),
			}
			order := []string{"x", "w"}
			if c.bias {
				order = append(order, "b")
			}
			gradCheck(t, int64(100+i), in, order, func(n map[string]*G.Node) (*G.Node, error) {
				x := n["x"]
				if xThroughOp {
					x = G.Must(G.Mul(x, G.NewConstant(2.0)))
				}
				return DilatedConv2d(x, n["w"], n["b"], c.stride, c.pad, dil, c.act)
			})
		})
	}
}

func TestConvTranspose2dGradients(t *testing.T) {
	cases := []struct {
		n, cin, h, w, cout, k, stride, pad, outPad int
		act                                        Activation
		bias                                       bool
	}{
		{2, 3, 4, 4, 2, 3, 2, 1, 1, ActNone, true},
		{2, 3, 4, 5, 2, 3, 2, 1, 1, ActReLU, true},
		{2, 2, 5, 5, 3, 3, 1, 1, 0, ActNone, true},
		{2, 2, 4, 4, 3, 3, 1, 0, 0, ActReLU, true},
		{1, 2, 3, 3, 2, 4, 2, 1, 0, ActLeakyReLU(0.2), true},
		{2, 2, 3, 3, 2, 3, 2, 0, 1, ActSigmoid, false},
	}
	for i, c := range cases {
		c := c
		name := fmt.Sprintf("n%d_c%d_%dx%d_o%d_k%d_s%d_p%d_op%d_%v_bias%v", c.n, c.cin, c.h, c.w, c.cout, c.k, c.stride, c.pad, c.outPad, c.act, c.bias)
		t.Run(name, func(t *testing.T) {
			rng := rand.New(rand.NewSource(int64(i)))
			in := map[string]*tensor.Dense{
				"x": randDense(rng, tensor.Float64, 1, c.n, c.cin, c.h, c.w),
				"w": randDense(rng, tensor.Float64, 0.5, c.cin, c.cout, c.k, c.k),
				"b": randDense(rng, tensor.Float64, 0.5, 1, c.cout, 1, 1),
			}
			order := []string{"x", "w"}
			if c.bias {
				order = append(order, "b")
			}
			gradCheck(t, int64(200+i), in, order, func(n map[string]*G.Node) (*G.Node, error) {
				return ConvTranspose2d(n["x"], n["w"], n["b"], c.stride, c.pad, c.outPad, c.act)
			})
		})
	}
}

func TestUpsample2xGradient(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	in := map[string]*tensor.Dense{"x": randDense(rng, tensor.Float64, 1, 2, 3, 4, 5)}
	gradCheck(t, 300, in, []string{"x"}, func(n map[string]*G.Node) (*G.Node, error) {
		return Upsample2x(n["x"])
	})
}

// TestChainGradients checks a small stack in which the ops feed each other,
// so the input gradients of inner layers (col2im, convTInputGrad) are used.
func TestChainGradients(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	in := map[string]*tensor.Dense{
		"x":  randDense(rng, tensor.Float64, 1, 2, 1, 8, 8),
		"w1": randDense(rng, tensor.Float64, 0.5, 3, 1, 3, 3),
		"b1": randDense(rng, tensor.Float64, 0.1, 1, 3, 1, 1),
		"w2": randDense(rng, tensor.Float64, 0.5, 3, 2, 3, 3),
		"b2": randDense(rng, tensor.Float64, 0.1, 1, 2, 1, 1),
		"w3": randDense(rng, tensor.Float64, 0.5, 1, 2, 3, 3),
	}
	order := []string{"x", "w1", "b1", "w2", "b2", "w3"}
	gradCheck(t, 400, in, order, func(n map[string]*G.Node) (*G.Node, error) {
		h, err := Conv2d(n["x"], n["w1"], n["b1"], 2, 1, ActReLU)
		if err != nil {
			return nil, err
		}
		h, err = ConvTranspose2d(h, n["w2"], n["b2"], 2, 1, 1, ActLeakyReLU(0.1))
		if err != nil {
			return nil, err
		}
		h, err = Upsample2x(h)
		if err != nil {
			return nil, err
		}
		return Conv2d(h, n["w3"], nil, 2, 1, ActNone)
	})
}
