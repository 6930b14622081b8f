package ops

import (
	"fmt"
	"math/rand"
	"sync"
	"testing"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// runGraph runs g once (twice with reset, to exercise buffer reuse) and
// returns the values of the given nodes, copied with G.Read.
func runGraph(t testing.TB, g *G.ExprGraph, nodes ...*G.Node) [][]float64 {
	t.Helper()
	vals := make([]G.Value, len(nodes))
	for i, n := range nodes {
		G.Read(n, &vals[i])
	}
	vm := G.NewTapeMachine(g)
	defer vm.Close()
	for r := 0; r < 2; r++ {
		vm.Reset()
		if err := vm.RunAll(); err != nil {
			t.Fatal(err)
		}
	}
	out := make([][]float64, len(nodes))
	for i := range vals {
		out[i] = f64s(vals[i])
	}
	return out
}

func TestConv2dMatchesGorgonia(t *testing.T) {
	cases := []struct{ n, cin, h, w, cout, k, stride, pad, dil int }{
		{3, 1, 28, 28, 16, 3, 2, 1, 1},
		{2, 16, 14, 14, 32, 3, 2, 1, 1},
		{2, 3, 9, 7, 5, 3, 1, 1, 1},
		{2, 4, 8, 8, 3, 1, 1, 0, 1},
		{2, 2, 9, 9, 3, 5, 2, 2, 1},
		{1, 3, 6, 6, 2, 3, 3, 0, 1},
		{2, 3, 11, 9, 5, 3, 1, 2, 2},
		{1, 4, 12, 13, 3, 3, 1, 3, 3},
	}
	for i, c := range cases {
		for _, act := range []Activation{ActNone, ActReLU} {
			t.Run(fmt.Sprintf("%+v_%v", c, act), func(t *testing.T) {
				rng := rand.New(rand.NewSource(int64(i)))
				g := G.NewGraph()
				x := leaf(g, "x", randDense(rng, tensor.Float32, 1, c.n, c.cin, c.h, c.w))
				w := leaf(g, "w", randDense(rng, tensor.Float32, 0.3, c.cout, c.cin, c.k, c.k))
				b := leaf(g, "b", randDense(rng, tensor.Float32, 0.3, 1, c.cout, 1, 1))
				ours, err := DilatedConv2d(x, w, b, c.stride, c.pad, c.dil, act)
				if err != nil {
					t.Fatal(err)
				}
				ref := G.Must(G.Conv2d(x, w, tensor.Shape{c.k, c.k}, []int{c.pad, c.pad}, []int{c.stride, c.stride}, []int{c.dil, c.dil}))
				ref = G.Must(G.BroadcastAdd(ref, b, nil, []byte{0, 2, 3}))
				if act == ActReLU {
					ref = G.Must(G.Rectify(ref))
				}
				if !ours.Shape().Eq(ref.Shape()) {
					t.Fatalf("shape %v, Gorgonia %v", ours.Shape(), ref.Shape())
				}
				v := runGraph(t, g, ours, ref)
				if d := maxAbsDiff(v[0], v[1]); d > 1e-5 {
					t.Errorf("max |ours - Gorgonia| = %g", d)
				}
				if maxAbsDiff(v[0], make([]float64, len(v[0]))) < 0.1 {
					t.Error("output is (nearly) zero: the comparison proves nothing")
				}
			})
		}
	}
}

// convTransposeRef is the direct definition: every input pixel, times the
// kernel, is scattered into the output (PyTorch ConvTranspose2d), then bias.
func convTransposeRef(x, w, b []float64, n, cin, h, wd, cout, k, stride, pad, outPad int) ([]float64, int, int) {
	ho := (h-1)*stride - 2*pad + k + outPad
	wo := (wd-1)*stride - 2*pad + k + outPad
	y := make([]float64, n*cout*ho*wo)
	for in := 0; in < n; in++ {
		for ci := 0; ci < cin; ci++ {
			for i := 0; i < h; i++ {
				for j := 0; j < wd; j++ {
					v := x[((in*cin+ci)*h+i)*wd+j]
					for co := 0; co < cout; co++ {
						for a := 0; a < k; a++ {
							for bb := 0; bb < k; bb++ {
								oi, oj := i*stride-pad+a, j*stride-pad+bb
								if oi < 0 || oi >= ho || oj < 0 || oj >= wo {
									continue
								}
								y[((in*cout+co)*ho+oi)*wo+oj] += v * w[((ci*cout+co)*k+a)*k+bb]
							}
						}
					}
				}
			}
		}
	}
	for in := 0; in < n; in++ {
		for co := 0; co < cout; co++ {
			for p := 0; p < ho*wo; p++ {
				y[(in*cout+co)*ho*wo+p] += b[co]
			}
		}
	}
	return y, ho, wo
}

func TestConvTranspose2dMatchesReference(t *testing.T) {
	cases := []struct{ n, cin, h, w, cout, k, stride, pad, outPad int }{
		{2, 32, 7, 7, 16, 3, 2, 1, 1},
		{2, 16, 14, 14, 1, 3, 2, 1, 1},
		{2, 3, 5, 4, 2, 3, 1, 1, 0},
		{2, 2, 4, 4, 3, 4, 2, 1, 0},
		{1, 3, 3, 5, 2, 3, 3, 0, 2},
		{2, 2, 4, 4, 3, 1, 1, 0, 0},
	}
	for i, c := range cases {
		t.Run(fmt.Sprintf("%+v", c), func(t *testing.T) {
			rng := rand.New(rand.NewSource(int64(i)))
			xv := randDense(rng, tensor.Float32, 1, c.n, c.cin, c.h, c.w)
			wv := randDense(rng, tensor.Float32, 0.3, c.cin, c.cout, c.k, c.k)
			bv := randDense(rng, tensor.Float32, 0.3, 1, c.cout, 1, 1)
			want, ho, wo := convTransposeRef(f64s(xv), f64s(wv), f64s(bv), c.n, c.cin, c.h, c.w, c.cout, c.k, c.stride, c.pad, c.outPad)
			g := G.NewGraph()
			y, err := ConvTranspose2d(leaf(g, "x", xv), leaf(g, "w", wv), leaf(g, "b", bv), c.stride, c.pad, c.outPad, ActNone)
			if err != nil {
				t.Fatal(err)
			}
			if !y.Shape().Eq(tensor.Shape{c.n, c.cout, ho, wo}) {
				t.Fatalf("shape %v, want %v", y.Shape(), tensor.Shape{c.n, c.cout, ho, wo})
			}
			if maxAbsDiff(want, make([]float64, len(want))) < 0.1 {
				t.Fatal("reference output is (nearly) zero")
			}
			if d := maxAbsDiff(runGraph(t, g, y)[0], want); d > 1e-5 {
				t.Errorf("max |ours - reference| = %g", d)
			}
		})
	}
}

func TestUpsample2xMatchesLoop(t *testing.T) {
	for _, dt := range []tensor.Dtype{tensor.Float32, tensor.Float64} {
		rng := rand.New(rand.NewSource(3))
		n, c, h, w := 2, 3, 5, 7
		xv := randDense(rng, dt, 1, n, c, h, w)
		x := f64s(xv)
		g := G.NewGraph()
		y, err := Upsample2x(leaf(g, "x", xv))
		if err != nil {
			t.Fatal(err)
		}
		got := runGraph(t, g, y)[0]
		for i := 0; i < n*c; i++ {
			for r := 0; r < 2*h; r++ {
				for s := 0; s < 2*w; s++ {
					if got[(i*2*h+r)*2*w+s] != x[(i*h+r/2)*w+s/2] {
						t.Fatalf("%v: mismatch at plane %d (%d,%d)", dt, i, r, s)
					}
				}
			}
		}
	}
}

func TestActivationsForward(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	xv := randDense(rng, tensor.Float64, 1, 2, 2, 5, 5)
	wv := randDense(rng, tensor.Float64, 0.5, 3, 2, 3, 3)
	g := G.NewGraph()
	x, w := leaf(g, "x", xv), leaf(g, "w", wv)
	none := G.Must(Conv2d(x, w, nil, 1, 1, ActNone))
	relu := G.Must(Conv2d(x, w, nil, 1, 1, ActReLU))
	leaky := G.Must(Conv2d(x, w, nil, 1, 1, ActLeakyReLU(0.2)))
	sig := G.Must(Conv2d(x, w, nil, 1, 1, ActSigmoid))
	v := runGraph(t, g, none, relu, leaky, sig)
	for i, z := range v[0] {
		wantRelu, wantLeaky := z, z
		if z < 0 {
			wantRelu, wantLeaky = 0, 0.2*z
		}
		wantSig := 1 / (1 + expNeg(z))
		if v[1][i] != wantRelu || abs(v[2][i]-wantLeaky) > 1e-12 || abs(v[3][i]-wantSig) > 1e-12 {
			t.Fatalf("activation mismatch at %d: z=%g relu=%g leaky=%g sigmoid=%g", i, z, v[1][i], v[2][i], v[3][i])
		}
	}
}

func TestShapeErrors(t *testing.T) {
	g := G.NewGraph()
	x := G.NewTensor(g, tensor.Float32, 4, G.WithShape(2, 3, 8, 8), G.WithName("x"))
	w := G.NewTensor(g, tensor.Float32, 4, G.WithShape(4, 2, 3, 3), G.WithName("w"))
	if _, err := Conv2d(x, w, nil, 1, 1, ActNone); err == nil {
		t.Error("channel mismatch accepted")
	}
	w2 := G.NewTensor(g, tensor.Float32, 4, G.WithShape(4, 3, 3, 3), G.WithName("w2"))
	b := G.NewTensor(g, tensor.Float32, 1, G.WithShape(4), G.WithName("b"))
	if _, err := Conv2d(x, w2, b, 1, 1, ActNone); err == nil {
		t.Error("bias of shape (4) accepted")
	}
	if _, err := Conv2d(x, w2, nil, 0, 1, ActNone); err == nil {
		t.Error("stride 0 accepted")
	}
	if _, err := Conv2d(x, w2, nil, 1, 1, ActLeakyReLU(0)); err == nil {
		t.Error("LeakyReLU slope 0 accepted")
	}
	wt := G.NewTensor(g, tensor.Float32, 4, G.WithShape(3, 4, 3, 3), G.WithName("wt"))
	if _, err := ConvTranspose2d(x, wt, nil, 2, 1, 2, ActNone); err == nil {
		t.Error("output padding ≥ stride accepted")
	}
	if y, err := ConvTranspose2d(x, wt, nil, 2, 1, 1, ActNone); err != nil || !y.Shape().Eq(tensor.Shape{2, 4, 16, 16}) {
		t.Errorf("ConvTranspose2d: %v %v", y, err)
	}
}

// TestConcurrentGraphs runs two graphs built with these ops on two goroutines
// (run it with -race): op buffers belong to op instances, nothing is shared.
func TestConcurrentGraphs(t *testing.T) {
	rng := rand.New(rand.NewSource(9))
	xv := randDense(rng, tensor.Float32, 1, 4, 1, 16, 16)
	w1 := randDense(rng, tensor.Float32, 0.3, 8, 1, 3, 3)
	w2 := randDense(rng, tensor.Float32, 0.3, 8, 1, 3, 3)
	var results [2][]float64
	var wg sync.WaitGroup
	for k := 0; k < 2; k++ {
		wg.Add(1)
		go func(k int) {
			defer wg.Done()
			g := G.NewGraph()
			x := leaf(g, "x", xv.Clone().(*tensor.Dense))
			w := leaf(g, "w1", w1.Clone().(*tensor.Dense))
			wt := leaf(g, "w2", w2.Clone().(*tensor.Dense))
			h := G.Must(Conv2d(x, w, nil, 2, 1, ActReLU))
			y := G.Must(ConvTranspose2d(h, wt, nil, 2, 1, 1, ActNone))
			loss := G.Must(G.Sum(G.Must(G.Reshape(y, tensor.Shape{y.Shape().TotalSize()}))))
			if _, err := G.Grad(loss, w, wt); err != nil {
				t.Error(err)
				return
			}
			var out G.Value
			G.Read(y, &out)
			vm := G.NewTapeMachine(g, G.BindDualValues(w, wt))
			defer vm.Close()
			for r := 0; r < 20; r++ {
				vm.Reset()
				if err := vm.RunAll(); err != nil {
					t.Error(err)
					return
				}
			}
			results[k] = f64s(out)
		}(k)
	}
	wg.Wait()
	if d := maxAbsDiff(results[0], results[1]); d != 0 {
		t.Errorf("the two graphs disagree by %g", d)
	}
}
