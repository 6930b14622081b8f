package imageops

import (
	"context"
	"fmt"
	"image"
	"math/rand"
	"os"
)

// Patches cuts n random size×size patches from the photos in dir (each at a
// random position, half of them mirrored left to right), for training
// patch-based models on a few large photographs. Photos smaller than size
// on a side are skipped and listed. The same seed gives the same patches.
func Patches(ctx context.Context, dir string, n, size int, gray bool, seed int64) (*Dataset, error) {
	if n < 1 || size < 1 {
		return nil, fmt.Errorf("patches: want a positive count and size, not %d and %d", n, size)
	}
	sc, err := scanFolder(ctx, dir)
	if err != nil {
		return nil, err
	}
	opt, _ := Options{}.normalized()
	dec := newDecoder(opt)
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
		photos = append(photos, toNRGBA(img))
		names = append(names, path)
	}
	if len(photos) == 0 {
		return nil, &NoImagesError{Dir: dir, Skipped: skipped}
	}
	c := 3
	if gray {
		c = 1
	}
	d := &Dataset{Width: size, Height: size, Channels: c, Data: make([]float32, n*c*size*size),
		Labels: make([]int, n), Files: make([]string, n), Skipped: skipped}
	rng := rand.New(rand.NewSource(seed))
	patch := image.NewNRGBA(image.Rect(0, 0, size, size))
	for i := 0; i < n; i++ {
		k := rng.Intn(len(photos))
		p := photos[k]
		b := p.Bounds()
		x := b.Min.X + rng.Intn(b.Dx()-size+1)
		y := b.Min.Y + rng.Intn(b.Dy()-size+1)
		flip := rng.Intn(2) == 1
		for r := 0; r < size; r++ {
			src := p.Pix[p.PixOffset(x, y+r):][:4*size]
			dst := patch.Pix[r*patch.Stride:][:4*size]
			if !flip {
				copy(dst, src)
				continue
			}
			for j := 0; j < size; j++ {
				copy(dst[4*j:4*j+4], src[4*(size-1-j):4*(size-j)])
			}
		}
		writeNRGBA(d.Image(i), patch, gray)
		d.Labels[i] = -1
		d.Files[i] = fmt.Sprintf("%s@%d,%d", names[k], x, y)
		if flip {
			d.Files[i] += ",flipped"
		}
	}
	return d, nil
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
