package ui

import (
	"image"
	"image/color"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"golang.org/x/image/draw"

	"latentstudio/assets"
	"latentstudio/imageops"
	"latentstudio/models"
)

// photoFile is a real photo of the shared test set (scikit-image's
// sample photos); the test is skipped where the set is not present.
func photoFile(t *testing.T, name string) string {
	t.Helper()
	dir := os.Getenv("LATENTSTUDIO_PHOTOS")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "data", "photos")
	}
	path, err := filepath.Abs(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Skipf("the test photo is missing (set LATENTSTUDIO_PHOTOS to its folder): %v", err)
	}
	return path
}

// runTimeout bounds a model run on a small photo (seconds; far more under
// the race detector).
const runTimeout = 3 * time.Minute

// openPhotoTab opens a studio on the Photo tab and drops a photo on the
// window, waiting until it is ready to run with the built-in denoiser.
func openPhotoTab(t *testing.T, name string) (*Studio, fyne.Window, *poster, *photoTab) {
	t.Helper()
	s, w, p := newTestStudio(t)
	s.tabs.Select(s.photoItem)
	ph := s.photo
	s.handleWindowDrop(fyne.NewPos(300, 300), []fyne.URI{storage.NewFileURI(photoFile(t, name))})
	p.until(t, "the photo and the model", 30*time.Second, func() bool {
		return ph.input != nil && ph.picker.usable() != nil
	})
	if s.Busy() || s.Dataset() != nil {
		t.Fatal("a photo dropped on the Photo tab was loaded as training data")
	}
	return s, w, p, ph
}

// runPhoto presses Run and waits for the result.
func runPhoto(t *testing.T, p *poster, ph *photoTab) {
	t.Helper()
	if ph.runner.runBtn.Disabled() {
		t.Fatalf("Run is disabled; model: %q, message: %q", ph.picker.info.Text, ph.Message())
	}
	test.Tap(ph.runner.runBtn)
	if !ph.runner.busy() || !ph.runner.runBtn.Disabled() || ph.runner.cancelBtn.Disabled() || !ph.runner.progress.Visible() {
		t.Fatal("Run did not start a run with progress and Cancel")
	}
	p.until(t, "the run to finish", runTimeout, func() bool { return !ph.runner.busy() })
	if ph.result == nil {
		t.Fatalf("no result; message: %q", ph.Message())
	}
}

var psnrFigure = regexp.MustCompile(`\d+\.\d dB / \d\.\d\d`)

// TestStudioPhotoDenoise: drop a real photo on the Photo tab, add noise
// σ25, denoise it with the built-in model, read the metrics, drag the
// compare slider and check which image each side shows, switch to side by
// side and 1:1, save, and drop a file that is not an image.
func TestStudioPhotoDenoise(t *testing.T) {
	s, w, p, ph := openPhotoTab(t, "chelsea.png")
	if got := ph.photoInfo.Text; got != "chelsea.png · 451×300 colour" {
		t.Errorf("photo info %q", got)
	}
	if !strings.Contains(ph.picker.info.Text, "The built-in denoiser is a denoise ") {
		t.Errorf("model info %q", ph.picker.info.Text)
	}
	if !strings.Contains(ph.metrics.Text, "No reference") {
		t.Errorf("without noise or reference the metrics say %q", ph.metrics.Text)
	}

	// Add noise σ25: the clean photo becomes the reference.
	if ph.sigma.Selected != "25" {
		t.Errorf("σ defaults to %s", ph.sigma.Selected)
	}
	test.Tap(ph.noise)
	p.until(t, "the noisy input", 10*time.Second, func() bool { return ph.input != nil && ph.input.name == "noisy σ25" })
	if ph.input.ref != ph.photo || ph.input.q == nil || ph.input.q.PSNR > 25 {
		t.Fatalf("the noisy input is not measured against the clean photo: %+v", ph.input.q)
	}
	if !strings.Contains(ph.metrics.Text, "Press Run") {
		t.Errorf("metrics before the run: %q", ph.metrics.Text)
	}

	start := time.Now()
	runPhoto(t, p, ph)
	t.Logf("denoised 451×300 in %v; %s", time.Since(start), ph.metrics.Text)
	if figs := psnrFigure.FindAllString(ph.metrics.Text, -1); len(figs) != 2 ||
		!strings.Contains(ph.metrics.Text, "noisy σ25") || !strings.Contains(ph.metrics.Text, "→ denoised") {
		t.Errorf("the metrics should give PSNR / SSIM of the noisy and the denoised photo: %q", ph.metrics.Text)
	}
	if !containsText(visibleTexts(w.Content()), "→ denoised") {
		t.Error("the metrics are not on screen")
	}
	if ph.saveBtn.Disabled() || !ph.runner.cancelBtn.Disabled() || ph.runner.progress.Visible() {
		t.Error("after a run Save should be enabled, Cancel disabled and the progress hidden")
	}
	if !strings.HasPrefix(ph.Message(), "Denoising chelsea.png took") {
		t.Errorf("message %q", ph.Message())
	}
	// Strength mixes the model's output with the input, without running
	// the model again.
	full, denoised, res := ph.full, ph.metrics.Text, ph.result
	ph.strength.SetValue(0.5)
	ph.strength.OnChangeEnded(0.5)
	p.until(t, "the half-strength result", 30*time.Second, func() bool { return ph.result != res })
	if ph.full != full || ph.strLabel.Text != "50%" {
		t.Errorf("strength 0.5: the model ran again or the label says %q", ph.strLabel.Text)
	}
	for _, i := range []int{0, 1000, 200000, len(full.RGB) - 1} {
		in, out := ph.input.photo.RGB[i], full.RGB[i]
		if want := in + 0.5*(out-in); ph.result.RGB[i] != want {
			t.Fatalf("at half strength value %d is %v, want %v", i, ph.result.RGB[i], want)
		}
	}
	res = ph.result
	ph.strength.SetValue(1)
	ph.strength.OnChangeEnded(1)
	p.until(t, "the full-strength result", 30*time.Second, func() bool { return ph.result != res })
	if ph.result != full || ph.metrics.Text != denoised {
		t.Errorf("back at full strength the result is not the model's output: %q", ph.metrics.Text)
	}

	c := ph.compare
	if c.Before() == nil || c.After() == nil || c.Split() != 0.5 {
		t.Fatal("the compare view should show before and after, split in the middle")
	}

	// Dragging moves the split line to the pointer; so does a tap.
	b := c.imageBoxes()[0]
	origin := fyne.CurrentApp().Driver().AbsolutePositionForObject(c).Add(b.pos)
	test.Drag(w.Canvas(), origin.AddXY(0.25*b.size.Width, b.size.Height/2), 40, 0)
	if got := c.Split(); got < 0.24 || got > 0.26 {
		t.Errorf("after dragging at a quarter of the width the split is %v", got)
	}
	// As the desktop driver reports a drag: each event at the pointer.
	for _, f := range []float32{0.3, 0.5, 0.7} {
		c.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: b.pos.AddXY(f*b.size.Width, 20)}, Dragged: fyne.NewDelta(b.size.Width/5, 0)})
	}
	c.DragEnd()
	if got := c.Split(); got < 0.69 || got > 0.71 {
		t.Errorf("the split did not follow the drag to 0.7: %v", got)
	}
	test.TapAt(c, b.pos.AddXY(0.6*b.size.Width, 10))
	if got := c.Split(); got < 0.59 || got > 0.61 {
		t.Errorf("a tap at 0.6 put the split at %v", got)
	}

	// At 1:1 every screen pixel left of the line is the noisy input's and
	// every one right of it the result's.
	ph.zoom.SetSelected(zoomNative)
	b = c.imageBoxes()[0]
	if b.size != fyne.NewSize(451, 300) {
		t.Errorf("at 1:1 the photo is drawn %v", b.size)
	}
	checkSplitPixels(t, w, c, ph.input.img, ph.result.Image())

	// Side by side: two images next to each other, wider than the view at
	// 1:1, so the scroll pans.
	ph.viewMode.SetSelected(viewSideBySide)
	boxes := c.imageBoxes()
	if len(boxes) != 2 || boxes[1].pos.X < boxes[0].pos.X+boxes[0].size.Width || boxes[0].pos.Y != boxes[1].pos.Y {
		t.Fatalf("side by side the images are at %+v", boxes)
	}
	if n := visibleImages(c); n != 2 {
		t.Errorf("%d images drawn side by side, want 2", n)
	}
	if ph.scroll.Content.Size().Width <= ph.scroll.Size().Width {
		t.Errorf("two 451-wide images at 1:1 fit in %v: nothing to pan", ph.scroll.Size())
	}
	ph.zoom.SetSelected(zoomFit)
	fit := c.imageBoxes()
	if fit[0].size.Width >= 451 && fit[0].size.Height >= 300 || fit[0].pos.X+2*fit[0].size.Width > c.Size().Width {
		t.Errorf("side by side in Fit the images are %+v in %v", fit, c.Size())
	}
	if ph.scroll.Content.Size() != ph.scroll.Size() {
		t.Errorf("in Fit the view should fill the scroll: %v in %v", ph.scroll.Content.Size(), ph.scroll.Size())
	}
	ph.viewMode.SetSelected(viewSlider)
	if n := len(c.imageBoxes()); n != 1 || visibleImages(c) != 0 {
		t.Errorf("back on the slider: %d boxes, %d side-by-side images shown", n, visibleImages(c))
	}
	c.SetSplit(0.5)
	capture(t, w, "photo-denoise.png")

	// Save the result and read it back.
	out := filepath.Join(t.TempDir(), "chelsea-denoised.png")
	ph.saveResult(out)
	p.until(t, "the result to be saved", 10*time.Second, func() bool { return strings.HasPrefix(ph.Message(), "Saved") })
	if saved, err := imageops.LoadPhoto(out); err != nil || saved.Width != 451 || saved.Height != 300 {
		t.Errorf("the saved result: %v", err)
	}

	// A file that is not an image: a clear message, and nothing is lost.
	notes := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(notes, []byte("not a photo"), 0o644); err != nil {
		t.Fatal(err)
	}
	photo, result := ph.photo, ph.result
	s.handleWindowDrop(fyne.Position{}, []fyne.URI{storage.NewFileURI(notes)})
	p.until(t, "the bad file to be refused", 10*time.Second, func() bool { return strings.HasPrefix(ph.Message(), "Could not open notes.txt") })
	t.Logf("dropping a text file: %s", ph.Message())
	if !strings.Contains(ph.Message(), "The photo shown is unchanged") || ph.message.Importance != widget.DangerImportance {
		t.Errorf("message %q (importance %v)", ph.Message(), ph.message.Importance)
	}
	if ph.photo != photo || ph.result != result || c.After() == nil || !strings.HasPrefix(ph.photoInfo.Text, "chelsea.png") {
		t.Error("a bad drop replaced the photo or its result")
	}
	if s.Busy() || s.Dataset() != nil {
		t.Error("the bad file went to the training data")
	}
}

// checkSplitPixels checks a 1:1 capture of the compare view: left of the
// line the pixels are before's, right of it after's. The capture's origin
// is not exactly the driver's (the window's padding, rounding), so the
// offset that fits best within a few pixels is used.
func checkSplitPixels(t *testing.T, w fyne.Window, c *CompareView, before, after image.Image) {
	t.Helper()
	shot := w.Canvas().Capture()
	b := c.imageBoxes()[0]
	abs := fyne.CurrentApp().Driver().AbsolutePositionForObject(c).Add(b.pos)
	W, H := before.Bounds().Dx(), before.Bounds().Dy()
	cut := int(c.Split() * float32(W))
	type sample struct {
		x, y int
		want image.Image
	}
	var samples []sample
	differ := [2]int{}
	for y := 40; y < H-5; y += 13 { // below the names
		for x := 2; x < W-2; x += 5 {
			if x > cut-20 && x < cut+20 {
				continue // the line and its knob
			}
			s := sample{x, y, before}
			side := 0
			if x > cut {
				s.want, side = after, 1
			}
			if before.At(x, y) != after.At(x, y) {
				differ[side]++
			}
			samples = append(samples, s)
		}
	}
	if differ[0] < 50 || differ[1] < 50 {
		t.Fatalf("before and after differ at too few sampled pixels (%v) to tell them apart", differ)
	}
	bestBad, bestOff := len(samples)+1, image.Point{}
	for dy := -6; dy <= 6; dy++ {
		for dx := -6; dx <= 6; dx++ {
			bad := 0
			for _, s := range samples {
				got := color.NRGBAModel.Convert(shot.At(int(abs.X)+s.x+dx, int(abs.Y)+s.y+dy))
				if got != color.NRGBAModel.Convert(s.want.At(s.x, s.y)) {
					bad++
				}
			}
			if bad < bestBad {
				bestBad, bestOff = bad, image.Pt(dx, dy)
			}
		}
	}
	if bestBad > 0 {
		t.Errorf("%d of %d sampled pixels are not from the expected side of the line at %d (offset %v)", bestBad, len(samples), cut, bestOff)
	}
}

// TestCompareViewFit: in Fit zoom the slider shows the scaled "before"
// left of the line and the scaled "after" right of it, and follows a drag.
func TestCompareViewFit(t *testing.T) {
	test.NewTempApp(t)
	clean, err := imageops.LoadPhoto(photoFile(t, "coffee.png"))
	if err != nil {
		t.Fatal(err)
	}
	noisy := clean.WithGaussianNoise(50.0/255, rand.New(rand.NewSource(1)))
	before, after := noisy.Image(), clean.Grayscale().Image() // unlike each other everywhere
	c := NewCompareView()
	c.SetImages(before, after, "noisy", "gray")
	w := test.NewTempWindow(t, c)
	w.Resize(fyne.NewSize(500, 500))
	test.Drag(w.Canvas(), fyne.NewPos(350, 250), 10, 0)
	b := c.imageBoxes()[0]
	if want := (350 - b.pos.X) / b.size.Width; c.Split() < want-0.01 || c.Split() > want+0.01 {
		t.Fatalf("split %v after a drag at x=350 in %+v, want %v", c.Split(), b, want)
	}
	if b.size.Width > 500 || b.size.Height > 500 || b.size.Width/b.size.Height < 1.49 || b.size.Width/b.size.Height > 1.51 {
		t.Errorf("a 600×400 photo fits a 500×500 view as %v", b.size)
	}
	shot := w.Canvas().Capture()
	pw, ph := int(b.size.Width), int(b.size.Height)
	scaled := func(src image.Image) *image.NRGBA {
		m := image.NewNRGBA(image.Rect(0, 0, pw, ph))
		draw.BiLinear.Scale(m, m.Bounds(), src, src.Bounds(), draw.Src, nil)
		return m
	}
	sb, sa := scaled(before), scaled(after)
	cut := int(c.Split() * float32(pw))
	abs := fyne.CurrentApp().Driver().AbsolutePositionForObject(c).Add(b.pos)
	// Mean distance of a band of the capture to a scaled image, the
	// capture shifted by off (its origin is not exactly the driver's).
	dist := func(x0, x1 int, ref *image.NRGBA, off image.Point) float64 {
		var sum float64
		n := 0
		for y := 30; y < ph-10; y += 3 { // below the names
			for x := x0; x < x1; x++ {
				g := color.NRGBAModel.Convert(shot.At(int(abs.X)+x+off.X, int(abs.Y)+y+off.Y)).(color.NRGBA)
				r := ref.NRGBAAt(x, y)
				sum += absDiff(g.R, r.R) + absDiff(g.G, r.G) + absDiff(g.B, r.B)
				n++
			}
		}
		return sum / float64(n)
	}
	best, off := math.Inf(1), image.Point{}
	for dy := -6; dy <= 6; dy++ {
		for dx := -6; dx <= 6; dx++ {
			if d := dist(5, cut-20, sb, image.Pt(dx, dy)); d < best {
				best, off = d, image.Pt(dx, dy)
			}
		}
	}
	lb, la := dist(5, cut-20, sb, off), dist(5, cut-20, sa, off)
	rb, ra := dist(cut+20, pw-5, sb, off), dist(cut+20, pw-5, sa, off)
	t.Logf("offset %v; left: %.1f from before, %.1f from after; right: %.1f from before, %.1f from after", off, lb, la, rb, ra)
	if lb > 6 || la < 3*lb+10 {
		t.Errorf("left of the line is not the before image")
	}
	if ra > 6 || rb < 3*ra+10 {
		t.Errorf("right of the line is not the after image")
	}
	if !containsText(visibleTexts(c), "noisy") || !containsText(visibleTexts(c), "gray") {
		t.Error("the images' names are not shown")
	}
}

func absDiff(a, b uint8) float64 {
	if a > b {
		return float64(a - b)
	}
	return float64(b - a)
}

// TestStudioPhotoCancel: Cancel stops a run and leaves the photo as it was.
func TestStudioPhotoCancel(t *testing.T) {
	_, _, p, ph := openPhotoTab(t, "coffee.png")
	test.Tap(ph.runner.runBtn)
	if !ph.runner.busy() {
		t.Fatal("Run started nothing")
	}
	test.Tap(ph.runner.cancelBtn)
	p.until(t, "the run to stop", runTimeout, func() bool { return !ph.runner.busy() })
	if ph.Message() != "Cancelled; nothing was changed." || ph.result != nil || ph.compare.After() != nil {
		t.Errorf("after Cancel: message %q, result %v", ph.Message(), ph.result != nil)
	}
	if ph.runner.runBtn.Disabled() {
		t.Error("Run should be enabled again after Cancel")
	}
}

// TestStudioPhotoWrongModel: models whose task is not the job's are
// refused with the reason, a matching one is accepted and runs.
func TestStudioPhotoWrongModel(t *testing.T) {
	s, _, p, ph := openPhotoTab(t, "chelsea.png")
	dir := t.TempDir()
	save := func(name string, cfg models.Config) string {
		ae, err := models.NewAutoencoder(cfg)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, name)
		if err := ae.Save(path); err != nil {
			t.Fatal(err)
		}
		return path
	}
	recon := save("digits.lsm", models.Config{Task: models.TaskReconstruct, Arch: models.ArchDense, Width: 28, Height: 28,
		Channels: 1, Layers: []int{64}, Code: 8, Loss: models.LossBCE, Seed: 1})
	color := save("colour.lsm", models.Config{Task: models.TaskColorize, Arch: models.ArchConv, Width: 32, Height: 32,
		Channels: 3, Layers: []int{8, 16}, Loss: models.LossMSE, Seed: 1})

	ph.picker.useFile(recon)
	p.until(t, "the model file", 10*time.Second, func() bool { return ph.picker.model != nil })
	if want := "digits.lsm is a reconstruct model: the Photo tab needs a denoise or colorize model."; ph.picker.info.Text != want {
		t.Errorf("model info %q, want %q", ph.picker.info.Text, want)
	}
	if ph.picker.source.Selected != modelFile || !ph.runner.runBtn.Disabled() {
		t.Error("a reconstruct model should show as a model file and disable Run")
	}

	ph.picker.useFile(color)
	p.until(t, "the colorize model file", 10*time.Second, func() bool { return ph.picker.model != nil })
	if want := "colour.lsm is a colorize model, not a denoise one: choose the Colorize job to use it."; ph.picker.info.Text != want {
		t.Errorf("model info %q, want %q", ph.picker.info.Text, want)
	}
	if !ph.runner.runBtn.Disabled() {
		t.Error("Run is enabled with a colorize model on the Denoise job")
	}

	// On the Colorize job the same file fits: the photo is turned gray and
	// the colour original is the reference.
	ph.job.SetSelected(jobColorize)
	p.until(t, "the gray input", 10*time.Second, func() bool { return ph.input != nil })
	if !strings.HasPrefix(ph.picker.info.Text, "colour.lsm is a colorize conv model") || ph.input.name != "gray" || ph.input.ref != ph.photo {
		t.Errorf("on Colorize: model %q, input %q", ph.picker.info.Text, ph.input.name)
	}
	if ph.denoiseRow.Visible() || !ph.colorNote.Visible() {
		t.Error("Colorize should hide Strength and add noise, and say how it measures")
	}
	runPhoto(t, p, ph) // an untrained colorizer: any colours, but a real run
	if figs := psnrFigure.FindAllString(ph.metrics.Text, -1); len(figs) != 2 || !strings.Contains(ph.metrics.Text, "gray") ||
		!strings.Contains(ph.metrics.Text, "→ colorized") {
		t.Errorf("colorize metrics %q", ph.metrics.Text)
	}

	// The built-in colorizer, or a clear message while there is none.
	ph.picker.source.SetSelected(modelBuiltin)
	p.until(t, "the built-in colorizer", 10*time.Second, func() bool { return !strings.HasPrefix(ph.picker.info.Text, "Loading") })
	if _, err := assets.LoadModel("builtin:colorize"); err != nil {
		if !strings.HasPrefix(ph.picker.info.Text, "Could not load the built-in colorizer") || ph.picker.info.Importance != widget.DangerImportance || !ph.runner.runBtn.Disabled() {
			t.Errorf("without a built-in colorizer the model says %q", ph.picker.info.Text)
		}
	} else if !strings.HasPrefix(ph.picker.info.Text, "The built-in colorizer is a colorize") {
		t.Errorf("model info %q", ph.picker.info.Text)
	}
	if s.Busy() {
		t.Error("the Photo tab started training work")
	}
}

// TestStudioPhotoColorize colorizes a gray copy of a colour photo with the
// built-in colorizer (skipped while there is none).
func TestStudioPhotoColorize(t *testing.T) {
	if _, err := assets.LoadModel("builtin:colorize"); err != nil {
		t.Skipf("no built-in colorizer yet: %v", err)
	}
	_, _, p, ph := openPhotoTab(t, "coffee.png")
	ph.job.SetSelected(jobColorize)
	p.until(t, "the colorizer and the gray input", 30*time.Second, func() bool {
		return ph.input != nil && ph.input.name == "gray" && ph.picker.usable() != nil
	})
	runPhoto(t, p, ph)
	if figs := psnrFigure.FindAllString(ph.metrics.Text, -1); len(figs) != 2 || !strings.Contains(ph.metrics.Text, "→ colorized") {
		t.Errorf("colorize metrics %q", ph.metrics.Text)
	}
	if ph.result.Gray {
		t.Error("the colorized photo is gray")
	}
}

// TestStudioPhotoDropRoute: on the Training tab a dropped file still goes
// to the training data; on the Photo tab a folder does too.
func TestStudioPhotoDropRoute(t *testing.T) {
	s, _, p := newTestStudio(t)
	photo := photoFile(t, "coins.png")
	s.handleWindowDrop(fyne.Position{}, []fyne.URI{storage.NewFileURI(photo)})
	if !s.Busy() {
		t.Error("a file dropped on the Training tab did not load as training data")
	}
	p.until(t, "the load", 30*time.Second, func() bool { return !s.Busy() })
	if s.photo.photo != nil || s.photo.Message() != "" {
		t.Error("the Photo tab took a drop made on the Training tab")
	}
	s.tabs.Select(s.photoItem)
	s.handleWindowDrop(fyne.Position{}, []fyne.URI{storage.NewFileURI(filepath.Dir(photo))})
	if !s.Busy() {
		t.Error("a folder dropped on the Photo tab did not load as training data")
	}
	p.until(t, "the load", 30*time.Second, func() bool { return !s.Busy() })
	if s.photo.Message() != "" {
		t.Errorf("the Photo tab took a folder: %q", s.photo.Message())
	}
}

// TestStudioPhotoEnsemble: with "8 views" checked the denoiser runs over
// the 8 rotations and mirrorings of the photo and comes out cleaner than
// the plain run on the same noisy input.
func TestStudioPhotoEnsemble(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the denoiser nine times over a photo")
	}
	_, _, p, ph := openPhotoTab(t, "chelsea.png")
	test.Tap(ph.noise)
	p.until(t, "the noisy input", 10*time.Second, func() bool { return ph.input != nil && ph.input.name == "noisy σ25" })
	runPhoto(t, p, ph)
	plain := *ph.resultQ
	test.Tap(ph.ensemble)
	if ph.result == nil {
		t.Fatal("checking 8 views dropped the result shown")
	}
	start := time.Now()
	runPhoto(t, p, ph)
	t.Logf("8 views: %.2f dB / %.3f against %.2f / %.3f, in %v", ph.resultQ.PSNR, ph.resultQ.SSIM, plain.PSNR, plain.SSIM, time.Since(start))
	if ph.resultQ.PSNR < plain.PSNR+0.05 {
		t.Errorf("8 views gave %.2f dB, the plain run %.2f", ph.resultQ.PSNR, plain.PSNR)
	}
}
