package ui

import (
	"image"
	"image/color"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"golang.org/x/image/draw"
)

// CompareView shows two images of one scene, "before" and "after" (of the
// same size), for comparison. In slider mode "before" is drawn left of a
// vertical split line and "after" right of it; dragging or tapping moves
// the line. In side-by-side mode the two are drawn next to each other.
//
// In Fit zoom the images are scaled to the widget, aspect kept. At 1:1 one
// image pixel is one screen pixel and the widget asks for the images' full
// size, so a container.Scroll around it pans.
//
// The slider is drawn as one canvas.Raster: the two images are scaled once
// per size and each move of the line only copies rows, so dragging stays
// smooth even for large photos.
//
// Use it on the UI goroutine only.
type CompareView struct {
	widget.BaseWidget

	before, after         image.Image
	beforeName, afterName string
	split                 float32 // the line's place, as a fraction of the image width
	sideBySide            bool
	native                bool // 1:1 pixels rather than fit

	r *compareRenderer
}

// The photo views take drags and taps and show a cursor of their own.
var _, _ interface {
	fyne.Draggable
	fyne.Tappable
	desktop.Cursorable
} = (*CompareView)(nil), (*MaskPainter)(nil)

// NewCompareView returns an empty view with the line in the middle.
func NewCompareView() *CompareView {
	c := &CompareView{split: 0.5}
	c.ExtendBaseWidget(c)
	return c
}

// SetImages shows before and after with their names. after may be nil
// (nothing to compare yet): before is then shown alone.
func (c *CompareView) SetImages(before, after image.Image, beforeName, afterName string) {
	c.before, c.after = before, after
	c.beforeName, c.afterName = beforeName, afterName
	c.Refresh()
}

// Before and After are the images shown.
func (c *CompareView) Before() image.Image { return c.before }

// After is the image right of the line, nil when there is none.
func (c *CompareView) After() image.Image { return c.after }

// Split is the line's place as a fraction of the image width (0 shows
// only "after", 1 only "before").
func (c *CompareView) Split() float32 { return c.split }

// SetSplit moves the line.
func (c *CompareView) SetSplit(f float32) {
	f = min(max(f, 0), 1)
	if f == c.split {
		return
	}
	c.split = f
	if c.r != nil {
		c.r.raster.Refresh()
		c.r.Layout(c.Size())
	}
}

// SideBySide reports whether the images are shown next to each other.
func (c *CompareView) SideBySide() bool { return c.sideBySide }

// SetSideBySide switches between the slider and side by side.
func (c *CompareView) SetSideBySide(on bool) {
	c.sideBySide = on
	c.Refresh()
}

// Native reports whether the images are shown at 1:1 pixels.
func (c *CompareView) Native() bool { return c.native }

// SetNative switches between Fit (false) and 1:1 pixels (true). The
// caller refreshes the scroll container around the view.
func (c *CompareView) SetNative(on bool) {
	c.native = on
	c.Refresh()
}

// box is a rectangle in the widget's coordinates.
type box struct {
	pos  fyne.Position
	size fyne.Size
}

// imageBoxes are where the images are drawn: one box in slider mode, two
// (before, after) side by side.
func (c *CompareView) imageBoxes() []box {
	if c.before == nil {
		return nil
	}
	a, b := c.rects(c.Size())
	if !c.showsPair() {
		return []box{a}
	}
	return []box{a, b}
}

// Dragged implements fyne.Draggable: the line follows the pointer.
func (c *CompareView) Dragged(ev *fyne.DragEvent) { c.moveSplitTo(ev.Position) }

// DragEnd implements fyne.Draggable.
func (c *CompareView) DragEnd() {}

// Tapped implements fyne.Tappable: the line jumps to the tap.
func (c *CompareView) Tapped(ev *fyne.PointEvent) { c.moveSplitTo(ev.Position) }

// Cursor implements desktop.Cursorable: a resize cursor says the line can
// be dragged.
func (c *CompareView) Cursor() desktop.Cursor {
	if c.sliding() {
		return desktop.HResizeCursor
	}
	return desktop.DefaultCursor
}

// sliding reports whether the split line is shown.
func (c *CompareView) sliding() bool { return !c.sideBySide && c.before != nil && c.after != nil }

// showsPair reports whether two images are drawn side by side.
func (c *CompareView) showsPair() bool { return c.sideBySide && c.before != nil && c.after != nil }

func (c *CompareView) moveSplitTo(p fyne.Position) {
	if !c.sliding() {
		return
	}
	r, _ := c.rects(c.Size())
	if r.size.Width <= 0 {
		return
	}
	c.SetSplit((p.X - r.pos.X) / r.size.Width)
}

// imageSize is the images' size in device-independent units at 1:1.
func (c *CompareView) imageSize() fyne.Size {
	if c.before == nil {
		return fyne.Size{}
	}
	b := c.before.Bounds()
	s := canvasScale(c)
	return fyne.NewSize(float32(b.Dx())/s, float32(b.Dy())/s)
}

// canvasScale is the scale of the canvas showing o (1 before it is
// shown): at 1:1 one image pixel is 1/scale units.
func canvasScale(o fyne.CanvasObject) float32 {
	if cv := fyne.CurrentApp().Driver().CanvasForObject(o); cv != nil && cv.Scale() > 0 {
		return cv.Scale()
	}
	return 1
}

// fitSize is s scaled, aspect kept, to fit in area.
func fitSize(s, area fyne.Size) fyne.Size {
	if s.Width <= 0 || s.Height <= 0 {
		return fyne.Size{}
	}
	k := min(area.Width/s.Width, area.Height/s.Height)
	return fyne.NewSize(s.Width*k, s.Height*k)
}

// fitMinSize is what a photo view asks for in Fit zoom: little, as it
// takes what it is given.
func fitMinSize(th fyne.Theme) fyne.Size {
	t := th.Size(theme.SizeNameText)
	return fyne.NewSize(12*t, 8*t)
}

// compareGap separates the images side by side.
func (c *CompareView) compareGap() float32 { return c.Theme().Size(theme.SizeNamePadding) * 2 }

// rects places the images in a widget of the given size: the first (or
// only) image and, side by side, the second.
func (c *CompareView) rects(size fyne.Size) (a, b box) {
	img := c.imageSize()
	if img.Width <= 0 || img.Height <= 0 {
		return
	}
	pair := c.showsPair()
	gap := c.compareGap()
	// The area one image may take.
	area := size
	if pair {
		area.Width = (size.Width - gap) / 2
	}
	if !c.native {
		img = fitSize(img, area)
	}
	w, h := img.Width, img.Height
	// Centred in its area (at 1:1 in a scroll the widget is at least as big).
	total := w
	if pair {
		total = 2*w + gap
	}
	x := max((size.Width-total)/2, 0)
	y := max((size.Height-h)/2, 0)
	a = box{pos: fyne.NewPos(x, y), size: fyne.NewSize(w, h)}
	b = box{pos: fyne.NewPos(x+w+gap, y), size: fyne.NewSize(w, h)}
	return
}

// CreateRenderer implements fyne.Widget.
func (c *CompareView) CreateRenderer() fyne.WidgetRenderer {
	r := &compareRenderer{view: c}
	r.raster = canvas.NewRaster(r.draw)
	r.raster.ScaleMode = canvas.ImageScalePixels // drawn at the exact size
	r.left = canvas.NewImageFromImage(nil)
	r.right = canvas.NewImageFromImage(nil)
	r.line = canvas.NewRectangle(color.White)
	r.lineShadow = canvas.NewRectangle(color.NRGBA{A: 0x80})
	r.knob = canvas.NewCircle(color.White)
	r.knobText = canvas.NewText("‹ ›", color.Black)
	r.knobText.TextStyle.Bold = true
	r.knobText.Alignment = fyne.TextAlignCenter
	for i := range r.tags {
		r.tags[i].bg = canvas.NewRectangle(color.NRGBA{A: 0xa0})
		r.tags[i].text = canvas.NewText("", color.White)
	}
	r.objects = []fyne.CanvasObject{r.raster, r.left, r.right, r.lineShadow, r.line, r.knob, r.knobText}
	for _, t := range r.tags {
		r.objects = append(r.objects, t.bg, t.text)
	}
	c.r = r
	r.Refresh()
	return r
}

// tag is a name drawn over a corner of an image.
type tag struct {
	bg   *canvas.Rectangle
	text *canvas.Text
}

type compareRenderer struct {
	view *CompareView

	raster       *canvas.Raster // the slider: before | after
	left, right  *canvas.Image  // side by side
	line         *canvas.Rectangle
	lineShadow   *canvas.Rectangle
	knob         *canvas.Circle
	knobText     *canvas.Text
	tags         [2]tag
	objects      []fyne.CanvasObject
	scaledBefore scaledImage
	scaledAfter  scaledImage
}

// scaledImage caches an image scaled to one pixel size.
type scaledImage struct {
	src  image.Image
	w, h int
	img  *image.NRGBA
}

// get returns src at w×h pixels, scaling it only when src or the size
// changed since the last call.
func (s *scaledImage) get(src image.Image, w, h int) *image.NRGBA {
	if s.img != nil && s.src == src && s.w == w && s.h == h {
		return s.img
	}
	s.src, s.w, s.h = src, w, h
	b := src.Bounds()
	if m, ok := src.(*image.NRGBA); ok && b.Min == (image.Point{}) && b.Dx() == w && b.Dy() == h {
		s.img = m
		return m
	}
	s.img = image.NewNRGBA(image.Rect(0, 0, w, h))
	draw.BiLinear.Scale(s.img, s.img.Bounds(), src, b, draw.Src, nil)
	return s.img
}

func (r *compareRenderer) Destroy() {}

func (r *compareRenderer) Objects() []fyne.CanvasObject { return r.objects }

// MinSize is small in Fit zoom (the view takes what it is given) and the
// images' whole size at 1:1.
func (r *compareRenderer) MinSize() fyne.Size {
	c := r.view
	if c.native && c.before != nil {
		s := c.imageSize()
		if c.showsPair() {
			s.Width = 2*s.Width + c.compareGap()
		}
		return s
	}
	return fitMinSize(c.Theme())
}

// draw renders the slider at w×h pixels: rows of "before" up to the line
// and of "after" from it.
func (r *compareRenderer) draw(w, h int) image.Image {
	c := r.view
	if c.before == nil || w <= 0 || h <= 0 {
		return image.NewNRGBA(image.Rect(0, 0, 1, 1))
	}
	before := r.scaledBefore.get(c.before, w, h)
	if c.after == nil {
		return before
	}
	after := r.scaledAfter.get(c.after, w, h)
	out := image.NewNRGBA(image.Rect(0, 0, w, h))
	cut := 4 * min(max(int(math.Round(float64(c.split)*float64(w))), 0), w)
	for y := range h {
		o := out.Pix[y*out.Stride : y*out.Stride+4*w]
		copy(o[:cut], before.Pix[y*before.Stride:])
		copy(o[cut:], after.Pix[y*after.Stride+cut:y*after.Stride+4*w])
	}
	return out
}

func (r *compareRenderer) Refresh() {
	c := r.view
	th := c.Theme()
	scale := canvas.ImageScaleSmooth
	if c.native {
		scale = canvas.ImageScalePixels // no resampling at 1:1
	}
	r.left.Image, r.left.ScaleMode = c.before, scale
	r.right.Image, r.right.ScaleMode = c.after, scale
	r.knob.StrokeColor = color.NRGBA{A: 0x80}
	r.knob.StrokeWidth = 1
	r.knobText.TextSize = th.Size(theme.SizeNameText)
	small := th.Size(theme.SizeNameCaptionText)
	names := [2]string{c.beforeName, c.afterName}
	for i, t := range r.tags {
		t.text.Text, t.text.TextSize = names[i], small
		t.bg.CornerRadius = th.Size(theme.SizeNameInputRadius)
		t.text.Refresh()
		t.bg.Refresh()
	}
	r.raster.Refresh()
	r.left.Refresh()
	r.right.Refresh()
	r.Layout(c.Size())
}

func (r *compareRenderer) Layout(size fyne.Size) {
	c := r.view
	th := c.Theme()
	pad := th.Size(theme.SizeNamePadding)
	a, b := c.rects(size)
	has := c.before != nil
	pair := c.showsPair()
	slide := c.sliding()

	r.raster.Hidden = !has || pair
	r.left.Hidden, r.right.Hidden = !pair, !pair
	place := func(o fyne.CanvasObject, rect box) {
		o.Move(rect.pos)
		o.Resize(rect.size)
	}
	place(r.raster, a)
	place(r.left, a)
	place(r.right, b)

	// The line and its knob.
	for _, o := range []fyne.CanvasObject{r.line, r.lineShadow, r.knob, r.knobText} {
		o.Hide()
		if slide {
			o.Show()
		}
	}
	if slide {
		x := a.pos.X + c.split*a.size.Width
		lw := float32(2)
		place(r.lineShadow, box{pos: fyne.NewPos(x-lw/2-1, a.pos.Y), size: fyne.NewSize(lw+2, a.size.Height)})
		place(r.line, box{pos: fyne.NewPos(x-lw/2, a.pos.Y), size: fyne.NewSize(lw, a.size.Height)})
		// The knob sits mid-height of what is visible of the image.
		d := 2 * th.Size(theme.SizeNameText)
		mid := a.pos.Y + min(a.size.Height, size.Height)/2
		place(r.knob, box{pos: fyne.NewPos(x-d/2, mid-d/2), size: fyne.NewSquareSize(d)})
		ts := r.knobText.MinSize()
		place(r.knobText, box{pos: fyne.NewPos(x-d/2, mid-ts.Height/2), size: fyne.NewSize(d, ts.Height)})
	}

	// Names in the images' top corners: before top left, after top right
	// of the slider or of its own image.
	for i, t := range r.tags {
		show := has && t.text.Text != "" && (i == 0 || c.after != nil)
		t.bg.Hidden, t.text.Hidden = !show, !show
		if !show {
			continue
		}
		ts := t.text.MinSize()
		bs := fyne.NewSize(ts.Width+2*pad, ts.Height+pad)
		pos := a.pos.Add(fyne.NewPos(pad, pad))
		if i == 1 {
			if pair {
				pos = b.pos.Add(fyne.NewPos(pad, pad))
			} else {
				pos = fyne.NewPos(a.pos.X+min(a.size.Width, size.Width)-pad-bs.Width, a.pos.Y+pad)
			}
		}
		place(t.bg, box{pos: pos, size: bs})
		place(t.text, box{pos: pos.Add(fyne.NewPos(pad, pad/2)), size: ts})
	}
}
