package ops

import (
	"math"
	"math/rand"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// softmaxTargets returns rows random distributions over k classes, the
// first row one-hot.
func softmaxTargets(rng *rand.Rand, rows, k int) *tensor.Dense {
	y := randDense(rng, tensor.Float64, 1, rows, k)
	ys := y.Float64s()
	for r := 0; r < rows; r++ {
		row, sum := ys[r*k:(r+1)*k], 0.0
		for i := range row {
			row[i] = math.Abs(row[i])
			sum += row[i]
		}
		for i := range row {
			row[i] /= sum
		}
	}
	clear(ys[:k])
	ys[1] = 1
	return y
}

// TestSoftmaxCrossEntropyGradients checks the gradient by finite
// differences, on the logits directly and through a dense layer (so the
// scalar gradient reaching the op is not 1).
func TestSoftmaxCrossEntropyGradients(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	y := softmaxTargets(rng, 3, 5)
	in := map[string]*tensor.Dense{
		"l": randDense(rng, tensor.Float64, 3, 3, 5),
		"x": randDense(rng, tensor.Float64, 1, 3, 4),
		"w": randDense(rng, tensor.Float64, 0.5, 4, 5),
		"b": randDense(rng, tensor.Float64, 0.5, 1, 5),
	}
	// The loss as a vector of one: gradCheck weighs its output elementwise.
	lossOf := func(l *G.Node) (*G.Node, error) {
		loss, err := SoftmaxCrossEntropy(l, leaf(l.Graph(), "y", y))
		if err != nil {
			return nil, err
		}
		return G.Reshape(loss, tensor.Shape{1})
	}
	gradCheck(t, 500, in, []string{"l"}, func(n map[string]*G.Node) (*G.Node, error) {
		return lossOf(n["l"])
	})
	gradCheck(t, 501, in, []string{"x", "w", "b"}, func(n map[string]*G.Node) (*G.Node, error) {
		x := G.Must(G.Mul(n["x"], G.NewConstant(2.0))) // not a leaf, so Linear gives it a gradient
		l, err := Linear(x, n["w"], n["b"], ActNone)
		if err != nil {
			return nil, err
		}
		return lossOf(l)
	})
}

// softmaxCEGraph builds the loss of fixed logits and targets.
func softmaxCEGraph(t *testing.T, l, y *tensor.Dense) (*G.Node, *G.Node, G.VM) {
	t.Helper()
	g := G.NewGraph()
	ln := leaf(g, "l", l)
	loss, err := SoftmaxCrossEntropy(ln, leaf(g, "y", y))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := G.Grad(loss, ln); err != nil {
		t.Fatal(err)
	}
	vm := G.NewTapeMachine(g, G.BindDualValues(ln))
	if err := vm.RunAll(); err != nil {
		t.Fatal(err)
	}
	return ln, loss, vm
}

func TestSoftmaxCrossEntropyValue(t *testing.T) {
	rng := rand.New(rand.NewSource(4))
	l, y := randDense(rng, tensor.Float64, 2, 4, 3), softmaxTargets(rng, 4, 3)
	_, loss, vm := softmaxCEGraph(t, l, y)
	defer vm.Close()
	ls, ys := l.Float64s(), y.Float64s()
	var want float64
	for r := 0; r < 4; r++ {
		var z float64
		for i := 0; i < 3; i++ {
			z += math.Exp(ls[3*r+i])
		}
		for i := 0; i < 3; i++ {
			want -= ys[3*r+i] * math.Log(math.Exp(ls[3*r+i])/z)
		}
	}
	want /= 4
	if got := loss.Value().Data().(float64); math.Abs(got-want) > 1e-12 {
		t.Fatalf("loss %.15g, textbook %.15g", got, want)
	}
}

// TestSoftmaxCrossEntropyIsStable: logits of ±1000 in float32 give finite
// losses and exact gradients, where exp would overflow.
func TestSoftmaxCrossEntropyIsStable(t *testing.T) {
	l := tensor.New(tensor.WithShape(2, 3), tensor.WithBacking([]float32{1000, -1000, 0, 1000, 1000, -1000}))
	y := tensor.New(tensor.WithShape(2, 3), tensor.WithBacking([]float32{0, 1, 0, 1, 0, 0}))
	ln, loss, vm := softmaxCEGraph(t, l, y)
	defer vm.Close()
	// Row 1: 2000 nats; row 2: log 2.
	if v, want := float64(loss.Value().Data().(float32)), (2000+math.Ln2)/2; math.Abs(v-want) > 1e-3 {
		t.Errorf("loss %v, want %v", v, want)
	}
	gv, _ := ln.Grad()
	want := []float32{0.5, -0.5, 0, -0.25, 0.25, 0}
	for i, g := range gv.Data().([]float32) {
		if math.IsNaN(float64(g)) || math.Abs(float64(g-want[i])) > 1e-6 {
			t.Errorf("gradient %d = %v, want %v", i, g, want[i])
		}
	}
}
