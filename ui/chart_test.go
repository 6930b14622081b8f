package ui

import (
	"image"
	"image/color"
	"math"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

func TestLossChartAddResetLen(t *testing.T) {
	test.NewTempApp(t)
	c := NewLossChart()
	for i := 1; i <= 100; i++ {
		c.Add(SeriesTrain, float64(i), 1/float64(i))
	}
	c.Add(SeriesVal, 50, 0.05)
	c.Add(SeriesVal, 100, math.NaN()) // not measured: ignored
	c.AddPoints(SeriesVal, []Point{{100, 0.02}})
	c.Add("nonsense", 1, 1)
	if got := c.Len(SeriesTrain); got != 100 {
		t.Errorf("train points = %d, want 100", got)
	}
	if got := c.Len(SeriesVal); got != 2 {
		t.Errorf("validation points = %d, want 2 (the NaN one is dropped)", got)
	}
	if p, ok := c.Last(SeriesVal); !ok || p != (Point{100, 0.02}) {
		t.Errorf("last validation point = %v %v", p, ok)
	}
	x, y, ok := c.Ranges()
	if !ok {
		t.Fatal("Ranges reports nothing to plot")
	}
	if x.Min != 0 || x.Max != 100 {
		t.Errorf("x axis %v..%v, want 0..100", x.Min, x.Max)
	}
	if y.Min > 0.01 || y.Max < 1 {
		t.Errorf("y axis %v..%v does not cover 0.01..1", y.Min, y.Max)
	}
	c.Reset()
	if c.Len(SeriesTrain)+c.Len(SeriesVal) != 0 {
		t.Error("Reset left points behind")
	}
	if _, _, ok := c.Ranges(); ok {
		t.Error("an empty chart reports ranges")
	}
}

func TestNiceAxis(t *testing.T) {
	a := niceAxis(0.123, 0.687, 5, true)
	want := []float64{0, 0.2, 0.4, 0.6, 0.8}
	if a.Min != 0 || math.Abs(a.Max-0.8) > 1e-12 || len(a.Ticks) != len(want) {
		t.Fatalf("axis = %+v, want 0..0.8 with ticks %v", a, want)
	}
	for i := range want {
		if math.Abs(a.Ticks[i]-want[i]) > 1e-12 {
			t.Errorf("tick %d = %v, want %v", i, a.Ticks[i], want[i])
		}
	}
	// Without widening the ends stay put and ticks fall inside.
	b := niceAxis(0, 437, 6, false)
	if b.Min != 0 || b.Max != 437 {
		t.Errorf("x axis = %v..%v, want 0..437", b.Min, b.Max)
	}
	for _, v := range b.Ticks {
		if v < 0 || v > 437 || math.Mod(v, 100) != 0 {
			t.Errorf("tick %v is not a multiple of 100 inside 0..437 (%v)", v, b.Ticks)
		}
	}
	// A flat series still gets a usable range.
	if c := niceAxis(0.5, 0.5, 5, true); !(c.Min < 0.5 && c.Max > 0.5) {
		t.Errorf("flat axis = %+v", c)
	}
	if got := formatTick(0.25, 0.05); got != "0.25" {
		t.Errorf("formatTick(0.25, 0.05) = %q", got)
	}
	if got := formatTick(20000, 5000); got != "20.0k" {
		t.Errorf("formatTick(20000, 5000) = %q", got)
	}
}

func TestDecimate(t *testing.T) {
	// 1,000 points of a sawtooth 0..9 into 100 columns: x = 0..999 maps
	// column i to the points with round(x*99/999) == i.
	var pts []Point
	for i := 0; i < 1000; i++ {
		pts = append(pts, Point{float64(i), float64(i % 10)})
	}
	cols := decimate(pts, 0, 999, 100)
	if len(cols) != 100 {
		t.Fatalf("%d columns, want 100", len(cols))
	}
	counts := make([]int, 100)
	wantMin, wantMax := make([]float64, 100), make([]float64, 100)
	first, last := make([]float64, 100), make([]float64, 100)
	for i := range wantMin {
		wantMin[i], wantMax[i] = math.Inf(1), math.Inf(-1)
	}
	for _, p := range pts {
		c := int(math.Round(p.X * 99 / 999))
		if counts[c] == 0 {
			first[c] = p.Y
		}
		counts[c]++
		last[c] = p.Y
		wantMin[c] = math.Min(wantMin[c], p.Y)
		wantMax[c] = math.Max(wantMax[c], p.Y)
	}
	for i, c := range cols {
		if !c.ok || c.min != wantMin[i] || c.max != wantMax[i] || c.first != first[i] || c.last != last[i] {
			t.Errorf("column %d = %+v, want min %v max %v first %v last %v", i, c, wantMin[i], wantMax[i], first[i], last[i])
		}
	}
	// Columns holding a full period see the whole 0..9 range.
	if cols[50].min != 0 || cols[50].max != 9 {
		t.Errorf("column 50 = %+v, want 0..9", cols[50])
	}

	// Sparse points land in their own columns; the others stay empty.
	sparse := decimate([]Point{{0, 1}, {50, 2}, {100, 3}, {200, 4}}, 0, 100, 101)
	for i, c := range sparse {
		want := i == 0 || i == 50 || i == 100
		if c.ok != want {
			t.Errorf("sparse column %d ok = %v, want %v", i, c.ok, want)
		}
	}
	if sparse[50].min != 2 || sparse[100].max != 3 {
		t.Errorf("sparse columns = %+v %+v", sparse[50], sparse[100])
	}
}

func TestLossChartDraws(t *testing.T) {
	test.NewTempApp(t)
	c := NewLossChart()
	w := test.NewTempWindow(t, c)
	w.Resize(fyne.NewSize(500, 300))
	th := c.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	trainCol := th.Color(theme.ColorNamePrimary, v)
	valCol := th.Color(theme.ColorNameWarning, v)

	// Only the legend swatches use the series colours before data arrive.
	empty := w.Canvas().Capture()
	n0, v0 := countColor(empty, trainCol), countColor(empty, valCol)
	if !containsText(visibleTexts(c), "appear here") {
		t.Error("empty chart shows no placeholder")
	}
	for i := 1; i <= 2000; i++ {
		c.Add(SeriesTrain, float64(i), 0.7*math.Exp(-float64(i)/400)+0.05*math.Sin(float64(i)))
	}
	c.AddPoints(SeriesVal, []Point{{500, 0.2}, {1000, 0.1}, {1500, 0.08}, {2000, 0.07}})
	img := w.Canvas().Capture()
	if n := countColor(img, trainCol) - n0; n < 400 {
		t.Errorf("only %d train-coloured pixels drawn for 2,000 points", n)
	}
	if n := countColor(img, valCol) - v0; n < 60 {
		t.Errorf("only %d validation-coloured pixels drawn", n)
	}
	texts := visibleTexts(c)
	for _, want := range []string{"train", "validation", "step", "1500", "0.6"} {
		if !containsText(texts, want) {
			t.Errorf("chart texts %q lack %q", texts, want)
		}
	}
	if containsText(texts, "appear here") {
		t.Error("placeholder still shown with data")
	}
}

func TestLossChartLogScale(t *testing.T) {
	test.NewTempApp(t)
	c := NewLossChart()
	w := test.NewTempWindow(t, c)
	w.Resize(fyne.NewSize(500, 400))
	// Losses from 5 down to 0.02: the log axis spans 0.01..10.
	for i := 0; i <= 100; i++ {
		c.Add(SeriesTrain, float64(i), 5*math.Pow(0.004, float64(i)/100))
	}
	c.Add(SeriesTrain, 101, 0) // no place on a log axis: left out
	c.SetLogY(true)
	_, y, ok := c.Ranges()
	if !ok || !y.Log || math.Abs(y.Min-0.01) > 1e-12 || math.Abs(y.Max-10) > 1e-9 {
		t.Fatalf("log axis = %+v, want 0.01..10", y)
	}
	// Decades are evenly spaced: each takes a third of the height.
	for _, v := range []float64{0.01, 0.1, 1, 10} {
		want := (math.Log10(v) + 2) / 3
		if got := y.pos(v); math.Abs(got-want) > 1e-9 {
			t.Errorf("pos(%v) = %v, want %v", v, got, want)
		}
	}
	// The decade labels are drawn at evenly spaced heights.
	r := test.WidgetRenderer(c).(*chartRenderer)
	at := map[string]float32{}
	for _, l := range r.yLabels {
		at[l.Text] = l.Position().Y + l.Size().Height/2
	}
	for _, s := range []string{"0.01", "0.1", "1", "10"} {
		if _, ok := at[s]; !ok {
			t.Fatalf("y labels %v lack %q", at, s)
		}
	}
	d1, d2, d3 := at["0.01"]-at["0.1"], at["0.1"]-at["1"], at["1"]-at["10"]
	if d1 <= 0 || math.Abs(float64(d1-d2)) > 0.5 || math.Abs(float64(d2-d3)) > 0.5 {
		t.Errorf("decade label spacing %v, %v, %v; want equal", d1, d2, d3)
	}
	// 0.5 sits at log10(5) of the way from 0.1 to 1.
	if p := y.pos(0.5); math.Abs(p-(1+math.Log10(5))/3) > 1e-9 {
		t.Errorf("pos(0.5) = %v", p)
	}
	if got := formatLogTick(0.001); got != "0.001" {
		t.Errorf("formatLogTick(0.001) = %q", got)
	}
	// Narrow ranges get 2 and 5 ticks between the decades.
	a := logAxis(0.03, 0.4)
	want := []float64{0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1}
	if len(a.Ticks) != len(want) {
		t.Fatalf("ticks of 0.03..0.4 = %v, want %v", a.Ticks, want)
	}
	for i := range want {
		if math.Abs(a.Ticks[i]-want[i]) > 1e-12 {
			t.Errorf("tick %d = %v, want %v", i, a.Ticks[i], want[i])
		}
	}
	img := w.Canvas().Capture()
	if n := countColor(img, c.Theme().Color(theme.ColorNamePrimary, fyne.CurrentApp().Settings().ThemeVariant())); n < 200 {
		t.Errorf("only %d train pixels on the log chart", n)
	}
	c.SetLogY(false)
	if _, y, _ := c.Ranges(); y.Log || y.Min != 0 {
		t.Errorf("linear axis again = %+v", y)
	}
}

func TestLossChartSmoothing(t *testing.T) {
	test.NewTempApp(t)
	c := NewLossChart()
	w := test.NewTempWindow(t, c)
	w.Resize(fyne.NewSize(500, 300))
	ys := []float64{1, 0.5, 0.8, 0.2, 0.4, 0.1, 0.3, 0.05}
	for i, y := range ys {
		c.Add(SeriesTrain, float64(i+1), y)
	}
	if got := c.SmoothedTrain(); len(got) != len(ys) || got[3].Y != ys[3] {
		t.Errorf("without smoothing the series is drawn raw: %v", got)
	}
	c.SetSmoothing(0.6)
	s := ys[0]
	got := c.SmoothedTrain()
	for i, y := range ys {
		if i > 0 {
			s = 0.6*s + 0.4*y
		}
		if math.Abs(got[i].Y-s) > 1e-12 || got[i].X != float64(i+1) {
			t.Errorf("smoothed point %d = %v, want (%d, %v)", i, got[i], i+1, s)
		}
	}
	if c.Len(SeriesTrain) != len(ys) {
		t.Error("smoothing changed the stored series")
	}
	// The smoothed curve is drawn in the train colour, the raw one faint.
	th := c.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	r := test.WidgetRenderer(c).(*chartRenderer)
	img := r.draw(400, 200).(*image.NRGBA)
	trainCol := color.NRGBAModel.Convert(th.Color(theme.ColorNamePrimary, v)).(color.NRGBA)
	last := got[len(got)-1]
	x := int(math.Round(r.x.pos(last.X) * 399))
	y := int(math.Round((1 - r.y.pos(last.Y)) * 199))
	if p := img.NRGBAAt(x, y); p != trainCol {
		t.Errorf("pixel at the last smoothed point (%d,%d) = %v, want %v", x, y, p, trainCol)
	}
	yr := int(math.Round((1 - r.y.pos(ys[len(ys)-1])) * 199))
	if p := img.NRGBAAt(x, yr); p.A == 0 || p.A >= trainCol.A || p.R != trainCol.R {
		t.Errorf("pixel at the last raw point (%d,%d) = %v, want faint %v", x, yr, p, trainCol)
	}
	c.SetSmoothing(5)
	if c.Smoothing() != 0.99 {
		t.Errorf("smoothing 5 clamped to %v, want 0.99", c.Smoothing())
	}
	c.SetSmoothing(-1)
	if c.Smoothing() != 0 {
		t.Errorf("smoothing -1 clamped to %v, want 0", c.Smoothing())
	}
}

func TestLossChartHover(t *testing.T) {
	test.NewTempApp(t)
	c := NewLossChart()
	w := test.NewTempWindow(t, c)
	w.Resize(fyne.NewSize(600, 300))
	for i := 1; i <= 100; i++ {
		c.Add(SeriesTrain, float64(i), 1/float64(i))
	}
	c.AddPoints(SeriesVal, []Point{{50, 0.03}, {100, 0.012}})
	if c.HoverText() != "" {
		t.Error("a read-out is shown before the mouse comes in")
	}
	x, _, _ := c.Ranges()
	at := func(step float64) *desktop.MouseEvent {
		px := c.plotPos.X + float32(x.pos(step))*c.plotSize.Width
		return &desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(px, c.plotPos.Y+c.plotSize.Height/2)}}
	}
	c.MouseIn(at(40))
	if got, want := c.HoverText(), "step 40 · train 0.025 · val —"; got != want {
		t.Errorf("hover at step 40 = %q, want %q", got, want)
	}
	e := at(75.2) // between steps: the nearest is 75
	c.MouseMoved(e)
	if got, want := c.HoverText(), "step 75 · train 0.01333 · val 0.03"; got != want {
		t.Errorf("hover at step 75 = %q, want %q", got, want)
	}
	if !containsText(visibleTexts(c), "step 75 · train") {
		t.Error("the read-out is not drawn")
	}
	r := test.WidgetRenderer(c).(*chartRenderer)
	if !r.guide.Visible() || math.Abs(float64(r.guide.Position().X-e.Position.X)) > float64(0.01*c.plotSize.Width) {
		t.Errorf("guide line at x=%v (visible %v), want near %v", r.guide.Position().X, r.guide.Visible(), e.Position.X)
	}
	c.SetSmoothing(0.5)
	c.MouseMoved(at(100))
	if got := c.HoverText(); !strings.HasPrefix(got, "step 100 · train 0.01 (smoothed ") || !strings.HasSuffix(got, " · val 0.012") {
		t.Errorf("hover with smoothing = %q", got)
	}
	shot(t, w, "chart-hover.png")
	c.MouseOut()
	if c.HoverText() != "" || r.guide.Visible() || containsText(visibleTexts(c), "step 100") {
		t.Error("the read-out stays after the mouse left")
	}
}
