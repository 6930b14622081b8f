package ui

import (
	"fmt"
	"image"
	"image/color"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Groups of a ScoreHistogram's values.
const (
	groupUnknown   = 0 // no label, or no normal class chosen
	groupNormal    = 1
	groupAnomalous = 2
)

// Colours of the groups in the histogram and the legend.
var groupColors = [3]color.NRGBA{
	groupUnknown:   {R: 0x9e, G: 0x9e, B: 0xa8, A: 0xff},
	groupNormal:    {R: 0x4a, G: 0x90, B: 0xe2, A: 0xff},
	groupAnomalous: {R: 0xf0, G: 0x8a, B: 0x24, A: 0xff},
}

// histBins is the number of bars across the histogram.
const histBins = 48

// ScoreHistogram shows how anomaly scores are distributed, the bars
// stacked by group (normal below, anomalous above, unlabelled grey), with
// a vertical threshold line that the user drags or taps to move. The bars
// are drawn into a canvas.Raster; the axis labels are canvas.Text.
//
// Like every widget it must be used on the UI goroutine only.
type ScoreHistogram struct {
	widget.BaseWidget

	// OnChanged is called with the new threshold when the user moves it.
	OnChanged func(float64)
	// XLabel names the score ("MSE").
	XLabel string

	values    []float64
	groups    []int
	axis      Axis
	counts    [histBins][3]int
	maxCount  int
	threshold float64
	plotPos   fyne.Position // of the last layout, to map positions to values
	plotSize  fyne.Size
}

var (
	_ fyne.Draggable     = (*ScoreHistogram)(nil)
	_ fyne.Tappable      = (*ScoreHistogram)(nil)
	_ desktop.Cursorable = (*ScoreHistogram)(nil)
)

// NewScoreHistogram returns an empty histogram.
func NewScoreHistogram() *ScoreHistogram {
	h := &ScoreHistogram{}
	h.ExtendBaseWidget(h)
	return h
}

// SetData replaces the values and their groups (groupUnknown, groupNormal
// or groupAnomalous; nil means all unknown) and redraws.
func (h *ScoreHistogram) SetData(values []float64, groups []int) {
	h.values, h.groups = values, groups
	h.counts, h.maxCount = [histBins][3]int{}, 0
	if len(values) == 0 {
		h.axis = Axis{}
		h.Refresh()
		return
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range values {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	h.axis = niceAxis(math.Min(lo, 0), hi, 5, true)
	for i, v := range values {
		b := h.bin(v)
		g := groupUnknown
		if groups != nil {
			g = groups[i]
		}
		h.counts[b][g]++
	}
	for _, c := range h.counts {
		h.maxCount = max(h.maxCount, c[0]+c[1]+c[2])
	}
	h.Refresh()
}

func (h *ScoreHistogram) bin(v float64) int {
	return min(histBins-1, max(0, int(h.axis.pos(v)*histBins)))
}

// Len is the number of values shown.
func (h *ScoreHistogram) Len() int { return len(h.values) }

// Total is the number of values counted in the bars (every value).
func (h *ScoreHistogram) Total() int {
	n := 0
	for _, c := range h.counts {
		n += c[0] + c[1] + c[2]
	}
	return n
}

// Threshold is the score at the line.
func (h *ScoreHistogram) Threshold() float64 { return h.threshold }

// SetThreshold moves the line without calling OnChanged.
func (h *ScoreHistogram) SetThreshold(v float64) {
	h.threshold = v
	h.Refresh()
}

// Dragged implements fyne.Draggable: the line follows the pointer.
func (h *ScoreHistogram) Dragged(ev *fyne.DragEvent) { h.moveTo(ev.Position) }

// DragEnd implements fyne.Draggable.
func (h *ScoreHistogram) DragEnd() {}

// Tapped implements fyne.Tappable: the line jumps to the tap.
func (h *ScoreHistogram) Tapped(ev *fyne.PointEvent) { h.moveTo(ev.Position) }

// Cursor implements desktop.Cursorable.
func (h *ScoreHistogram) Cursor() desktop.Cursor {
	if len(h.values) == 0 {
		return desktop.DefaultCursor
	}
	return desktop.HResizeCursor
}

// ValueAt is the score at x (widget coordinates), clamped to the axis.
func (h *ScoreHistogram) ValueAt(x float32) float64 {
	if h.plotSize.Width <= 0 {
		return h.axis.Min
	}
	f := math.Min(1, math.Max(0, float64((x-h.plotPos.X)/h.plotSize.Width)))
	return h.axis.Min + f*(h.axis.Max-h.axis.Min)
}

// XFor is the x (widget coordinates) of a score.
func (h *ScoreHistogram) XFor(v float64) float32 {
	f := math.Min(1, math.Max(0, h.axis.pos(v)))
	return h.plotPos.X + float32(f)*h.plotSize.Width
}

func (h *ScoreHistogram) moveTo(p fyne.Position) {
	if len(h.values) == 0 {
		return
	}
	h.threshold = h.ValueAt(p.X)
	h.Refresh()
	if h.OnChanged != nil {
		h.OnChanged(h.threshold)
	}
}

// CreateRenderer implements fyne.Widget.
func (h *ScoreHistogram) CreateRenderer() fyne.WidgetRenderer {
	r := &histRenderer{h: h}
	r.raster = canvas.NewRaster(r.draw)
	r.raster.ScaleMode = canvas.ImageScalePixels
	r.baseline = canvas.NewLine(color.Black)
	r.line = canvas.NewLine(color.Black)
	r.line.StrokeWidth = 2
	r.lineText = canvas.NewText("", color.Black)
	r.lineText.TextStyle.Bold = true
	r.lineBg = canvas.NewRectangle(color.Black)
	r.lineBg.CornerRadius = 3
	r.countText = canvas.NewText("", color.Black)
	r.xTitle = canvas.NewText("", color.Black)
	r.xTitle.Alignment = fyne.TextAlignTrailing
	r.empty = canvas.NewText("Press Score to see how the images score", color.Black)
	r.empty.Alignment = fyne.TextAlignCenter
	r.Refresh()
	return r
}

type histRenderer struct {
	h         *ScoreHistogram
	raster    *canvas.Raster
	baseline  *canvas.Line
	line      *canvas.Line
	lineText  *canvas.Text
	lineBg    *canvas.Rectangle // keeps the value readable over the bars
	countText *canvas.Text
	xTitle    *canvas.Text
	empty     *canvas.Text
	ticks     []*canvas.Text
	size      fyne.Size
	buf       *image.NRGBA
}

func (r *histRenderer) textSize() float32 { return theme.CaptionTextSize() }

func (r *histRenderer) MinSize() fyne.Size {
	return fyne.NewSize(240, 140)
}

func (r *histRenderer) Layout(size fyne.Size) {
	r.size = size
	h := r.h
	ts := r.textSize()
	pad := theme.Padding()
	top := ts + 2*pad
	bottom := ts + 2*pad
	h.plotPos = fyne.NewPos(2*pad, top)
	h.plotSize = fyne.NewSize(max(1, size.Width-4*pad), max(1, size.Height-top-bottom))
	r.raster.Move(h.plotPos)
	r.raster.Resize(h.plotSize)
	yb := h.plotPos.Y + h.plotSize.Height
	r.baseline.Position1 = fyne.NewPos(h.plotPos.X, yb)
	r.baseline.Position2 = fyne.NewPos(h.plotPos.X+h.plotSize.Width, yb)
	r.empty.Move(fyne.NewPos(0, size.Height/2-ts))
	r.empty.Resize(fyne.NewSize(size.Width, 2*ts))
	r.countText.Move(fyne.NewPos(h.plotPos.X, pad/2))
	r.xTitle.Resize(fyne.NewSize(0, 0))
	xt := r.xTitle.MinSize()
	r.xTitle.Move(fyne.NewPos(size.Width-2*pad-xt.Width, pad/2))
	r.xTitle.Resize(xt)
	for i, t := range r.ticks {
		if i >= len(h.axis.Ticks) {
			break
		}
		m := t.MinSize()
		x := h.XFor(h.axis.Ticks[i]) - m.Width/2
		x = min(max(x, 0), size.Width-m.Width)
		t.Move(fyne.NewPos(x, yb+pad/2))
		t.Resize(m)
	}
	r.layoutLine()
}

// layoutLine places the threshold line and its value above the plot.
func (r *histRenderer) layoutLine() {
	h := r.h
	x := h.XFor(h.threshold)
	r.line.Position1 = fyne.NewPos(x, h.plotPos.Y-2)
	r.line.Position2 = fyne.NewPos(x, h.plotPos.Y+h.plotSize.Height)
	m := r.lineText.MinSize()
	tx := x + 4
	if tx+m.Width > h.plotPos.X+h.plotSize.Width {
		tx = x - 4 - m.Width
	}
	r.lineText.Move(fyne.NewPos(tx, h.plotPos.Y))
	r.lineText.Resize(m)
	r.lineBg.Move(fyne.NewPos(tx-3, h.plotPos.Y-1))
	r.lineBg.Resize(m.Add(fyne.NewSize(6, 2)))
}

func (r *histRenderer) Refresh() {
	h := r.h
	th := h.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	fg := th.Color(theme.ColorNameForeground, v)
	ts := r.textSize()
	has := len(h.values) > 0
	for _, t := range []*canvas.Text{r.lineText, r.countText, r.xTitle, r.empty} {
		t.Color = fg
		t.TextSize = ts
	}
	r.empty.Color = th.Color(theme.ColorNamePlaceHolder, v)
	r.lineText.Color = th.Color(theme.ColorNameError, v)
	r.line.StrokeColor = th.Color(theme.ColorNameError, v)
	bg := color.NRGBAModel.Convert(th.Color(theme.ColorNameBackground, v)).(color.NRGBA)
	bg.A = 0xd8
	r.lineBg.FillColor = bg
	r.baseline.StrokeColor = th.Color(theme.ColorNameSeparator, v)
	r.empty.Hidden = has
	r.line.Hidden, r.lineText.Hidden, r.lineBg.Hidden, r.countText.Hidden, r.xTitle.Hidden = !has, !has, !has, !has, !has
	r.lineText.Text = "threshold " + formatScore(h.threshold)
	r.countText.Text = fmt.Sprintf("highest bar: %s images", formatInt(h.maxCount))
	r.xTitle.Text = h.XLabel
	for len(r.ticks) < len(h.axis.Ticks) {
		r.ticks = append(r.ticks, canvas.NewText("", color.Black))
	}
	step := 0.0
	if len(h.axis.Ticks) > 1 {
		step = h.axis.Ticks[1] - h.axis.Ticks[0]
	}
	for i, t := range r.ticks {
		t.Hidden = !has || i >= len(h.axis.Ticks)
		if !t.Hidden {
			t.Text = formatTick(h.axis.Ticks[i], step)
		}
		t.Color = th.Color(theme.ColorNamePlaceHolder, v)
		t.TextSize = ts
	}
	r.Layout(r.size)
	r.raster.Refresh()
	for _, o := range r.Objects() {
		o.Refresh()
	}
}

func (r *histRenderer) Objects() []fyne.CanvasObject {
	objs := []fyne.CanvasObject{r.raster, r.baseline, r.empty, r.countText, r.xTitle}
	for _, t := range r.ticks {
		objs = append(objs, t)
	}
	return append(objs, r.line, r.lineBg, r.lineText)
}

func (r *histRenderer) Destroy() {}

// draw paints the bars, stacked normal, anomalous, unlabelled from the
// bottom up, each bar one bin wide with a pixel of gap.
func (r *histRenderer) draw(w, hgt int) image.Image {
	if r.buf == nil || r.buf.Rect.Dx() != w || r.buf.Rect.Dy() != hgt {
		r.buf = image.NewNRGBA(image.Rect(0, 0, w, hgt))
	} else {
		clear(r.buf.Pix)
	}
	img := r.buf
	h := r.h
	if h.maxCount == 0 || w < histBins || hgt < 2 {
		return img
	}
	for b, c := range h.counts {
		x0 := b * w / histBins
		x1 := (b+1)*w/histBins - 1
		if x1 <= x0 {
			x1 = x0 + 1
		}
		y := hgt
		for _, g := range []int{groupNormal, groupAnomalous, groupUnknown} {
			if c[g] == 0 {
				continue
			}
			bh := int(math.Round(float64(c[g]) / float64(h.maxCount) * float64(hgt)))
			bh = max(bh, 1)
			fill(img, image.Rect(x0, max(0, y-bh), x1, y), groupColors[g])
			y -= bh
		}
	}
	return img
}

// formatScore writes a score with three significant digits.
func formatScore(v float64) string {
	switch {
	case math.IsNaN(v):
		return "–"
	case v == 0:
		return "0"
	}
	return fmt.Sprintf("%.3g", v)
}
