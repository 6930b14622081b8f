package imageops

import (
	"context"
	"math"
	"slices"
	"testing"
)

func TestApplyTiledKeepsConstantsAndIsSeamless(t *testing.T) {
	const w, h, c = 100, 70, 3
	img := make([]float32, w*h*c)
	for i := range img {
		img[i] = 0.3
	}
	var calls, lastDone, lastTotal int
	out, err := ApplyTiled(context.Background(), img, w, h, c, c, 32, 8,
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
// most the shift spread over the used part of the overlap (its middle
// half), never a jump at a tile edge.
func TestApplyTiledBlendsSmoothly(t *testing.T) {
	const w, h = 90, 40
	img := make([]float32, w*h)
	tileNo := 0
	out, err := ApplyTiled(context.Background(), img, w, h, 1, 1, 32, 16, func(in []float32) ([]float32, error) {
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
	if worst > 0.16/8*1.1 {
		t.Errorf("largest step between neighbours %.4f; a 0.16 shift over 8 pixels should give 0.02", worst)
	}
}

func TestApplyTiledSmallImageAndAffine(t *testing.T) {
	const w, h = 20, 10 // smaller than one tile
	img := make([]float32, w*h)
	for i := range img {
		img[i] = float32(i%7) / 7
	}
	out, err := ApplyTiled(context.Background(), img, w, h, 1, 1, 32, 8, func(in []float32) ([]float32, error) {
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
	if _, err := ApplyTiled(ctx, img, w, h, 1, 1, 32, 8, func(in []float32) ([]float32, error) { return in, nil }, nil); err == nil {
		t.Error("a cancelled context did not stop the tiling")
	}
	if _, err := ApplyTiled(context.Background(), img, w, h, 1, 1, 8, 8, nil, nil); err == nil {
		t.Error("overlap equal to the tile was accepted")
	}
}

// TestApplyTiledChangesChannels maps one channel to two, as colorization
// maps L to a and b: f returns the tile and its negative, so the result
// must be the image and 1 minus it, exactly where tiles overlap too.
func TestApplyTiledChangesChannels(t *testing.T) {
	const w, h = 100, 70 // several tiles each way
	img := make([]float32, w*h)
	for i := range img {
		img[i] = float32((i*37)%101) / 100
	}
	twoWays := func(in []float32) ([]float32, error) {
		res := make([]float32, 2*len(in))
		for i, v := range in {
			res[i], res[len(in)+i] = v, 1-v
		}
		return res, nil
	}
	out, err := ApplyTiled(context.Background(), img, w, h, 1, 2, 32, 8, twoWays, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 2*w*h {
		t.Fatalf("%d values, want 2×%d×%d", len(out), w, h)
	}
	for i, v := range img {
		if math.Abs(float64(out[i]-v)) > 1e-6 || math.Abs(float64(out[w*h+i]-(1-v))) > 1e-6 {
			t.Fatalf("pixel %d: got %v and %v, want %v and %v", i, out[i], out[w*h+i], v, 1-v)
		}
	}
	// Three channels down to one: their mean.
	rgb := slices.Concat(img, constant(w*h, 0.2), constant(w*h, 0.8))
	gray, err := ApplyTiled(context.Background(), rgb, w, h, 3, 1, 32, 8, func(in []float32) ([]float32, error) {
		n := len(in) / 3
		res := make([]float32, n)
		for i := range res {
			res[i] = (in[i] + in[n+i] + in[2*n+i]) / 3
		}
		return res, nil
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range img {
		if want := (v + 1) / 3; math.Abs(float64(gray[i]-want)) > 1e-6 {
			t.Fatalf("pixel %d: mean %v, want %v", i, gray[i], want)
		}
	}
	// A function returning the input's channel count is caught, not misread.
	if _, err := ApplyTiled(context.Background(), img, w, h, 1, 2, 32, 8,
		func(in []float32) ([]float32, error) { return in, nil }, nil); err == nil {
		t.Error("one channel returned where two were due was accepted")
	}
	if _, err := ApplyTiled(context.Background(), img, w, h, 1, 0, 32, 8, twoWays, nil); err == nil {
		t.Error("zero output channels were accepted")
	}
}

// TestApplyTiledSkipsTileEdges: a function that is wrong near its tile's
// edges (as a convolution with zero padding is) leaves no trace inside the
// image, since the outer quarter of each overlap gets no weight; only the
// image's own borders keep what the tile gave there.
func TestApplyTiledSkipsTileEdges(t *testing.T) {
	const w, h, tile, overlap = 100, 70, 32, 16
	img := make([]float32, w*h)
	out, err := ApplyTiled(context.Background(), img, w, h, 1, 1, tile, overlap, func(in []float32) ([]float32, error) {
		res := make([]float32, len(in))
		for y := 0; y < tile; y++ {
			for x := 0; x < tile; x++ {
				if min(x, y, tile-1-x, tile-1-y) >= overlap/4 {
					res[y*tile+x] = 1
				}
			}
		}
		return res, nil
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for y := overlap / 4; y < h-overlap/4; y++ {
		for x := overlap / 4; x < w-overlap/4; x++ {
			if v := out[y*w+x]; v != 1 {
				t.Fatalf("pixel (%d,%d) = %g: a tile's edge leaked into the image", x, y, v)
			}
		}
	}
}
