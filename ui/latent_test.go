package ui

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"latentstudio/assets"
	"latentstudio/imageops"
	"latentstudio/models"
)

// latentDigits reads the first 500 digits of the embedded sample.
func latentDigits(t *testing.T) *imageops.Dataset {
	t.Helper()
	images, labels := assets.SampleMNIST()
	ds, err := imageops.ReadIDX(images, labels, "s", imageops.Options{Gray: true, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// trainLatentModel trains a small dense autoencoder with the given code
// size on ds for two epochs and returns its snapshot.
func trainLatentModel(t *testing.T, ds *imageops.Dataset, code int) *models.Autoencoder {
	t.Helper()
	ae, err := models.NewAutoencoder(models.Config{Task: "reconstruct", Arch: "dense", Width: 28, Height: 28,
		Channels: 1, Layers: []int{64}, Code: code, Loss: "bce", Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	tr, err := models.NewTrainer(ae, ds, nil, models.TrainOptions{Epochs: 2, Batch: 32, LR: 3e-3, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	return tr.Snapshot()
}

// latentPump stands in for fyne.Do: the explorer's goroutine sends
// functions on a channel and the test goroutine runs them.
type latentPump chan func()

func (p latentPump) post(f func()) { p <- f }

// until runs posted functions until cond holds, failing after timeout.
func (p latentPump) until(t *testing.T, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.After(timeout)
	for !cond() {
		select {
		case f := <-p:
			f()
		case <-deadline:
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
	}
}

func newLatentWindow(t *testing.T) (*LatentExplorer, fyne.Window, latentPump) {
	t.Helper()
	test.NewTempApp(t)
	p := make(latentPump, 16)
	e := NewLatentExplorer(p.post)
	w := test.NewTempWindow(t, e)
	w.Resize(fyne.NewSize(1000, 620))
	return e, w, p
}

func digitClasses(ds *imageops.Dataset) []string {
	var want []string
	seen := map[int]bool{}
	for _, l := range ds.Labels {
		seen[l] = true
	}
	for l, name := range ds.Classes {
		if seen[l] {
			want = append(want, name)
		}
	}
	return want
}

// checkTapSelects taps where point i is drawn and checks that a point
// drawn there is selected, with its image and reconstruction shown.
func checkTapSelects(t *testing.T, w fyne.Window, e *LatentExplorer, i int) {
	t.Helper()
	imagesBefore := visibleImages(e)
	if e.Selected() >= 0 {
		imagesBefore -= 2
	}
	pos := e.PointPosition(i)
	// Tap the canvas there, so the tap finds the widget as a click would.
	abs := fyne.CurrentApp().Driver().AbsolutePositionForObject(e).Add(pos)
	test.TapCanvas(w.Canvas(), abs)
	got := e.Selected()
	if got < 0 {
		t.Fatalf("tapping at point %d's position %v selected nothing", i, pos)
	}
	if got != i && e.PointPosition(got) != pos {
		t.Fatalf("tapping at point %d's position %v selected point %d at %v", i, pos, got, e.PointPosition(got))
	}
	if n := visibleImages(e); n != imagesBefore+2 {
		t.Errorf("after selecting, %d images are shown, want %d (+ original and reconstruction)", n, imagesBefore+2)
	}
	if !containsText(visibleTexts(e), fmt.Sprintf("Point %d", got)) {
		t.Errorf("no caption names point %d: %q", got, visibleTexts(e))
	}
}

func TestLatentExplorerCode2(t *testing.T) {
	ds := latentDigits(t)
	ae := trainLatentModel(t, ds, 2)
	e, w, p := newLatentWindow(t)
	if e.Points() != 0 || e.Selected() != -1 {
		t.Fatalf("a new explorer shows %d points, selection %d", e.Points(), e.Selected())
	}
	e.SetData(ae, ds)
	p.until(t, "the decoded grid", time.Minute, func() bool { return e.Grid() != nil })

	if e.Points() != 500 {
		t.Errorf("%d points, want 500", e.Points())
	}
	if want := digitClasses(ds); len(want) != 10 || !slices.Equal(e.Legend(), want) {
		t.Errorf("legend %q, want the 10 digits %q", e.Legend(), want)
	}
	if x, y := e.Axes(); x != "z1" || y != "z2" {
		t.Errorf("axes %q, %q, want z1, z2", x, y)
	}
	texts := visibleTexts(e)
	for _, s := range append([]string{"z1", "z2"}, e.Legend()...) {
		if !containsText(texts, s) {
			t.Errorf("%q is not drawn; texts: %q", s, texts)
		}
	}
	if b := e.Grid().Bounds(); b.Dx() < 8*28 || b.Dy() < 8*28 {
		t.Errorf("decoded grid is %v, want room for 8×8 digits", b)
	}
	if e.GridMessage() != "" {
		t.Errorf("grid message %q with the grid shown", e.GridMessage())
	}

	// The codes plotted are the model's codes (up to round-off: the batch
	// size changes the order of the sums).
	codes, err := ae.Encode(ds.Image(37), 1)
	if err != nil {
		t.Fatal(err)
	}
	near := func(a float64, b float32) bool { return math.Abs(a-float64(b)) < 1e-4 }
	if x, y := e.xy[2*37], e.xy[2*37+1]; !near(x, codes[0]) || !near(y, codes[1]) {
		t.Errorf("point 37 at (%g, %g), its code is %v", x, y, codes)
	}

	checkTapSelects(t, w, e, 123)
	checkTapSelects(t, w, e, 400)
	// A tap far from every point (the top-left corner of the widget) changes nothing.
	sel := e.Selected()
	e.Tapped(&fyne.PointEvent{Position: fyne.NewPos(1, 1)})
	if e.Selected() != sel {
		t.Errorf("a tap outside the plot moved the selection to %d", e.Selected())
	}

	img := w.Canvas().Capture()
	savePNG(t, "/tmp/latent.png", img)
	// The ten class colours are all drawn.
	for l, c := range latentPalette {
		if countColor(img, c) < 5 {
			t.Errorf("class %d's colour %v is (almost) not drawn", l, c)
		}
	}
}

func TestLatentExplorerPCA(t *testing.T) {
	ds := latentDigits(t)
	ae := trainLatentModel(t, ds, 8)
	e, w, p := newLatentWindow(t)
	e.SetData(ae, ds)
	p.until(t, "the decoded grid", time.Minute, func() bool { return e.Grid() != nil })
	if e.Points() != 500 {
		t.Errorf("%d points, want 500", e.Points())
	}
	x, y := e.Axes()
	if !strings.HasPrefix(x, "PC1 (") || !strings.HasSuffix(x, "% var)") || !strings.HasPrefix(y, "PC2 (") {
		t.Errorf("axes %q, %q, want PC1 (xx%% var), PC2 (yy%% var)", x, y)
	}
	// The plotted coordinates are the PCA projections of the codes.
	codes, err := ae.Encode(ds.Data, ds.Len())
	if err != nil {
		t.Fatal(err)
	}
	pca, err := models.FitPCA(codes, ds.Len(), 8, 2)
	if err != nil {
		t.Fatal(err)
	}
	proj := pca.Project(codes, ds.Len())
	for i := range proj {
		if d := proj[i] - e.xy[i]; d > 1e-4 || d < -1e-4 {
			t.Fatalf("coordinate %d: plotted %g, PCA gives %g", i, e.xy[i], proj[i])
		}
	}
	checkTapSelects(t, w, e, 250)
	savePNG(t, "/tmp/latent-pca.png", w.Canvas().Capture())
}

// noDecoder hides the model's Decode method.
type noDecoder struct{ ae *models.Autoencoder }

func (m noDecoder) Config() models.Config { return m.ae.Config() }
func (m noDecoder) Forward(x []float32, n int) (*models.Output, error) {
	return m.ae.Forward(x, n)
}

func TestLatentExplorerWithoutDecoder(t *testing.T) {
	ds := latentDigits(t)
	ae, err := models.NewAutoencoder(models.Config{Task: "reconstruct", Arch: "dense", Width: 28, Height: 28,
		Channels: 1, Layers: []int{16}, Code: 3, Loss: "bce", Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	e, w, p := newLatentWindow(t)
	e.setData(noDecoder{ae}, ds)
	p.until(t, "the plot", time.Minute, func() bool { return e.Points() > 0 })
	if e.GridMessage() != latentNoDecoder || e.Grid() != nil {
		t.Errorf("grid message %q (grid %v), want %q", e.GridMessage(), e.Grid() != nil, latentNoDecoder)
	}
	if !containsText(visibleTexts(e), "decoder entry point") {
		t.Errorf("the missing decoder is not explained: %q", visibleTexts(e))
	}
	if !containsText(visibleTexts(e), "Tap a point") {
		t.Errorf("no hint to tap a point: %q", visibleTexts(e))
	}
	savePNG(t, "/tmp/latent-nodecoder.png", w.Canvas().Capture())
}

func TestLatentExplorerKeepsOnlyTheLatestData(t *testing.T) {
	ds := latentDigits(t)
	small := ds.Subset([]int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
	ae, err := models.NewAutoencoder(models.Config{Task: "reconstruct", Arch: "dense", Width: 28, Height: 28,
		Channels: 1, Layers: []int{16}, Code: 2, Loss: "bce", Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	test.NewTempApp(t)
	p := make(latentPump, 16)
	ran := 0 // posted functions run; only the test goroutine touches it
	e := NewLatentExplorer(func(f func()) { p.post(func() { f(); ran++ }) })
	test.NewTempWindow(t, e).Resize(fyne.NewSize(900, 600))
	e.SetData(ae, ds)
	e.SetData(ae, small)
	// Each run posts twice (the plot, then the grid), and showing the last
	// run's plot decodes the sliders' code (one more post): wait for all
	// five, so the first run's late results get their chance to (wrongly) show.
	p.until(t, "both runs to finish", time.Minute, func() bool { return ran == 5 })
	if e.Points() != 10 || e.Grid() == nil {
		t.Errorf("%d points (grid %v), want the 10 of the last SetData", e.Points(), e.Grid() != nil)
	}
	e.SetData(nil, nil)
	if e.Points() != 0 || e.Grid() != nil || e.Status() == "" {
		t.Errorf("after SetData(nil, nil): %d points, status %q", e.Points(), e.Status())
	}
}
