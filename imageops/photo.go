package imageops

import (
	"context"
	"fmt"
	"image"
	"math/rand"
)

// Photo is a photograph at its native size as float planes, for tools that
// process whole photos (denoise, colorize) rather than datasets: three
// planes R, G, B in [0,1] (equal for gray photos), and the alpha channel
// kept aside so that it comes back untouched.
type Photo struct {
	Width, Height int
	RGB           []float32 // 3×H×W
	Alpha         []uint8   // H×W; nil when the photo is opaque
	Gray          bool      // every pixel has R = G = B
}

// NewPhoto converts an image at its native size. Colour values of
// semi-transparent pixels are kept as they are (not flattened).
func NewPhoto(img image.Image) *Photo {
	m := toNRGBA(img)
	w, h := m.Bounds().Dx(), m.Bounds().Dy()
	n := w * h
	p := &Photo{Width: w, Height: h, RGB: make([]float32, 3*n), Gray: true}
	opaque := true
	for y := 0; y < h; y++ {
		row := m.Pix[y*m.Stride : y*m.Stride+4*w]
		for x := 0; x < w; x++ {
			px := row[4*x : 4*x+4 : 4*x+4]
			i := y*w + x
			p.RGB[i], p.RGB[n+i], p.RGB[2*n+i] = byteToUnit[px[0]], byteToUnit[px[1]], byteToUnit[px[2]]
			if px[0] != px[1] || px[1] != px[2] {
				p.Gray = false
			}
			if px[3] != 255 {
				opaque = false
			}
		}
	}
	if !opaque {
		p.Alpha = make([]uint8, n)
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				p.Alpha[y*w+x] = m.Pix[y*m.Stride+4*x+3]
			}
		}
	}
	return p
}

// LoadPhoto reads an image file at its native size with the same checks
// as Load (declared size limits, decoder errors, EXIF orientation).
func LoadPhoto(path string) (*Photo, error) {
	opt, err := Options{}.normalized()
	if err != nil {
		return nil, err
	}
	img, err := decodePath(newDecoder(opt), path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return NewPhoto(img), nil
}

// Image turns the planes back into an image, with the photo's alpha.
func (p *Photo) Image() *image.NRGBA {
	m := ToImage(p.RGB, p.Width, p.Height, 3)
	if p.Alpha != nil {
		for i, a := range p.Alpha {
			m.Pix[4*i+3] = a
		}
	}
	return m
}

// WithRGB is a photo of the same size and alpha with other colour planes.
func (p *Photo) WithRGB(rgb []float32) *Photo {
	q := *p
	q.RGB = rgb
	q.Gray = false
	return &q
}

// Luma is the photo's gray plane (Rec. 601 weights).
func (p *Photo) Luma() []float32 {
	n := p.Width * p.Height
	out := make([]float32, n)
	for i := range out {
		out[i] = lumaR*p.RGB[i] + lumaG*p.RGB[n+i] + lumaB*p.RGB[2*n+i]
	}
	return out
}

// ListImages returns the image files under dir (recursively, sorted by
// path) and the files that are skipped because they are not images.
func ListImages(ctx context.Context, dir string) ([]string, []Skipped, error) {
	sc, err := scanFolder(ctx, dir)
	if err != nil {
		return nil, nil, err
	}
	return sc.images, sc.skipped, nil
}

// Grayscale is the photo with its colour removed (Rec. 601 luma in all
// three channels): what a black-and-white print of it looks like.
func (p *Photo) Grayscale() *Photo { return p.WithGray(p.Luma()) }

// WithGray is a gray photo of the same size and alpha whose three channels
// are the plane y (H×W values).
func (p *Photo) WithGray(y []float32) *Photo {
	rgb := make([]float32, 0, 3*len(y))
	rgb = append(append(append(rgb, y...), y...), y...)
	q := p.WithRGB(rgb)
	q.Gray = true
	return q
}

// WithGaussianNoise is the photo with Gaussian noise of sigma (on the [0,1]
// scale) added and clipped; a gray photo gets one noise plane in all three
// channels, so it stays gray.
func (p *Photo) WithGaussianNoise(sigma float64, rng *rand.Rand) *Photo {
	n := p.Width * p.Height
	rgb := make([]float32, 3*n)
	if p.Gray {
		AddGaussianNoise(rgb[:n], p.RGB[:n], sigma, rng)
		copy(rgb[n:2*n], rgb[:n])
		copy(rgb[2*n:], rgb[:n])
	} else {
		AddGaussianNoise(rgb, p.RGB, sigma, rng)
	}
	q := p.WithRGB(rgb)
	q.Gray = p.Gray
	return q
}

// Quality is how close an image is to its reference.
type Quality struct {
	PSNR float64 `json:"psnr"` // dB, data range 1
	SSIM float64 `json:"ssim"` // scikit-image's 7×7 uniform window
}

// Compare measures p against a reference photo of the same size, over the
// reference's planes: one for a gray reference, else three.
func (p *Photo) Compare(ref *Photo) (Quality, error) {
	if p.Width != ref.Width || p.Height != ref.Height {
		return Quality{}, fmt.Errorf("the reference is %d×%d but the photo is %d×%d", ref.Width, ref.Height, p.Width, p.Height)
	}
	return ComparePlanes(p.RGB, ref.RGB, ref.Width, ref.Height, ref.Gray)
}

// ComparePlanes measures w×h planes against reference planes: the first
// plane only when gray, else three.
func ComparePlanes(planes, ref []float32, w, h int, gray bool) (Quality, error) {
	c := 3
	if gray {
		c = 1
	}
	n := c * w * h
	if len(planes) < n || len(ref) < n {
		return Quality{}, fmt.Errorf("compare: %d and %d values for %dx%dx%d", len(planes), len(ref), w, h, c)
	}
	psnr, err := PSNR(planes[:n], ref[:n], 1)
	if err != nil {
		return Quality{}, err
	}
	ssim, err := SSIM(planes[:n], ref[:n], w, h, c, 1, SSIMUniform7)
	return Quality{psnr, ssim}, err
}

// Toward is p moved the share s (0..1) of the way to q, a photo of the same
// size: a denoiser's strength. It keeps p's alpha and, when both are gray,
// stays gray.
func (p *Photo) Toward(q *Photo, s float64) *Photo {
	rgb := make([]float32, len(p.RGB))
	for i, x := range p.RGB {
		rgb[i] = x + float32(s)*(q.RGB[i]-x)
	}
	r := p.WithRGB(rgb)
	r.Gray = p.Gray && q.Gray
	return r
}
