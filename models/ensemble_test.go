package models

import (
	"math"
	"math/rand"
	"testing"
)

func TestDihedralUndoesApply(t *testing.T) {
	const c, side = 2, 5
	rng := rand.New(rand.NewSource(1))
	x := make([]float32, c*side*side)
	for i := range x {
		x[i] = rng.Float32()
	}
	seen := map[[2]float32]bool{}
	for d := dihedral(0); d < 8; d++ {
		y := d.apply(x, c, side)
		seen[[2]float32{y[0], y[1]}] = true
		for i, v := range d.undo(y, c, side) {
			if v != x[i] {
				t.Fatalf("symmetry %d: undo(apply(x))[%d] = %v, want %v", d, i, v, x[i])
			}
		}
	}
	if len(seen) != 8 {
		t.Errorf("the 8 symmetries gave %d distinct images", len(seen))
	}
}

// TestDihedralMeanIsEquivariant: a model's output on a rotated tile is not
// its rotated output, but the ensemble's is, whichever symmetry is applied.
func TestDihedralMeanIsEquivariant(t *testing.T) {
	cfg := Config{Task: TaskDenoise, Arch: ArchResidual, Width: 8, Height: 8, Channels: 3, Layers: []int{6, 6}, Loss: LossMSE, NoiseSigma: 0.1, Seed: 2}
	ae, err := NewAutoencoder(cfg)
	if err != nil {
		t.Fatal(err)
	}
	const side = 12
	infer := func(in []float32) ([]float32, error) { return ae.InferAt(in, 1, side, side) }
	ens := dihedralMean(infer, 3, 3, side)
	rng := rand.New(rand.NewSource(3))
	x := make([]float32, 3*side*side)
	for i := range x {
		x[i] = rng.Float32()
	}
	maxDiff := func(f func([]float32) ([]float32, error), d dihedral) float64 {
		a, err := f(d.apply(x, 3, side))
		if err != nil {
			t.Fatal(err)
		}
		b, err := f(x)
		if err != nil {
			t.Fatal(err)
		}
		var m float64
		for i, v := range d.apply(b, 3, side) {
			m = math.Max(m, math.Abs(float64(v-a[i])))
		}
		return m
	}
	for d := dihedral(1); d < 8; d++ {
		if plain, mean := maxDiff(infer, d), maxDiff(ens, d); plain < 1e-4 || mean > 1e-5 {
			t.Errorf("symmetry %d: the model alone differs by %.2g, the ensemble by %.2g", d, plain, mean)
		}
	}
}
