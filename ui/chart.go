package ui

import (
	"image"
	"image/color"
	"math"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Series names understood by LossChart.
const (
	SeriesTrain = "train"      // one point per reported training step
	SeriesVal   = "validation" // one point per finished epoch
)

// Point is one (x, y) value of a chart series.
type Point struct{ X, Y float64 }

// LossChart plots the training loss (a dense curve, x = step) and the
// validation loss (a few points joined by a line, with markers) on
// auto-scaled axes. The curve is drawn into a canvas.Raster with one
// min/max span per pixel column, so thousands of points cost no more than
// a few hundred; tick labels and the legend are canvas.Text on top.
//
// Like every widget it must be used on the UI goroutine only.
type LossChart struct {
	widget.BaseWidget

	// XLabel names the x axis ("step" by default).
	XLabel string

	train, val []Point
}

// NewLossChart returns an empty chart.
func NewLossChart() *LossChart {
	c := &LossChart{XLabel: "step"}
	c.ExtendBaseWidget(c)
	return c
}

// Add appends a point to a series (SeriesTrain or SeriesVal) and redraws.
// Points with a non-finite y (a loss not measured yet) are ignored.
func (c *LossChart) Add(series string, x, y float64) {
	c.AddPoints(series, []Point{{x, y}})
}

// AddPoints appends several points to a series and redraws once.
func (c *LossChart) AddPoints(series string, pts []Point) {
	s := c.series(series)
	if s == nil || len(pts) == 0 {
		return
	}
	for _, p := range pts {
		if finite(p.X) && finite(p.Y) {
			*s = append(*s, p)
		}
	}
	c.Refresh()
}

// Reset removes every point.
func (c *LossChart) Reset() {
	c.train, c.val = nil, nil
	c.Refresh()
}

// Len is the number of points in a series.
func (c *LossChart) Len(series string) int {
	if s := c.series(series); s != nil {
		return len(*s)
	}
	return 0
}

// Last returns the last point of a series, and false when it is empty.
func (c *LossChart) Last(series string) (Point, bool) {
	s := c.series(series)
	if s == nil || len(*s) == 0 {
		return Point{}, false
	}
	return (*s)[len(*s)-1], true
}

// Ranges returns the axis ranges the chart currently shows (after rounding
// to tick marks) and false when there is nothing to plot.
func (c *LossChart) Ranges() (x, y Axis, ok bool) {
	return chartAxes(c.train, c.val)
}

func (c *LossChart) series(name string) *[]Point {
	switch name {
	case SeriesTrain:
		return &c.train
	case SeriesVal:
		return &c.val
	}
	return nil
}

// CreateRenderer implements fyne.Widget.
func (c *LossChart) CreateRenderer() fyne.WidgetRenderer {
	r := &chartRenderer{chart: c}
	r.raster = canvas.NewRaster(r.draw)
	r.title = canvas.NewText("Loss", color.Black)
	r.title.TextStyle.Bold = true
	r.empty = canvas.NewText("The loss curves appear here while a model trains", color.Black)
	r.empty.Alignment = fyne.TextAlignCenter
	r.xTitle = canvas.NewText("", color.Black)
	r.trainKey = canvas.NewRectangle(color.Black)
	r.trainName = canvas.NewText("train", color.Black)
	r.valKey = canvas.NewCircle(color.Black)
	r.valName = canvas.NewText("validation", color.Black)
	r.Refresh()
	return r
}

// Axis is a chart axis: its range and evenly spaced tick values.
type Axis struct {
	Min, Max float64
	Ticks    []float64
}

// pos maps v to [0,1] along the axis.
func (a Axis) pos(v float64) float64 {
	if a.Max == a.Min {
		return 0.5
	}
	return (v - a.Min) / (a.Max - a.Min)
}

// chartAxes computes the x axis (0 .. last step) and the y axis (loss range
// widened to nice tick values) for the two series.
func chartAxes(train, val []Point) (x, y Axis, ok bool) {
	xmax, ylo, yhi := math.Inf(-1), math.Inf(1), math.Inf(-1)
	for _, s := range [][]Point{train, val} {
		for _, p := range s {
			xmax = math.Max(xmax, p.X)
			ylo = math.Min(ylo, p.Y)
			yhi = math.Max(yhi, p.Y)
		}
	}
	if math.IsInf(xmax, -1) {
		return Axis{}, Axis{}, false
	}
	xmin := math.Min(0, xmax)
	for _, s := range [][]Point{train, val} {
		for _, p := range s {
			xmin = math.Min(xmin, p.X)
		}
	}
	if xmax <= xmin {
		xmax = xmin + 1
	}
	x = niceAxis(xmin, xmax, 6, false)
	y = niceAxis(ylo, yhi, 5, true)
	return x, y, true
}

// niceAxis returns an axis covering lo..hi with about n ticks at 1, 2 or 5
// times a power of ten. When widen is set the ends move out to the ticks
// around the data; otherwise they stay at lo and hi.
func niceAxis(lo, hi float64, n int, widen bool) Axis {
	if hi < lo {
		lo, hi = hi, lo
	}
	if hi == lo {
		d := math.Abs(lo) * 0.1
		if d == 0 {
			d = 1
		}
		lo, hi = lo-d, hi+d
	}
	step := niceStep((hi - lo) / float64(n-1))
	a := Axis{Min: lo, Max: hi}
	first := math.Ceil(lo/step-1e-9) * step
	if widen {
		a.Min = math.Floor(lo/step+1e-9) * step
		a.Max = math.Ceil(hi/step-1e-9) * step
		first = a.Min
	}
	for v := first; v <= a.Max+step*1e-6; v += step {
		if math.Abs(v) < step*1e-9 {
			v = 0
		}
		a.Ticks = append(a.Ticks, v)
	}
	return a
}

func niceStep(raw float64) float64 {
	if raw <= 0 || !finite(raw) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	switch f := raw / p; {
	case f <= 1:
		return p
	case f <= 2:
		return 2 * p
	case f <= 5:
		return 5 * p
	}
	return 10 * p
}

// column is what one pixel column of the curve covers.
type column struct {
	ok          bool
	min, max    float64 // y range of the points in the column
	first, last float64 // y of the first and last point, to join neighbours
}

// decimate reduces points sorted by x to one min/max span per pixel column
// of a plot w pixels wide showing x0..x1.
func decimate(pts []Point, x0, x1 float64, w int) []column {
	cols := make([]column, w)
	if w <= 0 {
		return cols
	}
	span := x1 - x0
	for _, p := range pts {
		i := 0
		if span > 0 {
			i = int(math.Round((p.X - x0) / span * float64(w-1)))
		}
		if i < 0 || i >= w {
			continue
		}
		c := &cols[i]
		if !c.ok {
			*c = column{ok: true, min: p.Y, max: p.Y, first: p.Y, last: p.Y}
			continue
		}
		c.min = math.Min(c.min, p.Y)
		c.max = math.Max(c.max, p.Y)
		c.last = p.Y
	}
	return cols
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

type chartRenderer struct {
	chart *LossChart

	raster                     *canvas.Raster
	title, empty, xTitle       *canvas.Text
	trainKey                   *canvas.Rectangle
	valKey                     *canvas.Circle
	trainName, valName         *canvas.Text
	xLabels, yLabels           []*canvas.Text
	objects                    []fyne.CanvasObject
	x, y                       Axis
	ok                         bool
	plotPos                    fyne.Position
	plotSize                   fyne.Size
	fg, grid, trainCol, valCol color.Color
	plotBg                     color.Color
	buf                        *image.NRGBA
}

func (r *chartRenderer) Destroy() {}

func (r *chartRenderer) Objects() []fyne.CanvasObject { return r.objects }

func (r *chartRenderer) MinSize() fyne.Size {
	th := r.chart.Theme()
	t := th.Size(theme.SizeNameText)
	return fyne.NewSize(16*t, 10*t)
}

func (r *chartRenderer) Refresh() {
	th := r.chart.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	r.fg = th.Color(theme.ColorNameForeground, v)
	r.grid = th.Color(theme.ColorNameSeparator, v)
	r.plotBg = color.Transparent
	r.trainCol = th.Color(theme.ColorNamePrimary, v)
	r.valCol = th.Color(theme.ColorNameWarning, v)
	small := th.Size(theme.SizeNameCaptionText)
	text := th.Size(theme.SizeNameText)

	r.x, r.y, r.ok = chartAxes(r.chart.train, r.chart.val)
	r.xLabels = relabel(r.xLabels, r.x.Ticks, r.ok, small, fyne.TextAlignCenter)
	r.yLabels = relabel(r.yLabels, r.y.Ticks, r.ok, small, fyne.TextAlignTrailing)
	for _, t := range append(append([]*canvas.Text{}, r.xLabels...), r.yLabels...) {
		t.Color = r.fg
	}
	r.title.Color, r.title.TextSize = r.fg, text
	r.empty.Color, r.empty.TextSize = th.Color(theme.ColorNamePlaceHolder, v), text
	r.xTitle.Text, r.xTitle.Color, r.xTitle.TextSize = r.chart.XLabel, th.Color(theme.ColorNamePlaceHolder, v), small
	r.trainKey.FillColor = r.trainCol
	r.valKey.FillColor = r.valCol
	r.trainName.Color, r.trainName.TextSize = r.fg, small
	r.valName.Color, r.valName.TextSize = r.fg, small
	r.empty.Hidden = r.ok

	r.objects = []fyne.CanvasObject{r.raster, r.title, r.empty, r.xTitle, r.trainKey, r.trainName, r.valKey, r.valName}
	for _, t := range r.xLabels {
		r.objects = append(r.objects, t)
	}
	for _, t := range r.yLabels {
		r.objects = append(r.objects, t)
	}
	for _, o := range r.objects {
		o.Refresh()
	}
	r.Layout(r.chart.Size())
	r.raster.Refresh()
}

// relabel keeps one canvas.Text per tick, formatted with just enough digits.
func relabel(labels []*canvas.Text, ticks []float64, ok bool, size float32, align fyne.TextAlign) []*canvas.Text {
	if !ok {
		ticks = nil
	}
	for len(labels) < len(ticks) {
		t := canvas.NewText("", color.Black)
		t.Alignment = align
		labels = append(labels, t)
	}
	labels = labels[:len(ticks)]
	step := 0.0
	if len(ticks) > 1 {
		step = ticks[1] - ticks[0]
	}
	for i, v := range ticks {
		labels[i].Text = formatTick(v, step)
		labels[i].TextSize = size
	}
	return labels
}

// formatTick prints v with as many decimals as the tick step needs.
func formatTick(v, step float64) string {
	if math.Abs(v) >= 10000 {
		return trimFloat(v/1000, 1) + "k"
	}
	dec := 0
	if step > 0 && step < 1 {
		dec = int(math.Ceil(-math.Log10(step) - 1e-9))
	}
	return trimFloat(v, dec)
}

func trimFloat(v float64, dec int) string {
	return strconv.FormatFloat(v, 'f', dec, 64)
}

func (r *chartRenderer) Layout(size fyne.Size) {
	th := r.chart.Theme()
	pad := th.Size(theme.SizeNamePadding)
	small := th.Size(theme.SizeNameCaptionText)

	titleH := r.title.MinSize().Height
	r.title.Move(fyne.NewPos(pad, pad))
	r.title.Resize(r.title.MinSize())

	// Legend at the top right: a line swatch for train, a dot for validation.
	vn := r.valName.MinSize()
	tn := r.trainName.MinSize()
	x := size.Width - pad - vn.Width
	cy := pad + titleH/2
	r.valName.Move(fyne.NewPos(x, cy-vn.Height/2))
	r.valName.Resize(vn)
	dot := small * 0.6
	x -= dot + pad/2
	r.valKey.Move(fyne.NewPos(x, cy-dot/2))
	r.valKey.Resize(fyne.NewSquareSize(dot))
	x -= 2*pad + tn.Width
	r.trainName.Move(fyne.NewPos(x, cy-tn.Height/2))
	r.trainName.Resize(tn)
	sw := small * 1.2
	x -= sw + pad/2
	r.trainKey.Move(fyne.NewPos(x, cy-1))
	r.trainKey.Resize(fyne.NewSize(sw, 3))

	// Plot area: room for the y labels on the left and x labels below.
	labelW := float32(0)
	for _, t := range r.yLabels {
		labelW = max(labelW, t.MinSize().Width)
	}
	labelH := r.xTitle.MinSize().Height
	left := pad + labelW + pad
	top := pad + titleH + pad
	bottom := size.Height - pad - labelH - pad/2
	right := size.Width - 2*pad
	r.plotPos = fyne.NewPos(left, top)
	r.plotSize = fyne.NewSize(max(right-left, 1), max(bottom-top, 1))
	r.raster.Move(r.plotPos)
	r.raster.Resize(r.plotSize)

	r.empty.Move(fyne.NewPos(left, top+r.plotSize.Height/2-r.empty.MinSize().Height/2))
	r.empty.Resize(fyne.NewSize(r.plotSize.Width, r.empty.MinSize().Height))

	for i, t := range r.yLabels {
		ms := t.MinSize()
		py := top + float32(1-r.y.pos(r.y.Ticks[i]))*r.plotSize.Height
		t.Move(fyne.NewPos(pad, py-ms.Height/2))
		t.Resize(fyne.NewSize(labelW, ms.Height))
	}
	// The x axis title sits at the right end of the label row; tick labels
	// that would run into it are hidden.
	xt := r.xTitle.MinSize()
	xtLeft := left + r.plotSize.Width - xt.Width
	r.xTitle.Move(fyne.NewPos(xtLeft, bottom+pad/2))
	r.xTitle.Resize(xt)
	r.xTitle.Hidden = !r.ok
	for i, t := range r.xLabels {
		ms := t.MinSize()
		px := left + float32(r.x.pos(r.x.Ticks[i]))*r.plotSize.Width
		t.Move(fyne.NewPos(px-ms.Width/2, bottom+pad/2))
		t.Resize(ms)
		t.Hidden = px+ms.Width/2 > xtLeft-pad
	}
}

// draw renders the plot area: background, grid, the train curve decimated
// per pixel column and the validation polyline with markers.
func (r *chartRenderer) draw(w, h int) image.Image {
	if r.buf == nil || r.buf.Rect.Dx() != w || r.buf.Rect.Dy() != h {
		r.buf = image.NewNRGBA(image.Rect(0, 0, w, h))
	}
	img := r.buf
	fill(img, img.Rect, r.plotBg)
	if !r.ok || w < 2 || h < 2 {
		return img
	}
	scale := float64(w) / float64(max(r.plotSize.Width, 1))
	lw := max(1, int(math.Round(1.5*scale)))

	px := func(x float64) float64 { return r.x.pos(x) * float64(w-1) }
	py := func(y float64) float64 { return (1 - r.y.pos(y)) * float64(h-1) }

	for _, t := range r.y.Ticks {
		y := int(math.Round(py(t)))
		fill(img, image.Rect(0, y, w, y+max(1, int(scale))), r.grid)
	}
	for _, t := range r.x.Ticks {
		x := int(math.Round(px(t)))
		fill(img, image.Rect(x, 0, x+max(1, int(scale)), h), r.grid)
	}

	// Train: one vertical span per column, joined to the previous column.
	cols := decimate(r.chart.train, r.x.Min, r.x.Max, w)
	prev := -1
	for i, c := range cols {
		if !c.ok {
			continue
		}
		if prev >= 0 {
			line(img, float64(prev), py(cols[prev].last), float64(i), py(c.first), lw, r.trainCol)
		}
		top, bot := int(math.Round(py(c.max))), int(math.Round(py(c.min)))
		fill(img, image.Rect(i-lw/2, top-lw/2, i-lw/2+lw, bot-lw/2+lw), r.trainCol)
		prev = i
	}

	// Validation: a polyline with round markers.
	for i := 1; i < len(r.chart.val); i++ {
		a, b := r.chart.val[i-1], r.chart.val[i]
		line(img, px(a.X), py(a.Y), px(b.X), py(b.Y), lw, r.valCol)
	}
	rad := 3.5 * scale
	for _, p := range r.chart.val {
		disc(img, px(p.X), py(p.Y), rad, r.valCol)
	}
	return img
}

func fill(img *image.NRGBA, rect image.Rectangle, c color.Color) {
	rect = rect.Intersect(img.Rect)
	if rect.Empty() {
		return
	}
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	for y := rect.Min.Y; y < rect.Max.Y; y++ {
		off := img.PixOffset(rect.Min.X, y)
		for x := rect.Min.X; x < rect.Max.X; x++ {
			img.Pix[off], img.Pix[off+1], img.Pix[off+2], img.Pix[off+3] = n.R, n.G, n.B, n.A
			off += 4
		}
	}
}

// line draws a segment lw pixels thick.
func line(img *image.NRGBA, x0, y0, x1, y1 float64, lw int, c color.Color) {
	n := int(math.Ceil(math.Max(math.Abs(x1-x0), math.Abs(y1-y0))))
	for i := 0; i <= n; i++ {
		t := 0.0
		if n > 0 {
			t = float64(i) / float64(n)
		}
		x := int(math.Round(x0 + (x1-x0)*t))
		y := int(math.Round(y0 + (y1-y0)*t))
		fill(img, image.Rect(x-lw/2, y-lw/2, x-lw/2+lw, y-lw/2+lw), c)
	}
}

// disc draws a filled circle of radius rad centred on (cx, cy).
func disc(img *image.NRGBA, cx, cy, rad float64, c color.Color) {
	r2 := rad * rad
	for y := int(cy - rad); y <= int(cy+rad)+1; y++ {
		for x := int(cx - rad); x <= int(cx+rad)+1; x++ {
			dx, dy := float64(x)-cx, float64(y)-cy
			if dx*dx+dy*dy <= r2 {
				fill(img, image.Rect(x, y, x+1, y+1), c)
			}
		}
	}
}
