package ops

import (
	"math"
	"math/rand"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// randDense returns a tensor of the given dtype with N(0, scale²) entries.
func randDense(rng *rand.Rand, dt tensor.Dtype, scale float64, shape ...int) *tensor.Dense {
	t := tensor.New(tensor.Of(dt), tensor.WithShape(shape...))
	switch dt {
	case tensor.Float32:
		d := t.Float32s()
		for i := range d {
			d[i] = float32(rng.NormFloat64() * scale)
		}
	default:
		d := t.Float64s()
		for i := range d {
			d[i] = rng.NormFloat64() * scale
		}
	}
	return t
}

func f64s(v G.Value) []float64 {
	d := v.(*tensor.Dense)
	if d.Dtype() == tensor.Float32 {
		s := d.Float32s()
		r := make([]float64, len(s))
		for i, x := range s {
			r[i] = float64(x)
		}
		return r
	}
	return append([]float64(nil), d.Float64s()...)
}

func leaf(g *G.ExprGraph, name string, v *tensor.Dense) *G.Node {
	return G.NewTensor(g, v.Dtype(), v.Dims(), G.WithShape(v.Shape().Clone()...), G.WithName(name), G.WithValue(v))
}

// weightedSum is the scalar loss Σ y ⊙ r, reduced as a vector because
// Gorgonia's multi-axis Sum has a wrong gradient.
func weightedSum(t testing.TB, y *G.Node, r *tensor.Dense) *G.Node {
	t.Helper()
	rn := G.NewTensor(y.Graph(), r.Dtype(), r.Dims(), G.WithShape(r.Shape().Clone()...), G.WithName("r"), G.WithValue(r))
	h := G.Must(G.HadamardProd(y, rn))
	v := G.Must(G.Reshape(h, tensor.Shape{h.Shape().TotalSize()}))
	return G.Must(G.Sum(v))
}

// gradCheck compares the gradients that G.Grad and a TapeMachine compute for
// the inputs against central finite differences of the loss built by build.
// Inputs are float64 leaves; build gets their nodes and returns the output y,
// which is reduced with a fixed random weight.
func gradCheck(t *testing.T, seed int64, inputs map[string]*tensor.Dense, order []string,
	build func(nodes map[string]*G.Node) (*G.Node, error)) {
	t.Helper()
	rng := rand.New(rand.NewSource(seed))
	g := G.NewGraph()
	nodes := map[string]*G.Node{}
	var wrt G.Nodes
	for _, name := range order {
		nodes[name] = leaf(g, name, inputs[name])
		wrt = append(wrt, nodes[name])
	}
	y, err := build(nodes)
	if err != nil {
		t.Fatal(err)
	}
	r := randDense(rng, tensor.Float64, 1, y.Shape()...)
	loss := weightedSum(t, y, r)
	if _, err := G.Grad(loss, wrt...); err != nil {
		t.Fatal(err)
	}
	vm := G.NewTapeMachine(g, G.BindDualValues(wrt...))
	defer vm.Close()
	run := func() float64 {
		vm.Reset()
		if err := vm.RunAll(); err != nil {
			t.Fatal(err)
		}
		return loss.Value().Data().(float64)
	}
	run()
	analytic := map[string][]float64{}
	for _, name := range order {
		gv, err := nodes[name].Grad()
		if err != nil {
			t.Fatal(err)
		}
		analytic[name] = f64s(gv)
	}
	const eps = 1e-6
	for _, name := range order {
		d := inputs[name].Float64s()
		an := analytic[name]
		if len(an) != len(d) {
			t.Fatalf("%s: gradient has %d entries, want %d", name, len(an), len(d))
		}
		bad := 0
		for i := range d {
			orig := d[i]
			d[i] = orig + eps
			lp := run()
			d[i] = orig - eps
			lm := run()
			d[i] = orig
			num := (lp - lm) / (2 * eps)
			if diff := math.Abs(an[i] - num); diff > 1e-6+1e-4*math.Abs(num) {
				if bad < 5 {
					t.Errorf("%s[%d]: analytic %.9g, numeric %.9g (diff %.3g)", name, i, an[i], num, diff)
				}
				bad++
			}
		}
		if bad > 0 {
			t.Errorf("%s: %d of %d gradient entries wrong", name, bad, len(d))
		}
	}
}

func maxAbsDiff(a, b []float64) float64 {
	m := 0.0
	for i := range a {
		if d := math.Abs(a[i] - b[i]); d > m {
			m = d
		}
	}
	return m
}

func expNeg(z float64) float64 { return math.Exp(-z) }
func abs(z float64) float64    { return math.Abs(z) }
