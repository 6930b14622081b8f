package ops

import (
	"math/rand"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// TestOpsDoNotAllocate: after the first run, every forward and backward op of
// this package reuses its buffers, so a training step makes no garbage here.
func TestOpsDoNotAllocate(t *testing.T) {
	for _, dt := range []tensor.Dtype{tensor.Float32, tensor.Float64} {
		rng := rand.New(rand.NewSource(1))
		g := G.NewGraph()
		x := leaf(g, "x", randDense(rng, dt, 1, 4, 2, 12, 12))
		w1 := leaf(g, "w1", randDense(rng, dt, 0.3, 6, 2, 3, 3))
		b1 := leaf(g, "b1", randDense(rng, dt, 0.1, 1, 6, 1, 1))
		w2 := leaf(g, "w2", randDense(rng, dt, 0.3, 6, 3, 3, 3))
		b2 := leaf(g, "b2", randDense(rng, dt, 0.1, 1, 3, 1, 1))
		h := G.Must(Conv2d(x, w1, b1, 2, 1, ActReLU))
		h = G.Must(ConvTranspose2d(h, w2, b2, 2, 1, 1, ActLeakyReLU(0.1)))
		h = G.Must(Upsample2x(h))
		loss := G.Must(G.Sum(G.Must(G.Reshape(h, tensor.Shape{h.Shape().TotalSize()}))))
		if _, err := G.Grad(loss, x, w1, b1, w2, b2); err != nil {
			t.Fatal(err)
		}
		vm := G.NewTapeMachine(g, G.BindDualValues(x, w1, b1, w2, b2))
		if err := vm.RunAll(); err != nil {
			t.Fatal(err)
		}
		vm.Close()
		checked := 0
		for _, n := range g.AllNodes() {
			op, ours := n.Op().(interface {
				G.Op
				inputShapes() []tensor.Shape
			})
			if !ours {
				continue
			}
			var in []G.Value
			for _, s := range op.inputShapes() {
				in = append(in, randDense(rng, dt, 1, s...))
			}
			if _, err := op.Do(in...); err != nil {
				t.Fatalf("%v: %v", op, err)
			}
			if a := testing.AllocsPerRun(5, func() { op.Do(in...) }); a != 0 {
				t.Errorf("%v %v: %.0f allocations per Do", dt, op, a)
			}
			checked++
		}
		t.Logf("%v: %d ops checked", dt, checked)
		if checked < 12 {
			t.Errorf("only %d ops of this package found in the graph", checked)
		}
	}
}
