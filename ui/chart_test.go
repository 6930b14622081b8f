package ui

import (
	"math"
	"testing"

	"fyne.io/fyne/v2"
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
