package models

import (
	"fmt"
	"math"
	"math/rand"
	"strings"
	"testing"

	"gorgonia.org/tensor"
)

// float64Params returns float64 copies of a model's weights, for gradient checks.
func float64Params(ae *Autoencoder) []*tensor.Dense {
	out := make([]*tensor.Dense, len(ae.params))
	for i, p := range ae.params {
		src := p.Data().([]float32)
		dst := make([]float64, len(src))
		for j, v := range src {
			dst[j] = float64(v)
		}
		out[i] = tensor.New(tensor.WithShape(p.Shape()...), tensor.WithBacking(dst))
	}
	return out
}

// TestGradientsMatchFiniteDifferences checks every layer the models use
// (dense, conv with bias, stride 2, upsampling, ReLU, reshape, both losses)
// by comparing the graph's gradients with central differences in float64.
func TestGradientsMatchFiniteDifferences(t *testing.T) {
	cases := []Config{
		{Task: TaskReconstruct, Arch: ArchDense, Width: 4, Height: 3, Channels: 1, Layers: []int{5}, Code: 3, Loss: LossBCE},
		{Task: TaskReconstruct, Arch: ArchDense, Width: 2, Height: 2, Channels: 3, Layers: []int{6, 4}, Code: 2, Loss: LossMSE},
		{Task: TaskReconstruct, Arch: ArchConv, Width: 4, Height: 4, Channels: 1, Layers: []int{2}, Code: 3, Loss: LossBCE},
		{Task: TaskReconstruct, Arch: ArchConv, Width: 4, Height: 4, Channels: 3, Layers: []int{2, 3}, Code: 2, Loss: LossMSE},
		{Task: TaskReconstruct, Arch: ArchDense, Width: 3, Height: 3, Channels: 1, Layers: []int{6}, Code: 4, CodeActivation: ActReLU, Loss: LossBCE},
		{Task: TaskReconstruct, Arch: ArchConv, Width: 8, Height: 4, Channels: 1, Layers: []int{3, 2}, Code: 0, Loss: LossBCE},
		// The residual denoiser: stride-1 convs, input minus the noise estimate, MSE without sigmoid.
		{Task: TaskDenoise, Arch: ArchResidual, Width: 5, Height: 4, Channels: 3, Layers: []int{4, 3}, Loss: LossMSE, NoiseSigma: 0.1},
		// Dilated: taps 2 and 3 pixels apart, reaching past the 6x5 image.
		{Task: TaskDenoise, Arch: ArchResidual, Width: 6, Height: 5, Channels: 1, Layers: []int{3, 3}, Dilations: []int{1, 2, 3}, Loss: LossMSE, NoiseSigma: 0.1},
		// Colorization: one channel in, two out.
		{Task: TaskColorize, Arch: ArchConv, Width: 4, Height: 4, Channels: 3, Layers: []int{3, 2}, Code: 0, Loss: LossBCE},
		{Task: TaskColorize, Arch: ArchDense, Width: 3, Height: 2, Channels: 3, Layers: []int{5}, Code: 2, Loss: LossMSE},
		// Inpainting: the mask as an extra input channel, a weighted MSE.
		{Task: TaskInpaint, Arch: ArchConv, Width: 4, Height: 4, Channels: 3, Layers: []int{3, 2}, Code: 0, Loss: LossMSE},
		{Task: TaskInpaint, Arch: ArchResidual, Width: 5, Height: 4, Channels: 3, Layers: []int{4, 3}, Loss: LossMSE},
	}
	for _, cfg := range cases {
		t.Run(fmt.Sprintf("%s-%v-d%v-code%d-%s", cfg.Arch, cfg.Layers, cfg.Dilations, cfg.Code, cfg.Loss), func(t *testing.T) {
			cfg.Seed = 3
			ae, err := NewAutoencoder(cfg)
			if err != nil {
				t.Fatal(err)
			}
			params := float64Params(ae)
			const batch = 2
			nt, err := buildNet(cfg, params, batch, trainNet)
			if err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewSource(1))
			x := make([]float64, batch*cfg.InputSize())
			for i := range x {
				x[i] = rng.Float64()
			}
			y := make([]float64, batch*cfg.OutputSize())
			for i := range y {
				y[i] = rng.Float64()
			}
			input := tensor.New(tensor.WithShape(nt.input.Shape()...), tensor.WithBacking(x))
			target := tensor.New(tensor.WithShape(batch, cfg.OutputSize()), tensor.WithBacking(y))
			var weight *tensor.Dense
			if nt.weight != nil {
				wv := make([]float64, len(y))
				for i := range wv {
					wv[i] = 1 + 4*rng.Float64()
				}
				weight = tensor.New(tensor.WithShape(batch, cfg.OutputSize()), tensor.WithBacking(wv))
			}
			loss := func() float64 {
				if err := nt.run(input, target, weight); err != nil {
					t.Fatal(err)
				}
				return nt.loss.Value().Data().(float64)
			}
			loss()
			var analytic [][]float64
			for _, n := range nt.learnables {
				g, err := n.Grad()
				if err != nil {
					t.Fatal(err)
				}
				analytic = append(analytic, append([]float64(nil), g.Data().([]float64)...))
			}
			const eps = 1e-6
			checked := 0
			for i, p := range params {
				w := p.Data().([]float64)
				for _, j := range rng.Perm(len(w))[:min(len(w), 6)] {
					orig := w[j]
					w[j] = orig + eps
					up := loss()
					w[j] = orig - eps
					down := loss()
					w[j] = orig
					numeric := (up - down) / (2 * eps)
					if d := math.Abs(numeric - analytic[i][j]); d > 1e-6+1e-4*math.Abs(numeric) {
						t.Errorf("%s[%d]: graph gradient %.8g, finite difference %.8g", nt.learnables[i].Name(), j, analytic[i][j], numeric)
					}
					checked++
				}
			}
			if checked < 2*len(params) {
				t.Fatalf("checked only %d weights", checked)
			}
		})
	}
}

// TestLossMatchesGraph: the loss computed in Go from reconstructions (used
// for validation) equals the graph's training loss on the same batch.
func TestLossMatchesGraph(t *testing.T) {
	for _, loss := range []string{LossBCE, LossMSE} {
		cfg := Config{Task: TaskReconstruct, Arch: ArchDense, Width: 5, Height: 5, Channels: 1, Layers: []int{7}, Code: 2, Loss: loss, Seed: 9}
		ae, err := NewAutoencoder(cfg)
		if err != nil {
			t.Fatal(err)
		}
		const batch = 4
		x := make([]float32, batch*cfg.InputSize())
		rng := rand.New(rand.NewSource(2))
		for i := range x {
			x[i] = rng.Float32()
		}
		nt, err := buildNet(cfg, ae.params, batch, trainNet)
		if err != nil {
			t.Fatal(err)
		}
		in := tensor.New(tensor.WithShape(batch, cfg.InputSize()), tensor.WithBacking(x))
		if err := nt.run(in, in, nil); err != nil {
			t.Fatal(err)
		}
		graphLoss := scalar(nt.loss)
		recon, err := ae.Reconstruct(x, batch)
		if err != nil {
			t.Fatal(err)
		}
		if goLoss := ae.Loss(recon, x); math.Abs(goLoss-graphLoss) > 1e-5 {
			t.Errorf("%s: Go loss %.7f, graph loss %.7f", loss, goLoss, graphLoss)
		}
	}
}

func TestAdamMatchesReference(t *testing.T) {
	// One weight, gradient 2 then -1: the textbook update by hand.
	w := []float32{1}
	g := []float32{2}
	a := newAdam(0.1, []int{1})
	a.step([][]float32{w}, [][]float32{g})
	// Step 1: m=0.2, v=0.004, m̂=2, v̂=4, w -= 0.1*2/(2+1e-8).
	if want := float32(0.9); math.Abs(float64(w[0]-want)) > 1e-6 {
		t.Fatalf("after step 1 w = %v, want %v", w[0], want)
	}
	if g[0] != 0 {
		t.Fatalf("gradient not zeroed: %v", g[0])
	}
	g[0] = -1
	a.step([][]float32{w}, [][]float32{g})
	m := 0.9*0.2 + 0.1*-1.0
	v := 0.999*0.004 + 0.001*1.0
	mh, vh := m/(1-0.81), v/(1-0.999*0.999)
	want := 0.9 - 0.1*mh/(math.Sqrt(vh)+1e-8)
	if math.Abs(float64(w[0])-want) > 1e-6 {
		t.Fatalf("after step 2 w = %v, want %v", w[0], want)
	}
}

func TestConfigValidateExplains(t *testing.T) {
	good := Config{Task: TaskReconstruct, Arch: ArchConv, Width: 28, Height: 28, Channels: 1, Layers: []int{16, 32}, Code: 8, Loss: LossBCE}
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	bad := good
	bad.Layers = []int{16, 32, 64}
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "divisible by 8") {
		t.Errorf("28x28 with 3 stride-2 layers: %v", err)
	}
	bad = good
	bad.Code = -1
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "code size") {
		t.Errorf("code -1: %v", err)
	}
	bad.Arch, bad.Code = ArchDense, 0 // only conv models may go without a code layer
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "code size") {
		t.Errorf("dense with code 0: %v", err)
	}
	bad = good
	bad.Task = TaskDenoise
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "sigma") {
		t.Errorf("denoise without sigma: %v", err)
	}
	res := Config{Task: TaskDenoise, Arch: ArchResidual, Width: 8, Height: 8, Channels: 1, Layers: []int{4, 4}, Loss: LossMSE, NoiseSigma: 0.1}
	for _, c := range []struct {
		arch      string
		dilations []int
		want      string
	}{
		{ArchResidual, []int{1, 2}, "2 dilations for 3 conv layers"},
		{ArchResidual, []int{1, 0, 1}, "dilation 0"},
		{ArchResidual, []int{1, 17, 1}, "dilation 17"},
		{ArchConv, []int{1, 1, 1}, "dilations are for the residual arch"},
	} {
		bad := res
		bad.Arch, bad.Dilations = c.arch, c.dilations
		if bad.Arch == ArchConv {
			bad.Task, bad.Loss = TaskReconstruct, LossBCE
		}
		if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s with dilations %v: %v, want %q", c.arch, c.dilations, err, c.want)
		}
	}
	res.Dilations = []int{1, 2, 1}
	if err := res.Validate(); err != nil || res.ReceptiveRadius() != 4 {
		t.Errorf("dilations 1,2,1: %v, radius %d (want 4)", err, res.ReceptiveRadius())
	}
	if loss, why, _ := ResolveLoss("auto", 0, 1); loss != LossBCE || !strings.Contains(why, "[0,1]") {
		t.Errorf("auto on [0,1]: %s (%s)", loss, why)
	}
	if loss, _, _ := ResolveLoss("auto", -1, 1); loss != LossMSE {
		t.Errorf("auto on [-1,1]: %s", loss)
	}
	if _, _, err := ResolveLoss("bce", -1, 1); err == nil {
		t.Error("BCE accepted inputs outside [0,1]")
	}
}
