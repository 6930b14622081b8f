package imageops

import (
	"context"
	"math"
	"testing"
)

func TestApplyTiledKeepsConstantsAndIsSeamless(t *testing.T) {
	const w, h, c = 100, 70, 3
	img := make([]float32, w*h*c)
	for i := range img {
		img[i] = 0.3
	}
	var calls, lastDone, lastTotal int
	out, err := ApplyTiled(context.Background(), img, w, h, c, 32, 8,
		func(in []float32) ([]float32, error) { calls++; return in, nil },
		func(done, total int) { lastDone, lastTotal = done, total })
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range out {
		if math.Abs(float64(v)-0.3) > 1.0/255/10 {
			t.Fatalf("value %d is %v: a constant image must stay constant across tile borders", i, v)
		}
	}
	// 100 wide: starts 0,24,48,68; 70 high: 0,24,38.
	if calls != 12 || lastDone != 12 || lastTotal != 12 {
		t.Errorf("%d tiles, progress %d/%d; want 12", calls, lastDone, lastTotal)
	}
}

// TestApplyTiledBlendsSmoothly: a function that shifts each tile by its own
// constant gives, after blending, neighbouring pixels that differ by at
// most the shift spread over the overlap, never a jump at a tile edge.
func TestApplyTiledBlendsSmoothly(t *testing.T) {
	const w, h = 90, 40
	img := make([]float32, w*h)
	tileNo := 0
	out, err := ApplyTiled(context.Background(), img, w, h, 1, 32, 16, func(in []float32) ([]float32, error) {
		tileNo++
		res := make([]float32, len(in))
		for i := range res {
			res[i] = float32(tileNo%2) * 0.16 // alternate 0 and 0.16
		}
		return res, nil
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	worst := 0.0
	for y := 0; y < h; y++ {
		for x := 1; x < w; x++ {
			worst = math.Max(worst, math.Abs(float64(out[y*w+x]-out[y*w+x-1])))
		}
	}
	if worst > 0.16/16*1.5 {
		t.Errorf("largest step between neighbours %.4f; a 0.16 shift over 16 pixels should give about 0.01", worst)
	}
}

func TestApplyTiledSmallImageAndAffine(t *testing.T) {
	const w, h = 20, 10 // smaller than one tile
	img := make([]float32, w*h)
	for i := range img {
		img[i] = float32(i%7) / 7
	}
	out, err := ApplyTiled(context.Background(), img, w, h, 1, 32, 8, func(in []float32) ([]float32, error) {
		res := make([]float32, len(in))
		for i, v := range in {
			res[i] = 0.5*v + 0.1
		}
		return res, nil
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range out {
		if want := 0.5*img[i] + 0.1; math.Abs(float64(v-want)) > 1e-6 {
			t.Fatalf("value %d: %v, want %v", i, v, want)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ApplyTiled(ctx, img, w, h, 1, 32, 8, func(in []float32) ([]float32, error) { return in, nil }, nil); err == nil {
		t.Error("a cancelled context did not stop the tiling")
	}
	if _, err := ApplyTiled(context.Background(), img, w, h, 1, 8, 8, nil, nil); err == nil {
		t.Error("overlap equal to the tile was accepted")
	}
}
