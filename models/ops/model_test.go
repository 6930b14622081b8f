package ops

import (
	"math"
	"math/rand"
	"testing"
	"time"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// convAE is the small MNIST conv autoencoder of the PyTorch anchor
// (shared/bench/torch_anchor.py): Conv2d 1→16 k3 s2 p1 relu, Conv2d 16→32 k3
// s2 p1 relu, ConvTranspose2d 32→16 k3 s2 p1 op1 relu, ConvTranspose2d 16→1 k3
// s2 p1 op1, BCE with logits (mean).
type convAE struct {
	g          *G.ExprGraph
	x          *G.Node
	loss       *G.Node
	learnables G.Nodes
}

// param makes a learnable with N(0, std²) entries.
func param(g *G.ExprGraph, rng *rand.Rand, dt tensor.Dtype, name string, std float64, shape ...int) *G.Node {
	return leaf(g, name, randDense(rng, dt, std, shape...))
}

func heStd(fanIn int) float64 { return math.Sqrt(2 / float64(fanIn)) }

// bceWithLogits is mean(softplus(l) - y·l), computed on flattened vectors
// (stable for any logit, and avoids multi-axis reductions).
func bceWithLogits(logits, target *G.Node) (*G.Node, error) {
	n := tensor.Shape{logits.Shape().TotalSize()}
	l, err := G.Reshape(logits, n)
	if err != nil {
		return nil, err
	}
	y, err := G.Reshape(target, n)
	if err != nil {
		return nil, err
	}
	sp, err := G.Softplus(l)
	if err != nil {
		return nil, err
	}
	yl, err := G.HadamardProd(y, l)
	if err != nil {
		return nil, err
	}
	d, err := G.Sub(sp, yl)
	if err != nil {
		return nil, err
	}
	return G.Mean(d)
}

func buildConvAE(batch int, dt tensor.Dtype, seed int64) (*convAE, error) {
	rng := rand.New(rand.NewSource(seed))
	g := G.NewGraph()
	m := &convAE{g: g}
	m.x = G.NewTensor(g, dt, 4, G.WithShape(batch, 1, 28, 28), G.WithName("x"))
	w1 := param(g, rng, dt, "w1", heStd(9), 16, 1, 3, 3)
	b1 := param(g, rng, dt, "b1", 0, 1, 16, 1, 1)
	w2 := param(g, rng, dt, "w2", heStd(144), 32, 16, 3, 3)
	b2 := param(g, rng, dt, "b2", 0, 1, 32, 1, 1)
	w3 := param(g, rng, dt, "w3", heStd(288), 32, 16, 3, 3)
	b3 := param(g, rng, dt, "b3", 0, 1, 16, 1, 1)
	w4 := param(g, rng, dt, "w4", heStd(144), 16, 1, 3, 3)
	b4 := param(g, rng, dt, "b4", 0, 1, 1, 1, 1)
	m.learnables = G.Nodes{w1, b1, w2, b2, w3, b3, w4, b4}

	h, err := Conv2d(m.x, w1, b1, 2, 1, ActReLU)
	if err != nil {
		return nil, err
	}
	if h, err = Conv2d(h, w2, b2, 2, 1, ActReLU); err != nil {
		return nil, err
	}
	if h, err = ConvTranspose2d(h, w3, b3, 2, 1, 1, ActReLU); err != nil {
		return nil, err
	}
	if h, err = ConvTranspose2d(h, w4, b4, 2, 1, 1, ActNone); err != nil {
		return nil, err
	}
	if m.loss, err = bceWithLogits(h, m.x); err != nil {
		return nil, err
	}
	if _, err = G.Grad(m.loss, m.learnables...); err != nil {
		return nil, err
	}
	return m, nil
}

// buildGorgoniaConvAE is the same shapes with Gorgonia's own ops: G.Conv2d with
// a broadcast bias, and Upsample2D followed by a stride-1 Conv2d in place of
// each transposed convolution (Gorgonia has none).
func buildGorgoniaConvAE(batch int, dt tensor.Dtype, seed int64) (*convAE, error) {
	rng := rand.New(rand.NewSource(seed))
	g := G.NewGraph()
	m := &convAE{g: g}
	m.x = G.NewTensor(g, dt, 4, G.WithShape(batch, 1, 28, 28), G.WithName("x"))
	specs := []struct {
		cout, cin, stride int
		relu, up          bool
	}{{16, 1, 2, true, false}, {32, 16, 2, true, false}, {16, 32, 1, true, true}, {1, 16, 1, false, true}}
	h := m.x
	for i, s := range specs {
		w := param(g, rng, dt, "w"+string(rune('1'+i)), heStd(9*s.cin), s.cout, s.cin, 3, 3)
		b := param(g, rng, dt, "b"+string(rune('1'+i)), 0, 1, s.cout, 1, 1)
		m.learnables = append(m.learnables, w, b)
		var err error
		if s.up {
			if h, err = G.Upsample2D(h, 2); err != nil {
				return nil, err
			}
		}
		if h, err = G.Conv2d(h, w, tensor.Shape{3, 3}, []int{1, 1}, []int{s.stride, s.stride}, []int{1, 1}); err != nil {
			return nil, err
		}
		if h, err = G.BroadcastAdd(h, b, nil, []byte{0, 2, 3}); err != nil {
			return nil, err
		}
		if s.relu {
			if h, err = G.Rectify(h); err != nil {
				return nil, err
			}
		}
	}
	var err error
	if m.loss, err = bceWithLogits(h, m.x); err != nil {
		return nil, err
	}
	if _, err = G.Grad(m.loss, m.learnables...); err != nil {
		return nil, err
	}
	return m, nil
}

// fakeDigits returns a batch of 28×28 images in [0, 1]: a few soft blobs each,
// enough structure for an autoencoder to learn.
func fakeDigits(rng *rand.Rand, dt tensor.Dtype, batch int) *tensor.Dense {
	img := make([]float64, batch*28*28)
	for n := 0; n < batch; n++ {
		for k := 0; k < 3; k++ {
			cy, cx := 6+rng.Float64()*16, 6+rng.Float64()*16
			r := 2 + rng.Float64()*3
			for i := 0; i < 28; i++ {
				for j := 0; j < 28; j++ {
					d := ((float64(i)-cy)*(float64(i)-cy) + (float64(j)-cx)*(float64(j)-cx)) / (r * r)
					img[n*784+i*28+j] = math.Max(img[n*784+i*28+j], math.Exp(-d))
				}
			}
		}
	}
	if dt == tensor.Float32 {
		f := make([]float32, len(img))
		for i, v := range img {
			f[i] = float32(v)
		}
		return tensor.New(tensor.WithShape(batch, 1, 28, 28), tensor.WithBacking(f))
	}
	return tensor.New(tensor.WithShape(batch, 1, 28, 28), tensor.WithBacking(img))
}

// trainer runs steps of Adam on a model.
type trainer struct {
	m      *convAE
	vm     G.VM
	solver G.Solver
	vgs    []G.ValueGrad
}

func newTrainer(m *convAE, data *tensor.Dense, lr float64) (*trainer, error) {
	if err := G.Let(m.x, data); err != nil {
		return nil, err
	}
	return &trainer{
		m:      m,
		vm:     G.NewTapeMachine(m.g, G.BindDualValues(m.learnables...)),
		solver: G.NewAdamSolver(G.WithLearnRate(lr)),
		vgs:    G.NodesToValueGrads(m.learnables),
	}, nil
}

// step runs forward and backward and lets Adam update (and zero) the gradients.
func (tr *trainer) step() (float64, error) {
	tr.vm.Reset()
	if err := tr.vm.RunAll(); err != nil {
		return 0, err
	}
	var loss float64
	switch v := tr.m.loss.Value().Data().(type) {
	case float32:
		loss = float64(v)
	case float64:
		loss = v
	}
	return loss, tr.solver.Step(tr.vgs)
}

func TestConvAETrains(t *testing.T) {
	for _, dt := range []tensor.Dtype{tensor.Float32, tensor.Float64} {
		m, err := buildConvAE(16, dt, 1)
		if err != nil {
			t.Fatal(err)
		}
		tr, err := newTrainer(m, fakeDigits(rand.New(rand.NewSource(2)), dt, 16), 3e-3)
		if err != nil {
			t.Fatal(err)
		}
		first, err := tr.step()
		if err != nil {
			t.Fatal(err)
		}
		last := first
		for i := 0; i < 40; i++ {
			if last, err = tr.step(); err != nil {
				t.Fatal(err)
			}
		}
		tr.vm.Close()
		t.Logf("%v: loss %.4f -> %.4f after 40 Adam steps", dt, first, last)
		if !(last < 0.8*first) {
			t.Errorf("%v: loss did not fall enough: %.4f -> %.4f", dt, first, last)
		}
	}
}

func benchConvAE(b *testing.B, build func(int, tensor.Dtype, int64) (*convAE, error)) {
	const batch = 64
	m, err := build(batch, tensor.Float32, 1)
	if err != nil {
		b.Fatal(err)
	}
	tr, err := newTrainer(m, fakeDigits(rand.New(rand.NewSource(2)), tensor.Float32, batch), 1e-3)
	if err != nil {
		b.Fatal(err)
	}
	defer tr.vm.Close()
	for i := 0; i < 3; i++ { // warm up buffers
		if _, err := tr.step(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		if _, err := tr.step(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*batch)/time.Since(start).Seconds(), "samples/s")
}

// BenchmarkConvAEStep: one forward+backward+Adam step of the anchor model with
// the ops of this package, batch 64, float32.
func BenchmarkConvAEStep(b *testing.B) { benchConvAE(b, buildConvAE) }

// BenchmarkConvAEStepGorgonia: the same shapes with Gorgonia's Conv2d and
// Upsample2D.
func BenchmarkConvAEStepGorgonia(b *testing.B) { benchConvAE(b, buildGorgoniaConvAE) }
