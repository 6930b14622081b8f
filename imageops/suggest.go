package imageops

import (
	"math"
	"slices"

	"github.com/disintegration/imaging"
)

// Tuning of SuggestMask, measured on scikit-image's sample photos with
// AddWatermark's text marks (see suggest_test.go).
const (
	// suggestFloor is the least residual (RGB distance from the
	// background) taken for a mark: 0.06 is about 15 levels of 255.
	suggestFloor = 0.06
	// suggestDetail is how many times the median residual around it a
	// pixel's residual must be, so that texture (fur, foliage) is not
	// taken for a mark.
	suggestDetail = 3
	// suggestTol is how far (per channel) a pixel's implied mark colour
	// may be from the mark's.
	suggestTol = 0.06
	// suggestBins is the colour histogram's bins per channel.
	suggestBins = 16
	// suggestCandidates is how many bins are weighed at each opacity.
	suggestCandidates = 3
	// suggestSide bounds the longer side of the photo searched: larger
	// photos are searched shrunk (marks are large enough to survive it) and
	// the mask is scaled back, so a suggestion takes seconds at most.
	suggestSide = 640
)

// suggestOpacities are the mark opacities tried.
var suggestOpacities = []float32{0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9}

// SuggestMask guesses which pixels of a photo carry an overlaid mark such
// as semi-transparent text, for the user to correct. It returns a W×H mask
// of 0 and 1.
//
// A mark of colour c and opacity a turns a background pixel b into
// p = b + a(c-b), so every pixel it covers implies the same colour
// c = b + (p-b)/a, while the photo's own detail implies colours all over.
// The background is the photo median-filtered; the pixels that stand out
// from it well above the detail around them vote, for each opacity tried,
// for the colour they imply. Of the fullest (opacity, colour) bins the one
// whose pixels lie closest together is the mark; the pixels implying its
// colour are kept, cleared of specks, joined by fainter pixels of the same
// colour that touch them, and grown by a pixel (the mark's anti-aliased
// edge). There is always a best guess: on a photo without a mark it is
// some of the photo's own thin lines (whiskers, wires, a rim), which look
// the same. Strokes wider than about a fortieth of the photo's smaller
// side (at most 8 pixels of the searched size) fill over half the median's
// window and are found only near their edges.
func SuggestMask(p *Photo) []float32 {
	w, h, n := p.Width, p.Height, p.Width*p.Height
	if long := max(w, h); long > suggestSide {
		small := SuggestMask(NewPhoto(imaging.Resize(p.Image(), w*suggestSide/long, h*suggestSide/long, imaging.Box)))
		sw, sh := w*suggestSide/long, h*suggestSide/long
		mask := make([]float32, n)
		for y := range h {
			for x := range w {
				mask[y*w+x] = small[min(y*sh/h, sh-1)*sw+min(x*sw/w, sw-1)]
			}
		}
		return mask
	}
	mask := make([]float32, n)
	if n == 0 {
		return mask
	}
	r := min(max(3, min(w, h)/40), 8)
	bg := MedianFilter(p.RGB, w, h, 3, r)
	mag := make([]float32, n) // RGB distance of each pixel from the background
	for i := range n {
		var s float32
		for ch := range 3 {
			d := p.RGB[ch*n+i] - bg[ch*n+i]
			s += d * d
		}
		mag[i] = float32(math.Sqrt(float64(s)))
	}
	detail := MedianFilter(mag, w, h, 1, r)
	var strong []int
	for i, m := range mag {
		if m >= max(suggestFloor, suggestDetail*detail[i]) {
			strong = append(strong, i)
		}
	}

	// implied is the mark colour pixel i implies at opacity a, and
	// whether it is a colour at all.
	implied := func(i int, a float32) (c [3]float32, ok bool) {
		for ch := range 3 {
			b := bg[ch*n+i]
			c[ch] = b + (p.RGB[ch*n+i]-b)/a
			if c[ch] < -suggestTol || c[ch] > 1+suggestTol {
				return c, false
			}
		}
		return c, true
	}
	bin := func(c [3]float32) int {
		k := 0
		for _, v := range c {
			k = suggestBins*k + min(max(int(v*suggestBins), 0), suggestBins-1)
		}
		return k
	}
	// Candidates: the fullest bins at each opacity. The mark's pixels lie
	// together (a line of text), the photo's own lines all over it, so
	// the candidate with the most pixels for the area they spread over
	// wins.
	bestA, bestBin, bestCount, bestScore := float32(0), 0, 0, 0.0
	votes := make([]int, suggestBins*suggestBins*suggestBins)
	var xs, ys []int
	for _, a := range suggestOpacities {
		clear(votes)
		for _, i := range strong {
			if c, ok := implied(i, a); ok {
				votes[bin(c)]++
			}
		}
		for range suggestCandidates {
			k := 0
			for j, v := range votes {
				if v > votes[k] {
					k = j
				}
			}
			count := votes[k]
			if count == 0 {
				break
			}
			votes[k] = 0
			xs, ys = xs[:0], ys[:0]
			for _, i := range strong {
				if c, ok := implied(i, a); ok && bin(c) == k {
					xs, ys = append(xs, i%w), append(ys, i/w)
				}
			}
			if score := float64(count) * float64(count) / spread(xs, ys); score > bestScore {
				bestA, bestBin, bestCount, bestScore = a, k, count, score
			}
		}
	}
	if bestCount == 0 {
		return mask
	}
	var mark [3]float32 // the mean colour the best bin's pixels imply
	for _, i := range strong {
		if c, ok := implied(i, bestA); ok && bin(c) == bestBin {
			for ch := range 3 {
				mark[ch] += c[ch] / float32(bestCount)
			}
		}
	}
	isMark := func(i int) bool {
		c, ok := implied(i, bestA)
		return ok && abs32(c[0]-mark[0]) <= suggestTol && abs32(c[1]-mark[1]) <= suggestTol && abs32(c[2]-mark[2]) <= suggestTol
	}
	for _, i := range strong {
		if isMark(i) {
			mask[i] = 1
		}
	}
	removeSpecks(mask, w, h, max(6, n/20000))
	// The mark's fainter pixels (over detail, or where its colour is close
	// to the photo's) join it where they touch it.
	var stack []int
	for i, m := range mask {
		if m > 0 {
			stack = append(stack, i)
		}
	}
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		x, y := i%w, i/w
		for yy := max(0, y-1); yy <= min(h-1, y+1); yy++ {
			for xx := max(0, x-1); xx <= min(w-1, x+1); xx++ {
				if j := yy*w + xx; mask[j] == 0 && mag[j] >= suggestFloor/2 && isMark(j) {
					mask[j] = 1
					stack = append(stack, j)
				}
			}
		}
	}
	return Dilate(mask, w, h, 1)
}

// spread is the area of the box holding the middle 90% of the points
// along each axis, at least 1.
func spread(xs, ys []int) float64 {
	side := func(v []int) float64 {
		slices.Sort(v)
		return float64(v[len(v)*95/100] - v[len(v)*5/100] + 1)
	}
	return side(xs) * side(ys)
}

// removeSpecks clears the 8-connected regions of a w×h mask smaller than
// minArea pixels, in place.
func removeSpecks(mask []float32, w, h, minArea int) {
	seen := make([]bool, len(mask))
	var region, stack []int
	for start, m := range mask {
		if m <= 0.5 || seen[start] {
			continue
		}
		region, stack = region[:0], append(stack[:0], start)
		seen[start] = true
		for len(stack) > 0 {
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			region = append(region, i)
			x, y := i%w, i/w
			for yy := max(0, y-1); yy <= min(h-1, y+1); yy++ {
				for xx := max(0, x-1); xx <= min(w-1, x+1); xx++ {
					j := yy*w + xx
					if mask[j] > 0.5 && !seen[j] {
						seen[j] = true
						stack = append(stack, j)
					}
				}
			}
		}
		if len(region) < minArea {
			for _, i := range region {
				mask[i] = 0
			}
		}
	}
}
