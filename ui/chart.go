package ui

import (
	"image"
	"image/color"
	"math"
	"sort"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
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
// The y axis can be logarithmic (SetLogY), the train curve can be smoothed
// with an exponential moving average (SetSmoothing; the raw curve is then
// drawn faint behind it), and hovering the plot shows the values at the
// nearest step next to a vertical guide line.
//
// Like every widget it must be used on the UI goroutine only.
type LossChart struct {
	widget.BaseWidget

	// XLabel names the x axis ("step" by default).
	XLabel string
	names  ChartNames

	train, val []Point
	past       []pastRun // earlier runs of the session, drawn for comparison
	logY       bool
	smoothing  float64

	// hover state: the mouse position in widget coordinates, and the plot
	// geometry of the last layout (to turn positions into steps).
	hovering bool
	mouse    fyne.Position
	plotPos  fyne.Position
	plotSize fyne.Size
	r        *chartRenderer // to move the read-out without redrawing the curve
}

var _ desktop.Hoverable = (*LossChart)(nil)

// maxSmoothing is the largest smoothing weight SetSmoothing accepts.
const maxSmoothing = 0.99

// ChartNames are the words a chart shows: its title, the legend (and
// hover read-out) names of the line and the point series, and the text
// shown before any point.
type ChartNames struct {
	Title, Line, Points, Short, Empty string // Short: Points in the read-out
}

// NewLossChart returns an empty chart of training and validation loss.
func NewLossChart() *LossChart {
	return NewNamedChart(ChartNames{Title: "Loss", Line: "train", Points: "validation", Short: "val",
		Empty: "The loss curves appear here while a model trains"})
}

// NewNamedChart returns an empty chart of two other series: SeriesTrain
// is drawn as the line, SeriesVal as points.
func NewNamedChart(names ChartNames) *LossChart {
	c := &LossChart{XLabel: "step", names: names}
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

// SetLogY switches the y axis between linear and logarithmic (decades
// evenly spaced). Values <= 0 cannot be shown on a log axis and are left out.
func (c *LossChart) SetLogY(on bool) {
	if c.logY == on {
		return
	}
	c.logY = on
	c.Refresh()
}

// LogY reports whether the y axis is logarithmic.
func (c *LossChart) LogY() bool { return c.logY }

// SetSmoothing sets the weight w of the exponential moving average drawn
// for the train series: s[0] = y[0], s[i] = w*s[i-1] + (1-w)*y[i]. 0 turns
// smoothing off; w is clamped to 0..0.99.
func (c *LossChart) SetSmoothing(w float64) {
	if !(w > 0) { // also NaN
		w = 0
	}
	w = math.Min(w, maxSmoothing)
	if c.smoothing == w {
		return
	}
	c.smoothing = w
	c.Refresh()
}

// Smoothing is the smoothing weight in use (0 = off).
func (c *LossChart) Smoothing() float64 { return c.smoothing }

// SmoothedTrain returns the train series as drawn: smoothed when smoothing
// is on, else the raw points.
func (c *LossChart) SmoothedTrain() []Point { return ema(c.train, c.smoothing) }

// ema returns the exponential moving average of pts with weight w.
func ema(pts []Point, w float64) []Point {
	if w <= 0 || len(pts) == 0 {
		return pts
	}
	out := make([]Point, len(pts))
	s := pts[0].Y
	for i, p := range pts {
		if i > 0 {
			s = w*s + (1-w)*p.Y
		}
		out[i] = Point{p.X, s}
	}
	return out
}

// MouseIn implements desktop.Hoverable.
func (c *LossChart) MouseIn(e *desktop.MouseEvent) { c.MouseMoved(e) }

// MouseMoved implements desktop.Hoverable: the read-out follows the mouse.
func (c *LossChart) MouseMoved(e *desktop.MouseEvent) {
	c.hovering, c.mouse = true, e.Position
	c.refreshHover()
}

// MouseOut implements desktop.Hoverable: the read-out disappears.
func (c *LossChart) MouseOut() {
	if !c.hovering {
		return
	}
	c.hovering = false
	c.refreshHover()
}

// refreshHover moves the read-out only: the curve is not redrawn.
func (c *LossChart) refreshHover() {
	if c.r == nil {
		c.Refresh()
		return
	}
	c.r.layoutHover()
	for _, o := range []fyne.CanvasObject{c.r.guide, c.r.hoverDot, c.r.hoverBg, c.r.hoverText} {
		o.Refresh()
	}
}

// hoverInfo is what the read-out shows.
type hoverInfo struct {
	ok     bool
	train  Point // the train point nearest the mouse
	smooth float64
	val    Point // the latest validation point at or before train.X
	hasVal bool
	text   string
}

// HoverText is the read-out shown while the mouse is over the plot, such
// as "step 120 · train 0.0812 · val 0.0790", or "" when none is shown.
func (c *LossChart) HoverText() string { return c.hover().text }

// hover finds the train point nearest the mouse's x.
func (c *LossChart) hover() hoverInfo {
	var h hoverInfo
	if !c.hovering || len(c.train) == 0 || c.plotSize.Width <= 0 {
		return h
	}
	m := c.mouse
	if m.X < c.plotPos.X-4 || m.X > c.plotPos.X+c.plotSize.Width+4 ||
		m.Y < c.plotPos.Y || m.Y > c.plotPos.Y+c.plotSize.Height {
		return h
	}
	xa, _, ok := c.axes()
	if !ok {
		return h
	}
	f := float64((m.X - c.plotPos.X) / c.plotSize.Width)
	x := xa.Min + f*(xa.Max-xa.Min)
	i := nearest(c.train, x)
	h.ok, h.train = true, c.train[i]
	h.smooth = h.train.Y
	if c.smoothing > 0 {
		h.smooth = ema(c.train[:i+1], c.smoothing)[i].Y
	}
	// Validation points are sorted by step: take the last one not after it.
	if j := sort.Search(len(c.val), func(j int) bool { return c.val[j].X > h.train.X }); j > 0 {
		h.val, h.hasVal = c.val[j-1], true
	}
	h.text = "step " + formatInt(int(math.Round(h.train.X))) + " · " + c.names.Line + " " + formatLoss(h.train.Y)
	if c.smoothing > 0 {
		h.text += " (smoothed " + formatLoss(h.smooth) + ")"
	}
	if h.hasVal {
		h.text += " · " + c.names.Short + " " + formatLoss(h.val.Y)
	} else {
		h.text += " · " + c.names.Short + " —"
	}
	return h
}

// nearest returns the index of the point of pts (sorted by x, not empty)
// whose x is closest to x.
func nearest(pts []Point, x float64) int {
	i := sort.Search(len(pts), func(i int) bool { return pts[i].X >= x })
	if i == len(pts) {
		return i - 1
	}
	if i > 0 && x-pts[i-1].X <= pts[i].X-x {
		return i - 1
	}
	return i
}

func (c *LossChart) axes() (x, y Axis, ok bool) {
	all := c.train
	if len(c.past) > 0 {
		all = append([]Point(nil), c.train...)
		for _, p := range c.past {
			all = append(all, p.train...)
		}
	}
	return chartAxes(all, c.val, c.logY)
}

// Reset removes every point, of the current run and of earlier ones.
func (c *LossChart) Reset() {
	c.train, c.val, c.past = nil, nil, nil
	c.Refresh()
}

// pastRun is the training curve of an earlier run.
type pastRun struct {
	name  string
	train []Point
}

// maxPastRuns bounds the earlier runs kept on the chart.
const maxPastRuns = 4

// pastColors tell earlier runs apart; they are muted so the current run
// stays the eye-catcher.
var pastColors = []color.NRGBA{{0x9e, 0x9e, 0x9e, 0xc0}, {0xba, 0x68, 0xc8, 0xc0}, {0x4d, 0xb6, 0xac, 0xc0}, {0xa1, 0x88, 0x7f, 0xc0}}

// NewRun keeps the current run's training curve, named, as an earlier run
// to compare with (the oldest beyond four are dropped), and empties the
// chart for the next run.
func (c *LossChart) NewRun(name string) {
	if len(c.train) > 0 {
		c.past = append(c.past, pastRun{name, c.train})
		if len(c.past) > maxPastRuns {
			c.past = c.past[len(c.past)-maxPastRuns:]
		}
	}
	c.train, c.val = nil, nil
	c.Refresh()
}

// PastRuns names the earlier runs shown, oldest first.
func (c *LossChart) PastRuns() []string {
	var names []string
	for _, p := range c.past {
		names = append(names, p.name)
	}
	return names
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
	return c.axes()
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
	c.r = r
	r.raster = canvas.NewRaster(r.draw)
	r.title = canvas.NewText(c.names.Title, color.Black)
	r.title.TextStyle.Bold = true
	r.empty = canvas.NewText(c.names.Empty, color.Black)
	r.empty.Alignment = fyne.TextAlignCenter
	r.xTitle = canvas.NewText("", color.Black)
	r.trainKey = canvas.NewRectangle(color.Black)
	r.trainName = canvas.NewText(c.names.Line, color.Black)
	r.valKey = canvas.NewCircle(color.Black)
	r.valName = canvas.NewText(c.names.Points, color.Black)
	r.guide = canvas.NewRectangle(color.Black)
	r.hoverDot = canvas.NewCircle(color.Black)
	r.hoverBg = canvas.NewRectangle(color.Black)
	r.hoverText = canvas.NewText("", color.Black)
	r.Refresh()
	return r
}

// Axis is a chart axis: its range and tick values, evenly spaced on a
// linear axis and at 1, 2 and 5 times powers of ten on a log axis.
type Axis struct {
	Min, Max float64
	Ticks    []float64
	Log      bool // logarithmic: Min and Max are > 0
}

// pos maps v to [0,1] along the axis. On a log axis values <= 0 map below 0.
func (a Axis) pos(v float64) float64 {
	if a.Max == a.Min {
		return 0.5
	}
	if a.Log {
		if v <= 0 {
			return -1
		}
		return (math.Log10(v) - math.Log10(a.Min)) / (math.Log10(a.Max) - math.Log10(a.Min))
	}
	return (v - a.Min) / (a.Max - a.Min)
}

// chartAxes computes the x axis (0 .. last step) and the y axis (loss range
// widened to nice tick values, or to whole decades when logY) for the two
// series.
func chartAxes(train, val []Point, logY bool) (x, y Axis, ok bool) {
	xmax, ylo, yhi := math.Inf(-1), math.Inf(1), math.Inf(-1)
	for _, s := range [][]Point{train, val} {
		for _, p := range s {
			xmax = math.Max(xmax, p.X)
			if logY && p.Y <= 0 {
				continue
			}
			ylo = math.Min(ylo, p.Y)
			yhi = math.Max(yhi, p.Y)
		}
	}
	if math.IsInf(xmax, -1) {
		return Axis{}, Axis{}, false
	}
	if logY && math.IsInf(yhi, -1) {
		ylo, yhi = 0.1, 1 // nothing positive to show
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
	if logY {
		y = logAxis(ylo, yhi)
	} else {
		y = niceAxis(ylo, yhi, 5, true)
	}
	return x, y, true
}

// logAxis returns a log axis from the decade at or below lo to the decade
// at or above hi (lo, hi > 0), with a tick at every decade, and at 2 and 5
// times each decade when the axis spans at most two decades.
func logAxis(lo, hi float64) Axis {
	k0 := math.Floor(math.Log10(lo) + 1e-9)
	k1 := math.Ceil(math.Log10(hi) - 1e-9)
	if k1 <= k0 {
		k1 = k0 + 1
	}
	a := Axis{Min: math.Pow(10, k0), Max: math.Pow(10, k1), Log: true}
	every := max(1, int(math.Ceil((k1-k0)/6))) // at most about 6 decade ticks
	for k := k0; k <= k1; k++ {
		d := math.Pow(10, k)
		if int(k-k0)%every == 0 {
			a.Ticks = append(a.Ticks, d)
		}
		if k1-k0 <= 2 && k < k1 {
			a.Ticks = append(a.Ticks, 2*d, 5*d)
		}
	}
	return a
}

// formatLogTick prints a log-axis tick: "0.01", "0.5", "1", "20", "10k".
func formatLogTick(v float64) string {
	if v >= 10000 {
		return trimFloat(v/1000, 0) + "k"
	}
	dec := 0
	if v < 1 {
		dec = int(math.Ceil(-math.Log10(v) - 1e-9))
	}
	return trimFloat(v, dec)
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
	pastNames                  []*canvas.Text // "━ run 1" in its run's colour
	xLabels, yLabels           []*canvas.Text
	objects                    []fyne.CanvasObject
	x, y                       Axis
	ok                         bool
	plotPos                    fyne.Position
	plotSize                   fyne.Size
	fg, grid, trainCol, valCol color.Color
	plotBg                     color.Color
	faintCol                   color.Color
	buf                        *image.NRGBA

	// hover read-out
	guide, hoverBg *canvas.Rectangle
	hoverDot       *canvas.Circle
	hoverText      *canvas.Text
	hov            hoverInfo
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

	tc := color.NRGBAModel.Convert(r.trainCol).(color.NRGBA)
	tc.A = uint8(uint16(tc.A) * 3 / 10)
	r.faintCol = tc

	r.x, r.y, r.ok = r.chart.axes()
	r.xLabels = relabel(r.xLabels, r.x.Ticks, r.ok, small, fyne.TextAlignCenter)
	r.yLabels = relabel(r.yLabels, r.y.Ticks, r.ok, small, fyne.TextAlignTrailing)
	if r.y.Log {
		for i, v := range r.y.Ticks {
			r.yLabels[i].Text = formatLogTick(v)
		}
	}
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
	r.guide.FillColor = th.Color(theme.ColorNamePlaceHolder, v)
	r.hoverDot.FillColor = r.trainCol
	r.hoverDot.StrokeColor, r.hoverDot.StrokeWidth = th.Color(theme.ColorNameBackground, v), 1
	r.hoverBg.FillColor = th.Color(theme.ColorNameOverlayBackground, v)
	r.hoverBg.StrokeColor, r.hoverBg.StrokeWidth = r.grid, 1
	r.hoverBg.CornerRadius = th.Size(theme.SizeNameInputRadius)
	r.hoverText.Color, r.hoverText.TextSize = r.fg, small

	r.pastNames = r.pastNames[:0]
	for i, p := range r.chart.past {
		t := canvas.NewText("━ "+p.name, pastColors[i%len(pastColors)])
		t.TextSize = small
		r.pastNames = append(r.pastNames, t)
	}
	r.objects = []fyne.CanvasObject{r.raster, r.title, r.empty, r.xTitle, r.trainKey, r.trainName, r.valKey, r.valName}
	for _, t := range r.pastNames {
		r.objects = append(r.objects, t)
	}
	for _, t := range r.xLabels {
		r.objects = append(r.objects, t)
	}
	for _, t := range r.yLabels {
		r.objects = append(r.objects, t)
	}
	r.objects = append(r.objects, r.guide, r.hoverDot, r.hoverBg, r.hoverText)
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
	for i := len(r.pastNames) - 1; i >= 0; i-- { // newest nearest the current run
		t := r.pastNames[i]
		ms := t.MinSize()
		x -= 2*pad + ms.Width
		t.Move(fyne.NewPos(x, cy-ms.Height/2))
		t.Resize(ms)
	}

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
	r.chart.plotPos, r.chart.plotSize = r.plotPos, r.plotSize
	r.layoutHover()

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

// layoutHover places the guide line, the marker and the read-out at the
// train point nearest the mouse, or hides them.
func (r *chartRenderer) layoutHover() {
	r.hov = r.chart.hover()
	h := r.hov
	hide := !h.ok || !r.ok
	for _, o := range []fyne.CanvasObject{r.guide, r.hoverDot, r.hoverBg, r.hoverText} {
		o.Hide()
	}
	if hide {
		return
	}
	pad := r.chart.Theme().Size(theme.SizeNamePadding)
	gx := r.plotPos.X + float32(r.x.pos(h.train.X))*r.plotSize.Width
	r.guide.Move(fyne.NewPos(gx, r.plotPos.Y))
	r.guide.Resize(fyne.NewSize(1, r.plotSize.Height))
	r.guide.Show()
	if yp := r.y.pos(h.smooth); yp >= 0 && yp <= 1 {
		gy := r.plotPos.Y + float32(1-yp)*r.plotSize.Height
		d := float32(7)
		r.hoverDot.Move(fyne.NewPos(gx-d/2, gy-d/2))
		r.hoverDot.Resize(fyne.NewSquareSize(d))
		r.hoverDot.Show()
	}
	r.hoverText.Text = h.text
	r.hoverText.Refresh()
	ts := r.hoverText.MinSize()
	bw, bh := ts.Width+2*pad, ts.Height+pad
	// Beside the guide line, on the side with more room, at the top.
	bx := gx + pad
	if bx+bw > r.plotPos.X+r.plotSize.Width {
		bx = gx - pad - bw
	}
	bx = max(bx, r.plotPos.X)
	by := r.plotPos.Y + pad
	r.hoverBg.Move(fyne.NewPos(bx, by))
	r.hoverBg.Resize(fyne.NewSize(bw, bh))
	r.hoverText.Move(fyne.NewPos(bx+pad, by+pad/2))
	r.hoverText.Resize(ts)
	r.hoverBg.Show()
	r.hoverText.Show()
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
	py := func(y float64) float64 { return (1 - math.Max(r.y.pos(y), -0.05)) * float64(h-1) }

	for _, t := range r.y.Ticks {
		y := int(math.Round(py(t)))
		fill(img, image.Rect(0, y, w, y+max(1, int(scale))), r.grid)
	}
	for _, t := range r.x.Ticks {
		x := int(math.Round(px(t)))
		fill(img, image.Rect(x, 0, x+max(1, int(scale)), h), r.grid)
	}

	// Earlier runs first, so the current one is drawn over them.
	for i, p := range r.chart.past {
		r.drawCurve(img, p.train, lw, pastColors[i%len(pastColors)], px, py)
	}

	// Train: the raw curve faint behind the smoothed one when smoothing.
	if r.chart.smoothing > 0 {
		r.drawCurve(img, r.chart.train, lw, r.faintCol, px, py)
		r.drawCurve(img, ema(r.chart.train, r.chart.smoothing), lw, r.trainCol, px, py)
	} else {
		r.drawCurve(img, r.chart.train, lw, r.trainCol, px, py)
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

// drawCurve draws a dense series as one vertical span per pixel column,
// joined to the previous column.
func (r *chartRenderer) drawCurve(img *image.NRGBA, pts []Point, lw int, col color.Color, px, py func(float64) float64) {
	w := img.Rect.Dx()
	if r.y.Log {
		// Points <= 0 have no place on a log axis.
		kept := make([]Point, 0, len(pts))
		for _, p := range pts {
			if p.Y > 0 {
				kept = append(kept, p)
			}
		}
		pts = kept
	}
	cols := decimate(pts, r.x.Min, r.x.Max, w)
	prev := -1
	for i, c := range cols {
		if !c.ok {
			continue
		}
		if prev >= 0 {
			line(img, float64(prev), py(cols[prev].last), float64(i), py(c.first), lw, col)
		}
		top, bot := int(math.Round(py(c.max))), int(math.Round(py(c.min)))
		fill(img, image.Rect(i-lw/2, top-lw/2, i-lw/2+lw, bot-lw/2+lw), col)
		prev = i
	}
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

// NewChartControls returns a row of controls for c: a "Log scale" check
// and a "Smoothing" slider (0 .. 0.99), to put under the chart.
func NewChartControls(c *LossChart) fyne.CanvasObject {
	logY := widget.NewCheck("Log scale", c.SetLogY)
	logY.SetChecked(c.LogY())
	value := widget.NewLabel("")
	value.SizeName = theme.SizeNameCaptionText
	show := func(w float64) {
		if w == 0 {
			value.SetText("off")
		} else {
			value.SetText(strconv.FormatFloat(w, 'f', 2, 64))
		}
	}
	smooth := widget.NewSlider(0, maxSmoothing)
	smooth.Step = 0.01
	smooth.Value = c.Smoothing()
	show(c.Smoothing())
	smooth.OnChanged = func(w float64) {
		c.SetSmoothing(w)
		show(c.Smoothing())
	}
	label := widget.NewLabel("Smoothing")
	label.SizeName = theme.SizeNameCaptionText
	sliderBox := container.NewGridWrap(fyne.NewSize(140, smooth.MinSize().Height), smooth)
	valueBox := container.NewGridWrap(fyne.NewSize(44, value.MinSize().Height), value)
	return container.NewHBox(logY, layout.NewSpacer(), label, sliderBox, valueBox)
}
