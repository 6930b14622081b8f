package imageops

import "fmt"

// Classical inpainting, the baselines a learned inpainter must beat. Both
// change only the pixels where mask (w×h values) is above 0.5.

// FillBorderMean fills each connected region of the mask (4-neighbours)
// with the mean colour of the unmasked pixels that touch it.
func FillBorderMean(img []float32, w, h, c int, mask []float32) ([]float32, error) {
	if err := checkInpaint(img, w, h, c, mask); err != nil {
		return nil, err
	}
	out := append([]float32(nil), img...)
	seen := make([]bool, w*h)
	var region, stack []int
	for start := range mask {
		if mask[start] <= 0.5 || seen[start] {
			continue
		}
		// Flood the region, summing the colours of its unmasked neighbours
		// (a neighbour touching it from several sides counts each time).
		region, stack = region[:0], append(stack[:0], start)
		seen[start] = true
		sum, n := make([]float64, c), 0
		for len(stack) > 0 {
			p := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			region = append(region, p)
			x, y := p%w, p/w
			for _, q := range [4][2]int{{x - 1, y}, {x + 1, y}, {x, y - 1}, {x, y + 1}} {
				if q[0] < 0 || q[0] >= w || q[1] < 0 || q[1] >= h {
					continue
				}
				qi := q[1]*w + q[0]
				switch {
				case mask[qi] > 0.5 && !seen[qi]:
					seen[qi] = true
					stack = append(stack, qi)
				case mask[qi] <= 0.5:
					for ch := 0; ch < c; ch++ {
						sum[ch] += float64(img[ch*w*h+qi])
					}
					n++
				}
			}
		}
		for ch := 0; ch < c; ch++ {
			v := float32(0.5) // a region that covers everything
			if n > 0 {
				v = float32(sum[ch] / float64(n))
			}
			for _, p := range region {
				out[ch*w*h+p] = v
			}
		}
	}
	return out, nil
}

// DiffusionInpaint fills the mask by harmonic interpolation: every masked
// pixel becomes the mean of its four neighbours, repeated (Gauss-Seidel,
// starting from the border means) until nothing moves by more than 1e-4
// or after maxIter sweeps. Smooth regions come back well; texture does not.
func DiffusionInpaint(img []float32, w, h, c int, mask []float32, maxIter int) ([]float32, error) {
	out, err := FillBorderMean(img, w, h, c, mask)
	if err != nil {
		return nil, err
	}
	var holes []int
	for p, m := range mask {
		if m > 0.5 {
			holes = append(holes, p)
		}
	}
	for it := 0; it < maxIter; it++ {
		var moved float32
		for ch := 0; ch < c; ch++ {
			plane := out[ch*w*h : (ch+1)*w*h]
			for _, p := range holes {
				x, y := p%w, p/w
				var sum float32
				n := 0
				if x > 0 {
					sum, n = sum+plane[p-1], n+1
				}
				if x < w-1 {
					sum, n = sum+plane[p+1], n+1
				}
				if y > 0 {
					sum, n = sum+plane[p-w], n+1
				}
				if y < h-1 {
					sum, n = sum+plane[p+w], n+1
				}
				v := sum / float32(n)
				moved = max(moved, abs32(v-plane[p]))
				plane[p] = v
			}
		}
		if moved < 1e-4 {
			break
		}
	}
	return out, nil
}

func abs32(v float32) float32 {
	if v < 0 {
		return -v
	}
	return v
}

func checkInpaint(img []float32, w, h, c int, mask []float32) error {
	if w < 1 || h < 1 || c < 1 || len(img) != w*h*c || len(mask) != w*h {
		return fmt.Errorf("inpaint: %d values and a %d-value mask for %dx%dx%d", len(img), len(mask), w, h, c)
	}
	return nil
}

// Dilate grows a w×h mask by r pixels (a square neighbourhood): what a
// brush slightly wider than the mark covers.
func Dilate(mask []float32, w, h, r int) []float32 {
	out := make([]float32, len(mask))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			if mask[y*w+x] <= 0.5 {
				continue
			}
			for yy := max(0, y-r); yy <= min(h-1, y+r); yy++ {
				for xx := max(0, x-r); xx <= min(w-1, x+r); xx++ {
					out[yy*w+xx] = 1
				}
			}
		}
	}
	return out
}
