package imageops

import (
	"fmt"
	"image"

	"github.com/disintegration/imaging"
)

// BT.601 luma weights, the classic definition of "gray" for 8-bit images.
const (
	lumaR = 0.299
	lumaG = 0.587
	lumaB = 0.114
)

// byteToUnit maps a byte to [0,1] without a division per pixel.
var byteToUnit = func() (t [256]float32) {
	for i := range t {
		t[i] = float32(i) / 255
	}
	return t
}()

// FromImage converts img to C×H×W values in [0,1] (C is 1 when gray, else 3),
// resizing it to w×h the same way Load does. w,h = 0,0 keeps the native size.
// Transparent pixels are flattened over white.
func FromImage(img image.Image, w, h int, gray bool) []float32 {
	if w <= 0 || h <= 0 {
		w, h = img.Bounds().Dx(), img.Bounds().Dy()
	}
	c := 3
	if gray {
		c = 1
	}
	dst := make([]float32, c*h*w)
	writeValues(dst, img, w, h, gray)
	return dst
}

// fit resizes img to w×h: a plain resize when the aspect ratio already
// matches, otherwise a resize that covers w×h followed by a centre crop, so
// nothing is squashed.
func fit(img image.Image, w, h int) image.Image {
	b := img.Bounds()
	switch {
	case b.Dx() == w && b.Dy() == h:
		return img
	case b.Dx()*h == b.Dy()*w:
		return imaging.Resize(img, w, h, imaging.Lanczos)
	default:
		return imaging.Fill(img, w, h, imaging.Center, imaging.Lanczos)
	}
}

// writeValues stores img, fitted to w×h, in dst (len C*w*h) as C×H×W values.
func writeValues(dst []float32, img image.Image, w, h int, gray bool) {
	img = fit(img, w, h)
	if g, ok := img.(*image.Gray); ok {
		writeGray(dst, g, gray)
		return
	}
	writeNRGBA(dst, toNRGBA(img), gray)
}

// writeGray is the fast path for 8-bit gray images (MNIST-like PNGs, IDX).
func writeGray(dst []float32, g *image.Gray, gray bool) {
	b := g.Bounds()
	w, h := b.Dx(), b.Dy()
	plane := w * h
	for y := 0; y < h; y++ {
		row := g.Pix[y*g.Stride : y*g.Stride+w]
		out := dst[y*w : y*w+w]
		for x, p := range row {
			out[x] = byteToUnit[p]
		}
	}
	if !gray {
		copy(dst[plane:2*plane], dst[:plane])
		copy(dst[2*plane:3*plane], dst[:plane])
	}
}

// writeNRGBA converts non-premultiplied RGBA, compositing over white:
// dark digits or objects on transparent backgrounds then look as they do in
// an image viewer, which is the usual convention for photos and icons.
func writeNRGBA(dst []float32, m *image.NRGBA, gray bool) {
	b := m.Bounds()
	w, h := b.Dx(), b.Dy()
	plane := w * h
	for y := 0; y < h; y++ {
		row := m.Pix[y*m.Stride : y*m.Stride+4*w]
		for x := 0; x < w; x++ {
			p := row[4*x : 4*x+4 : 4*x+4]
			r, g, bl := byteToUnit[p[0]], byteToUnit[p[1]], byteToUnit[p[2]]
			if a := p[3]; a != 255 {
				af := byteToUnit[a]
				r = r*af + 1 - af
				g = g*af + 1 - af
				bl = bl*af + 1 - af
			}
			i := y*w + x
			if gray {
				dst[i] = min(lumaR*r+lumaG*g+lumaB*bl, 1)
			} else {
				dst[i], dst[plane+i], dst[2*plane+i] = r, g, bl
			}
		}
	}
}

// toNRGBA returns img as *image.NRGBA with 8 bits per channel. imaging has
// fast paths for the common decoder outputs (Gray16, RGBA64, YCbCr, CMYK via
// the colour model, paletted...).
func toNRGBA(img image.Image) *image.NRGBA {
	if m, ok := img.(*image.NRGBA); ok {
		return m
	}
	return imaging.Clone(img)
}

// ToImage turns C×H×W values (c = 1 gray or 3 RGB) into an opaque image.
// Values are clipped to [0,1]; NaN becomes 0. It panics when values is too
// short or c is not 1 or 3, which are programming errors.
func ToImage(values []float32, w, h, c int) *image.NRGBA {
	if c != 1 && c != 3 {
		panic(fmt.Sprintf("imageops.ToImage: %d channels, want 1 or 3", c))
	}
	plane := w * h
	if len(values) < c*plane {
		panic(fmt.Sprintf("imageops.ToImage: %d values for %dx%dx%d", len(values), c, h, w))
	}
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < plane; i++ {
		p := m.Pix[4*i : 4*i+4 : 4*i+4]
		if c == 1 {
			v := unitToByte(values[i])
			p[0], p[1], p[2] = v, v, v
		} else {
			p[0] = unitToByte(values[i])
			p[1] = unitToByte(values[plane+i])
			p[2] = unitToByte(values[2*plane+i])
		}
		p[3] = 255
	}
	return m
}

func unitToByte(v float32) uint8 {
	switch {
	case v > 1:
		return 255
	case v > 0:
		return uint8(v*255 + 0.5)
	default: // also NaN
		return 0
	}
}
