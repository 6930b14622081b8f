package ops

import (
	"math"
	"math/rand"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

func TestLinearGradients(t *testing.T) {
	for i, act := range []Activation{ActNone, ActReLU, ActLeakyReLU(0.2), ActSigmoid} {
		t.Run(act.String(), func(t *testing.T) {
			rng := rand.New(rand.NewSource(int64(i)))
			in := map[string]*tensor.Dense{
				"x": randDense(rng, tensor.Float64, 1, 3, 5),
				"w": randDense(rng, tensor.Float64, 0.5, 5, 4),
				"b": randDense(rng, tensor.Float64, 0.5, 1, 4),
			}
			gradCheck(t, int64(10+i), in, []string{"x", "w", "b"}, func(n map[string]*G.Node) (*G.Node, error) {
				// x passes through an op first so that it is not a leaf
				// and Linear builds its gradient.
				two := G.NewConstant(2.0)
				x2, err := G.Mul(n["x"], two)
				if err != nil {
					return nil, err
				}
				return Linear(x2, n["w"], n["b"], act)
			})
		})
	}
}

// TestLinearLeafInputGetsNoGradient: a data input gets no gradient node (the
// saving), while the weights' gradients stay right.
func TestLinearLeafInputGetsNoGradient(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	x := randDense(rng, tensor.Float64, 1, 4, 6)
	in := map[string]*tensor.Dense{"w": randDense(rng, tensor.Float64, 0.5, 6, 2), "b": randDense(rng, tensor.Float64, 0.5, 1, 2)}
	var xNode *G.Node
	gradCheck(t, 5, in, []string{"w", "b"}, func(n map[string]*G.Node) (*G.Node, error) {
		xNode = leaf(n["w"].Graph(), "x", x)
		return Linear(xNode, n["w"], n["b"], ActReLU)
	})
	if _, err := xNode.Grad(); err == nil {
		t.Error("the data input got a gradient")
	}
}

func TestLinearForwardMatchesNaive(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	x := randDense(rng, tensor.Float32, 1, 7, 9)
	w := randDense(rng, tensor.Float32, 0.5, 9, 5)
	b := randDense(rng, tensor.Float32, 0.5, 1, 5)
	g := G.NewGraph()
	y, err := Linear(leaf(g, "x", x), leaf(g, "w", w), leaf(g, "b", b), ActReLU)
	if err != nil {
		t.Fatal(err)
	}
	vm := G.NewTapeMachine(g)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	got := y.Value().Data().([]float32)
	xs, ws, bs := x.Float32s(), w.Float32s(), b.Float32s()
	for r := 0; r < 7; r++ {
		for c := 0; c < 5; c++ {
			s := float64(bs[c])
			for k := 0; k < 9; k++ {
				s += float64(xs[r*9+k]) * float64(ws[k*5+c])
			}
			s = max(s, 0)
			if d := math.Abs(float64(got[r*5+c]) - s); d > 1e-5 {
				t.Fatalf("y[%d,%d] = %v, want %v", r, c, got[r*5+c], s)
			}
		}
	}
}

// bceGraph builds mean BCE-with-logits of l against fixed targets y.
func bceGraph(t *testing.T, l, y *tensor.Dense) (*G.Node, *G.Node, G.VM) {
	t.Helper()
	g := G.NewGraph()
	ln := leaf(g, "l", l)
	loss, err := BCEWithLogits(ln, leaf(g, "y", y))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := G.Grad(loss, ln); err != nil {
		t.Fatal(err)
	}
	return ln, loss, G.NewTapeMachine(g, G.BindDualValues(ln))
}

func TestBCEWithLogitsGradientAndValue(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	l := randDense(rng, tensor.Float64, 4, 3, 4) // logits up to about ±4
	y := randDense(rng, tensor.Float64, 1, 3, 4)
	ys := y.Float64s()
	for i := range ys {
		ys[i] = math.Abs(ys[i]) / (1 + math.Abs(ys[i])) // targets in [0,1)
	}
	ys[0], ys[1] = 0, 1
	ln, loss, vm := bceGraph(t, l, y)
	defer vm.Close()
	run := func() float64 {
		vm.Reset()
		if err := vm.RunAll(); err != nil {
			t.Fatal(err)
		}
		return loss.Value().Data().(float64)
	}
	got := run()
	ls := l.Float64s()
	var want float64
	for i, v := range ls {
		p := 1 / (1 + math.Exp(-v))
		want -= ys[i]*math.Log(p) + (1-ys[i])*math.Log(1-p)
	}
	want /= float64(len(ls))
	if math.Abs(got-want) > 1e-12 {
		t.Fatalf("loss %.15g, textbook BCE %.15g", got, want)
	}
	gv, err := ln.Grad()
	if err != nil {
		t.Fatal(err)
	}
	an := append([]float64(nil), gv.Data().([]float64)...)
	for i := range ls {
		orig := ls[i]
		ls[i] = orig + 1e-6
		up := run()
		ls[i] = orig - 1e-6
		down := run()
		ls[i] = orig
		if num := (up - down) / 2e-6; math.Abs(num-an[i]) > 1e-8 {
			t.Errorf("dl[%d]: analytic %.10g, numeric %.10g", i, an[i], num)
		}
	}
}

// TestBCEWithLogitsIsStable: huge logits give finite losses and gradients,
// where the textbook formula would take log(0).
func TestBCEWithLogitsIsStable(t *testing.T) {
	l := tensor.New(tensor.WithShape(1, 4), tensor.WithBacking([]float32{-200, 200, -200, 200}))
	y := tensor.New(tensor.WithShape(1, 4), tensor.WithBacking([]float32{1, 0, 0, 1}))
	ln, loss, vm := bceGraph(t, l, y)
	defer vm.Close()
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	v := float64(loss.Value().Data().(float32))
	if math.Abs(v-100) > 1e-3 { // (200 + 200 + 0 + 0) / 4
		t.Errorf("loss %v, want 100", v)
	}
	gv, _ := ln.Grad()
	want := []float32{-0.25, 0.25, 0, 0}
	for i, g := range gv.Data().([]float32) {
		if math.Abs(float64(g-want[i])) > 1e-6 {
			t.Errorf("gradient %d = %v, want %v", i, g, want[i])
		}
	}
}
