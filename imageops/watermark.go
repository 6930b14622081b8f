package imageops

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
	"math/rand"

	"github.com/disintegration/imaging"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// Watermark kinds drawn by AddWatermark.
const (
	MarkText   = "text"   // one line of text, any angle
	MarkTiled  = "tiled"  // a line of text repeated over the whole photo
	MarkLogo   = "logo"   // a ring or a frame with a letter in it
	MarkStroke = "stroke" // random brush strokes
)

// MarkKinds are all the kinds, for drawing one at random.
var MarkKinds = []string{MarkText, MarkTiled, MarkLogo, MarkStroke}

var markFonts = func() []*opentype.Font {
	var fonts []*opentype.Font
	for _, ttf := range [][]byte{goregular.TTF, gobold.TTF, goitalic.TTF, gomono.TTF} {
		f, err := opentype.Parse(ttf)
		if err != nil {
			panic(err) // the embedded Go fonts always parse
		}
		fonts = append(fonts, f)
	}
	return fonts
}()

var markWords = []string{"SAMPLE", "© Studio", "PREVIEW", "stock", "DRAFT", "© 2026", "photo.com", "PROOF", "CONFIDENTIAL", "Latent"}

// AddWatermark draws a synthetic watermark of the given kind (or a random
// one for "") over a w×h photo of c channels (C×H×W values in [0,1]), in
// place, with a random font, size, colour, opacity and angle drawn from
// rng, each marked value rounded to 8 bits. It returns the exact mask: 1
// where the mark changed the photo's 8-bit value, 0 elsewhere (w×h
// values), so inpainting models can be trained and measured on it.
func AddWatermark(img []float32, w, h, c int, kind string, rng *rand.Rand) ([]float32, error) {
	if len(img) != w*h*c {
		return nil, fmt.Errorf("watermark: %d values for %dx%dx%d", len(img), w, h, c)
	}
	if kind == "" {
		kind = MarkKinds[rng.Intn(len(MarkKinds))]
	}
	cover := image.NewAlpha(image.Rect(0, 0, w, h)) // the mark's coverage, 0..255
	switch kind {
	case MarkText:
		drawText(cover, randomWord(rng), rng, false)
	case MarkTiled:
		drawText(cover, randomWord(rng), rng, true)
	case MarkLogo:
		drawLogo(cover, rng)
	case MarkStroke:
		drawStrokes(cover, rng)
	default:
		return nil, fmt.Errorf("watermark: unknown kind %q (want %v)", kind, MarkKinds)
	}
	opacity := float32(0.35 + 0.6*rng.Float64())
	colour := make([]float32, c)
	bright := rng.Intn(3) // white, black or a colour
	for ch := range colour {
		switch bright {
		case 0:
			colour[ch] = 1
		case 1:
			colour[ch] = 0
		default:
			colour[ch] = rng.Float32()
		}
	}
	mask := make([]float32, w*h)
	for p := range mask {
		a := float32(cover.Pix[p]) / 255 * opacity
		if a == 0 {
			continue
		}
		changed := false
		for ch := 0; ch < c; ch++ {
			v := &img[ch*w*h+p]
			// Rounded to 8 bits, as in a watermarked file: what a model
			// can see through a nearly opaque mark is only that coarse.
			nb := unitToByte(*v*(1-a) + colour[ch]*a)
			if nb != unitToByte(*v) {
				changed = true
				*v = float32(nb) / 255
			}
		}
		if changed {
			mask[p] = 1
		}
	}
	return mask, nil
}

func randomWord(rng *rand.Rand) string { return markWords[rng.Intn(len(markWords))] }

// face is one of the Go fonts at a size in pixels.
func face(rng *rand.Rand, size float64) font.Face {
	f, err := opentype.NewFace(markFonts[rng.Intn(len(markFonts))], &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		panic(err) // only fails for invalid options
	}
	return f
}

// textMask renders text in white on a transparent image just big enough.
func textMask(text string, fc font.Face) *image.Alpha {
	d := &font.Drawer{Face: fc}
	width := d.MeasureString(text).Ceil() + 4
	m := fc.Metrics()
	height := (m.Ascent + m.Descent).Ceil() + 4
	dst := image.NewAlpha(image.Rect(0, 0, width, height))
	d.Dst, d.Src = dst, image.NewUniform(color.Alpha{255})
	d.Dot = fixed.Point26_6{X: fixed.I(2), Y: m.Ascent + fixed.I(2)}
	d.DrawString(text)
	return dst
}

// drawText draws one line of text (or a tiled grid of it) at a random
// size and angle into cover.
func drawText(cover *image.Alpha, text string, rng *rand.Rand, tiled bool) {
	b := cover.Bounds()
	size := float64(b.Dy()) * (0.06 + 0.12*rng.Float64())
	if tiled {
		size *= 0.6
	}
	angle := 0.0
	if rng.Intn(2) == 0 {
		angle = -45 + 90*rng.Float64()
	}
	src := imaging.Rotate(textMask(text, face(rng, max(size, 8))), angle, color.Transparent)
	sb := src.Bounds()
	place := func(x, y int) {
		draw.DrawMask(cover, image.Rect(x, y, x+sb.Dx(), y+sb.Dy()), image.NewUniform(color.Alpha{255}), image.Point{}, alphaOf(src), image.Point{}, draw.Over)
	}
	if !tiled {
		place(rng.Intn(max(1, b.Dx()-sb.Dx())), rng.Intn(max(1, b.Dy()-sb.Dy())))
		return
	}
	stepX, stepY := sb.Dx()+int(size), sb.Dy()+int(size)
	for y := -rng.Intn(stepY); y < b.Dy(); y += stepY {
		for x := -rng.Intn(stepX); x < b.Dx(); x += stepX {
			place(x, y)
		}
	}
}

// alphaOf is the alpha channel of an NRGBA image.
func alphaOf(m *image.NRGBA) *image.Alpha {
	a := image.NewAlpha(m.Bounds())
	for i := range a.Pix {
		a.Pix[i] = m.Pix[4*i+3]
	}
	return a
}

// drawLogo draws a ring or a square frame with a capital letter inside.
func drawLogo(cover *image.Alpha, rng *rand.Rand) {
	b := cover.Bounds()
	r := float64(b.Dy()) * (0.08 + 0.1*rng.Float64())
	cx := r + rng.Float64()*(float64(b.Dx())-2*r)
	cy := r + rng.Float64()*(float64(b.Dy())-2*r)
	thick := max(2, r/6)
	ring := rng.Intn(2) == 0
	for y := int(cy - r); y <= int(cy+r); y++ {
		for x := int(cx - r); x <= int(cx+r); x++ {
			if !(image.Point{x, y}.In(b)) {
				continue
			}
			dx, dy := float64(x)-cx, float64(y)-cy
			d := math.Max(math.Abs(dx), math.Abs(dy)) // square frame
			if ring {
				d = math.Hypot(dx, dy)
			}
			if d <= r && d >= r-thick {
				cover.SetAlpha(x, y, color.Alpha{255})
			}
		}
	}
	letter := textMask(string(rune('A'+rng.Intn(26))), face(rng, r*1.2))
	lb := letter.Bounds()
	at := image.Pt(int(cx)-lb.Dx()/2, int(cy)-lb.Dy()/2)
	draw.DrawMask(cover, lb.Add(at), image.NewUniform(color.Alpha{255}), image.Point{}, letter, image.Point{}, draw.Over)
}

// drawStrokes draws one to four thick random polylines, like brush strokes.
func drawStrokes(cover *image.Alpha, rng *rand.Rand) {
	b := cover.Bounds()
	for s := 1 + rng.Intn(4); s > 0; s-- {
		radius := 1.5 + float64(b.Dy())*0.02*rng.Float64()
		x, y := rng.Float64()*float64(b.Dx()), rng.Float64()*float64(b.Dy())
		heading := rng.Float64() * 2 * math.Pi
		for step := 20 + rng.Intn(60); step > 0; step-- {
			heading += (rng.Float64() - 0.5) * 0.6
			x += 2 * math.Cos(heading)
			y += 2 * math.Sin(heading)
			for py := int(y - radius); py <= int(y+radius); py++ {
				for px := int(x - radius); px <= int(x+radius); px++ {
					if (image.Point{px, py}.In(b)) && math.Hypot(float64(px)-x, float64(py)-y) <= radius {
						cover.SetAlpha(px, py, color.Alpha{255})
					}
				}
			}
		}
	}
}
