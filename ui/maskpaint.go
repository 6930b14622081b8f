package ui

import (
	"image"
	"image/color"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// maxMaskSteps bounds the undo history of a MaskPainter.
const maxMaskSteps = 50

// maskColor is how painted pixels are shown over the photo.
var maskColor = color.NRGBA{R: 0xff, G: 0x20, B: 0x20, A: 0x90}

// MaskPainter shows a photo with a mask over it in semi-transparent red
// and lets the user paint the mask with a round brush: a drag paints a
// stroke, a tap a dot; in eraser mode both clear instead. Every stroke,
// and every SetMask or Clear, is one step that Undo takes back.
//
// In Fit zoom (0) the photo is scaled to the widget, aspect kept; at zoom
// z one image pixel takes z screen pixels and the widget asks for the
// whole scaled photo, so a container.Scroll around it pans (a drag
// paints, so panning is by the scroll bars and the wheel).
//
// Use it on the UI goroutine only.
type MaskPainter struct {
	widget.BaseWidget

	// OnChanged, when set, is called after every step and undo or redo.
	OnChanged func()

	photo   image.Image
	w, h    int
	mask    []float32 // w×h values, 0 or 1
	overlay *image.NRGBA
	radius  float32 // of the brush, in image pixels
	erase   bool
	zoom    float32

	// Undo history: each step lists the pixels it flipped (the mask holds
	// only 0 and 1, so flipping them again undoes it).
	undo, redo [][]int32
	stroke     []int32 // the stroke being painted

	r *maskRenderer
}

// NewMaskPainter returns an empty painter with a brush of radius 8 pixels
// in Fit zoom.
func NewMaskPainter() *MaskPainter {
	m := &MaskPainter{radius: 8}
	m.ExtendBaseWidget(m)
	return m
}

// SetImage shows a photo with an empty mask and no history.
func (m *MaskPainter) SetImage(img image.Image) {
	m.photo = img
	b := img.Bounds()
	m.w, m.h = b.Dx(), b.Dy()
	m.mask = make([]float32, m.w*m.h)
	m.overlay = image.NewNRGBA(image.Rect(0, 0, m.w, m.h))
	m.undo, m.redo, m.stroke = nil, nil, nil
	m.Refresh()
}

// Mask is the current mask (W×H values, 1 where painted); callers must not
// change it.
func (m *MaskPainter) Mask() []float32 { return m.mask }

// Coverage is the share of the photo's pixels in the mask.
func (m *MaskPainter) Coverage() float64 {
	if len(m.mask) == 0 {
		return 0
	}
	n := 0
	for _, v := range m.mask {
		if v > 0.5 {
			n++
		}
	}
	return float64(n) / float64(len(m.mask))
}

// SetMask replaces the mask (W×H values, above 0.5 painted) as one step.
func (m *MaskPainter) SetMask(mask []float32) {
	if len(mask) != len(m.mask) {
		return
	}
	var step []int32
	for i, v := range mask {
		if (v > 0.5) != (m.mask[i] > 0.5) {
			m.flip(int32(i))
			step = append(step, int32(i))
		}
	}
	m.commit(step)
}

// Clear empties the mask as one step.
func (m *MaskPainter) Clear() { m.SetMask(make([]float32, len(m.mask))) }

// CanUndo and CanRedo report whether there is a step to take back or
// to do again.
func (m *MaskPainter) CanUndo() bool { return len(m.undo) > 0 }

// CanRedo reports whether an undone step can be done again.
func (m *MaskPainter) CanRedo() bool { return len(m.redo) > 0 }

// Undo takes back the last step.
func (m *MaskPainter) Undo() { m.replay(&m.undo, &m.redo) }

// Redo does the last undone step again.
func (m *MaskPainter) Redo() { m.replay(&m.redo, &m.undo) }

// replay flips the pixels of the last step of from again and moves the
// step to to.
func (m *MaskPainter) replay(from, to *[][]int32) {
	if len(*from) == 0 {
		return
	}
	step := (*from)[len(*from)-1]
	*from = (*from)[:len(*from)-1]
	*to = append(*to, step)
	for _, i := range step {
		m.flip(i)
	}
	m.changed()
}

// Radius is the brush radius in image pixels.
func (m *MaskPainter) Radius() float32 { return m.radius }

// SetRadius sets the brush radius in image pixels.
func (m *MaskPainter) SetRadius(r float32) { m.radius = max(r, 0.5) }

// Erasing reports whether the brush clears rather than paints.
func (m *MaskPainter) Erasing() bool { return m.erase }

// SetErasing switches between brush (false) and eraser (true).
func (m *MaskPainter) SetErasing(on bool) { m.erase = on }

// Zoom is screen pixels per image pixel, 0 for Fit.
func (m *MaskPainter) Zoom() float32 { return m.zoom }

// SetZoom sets screen pixels per image pixel, 0 for Fit. The caller
// refreshes the scroll container around the painter.
func (m *MaskPainter) SetZoom(z float32) {
	m.zoom = max(z, 0)
	m.Refresh()
}

// Dragged implements fyne.Draggable: the brush paints the segment the
// pointer moved along.
func (m *MaskPainter) Dragged(ev *fyne.DragEvent) {
	from := ev.Position.Subtract(ev.Dragged)
	m.paintLine(m.toImage(from), m.toImage(ev.Position))
}

// DragEnd implements fyne.Draggable: the stroke becomes one undo step.
func (m *MaskPainter) DragEnd() {
	step := m.stroke
	m.stroke = nil
	m.commit(step)
}

// Tapped implements fyne.Tappable: a dot, as a stroke of its own.
func (m *MaskPainter) Tapped(ev *fyne.PointEvent) {
	p := m.toImage(ev.Position)
	m.paintLine(p, p)
	m.DragEnd()
}

// Cursor implements desktop.Cursorable.
func (m *MaskPainter) Cursor() desktop.Cursor { return desktop.CrosshairCursor }

// commit records a step, dropping the oldest beyond maxMaskSteps; any
// redo is lost.
func (m *MaskPainter) commit(step []int32) {
	if len(step) == 0 {
		return
	}
	m.undo = append(m.undo, step)
	if len(m.undo) > maxMaskSteps {
		m.undo = m.undo[len(m.undo)-maxMaskSteps:]
	}
	m.redo = nil
	m.changed()
}

// flip inverts one pixel of the mask and of its overlay.
func (m *MaskPainter) flip(i int32) {
	on := m.mask[i] <= 0.5
	m.mask[i] = 0
	px := m.overlay.Pix[4*i : 4*i+4 : 4*i+4]
	px[0], px[1], px[2], px[3] = 0, 0, 0, 0
	if on {
		m.mask[i] = 1
		px[0], px[1], px[2], px[3] = maskColor.R, maskColor.G, maskColor.B, maskColor.A
	}
}

func (m *MaskPainter) changed() {
	m.Refresh()
	if m.OnChanged != nil {
		m.OnChanged()
	}
}

// paintLine stamps the brush along the segment a→b (image pixels), adding
// the pixels it flips to the current stroke.
func (m *MaskPainter) paintLine(a, b [2]float32) {
	if m.mask == nil {
		return
	}
	r := m.radius
	// Stamps a quarter of the radius apart leave no gaps.
	steps := int(math.Ceil(float64(math.Hypot(float64(b[0]-a[0]), float64(b[1]-a[1])) / float64(max(r/4, 0.5)))))
	before := len(m.stroke)
	for s := 0; s <= steps; s++ {
		f := float32(0)
		if steps > 0 {
			f = float32(s) / float32(steps)
		}
		cx, cy := a[0]+f*(b[0]-a[0]), a[1]+f*(b[1]-a[1])
		for y := max(int(cy-r), 0); y <= min(int(cy+r), m.h-1); y++ {
			for x := max(int(cx-r), 0); x <= min(int(cx+r), m.w-1); x++ {
				// Pixel centres within the radius.
				dx, dy := float32(x)+0.5-cx, float32(y)+0.5-cy
				if dx*dx+dy*dy > r*r {
					continue
				}
				i := int32(y*m.w + x)
				if (m.mask[i] > 0.5) == m.erase {
					m.flip(i)
					m.stroke = append(m.stroke, i)
				}
			}
		}
	}
	if len(m.stroke) > before && m.r != nil {
		m.r.overlay.Refresh()
	}
}

// toImage maps a position in the widget to image pixel coordinates.
func (m *MaskPainter) toImage(p fyne.Position) [2]float32 {
	b := m.imageBox(m.Size())
	if b.size.Width <= 0 || b.size.Height <= 0 {
		return [2]float32{}
	}
	return [2]float32{
		(p.X - b.pos.X) / b.size.Width * float32(m.w),
		(p.Y - b.pos.Y) / b.size.Height * float32(m.h),
	}
}

// scaledSize is the photo's size in device-independent units at the zoom
// (at 1:1 one image pixel is one screen pixel).
func (m *MaskPainter) scaledSize(zoom float32) fyne.Size {
	s := canvasScale(m)
	return fyne.NewSize(float32(m.w)*zoom/s, float32(m.h)*zoom/s)
}

// imageBox is where the photo is drawn in a widget of the given size:
// centred, fitted or at the zoom.
func (m *MaskPainter) imageBox(size fyne.Size) box {
	if m.photo == nil {
		return box{}
	}
	s := m.scaledSize(m.zoom)
	if m.zoom == 0 {
		s = fitSize(m.scaledSize(1), size)
	}
	return box{pos: fyne.NewPos(max((size.Width-s.Width)/2, 0), max((size.Height-s.Height)/2, 0)), size: s}
}

// CreateRenderer implements fyne.Widget.
func (m *MaskPainter) CreateRenderer() fyne.WidgetRenderer {
	r := &maskRenderer{m: m, photo: canvas.NewImageFromImage(nil), overlay: canvas.NewImageFromImage(nil)}
	r.overlay.ScaleMode = canvas.ImageScalePixels // crisp mask edges
	m.r = r
	r.Refresh()
	return r
}

type maskRenderer struct {
	m              *MaskPainter
	photo, overlay *canvas.Image
}

func (r *maskRenderer) Destroy() {}

func (r *maskRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.photo, r.overlay}
}

// MinSize is small in Fit zoom and the whole scaled photo otherwise.
func (r *maskRenderer) MinSize() fyne.Size {
	if r.m.zoom > 0 && r.m.photo != nil {
		return r.m.scaledSize(r.m.zoom)
	}
	return fitMinSize(r.m.Theme())
}

func (r *maskRenderer) Layout(size fyne.Size) {
	b := r.m.imageBox(size)
	for _, o := range r.Objects() {
		o.Move(b.pos)
		o.Resize(b.size)
	}
}

func (r *maskRenderer) Refresh() {
	m := r.m
	r.photo.ScaleMode = canvas.ImageScaleSmooth
	if m.zoom >= 1 {
		r.photo.ScaleMode = canvas.ImageScalePixels // no blur at 1:1 and above
	}
	r.photo.Image = m.photo
	r.overlay.Image = m.overlay
	r.Layout(m.Size())
	r.photo.Refresh()
	r.overlay.Refresh()
}
