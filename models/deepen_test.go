package models

import (
	"fmt"
	"strings"
	"testing"
)

// TestDeepenKeepsTheFunction: the identity layers Deepen inserts leave the
// model's output unchanged (to float rounding), the config says where they
// went, and the new layers do learn: their gradients are not all zero.
func TestDeepenKeepsTheFunction(t *testing.T) {
	cfg := Config{Task: TaskDenoise, Arch: ArchResidual, Width: 12, Height: 12, Channels: 3,
		Layers: []int{6, 5, 5}, Dilations: []int{1, 2, 1, 1}, Loss: LossMSE, NoiseSigma: 0.1, Seed: 5}
	ae := must(NewAutoencoder(cfg))
	deep, err := ae.Deepen([]int{2, 4})
	if err != nil {
		t.Fatal(err)
	}
	dc := deep.Config()
	if fmt.Sprint(dc.Layers, dc.Dilations) != "[6 5 5 5 5] [1 2 2 4 1 1]" {
		t.Fatalf("deepened layers %v, dilations %v", dc.Layers, dc.Dilations)
	}
	if deep.ParamCount() != ae.ParamCount()+2*(5*5*9+5) {
		t.Errorf("%d parameters, want %d", deep.ParamCount(), ae.ParamCount()+2*(5*5*9+5))
	}
	x := randomValues(2*3*40*30, 7)
	for i := range x {
		x[i] = 0.2 + 0.6*x[i] // away from the clip at 0 and 1
	}
	want := must(ae.InferAt(x, 2, 40, 30))
	got := must(deep.InferAt(x, 2, 40, 30))
	if d := maxDiff(got, want); d > 1e-6 {
		t.Errorf("deepened model differs by %g", d)
	}
	// Training moves the new layers.
	before := append([]float32(nil), deep.params[4].Data().([]float32)...)
	data := photoPatches(t, 64, 12, false)
	tr, err := NewTrainer(deep, data, nil, TrainOptions{Epochs: 1, Batch: 16, LR: 1e-3, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	if d := maxDiff(deep.params[4].Data().([]float32), before); d == 0 {
		t.Error("training left the first inserted layer as it was")
	}
	if _, err := must(NewAutoencoder(Config{Task: TaskReconstruct, Arch: ArchConv, Width: 8, Height: 8, Channels: 1,
		Layers: []int{4}, Code: 2, Loss: LossBCE})).Deepen([]int{1}); err == nil || !strings.Contains(err.Error(), "only residual") {
		t.Errorf("deepening a conv autoencoder: %v", err)
	}
	if _, err := ae.Deepen(make([]int, MaxLayers)); err == nil || !strings.Contains(err.Error(), "allowed") {
		t.Errorf("deepening past %d layers: %v", MaxLayers, err)
	}
}

// TestAtSize: a fully convolutional model moves to another training size
// with the same weights; one with a dense code refuses.
func TestAtSize(t *testing.T) {
	ae := must(NewAutoencoder(Config{Task: TaskDenoise, Arch: ArchResidual, Width: 12, Height: 12, Channels: 1,
		Layers: []int{4}, Loss: LossMSE, NoiseSigma: 0.1, Seed: 5}))
	big, err := ae.AtSize(20, 16)
	if err != nil {
		t.Fatal(err)
	}
	x := randomValues(20*16, 3)
	if c := big.Config(); c.Width != 20 || c.Height != 16 || maxDiff(must(big.Reconstruct(x, 1)), must(ae.InferAt(x, 1, 20, 16))) != 0 {
		t.Errorf("at 20x16: config %dx%d or other outputs", c.Width, c.Height)
	}
	dense := must(NewAutoencoder(Config{Task: TaskReconstruct, Arch: ArchDense, Width: 4, Height: 4, Channels: 1, Layers: []int{3}, Code: 2, Loss: LossBCE}))
	if _, err := dense.AtSize(8, 8); err == nil {
		t.Error("a dense model moved to 8x8")
	}
}
