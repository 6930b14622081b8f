package imageops

import (
	"context"
	"fmt"
)

// ApplyTiled runs f over tile×tile pieces of an image of w×h pixels and c
// channels (C×H×W values), the pieces overlapping by overlap pixels, and
// blends the overlaps with weights that ramp linearly across them, so no
// seams show. The outer quarter of an overlap is not used at all (weight
// 0): a convolutional model with zero padding is least accurate near a
// tile's edge. Edges that are the image's own keep full weight. Only one tile's values and the output are held at a time, so
// memory stays bounded for photos of any size. An image smaller than a tile
// is extended by repeating its edge pixels. f receives c×tile×tile values
// and must return outC×tile×tile; it may reuse neither slice after it
// returns. outC may differ from c so that a model can map, say, the L
// channel to the a and b channels of a colorization. The result holds
// outC×h×w values.
func ApplyTiled(ctx context.Context, img []float32, w, h, c, outC, tile, overlap int,
	f func(in []float32) ([]float32, error), progress func(done, total int)) ([]float32, error) {
	if len(img) != w*h*c || w < 1 || h < 1 {
		return nil, fmt.Errorf("tiles: %d values for a %dx%dx%d image", len(img), w, h, c)
	}
	if c < 1 || outC < 1 {
		return nil, fmt.Errorf("tiles: %d input and %d output channels", c, outC)
	}
	if tile < 2 || overlap < 0 || overlap >= tile {
		return nil, fmt.Errorf("tiles: tile %d with overlap %d: want 0 <= overlap < tile", tile, overlap)
	}
	xs, ys := tileStarts(w, tile, overlap), tileStarts(h, tile, overlap)
	// Weights along one axis of a tile, rising from 0 to 1 across the
	// overlap after skipping a margin: the weights of two neighbouring
	// tiles then sum to 1 across their overlap.
	margin := overlap / 4
	ramp := make([]float32, tile)
	for i := range ramp {
		ramp[i] = 1
		if overlap > 0 {
			ramp[i] = min(1, max(0, (float32(i-margin)+0.5)/float32(overlap-2*margin)))
		}
	}
	// weightAt is the weight of pixel i of a tile starting at start on an
	// axis of side pixels: the ramp only where a neighbouring tile takes over.
	weightAt := func(i, start, side int) float32 {
		wt := float32(1)
		if start > 0 {
			wt = ramp[i]
		}
		if start+tile < side {
			wt = min(wt, ramp[tile-1-i])
		}
		return wt
	}
	out := make([]float32, outC*w*h)
	weight := make([]float32, w*h)
	in := make([]float32, c*tile*tile)
	total, done := len(xs)*len(ys), 0
	for _, y0 := range ys {
		for _, x0 := range xs {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			for ch := 0; ch < c; ch++ { // cut the tile, repeating edges past the image
				plane := img[ch*w*h : (ch+1)*w*h]
				for ty := 0; ty < tile; ty++ {
					sy := min(y0+ty, h-1)
					for tx := 0; tx < tile; tx++ {
						in[(ch*tile+ty)*tile+tx] = plane[sy*w+min(x0+tx, w-1)]
					}
				}
			}
			res, err := f(in)
			if err != nil {
				return nil, err
			}
			if len(res) != outC*tile*tile {
				return nil, fmt.Errorf("tiles: the function returned %d values, want %dx%dx%d", len(res), outC, tile, tile)
			}
			for ty := 0; ty < tile && y0+ty < h; ty++ {
				for tx := 0; tx < tile && x0+tx < w; tx++ {
					wt := weightAt(ty, y0, h) * weightAt(tx, x0, w)
					p := (y0+ty)*w + x0 + tx
					weight[p] += wt
					for ch := 0; ch < outC; ch++ {
						out[ch*w*h+p] += wt * res[(ch*tile+ty)*tile+tx]
					}
				}
			}
			done++
			if progress != nil {
				progress(done, total)
			}
		}
	}
	for p, wt := range weight {
		for ch := 0; ch < outC; ch++ {
			out[ch*w*h+p] /= wt
		}
	}
	return out, nil
}

// tileStarts places tiles every tile-overlap pixels, the last one flush
// with the far edge (or at 0 when the side is shorter than a tile).
func tileStarts(side, tile, overlap int) []int {
	if side <= tile {
		return []int{0}
	}
	var starts []int
	step := tile - overlap
	for s := 0; s+tile < side; s += step {
		starts = append(starts, s)
	}
	return append(starts, side-tile)
}
