package ui

import (
	"errors"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"latentstudio/assets"
	"latentstudio/models"
)

// startGAN loads the sample digits, opens the GAN tab and starts the MLP
// preset with the given widths and batch.
func startGAN(t *testing.T, latent, gLayers, dLayers, batch string) (*Studio, fyne.Window, *poster, *ganTab) {
	t.Helper()
	s, w, p := newTestStudio(t)
	g := s.gan
	s.tabs.Select(s.ganItem)
	if !strings.Contains(g.data.Text, "No images loaded") || !g.trainBtn.Disabled() {
		t.Errorf("without data the tab says %q and Train is enabled: %v", g.data.Text, !g.trainBtn.Disabled())
	}
	s.LoadSample()
	p.until(t, "the sample to load", 30*time.Second, func() bool { return !s.Busy() })
	s.tabs.SelectIndex(0)
	s.tabs.Select(s.ganItem) // refreshes the tab
	g.preset.SetSelected("mlp-mnist")
	g.latent.SetText(latent)
	g.gLayers.SetText(gLayers)
	g.dLayers.SetText(dLayers)
	g.batch.SetText(batch)
	g.epochs.SetText("100")
	test.Tap(g.trainBtn)
	if g.run == nil {
		t.Fatalf("Train did not start a run: %q", g.status.Text)
	}
	return s, w, p, g
}

// lastStep is the step of the newest point on the loss chart (they come
// every ganBlock steps).
func lastStep(g *ganTab) int {
	p, _ := g.losses.Last(SeriesTrain)
	return int(p.X)
}

// differs reports whether two images differ in any pixel.
func differs(a, b image.Image) bool {
	if a.Bounds() != b.Bounds() {
		return true
	}
	for y := a.Bounds().Min.Y; y < a.Bounds().Max.Y; y++ {
		for x := a.Bounds().Min.X; x < a.Bounds().Max.X; x++ {
			if a.At(x, y) != b.At(x, y) {
				return true
			}
		}
	}
	return false
}

func TestGANTabTrainsPausesAndGenerates(t *testing.T) {
	_, _, p, g := startGAN(t, "16", "64", "64", "32")
	var first image.Image
	p.until(t, "three sample grids", 90*time.Second, func() bool {
		if first == nil {
			first = g.grid.Image()
		}
		return len(g.grid.history) >= 3
	})
	for _, c := range []*LossChart{g.losses, g.probs} {
		if c.Len(SeriesTrain) == 0 || c.Len(SeriesVal) == 0 {
			t.Errorf("%s: %d and %d points, want both series", c.names.Title, c.Len(SeriesTrain), c.Len(SeriesVal))
		}
	}
	if first == nil || !differs(first, g.grid.Image()) {
		t.Error("the sample grid did not change from the first preview")
	}
	if v := g.meter.Value; !(v > 0 && v <= 1) || !strings.Contains(g.meterNote.Text, "diversity") {
		t.Errorf("collapse meter %v, %q", v, g.meterNote.Text)
	}
	if g.strip.Image == nil || g.strip.Image.Bounds().Dy() < 2*28 {
		t.Error("no real-vs-generated strip of two rows")
	}
	if !strings.Contains(g.status.Text, "samples/s") || !strings.Contains(g.status.Text, "D(G(z))") {
		t.Errorf("progress line %q", g.status.Text)
	}

	// Pause stops the steps, resume goes on.
	test.Tap(g.pauseBtn)
	p.until(t, "the run to pause", 30*time.Second, func() bool { return strings.HasPrefix(g.status.Text, "Paused at step") })
	at := lastStep(g)
	time.Sleep(300 * time.Millisecond)
	p.run()
	if lastStep(g) != at || g.pauseBtn.Text != "Resume" {
		t.Errorf("paused at step %d, now %d; button %q", at, lastStep(g), g.pauseBtn.Text)
	}
	test.Tap(g.pauseBtn)
	p.until(t, "steps after resuming", 30*time.Second, func() bool { return lastStep(g) > at })

	// The slider shows an earlier grid.
	latest := g.grid.Image()
	g.grid.slider.SetValue(0)
	if g.grid.at.Text != "step 0" || !differs(latest, g.grid.Image()) {
		t.Errorf("the slider at 0 shows %q, the same image: %v", g.grid.at.Text, !differs(latest, g.grid.Image()))
	}
	g.grid.slider.SetValue(g.grid.slider.Max)

	// Tapping two samples interpolates between them.
	for _, i := range []int{0, 9} {
		pos, side := g.grid.cell(i, g.grid.Size())
		g.grid.Tapped(&fyne.PointEvent{Position: pos.AddXY(side/2, side/2)})
	}
	if got := g.grid.Picked(); len(got) != 2 || got[0] != 0 || got[1] != 9 {
		t.Fatalf("picked %v, want [0 9]", got)
	}
	p.until(t, "the interpolation", 30*time.Second, func() bool { return len(g.between) == ganStrip })
	if g.interp.Image == nil || !strings.HasPrefix(g.interpNote.Text, "From sample 1 to sample 10") {
		t.Errorf("interpolation note %q", g.interpNote.Text)
	}

	test.Tap(g.stopBtn)
	p.until(t, "the run to stop", 30*time.Second, func() bool { return g.run == nil })
	if !strings.HasPrefix(g.status.Text, "Stopped at step") || g.trainBtn.Disabled() || g.moreBtn.Disabled() {
		t.Errorf("after Stop: %q, Train disabled %v, Continue disabled %v", g.status.Text, g.trainBtn.Disabled(), g.moreBtn.Disabled())
	}

	// Continue trains the same GAN further, extending its curves and grids.
	points, grids, before := g.losses.Len(SeriesTrain), len(g.grid.history), g.gan.History.Steps
	test.Tap(g.moreBtn)
	p.until(t, "steps after continuing", 60*time.Second, func() bool { return lastStep(g) >= before+20 })
	test.Tap(g.stopBtn)
	p.until(t, "the continued run to stop", 30*time.Second, func() bool { return g.run == nil })
	if g.losses.Len(SeriesTrain) <= points || g.gan.History.Steps < before+20 || len(g.grid.history) <= grids {
		t.Errorf("continuing from step %d: %d → %d chart points, %d → %d grids, now %d steps",
			before, points, g.losses.Len(SeriesTrain), grids, len(g.grid.history), g.gan.History.Steps)
	}

	// Save, then open: the file's GAN and its samples come back; other files are refused.
	path := filepath.Join(t.TempDir(), "gan.lsm")
	g.saveTo(path)
	p.until(t, "the GAN to be saved", 30*time.Second, func() bool { return strings.HasPrefix(g.status.Text, "Saved the GAN") })
	steps := g.gan.History.Steps
	g.open(path)
	p.until(t, "the GAN to open", 30*time.Second, func() bool { return strings.HasPrefix(g.status.Text, "Opened gan.lsm") })
	if g.gan.History.Steps != steps || len(g.grid.history) != 1 || g.grid.newest().Step != steps || g.losses.Len(SeriesTrain) != 0 {
		t.Errorf("opened %d steps (saved %d), %d grids", g.gan.History.Steps, steps, len(g.grid.history))
	}
	bad := filepath.Join(t.TempDir(), "bad.lsm")
	if err := os.WriteFile(bad, []byte("not a model"), 0o644); err != nil {
		t.Fatal(err)
	}
	g.open(bad)
	p.until(t, "the bad file to be refused", 30*time.Second, func() bool { return strings.HasPrefix(g.status.Text, "Could not open the GAN") })
	if g.gan.History.Steps != steps {
		t.Error("a refused file replaced the GAN")
	}

	// Generate writes N PNGs of the data's size.
	dir := filepath.Join(t.TempDir(), "out")
	g.genN.SetText("5")
	g.generateTo(dir, g.setStatus)
	p.until(t, "the images to be written", 30*time.Second, func() bool { return strings.HasPrefix(g.status.Text, "Wrote") })
	files, _ := filepath.Glob(filepath.Join(dir, "*.png"))
	if len(files) != 5 {
		t.Fatalf("wrote %d PNGs, want 5: %q", len(files), g.status.Text)
	}
	for _, f := range files {
		r, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(r)
		r.Close()
		if err != nil || img.Bounds().Dx() != 28 || img.Bounds().Dy() != 28 {
			t.Errorf("%s: %v, %v", f, err, img)
		}
	}
}

// TestStudioGANCapture trains the MLP preset for 3,000 steps, enough for
// digit-like samples, and captures the tab (make docs only: it is slow).
func TestStudioGANCapture(t *testing.T) {
	if os.Getenv("LATENTSTUDIO_DOCS") != "1" {
		t.Skip("set LATENTSTUDIO_DOCS=1 to render docs/studio-gan.png")
	}
	_, w, p, g := startGAN(t, "64", "256,512", "512,256", "64")
	p.until(t, "3,000 steps", 5*time.Minute, func() bool { return lastStep(g) >= 3000 })
	for _, i := range []int{2, 5} {
		pos, side := g.grid.cell(i, g.grid.Size())
		g.grid.Tapped(&fyne.PointEvent{Position: pos.AddXY(side/2, side/2)})
	}
	p.until(t, "the interpolation", 30*time.Second, func() bool { return len(g.between) == ganStrip })
	test.Tap(g.pauseBtn)
	p.until(t, "the run to pause", 30*time.Second, func() bool { return strings.HasPrefix(g.status.Text, "Paused at step") })
	test.Tap(g.qualityBtn)
	p.until(t, "the quality figures", 60*time.Second, func() bool { return strings.HasPrefix(g.quality.Text, "At step") })
	if want := "At step " + formatInt(g.grid.newest().Step) + ","; !strings.HasPrefix(g.quality.Text, want) {
		t.Errorf("quality line %q, want it to start %q", g.quality.Text, want)
	}
	capture(t, w, "studio-gan.png")
}

// TestGANTabShowsHealth feeds a run's events by hand: a NaN restore stays
// on as a warning, and a low meter reads "collapsing".
func TestGANTabShowsHealth(t *testing.T) {
	s, _, _ := newTestStudio(t)
	g := s.gan
	run := &ganRun{offset: 100}
	g.run = run
	defer func() { g.run = nil }()
	run.onEvent(models.GANEvent{Kind: models.EventRestored, Step: 5, Err: errors.New("non-finite losses at step 5")})
	img := []float32{0, 1, 1, 0}
	run.onEvent(models.GANEvent{Kind: models.EventPreview, Step: 10,
		Samples: &models.Preview{Width: 2, Height: 2, Channels: 1, Output: [][]float32{img, img, img, img}},
		Health:  &models.GANHealth{Collapse: models.Collapse{Diversity: 0.1, Coverage: 0.2, Meter: 0.1}, Warnings: []string{"D(G(z)) is stuck near 0"}}})
	g.apply(run, run.take(), false)
	if !g.warnings.Visible() || !strings.Contains(g.warnings.Text, "NaN protection at step 105: non-finite losses") ||
		!strings.Contains(g.warnings.Text, "stuck near 0") {
		t.Errorf("warnings %q", g.warnings.Text)
	}
	if g.meter.Value != 0.1 || !strings.HasPrefix(g.meterNote.Text, "collapsing") || g.grid.newest().Step != 110 {
		t.Errorf("meter %v %q, grid at step %d", g.meter.Value, g.meterNote.Text, g.grid.newest().Step)
	}
}

// TestGANTabMeasuresQuality opens the built-in digit GAN beside the sample
// digits and taps Measure: the built-in classifier finds all ten digits,
// and an untrained generator lies much further from the real images.
func TestGANTabMeasuresQuality(t *testing.T) {
	s, _, p := newTestStudio(t)
	g := s.gan
	s.LoadSample()
	p.until(t, "the sample to load", 30*time.Second, func() bool { return !s.Busy() })
	s.tabs.Select(s.ganItem)
	if !g.qualityBtn.Disabled() {
		t.Error("Measure is enabled without a GAN")
	}
	trained, err := assets.LoadGAN("builtin:gan-mnist")
	if err != nil {
		t.Fatal(err)
	}
	g.gan = trained
	g.updateControls()
	test.Tap(g.qualityBtn)
	if !g.qualityBtn.Disabled() {
		t.Error("Measure stays enabled while it measures")
	}
	p.until(t, "the quality figures", 60*time.Second, func() bool { return strings.HasPrefix(g.quality.Text, "At step") })
	if !strings.Contains(g.quality.Text, "look like 10 of 10 digits") || !strings.Contains(g.quality.Text, "Frechet distance") ||
		g.qualityBtn.Disabled() {
		t.Errorf("quality line %q", g.quality.Text)
	}

	good, err := assessGAN(trained, s.ds)
	if err != nil {
		t.Fatal(err)
	}
	cfg := trained.Config()
	cfg.Seed = 7
	untrained, err := models.NewGAN(cfg)
	if err != nil {
		t.Fatal(err)
	}
	bad, err := assessGAN(untrained, s.ds)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("FD: trained %.1f, untrained %.1f, real vs real %.1f (n=%d)", good.fake.FrechetDistance, bad.fake.FrechetDistance, good.realFD, good.nReal)
	if !(good.realFD < good.fake.FrechetDistance && 2*good.fake.FrechetDistance < bad.fake.FrechetDistance) {
		t.Errorf("Frechet distances: real %.1f, trained %.1f, untrained %.1f; want real < trained < untrained/2",
			good.realFD, good.fake.FrechetDistance, bad.fake.FrechetDistance)
	}
}
