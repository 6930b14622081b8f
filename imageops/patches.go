package imageops

import (
	"context"
	"fmt"
	"image"
	"math"
	"math/rand"
	"os"

	"github.com/disintegration/imaging"
)

// PatchOptions says how Patches cuts.
type PatchOptions struct {
	N    int  // how many patches
	Size int  // their side, in pixels
	Gray bool // one channel instead of three
	// Scales adds, for each value s in (0,1), a copy of every photo resized
	// to s times its size (Lanczos), drawn from like one more photo: fine
	// detail becomes coarser and there is more variety per photo, as in
	// DnCNN's training (scales 1, 0.9, 0.8, 0.7). 1 is always included.
	Scales []float64
	Seed   int64 // the same seed gives the same patches
}

// Patches cuts random square patches from the photos in dir, for training
// patch-based models on a few large photographs. Each patch comes from a
// random photo (or scaled copy, see PatchOptions.Scales), a random position
// and a random one of the 8 rotations and mirrorings of a square (see
// dihedral), recorded in Files as, e.g., "path@x,y,rot90,flipped" or, for a
// half-size copy, "path@0.5x:x,y". Photos smaller than Size on a side are
// skipped and listed.
func Patches(ctx context.Context, dir string, opt PatchOptions) (*Dataset, error) {
	n, size := opt.N, opt.Size
	if n < 1 || size < 1 {
		return nil, fmt.Errorf("patches: want a positive count and size, not %d and %d", n, size)
	}
	for _, s := range opt.Scales {
		if !(s > 0 && s <= 1) {
			return nil, fmt.Errorf("patches: a scale must lie in (0,1], not %g", s)
		}
	}
	sc, err := scanFolder(ctx, dir)
	if err != nil {
		return nil, err
	}
	dopt, _ := Options{}.normalized()
	dec := newDecoder(dopt)
	var photos []*image.NRGBA
	var names []string
	skipped := sc.skipped
	for _, path := range sc.images {
		img, err := decodePath(dec, path)
		if err == nil && (img.Bounds().Dx() < size || img.Bounds().Dy() < size) {
			err = fmt.Errorf("smaller than a %dx%d patch", size, size)
		}
		if err != nil {
			skipped = append(skipped, Skipped{path, err.Error()})
			continue
		}
		photo := toNRGBA(img)
		photos = append(photos, photo)
		names = append(names, path+"@")
		for _, s := range opt.Scales {
			w, h := int(math.Round(s*float64(photo.Bounds().Dx()))), int(math.Round(s*float64(photo.Bounds().Dy())))
			if s == 1 || w < size || h < size {
				continue
			}
			photos = append(photos, imaging.Resize(photo, w, h, imaging.Lanczos))
			names = append(names, fmt.Sprintf("%s@%gx:", path, s))
		}
	}
	if len(photos) == 0 {
		return nil, &NoImagesError{Dir: dir, Skipped: skipped}
	}
	c := 3
	if opt.Gray {
		c = 1
	}
	d := &Dataset{Width: size, Height: size, Channels: c, Data: make([]float32, n*c*size*size),
		Labels: make([]int, n), Files: make([]string, n), Skipped: skipped}
	rng := rand.New(rand.NewSource(opt.Seed))
	patch := image.NewNRGBA(image.Rect(0, 0, size, size))
	for i := 0; i < n; i++ {
		k := rng.Intn(len(photos))
		p := photos[k]
		b := p.Bounds()
		x := b.Min.X + rng.Intn(b.Dx()-size+1)
		y := b.Min.Y + rng.Intn(b.Dy()-size+1)
		t := dihedral(rng.Intn(8))
		cutPatch(patch, p, x, y, t)
		writeNRGBA(d.Image(i), patch, opt.Gray)
		d.Labels[i] = -1
		d.Files[i] = fmt.Sprintf("%s%d,%d%s", names[k], x, y, t.suffix())
	}
	return d, nil
}

// dihedral is one of the 8 symmetries of a square: a clockwise rotation by
// (d%4)·90°, followed for d >= 4 by a left-right mirror. Small patches of
// a photo look about as natural turned or mirrored, so this multiplies the
// variety of training patches eightfold without inventing content.
type dihedral int

// suffix names the transform for Dataset.Files: nothing for the identity
// (as in the names before rotations were added), else ",rot90", ",rot180"
// or ",rot270" and then ",flipped" for a mirrored one.
func (d dihedral) suffix() string {
	s := ""
	if r := d % 4; r != 0 {
		s = fmt.Sprintf(",rot%d", 90*r)
	}
	if d >= 4 {
		s += ",flipped"
	}
	return s
}

// source gives the pixel of an n×n crop that lands at (x, y) of the
// transformed patch: the transform undone, the mirror first since it was
// applied last.
func (d dihedral) source(x, y, n int) (sx, sy int) {
	if d >= 4 {
		x = n - 1 - x
	}
	switch d % 4 {
	case 1:
		return y, n - 1 - x
	case 2:
		return n - 1 - x, n - 1 - y
	case 3:
		return n - 1 - y, x
	}
	return x, y
}

// cutPatch fills dst, an n×n image at the origin, with the n×n crop of src
// whose top-left corner is (x0, y0), transformed by d.
func cutPatch(dst, src *image.NRGBA, x0, y0 int, d dihedral) {
	n := dst.Bounds().Dx()
	for y := 0; y < n; y++ {
		row := dst.Pix[y*dst.Stride:][:4*n]
		for x := 0; x < n; x++ {
			sx, sy := d.source(x, y, n)
			copy(row[4*x:4*x+4], src.Pix[src.PixOffset(x0+sx, y0+sy):])
		}
	}
}

// decodePath opens and decodes one image with the decoder's size checks.
func decodePath(dec *decoder, path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if _, err := dec.config(f); err != nil {
		return nil, err
	}
	return dec.decode(f)
}
