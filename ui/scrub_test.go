package ui

import (
	"image/color"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latentstudio/models"
)

// shot saves a capture of a synthetic scene to the folder named by
// LATENTSTUDIO_SHOTS when it is set (to look at the controls by eye); such
// scenes are not documentation, so they never go to docs/.
func shot(t *testing.T, w fyne.Window, name string) {
	t.Helper()
	if dir := os.Getenv("LATENTSTUDIO_SHOTS"); dir != "" {
		fyne.CurrentApp().Settings().SetTheme(theme.DarkTheme())
		savePNG(t, filepath.Join(dir, name), w.Canvas().Capture())
	}
}

// stepPreview is a 4x4 gray preview of 3 rows whose reconstructions are
// uniformly step/1000 bright, so the step shown can be read off a pixel.
func stepPreview(step int) *models.Preview {
	p := &models.Preview{Step: step, Width: 4, Height: 4, Channels: 1}
	for i := 0; i < 3; i++ {
		orig := ramp(4, 4, float32(i)/10)
		out := make([]float32, 16)
		for j := range out {
			out[j] = float32(step) / 1000
		}
		p.Original = append(p.Original, orig)
		p.Input = append(p.Input, orig)
		p.Output = append(p.Output, out)
	}
	return p
}

// shownStep reads the step back from a reconstruction pixel of every row.
func shownStep(t *testing.T, g *PreviewGrid) int {
	t.Helper()
	step := -1
	for r := 0; r < g.Rows(); r++ {
		v := int(color.GrayModel.Convert(g.Image(1, r).At(2, 2)).(color.Gray).Y)
		s := (v*1000 + 127) / 255 // step/1000*255 rounded, back to the step
		s = (s + 5) / 10 * 10
		if step >= 0 && s != step {
			t.Fatalf("row %d shows step %d, row 0 step %d: the rows are out of step", r, s, step)
		}
		step = s
	}
	return step
}

func TestPreviewScrub(t *testing.T) {
	test.NewTempApp(t)
	test.ApplyTheme(t, theme.DarkTheme())
	g := NewPreviewGrid()
	w := test.NewTempWindow(t, g)
	w.Resize(fyne.NewSize(600, 360))

	g.AddPreview(stepPreview(10))
	if g.Slider().Visible() {
		t.Error("the slider is shown with a single preview")
	}
	for s := 20; s <= 100; s += 10 {
		g.AddPreview(stepPreview(s))
	}
	if got := g.History(); !slices.Equal(got, []int{10, 20, 30, 40, 50, 60, 70, 80, 90, 100}) {
		t.Fatalf("history = %v", got)
	}
	sl := g.Slider()
	if !sl.Visible() || sl.Value != 9 || sl.Max != 9 || g.Step() != 100 || shownStep(t, g) != 100 {
		t.Fatalf("slider visible %v at %v of %v, step %d; want the newest (100) shown",
			sl.Visible(), sl.Value, sl.Max, g.Step())
	}
	if !containsText(visibleTexts(g), "step 100") {
		t.Errorf("texts %q lack the step label", visibleTexts(g))
	}

	// Drag the slider to its left end: step 10 for every row. (The test
	// driver delivers one drag event at the given position; the slider
	// takes its value from that position.)
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(sl)
	test.Drag(w.Canvas(), fyne.NewPos(pos.X+2, pos.Y+sl.Size().Height/2), -sl.Size().Width, 0)
	if sl.Value != 0 || g.Step() != 10 || shownStep(t, g) != 10 || g.Following() {
		t.Fatalf("after dragging to the start: slider %v, step %d (pixels %d), following %v",
			sl.Value, g.Step(), shownStep(t, g), g.Following())
	}
	texts := visibleTexts(g)
	if !containsText(texts, "step 10") || !containsText(texts, "latest 100") {
		t.Errorf("scrubbed back, the texts are %q", texts)
	}
	shot(t, w, "preview-scrubbed.png")

	// Back to the end: step 100, following again.
	sl.Value = sl.Max
	sl.OnChanged(sl.Value)
	if g.Step() != 100 || shownStep(t, g) != 100 || !g.Following() {
		t.Fatalf("at the end: step %d, following %v", g.Step(), g.Following())
	}
	g.AddPreview(stepPreview(110))
	if g.Step() != 110 || sl.Value != 10 {
		t.Errorf("following: a new preview shows step %d, slider at %v", g.Step(), sl.Value)
	}

	// Scrubbed back, new previews do not move the grid or the slider.
	sl.Value = 3
	sl.OnChanged(3)
	if g.Step() != 40 || shownStep(t, g) != 40 {
		t.Fatalf("slider at 3 shows step %d", g.Step())
	}
	g.AddPreview(stepPreview(120))
	if g.Step() != 40 || shownStep(t, g) != 40 || sl.Value != 3 || sl.Max != 11 || g.Following() {
		t.Errorf("a new preview while scrubbed back: step %d, slider %v of %v", g.Step(), sl.Value, sl.Max)
	}
	// Moving to the end follows again.
	g.ShowIndex(11)
	g.AddPreview(stepPreview(130))
	if g.Step() != 130 || !g.Following() {
		t.Errorf("back at the end a new preview shows step %d", g.Step())
	}

	// SetPreview starts a new history.
	g.SetPreview(stepPreview(10))
	if len(g.History()) != 1 || g.Step() != 10 || g.Slider().Visible() {
		t.Errorf("SetPreview left history %v", g.History())
	}
	g.SetPreview(nil)
	if len(g.History()) != 0 || g.Rows() != 0 {
		t.Error("SetPreview(nil) should clear the history")
	}
}

func TestPreviewHistoryThinning(t *testing.T) {
	test.NewTempApp(t)
	g := NewPreviewGrid()
	for s := 1; s <= 100; s++ {
		g.AddPreview(stepPreview(s * 10))
	}
	g.ShowIndex(20) // step 210, kept while thinning
	for s := 101; s <= 1000; s++ {
		g.AddPreview(stepPreview(s * 10))
	}
	h := g.History()
	if len(h) > maxPreviewHistory || len(h) < maxPreviewHistory/2 || h[0] != 10 || h[len(h)-1] != 10000 {
		t.Fatalf("history of %d from %d to %d; want %d..%d from 10 to 10,000", len(h), h[0], h[len(h)-1], maxPreviewHistory/2, maxPreviewHistory)
	}
	if !slices.Contains(h, 210) || g.Step() != 210 || g.Slider().Value != float64(slices.Index(h, 210)) {
		t.Errorf("the preview shown (step 210) was dropped or moved: step %d, slider %v", g.Step(), g.Slider().Value)
	}
	// Evenly thinned: every gap is the same, apart from those around the
	// kept step 210 and before the newest preview.
	gap := h[len(h)-2] - h[len(h)-3]
	for i := 1; i < len(h)-1; i++ {
		if h[i] == 210 || h[i-1] == 210 {
			continue
		}
		if d := h[i] - h[i-1]; d != gap {
			t.Errorf("gap %d before step %d, want %d: %v", d, h[i], gap, h)
			break
		}
	}
	// Moving back to the end lets the kept step go at the next thinning.
	g.ShowIndex(len(h) - 1)
	for s := 1001; s <= 3000; s++ {
		g.AddPreview(stepPreview(s * 10))
	}
	if h := g.History(); len(h) > maxPreviewHistory || len(h) < maxPreviewHistory/2 || slices.Contains(h, 210) || h[len(h)-1] != 30000 || g.Step() != 30000 {
		t.Errorf("after 3,000 previews: %d kept, last %d, step shown %d", len(h), h[len(h)-1], g.Step())
	}
}

// TestStudioPreviewHistory runs training events through the studio's event
// path and scrubs back in the studio window.
func TestStudioPreviewHistory(t *testing.T) {
	s, w, _ := newTestStudio(t)
	run := &trainRun{cancel: func() {}, ended: make(chan struct{})}
	s.run = run
	for step := 10; step <= 100; step += 10 {
		run.onEvent(models.Event{Kind: models.EventStep, Step: step, TrainLoss: 1 / float64(step)})
		run.onEvent(models.Event{Kind: models.EventPreview, Step: step, Preview: stepPreview(step)})
		if step%50 == 0 {
			run.onEvent(models.Event{Kind: models.EventEpoch, Step: step, ValLoss: 1.2 / float64(step)})
		}
		if step%30 == 0 { // sometimes several previews arrive in one tick
			continue
		}
		b, _ := run.take()
		s.applyTraining(run, b, false)
	}
	b, _ := run.take()
	s.applyTraining(run, b, false)
	if got := s.Preview().History(); len(got) != 10 || got[0] != 10 {
		t.Fatalf("studio preview history = %v; every preview should be kept", got)
	}
	s.Preview().ShowIndex(4)
	if s.Preview().Step() != 50 {
		t.Errorf("scrubbed to step %d, want 50", s.Preview().Step())
	}
	s.Chart().SetSmoothing(0.6)
	s.Chart().SetLogY(true)
	c := s.Chart()
	x, _, _ := c.Ranges()
	px := c.plotPos.X + float32(x.pos(60))*c.plotSize.Width
	c.MouseIn(desktopEvent(px, c.plotPos.Y+20))
	if !strings.HasPrefix(c.HoverText(), "step 60 · train 0.01667") {
		t.Errorf("hover text = %q", c.HoverText())
	}
	shot(t, w, "studio-history.png")
	s.run = nil
}

func desktopEvent(x, y float32) *desktop.MouseEvent {
	return &desktop.MouseEvent{PointEvent: fyne.PointEvent{Position: fyne.NewPos(x, y)}}
}

func TestChartControls(t *testing.T) {
	test.NewTempApp(t)
	test.ApplyTheme(t, theme.DarkTheme())
	c := NewLossChart()
	for i := 1; i <= 2000; i++ {
		c.Add(SeriesTrain, float64(i), 0.7*math.Exp(-float64(i)/400)+0.05*math.Sin(float64(i))+0.06)
	}
	c.AddPoints(SeriesVal, []Point{{500, 0.2}, {1000, 0.1}, {1500, 0.08}, {2000, 0.07}})
	controls := NewChartControls(c)
	w := test.NewTempWindow(t, panel(container.NewBorder(nil, controls, nil, nil, c)))
	w.Resize(fyne.NewSize(700, 360))

	var check *widget.Check
	var slider *widget.Slider
	visitVisible(controls, func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Check:
			check = x
		case *widget.Slider:
			slider = x
		}
	})
	if check == nil || slider == nil {
		t.Fatal("the controls lack the log check or the smoothing slider")
	}
	test.Tap(check)
	if !c.LogY() {
		t.Error("tapping Log scale did not switch the axis")
	}
	slider.SetValue(0.8)
	if math.Abs(c.Smoothing()-0.8) > 1e-9 || !containsText(visibleTexts(controls), "0.80") {
		t.Errorf("smoothing %v after moving the slider to 0.8", c.Smoothing())
	}
	x, _, _ := c.Ranges()
	c.MouseIn(desktopEvent(c.plotPos.X+float32(x.pos(1200))*c.plotSize.Width, c.plotPos.Y+30))
	shot(t, w, "chart-controls.png")
}
