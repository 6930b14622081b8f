// Package imageops loads image datasets and converts between images and the
// float32 tensors the models train on. It knows nothing of Fyne or Gorgonia.
package imageops

import (
	"fmt"
	"image"
	"math/rand"
	"slices"
)

// Dataset holds images as float32 values in [0,1], laid out N×C×H×W
// (channel-major within an image, as convolutional models expect).
type Dataset struct {
	Width, Height, Channels int

	Data    []float32 // len = Len() * Size()
	Labels  []int     // class index per image, -1 when unknown
	Classes []string  // class names; Labels index into it
	Files   []string  // where each image came from ("dir/a.png" or "train.idx.gz#17")
	Skipped []Skipped // files that could not be used, with the reason

	// SourceSizes are the images' sizes in their files, before resizing
	// (folders only; nil for IDX data, whose images all have Width×Height).
	SourceSizes []image.Point
}

// Skipped names a file that was not loaded and why.
type Skipped struct {
	Path   string
	Reason string
}

func (s Skipped) String() string { return s.Path + ": " + s.Reason }

// Size is the number of values per image (C*H*W).
func (d *Dataset) Size() int { return d.Channels * d.Height * d.Width }

// Len is the number of images (0 for a nil dataset).
func (d *Dataset) Len() int {
	if d == nil || d.Size() == 0 {
		return 0
	}
	return len(d.Data) / d.Size()
}

// Image returns the values of image i (a slice into Data, not a copy).
func (d *Dataset) Image(i int) []float32 {
	n := d.Size()
	return d.Data[i*n : (i+1)*n : (i+1)*n]
}

// Label returns the class name of image i, or "" when it has none.
func (d *Dataset) Label(i int) string {
	if i < len(d.Labels) && d.Labels[i] >= 0 && d.Labels[i] < len(d.Classes) {
		return d.Classes[d.Labels[i]]
	}
	return ""
}

// Subset copies the images at the given indices into a new dataset.
func (d *Dataset) Subset(idx []int) *Dataset {
	n := d.Size()
	out := &Dataset{
		Width: d.Width, Height: d.Height, Channels: d.Channels,
		Data:    make([]float32, 0, len(idx)*n),
		Labels:  make([]int, 0, len(idx)),
		Files:   make([]string, 0, len(idx)),
		Classes: d.Classes,
	}
	for _, i := range idx {
		out.Data = append(out.Data, d.Image(i)...)
		out.Labels = append(out.Labels, d.labelAt(i))
		out.Files = append(out.Files, d.fileAt(i))
	}
	return out
}

// Sample returns n of d's images drawn at random with the given seed (d
// itself when it has no more). Not the first n, nor every k-th: folders list
// their images class by class, and MNIST's training file alternates between
// its two populations of writers (the even and the odd images lie a Frechet
// distance of about 88 apart in our classifier's features).
func (d *Dataset) Sample(n int, seed int64) *Dataset {
	if d.Len() <= n {
		return d
	}
	return d.Subset(rand.New(rand.NewSource(seed)).Perm(d.Len())[:n])
}

func (d *Dataset) labelAt(i int) int {
	if i < len(d.Labels) {
		return d.Labels[i]
	}
	return -1
}

func (d *Dataset) fileAt(i int) string {
	if i < len(d.Files) {
		return d.Files[i]
	}
	return fmt.Sprintf("#%d", i)
}

// Split shuffles the images with the seed and returns a training set and a
// validation set holding about valFraction of them (at least one image each
// when the dataset has two or more).
func (d *Dataset) Split(valFraction float64, seed int64) (train, val *Dataset) {
	n := d.Len()
	perm := rand.New(rand.NewSource(seed)).Perm(n)
	nVal := int(float64(n)*valFraction + 0.5)
	if valFraction > 0 && nVal == 0 && n > 1 {
		nVal = 1
	}
	if nVal >= n && n > 1 {
		nVal = n - 1
	}
	return d.Subset(perm[nVal:]), d.Subset(perm[:nVal])
}

// ClassCounts returns how many images each class has, keyed by class name
// ("" for images without a class).
func (d *Dataset) ClassCounts() map[string]int {
	counts := map[string]int{}
	for i := 0; i < d.Len(); i++ {
		counts[d.Label(i)]++
	}
	return counts
}

// SizeStats summarises the source sizes: the smallest and largest width and
// height and the median image (by pixel count). ok is false without sizes.
func (d *Dataset) SizeStats() (lo, hi, median image.Point, ok bool) {
	if len(d.SourceSizes) == 0 {
		return lo, hi, median, false
	}
	lo, hi = d.SourceSizes[0], d.SourceSizes[0]
	for _, s := range d.SourceSizes {
		lo = image.Pt(min(lo.X, s.X), min(lo.Y, s.Y))
		hi = image.Pt(max(hi.X, s.X), max(hi.Y, s.Y))
	}
	sorted := slices.Clone(d.SourceSizes)
	slices.SortFunc(sorted, func(a, b image.Point) int { return a.X*a.Y - b.X*b.Y })
	return lo, hi, sorted[len(sorted)/2], true
}

// Range returns the smallest and largest value in the dataset.
func (d *Dataset) Range() (lo, hi float32) {
	if len(d.Data) == 0 {
		return 0, 0
	}
	lo, hi = d.Data[0], d.Data[0]
	for _, v := range d.Data {
		if v < lo {
			lo = v
		}
		if v > hi {
			hi = v
		}
	}
	return lo, hi
}
