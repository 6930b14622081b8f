package models

import (
	"math"
	"testing"
)

// TestCropMatchesWholeAwayFromBorders: a dilated residual model gives, on a
// crop of a large image, what it gives on the whole image at the same pixels,
// once they are farther than its receptive radius from the crop's border.
// The tiles of ApplyPhoto rely on it, and the two sizes take the two conv
// paths (the whole image the fused one, the crop one GEMM per layer).
func TestCropMatchesWholeAwayFromBorders(t *testing.T) {
	cfg := Config{Task: TaskDenoise, Arch: ArchResidual, Width: 16, Height: 16, Channels: 3,
		Layers: []int{32, 32, 32}, Dilations: []int{1, 2, 4, 1}, Loss: LossMSE, NoiseSigma: 0.1, Seed: 3}
	ae := must(NewAutoencoder(cfg))
	const W, H = 252, 252
	x := randomValues(3*W*H, 1)
	big := must(ae.InferAt(x, 1, W, H))
	const cw, ch, ox, oy = 60, 50, 100, 120
	crop := make([]float32, 3*cw*ch)
	for c := 0; c < 3; c++ {
		for y := 0; y < ch; y++ {
			copy(crop[(c*ch+y)*cw:(c*ch+y+1)*cw], x[(c*H+oy+y)*W+ox:(c*H+oy+y)*W+ox+cw])
		}
	}
	small := must(ae.InferAt(crop, 1, cw, ch))
	r := cfg.ReceptiveRadius()
	worst := 0.0
	for c := 0; c < 3; c++ {
		for y := r; y < ch-r; y++ {
			for xx := r; xx < cw-r; xx++ {
				d := math.Abs(float64(small[(c*ch+y)*cw+xx] - big[(c*H+oy+y)*W+ox+xx]))
				worst = max(worst, d)
			}
		}
	}
	inside := 0
	for _, v := range big {
		if v > 0 && v < 1 {
			inside++
		}
	}
	if worst > 1e-5 || inside < len(big)/2 {
		t.Fatalf("largest difference %g; %d of %d values unclipped", worst, inside, len(big))
	}
}
