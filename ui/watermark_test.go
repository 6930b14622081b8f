package ui

import (
	"image"
	"image/color"
	"math"
	"math/rand"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"latentstudio/assets"
	"latentstudio/imageops"
	"latentstudio/models"
)

// newTestPainter shows a w×h gray image in a painter of twice its size,
// so that in Fit zoom one image pixel is two units.
func newTestPainter(t *testing.T, w, h int) *MaskPainter {
	t.Helper()
	test.NewTempApp(t)
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 0x80
	}
	m := NewMaskPainter()
	m.SetImage(img)
	win := test.NewTempWindow(t, m)
	win.Resize(fyne.NewSize(float32(2*w)+20, float32(2*h)+20))
	m.Resize(fyne.NewSize(float32(2*w), float32(2*h)))
	if b := m.imageBox(m.Size()); b.size != fyne.NewSize(float32(2*w), float32(2*h)) {
		t.Fatalf("the image is drawn in %+v", b)
	}
	return m
}

// strokeAt drags the brush from a to b, given in image pixels at Fit zoom
// two units a pixel, in a few events as the desktop driver sends them.
func strokeAt(m *MaskPainter, a, b fyne.Position) {
	const events = 4
	prev := fyne.NewPos(2*a.X, 2*a.Y)
	for i := 1; i <= events; i++ {
		f := float32(i) / events
		p := fyne.NewPos(2*(a.X+f*(b.X-a.X)), 2*(a.Y+f*(b.Y-a.Y)))
		m.Dragged(&fyne.DragEvent{PointEvent: fyne.PointEvent{Position: p}, Dragged: fyne.NewDelta(p.X-prev.X, p.Y-prev.Y)})
		prev = p
	}
	m.DragEnd()
}

// segmentDist is the distance of the point (x, y) from the segment a–b.
func segmentDist(x, y float32, a, b fyne.Position) float32 {
	dx, dy := b.X-a.X, b.Y-a.Y
	f := float32(0)
	if l := dx*dx + dy*dy; l > 0 {
		f = min(max(((x-a.X)*dx+(y-a.Y)*dy)/l, 0), 1)
	}
	ex, ey := x-(a.X+f*dx), y-(a.Y+f*dy)
	return float32(math.Sqrt(float64(ex*ex + ey*ey)))
}

// checkStroke checks that the mask holds the pixels whose centre is within
// the brush radius of the segment, up to a pixel at the edge.
func checkStroke(t *testing.T, m *MaskPainter, a, b fyne.Position, want bool) {
	t.Helper()
	r := m.Radius()
	bad := 0
	for y := 0; y < m.h; y++ {
		for x := 0; x < m.w; x++ {
			d := segmentDist(float32(x)+0.5, float32(y)+0.5, a, b)
			if d <= r-1 && (m.Mask()[y*m.w+x] > 0.5) != want {
				bad++
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d pixels within the brush of %v–%v are not %v", bad, a, b, want)
	}
}

func maskCount(mask []float32) int {
	n := 0
	for _, v := range mask {
		if v > 0.5 {
			n++
		}
	}
	return n
}

// TestWatermarkPainter: drags paint strokes of the brush's radius, each
// undone and redone as a whole; the eraser clears; a tap paints a dot;
// Clear empties; the zoom maps the pointer to the right pixel; the
// history keeps 50 steps.
func TestWatermarkPainter(t *testing.T) {
	m := newTestPainter(t, 120, 90)
	changes := 0
	m.OnChanged = func() { changes++ }
	m.SetRadius(5)

	a1, b1 := fyne.NewPos(10, 20), fyne.NewPos(100, 20)
	strokeAt(m, a1, b1)
	checkStroke(t, m, a1, b1, true)
	first := slices.Clone(m.Mask())
	// Nothing beyond the radius: the stroke is at most a capsule of
	// radius 5 (a pixel's centre at most 5 away), 90×10 plus π·5² pixels.
	if n, most := maskCount(first), 90*10+79+10; n > most || n < 800 {
		t.Errorf("the stroke painted %d pixels; a 90×10 capsule has about %d", n, most)
	}
	a2, b2 := fyne.NewPos(60, 40), fyne.NewPos(60, 85)
	strokeAt(m, a2, b2)
	checkStroke(t, m, a2, b2, true)
	both := slices.Clone(m.Mask())
	if changes != 2 || !m.CanUndo() || m.CanRedo() {
		t.Fatalf("after two strokes: %d changes, undo %v, redo %v", changes, m.CanUndo(), m.CanRedo())
	}

	m.Undo()
	if !slices.Equal(m.Mask(), first) || !m.CanRedo() {
		t.Fatal("undo did not leave the first stroke only")
	}
	m.Redo()
	if !slices.Equal(m.Mask(), both) || m.CanRedo() {
		t.Fatal("redo did not bring the second stroke back")
	}
	m.Undo()
	m.Undo()
	if maskCount(m.Mask()) != 0 || m.CanUndo() {
		t.Fatal("undoing both strokes should leave an empty mask")
	}
	m.Redo()
	if !slices.Equal(m.Mask(), first) {
		t.Fatal("redo after two undos should bring the first stroke back")
	}
	// A new stroke drops what could be redone.
	strokeAt(m, a2, b2)
	if !slices.Equal(m.Mask(), both) || m.CanRedo() {
		t.Fatal("a new stroke should paint and drop the redo")
	}

	// The eraser clears across the first stroke, and only there.
	m.SetErasing(true)
	ea, eb := fyne.NewPos(30, 5), fyne.NewPos(30, 35)
	strokeAt(m, ea, eb)
	checkStroke(t, m, ea, eb, false)
	checkStroke(t, m, fyne.NewPos(50, 20), fyne.NewPos(100, 20), true)
	m.Undo()
	if !slices.Equal(m.Mask(), both) {
		t.Fatal("undoing the eraser should restore the strokes")
	}
	m.SetErasing(false)

	// A tap paints a dot as one step.
	test.TapAt(m, fyne.NewPos(2*110+1, 2*80+1))
	if m.Mask()[80*120+110] != 1 {
		t.Error("a tap did not paint the pixel under it")
	}
	m.Undo()
	if !slices.Equal(m.Mask(), both) {
		t.Error("undoing a tap should remove its dot only")
	}

	m.Clear()
	if maskCount(m.Mask()) != 0 || m.Coverage() != 0 {
		t.Error("Clear left pixels in the mask")
	}
	m.Undo()
	if !slices.Equal(m.Mask(), both) {
		t.Error("undoing Clear should restore the mask")
	}

	// At 1:1 the painter asks for the image's size; at 2:1 for twice it,
	// and a tap maps through the zoom.
	m.SetZoom(1)
	if got := m.MinSize(); got != fyne.NewSize(120, 90) {
		t.Errorf("at 1:1 the painter asks for %v", got)
	}
	m.SetZoom(2)
	m.Resize(m.MinSize())
	m.Clear()
	m.SetRadius(0.5)
	test.TapAt(m, fyne.NewPos(2*7+1, 2*3+1))
	if maskCount(m.Mask()) != 1 || m.Mask()[3*120+7] != 1 {
		t.Errorf("a tap at 2:1 painted %d pixels", maskCount(m.Mask()))
	}

	// The history is bounded.
	m.Clear()
	for i := range 60 {
		test.TapAt(m, fyne.NewPos(float32(4*i+1), 1))
	}
	for m.CanUndo() {
		m.Undo()
	}
	if n := maskCount(m.Mask()); n != 10 {
		t.Errorf("after undoing all that can be undone %d dots are left, want the 10 beyond the 50 steps", n)
	}
}

// saveInpaintModel writes an untrained small inpainting model, and a
// denoising one, to temporary files.
func saveInpaintModel(t *testing.T) (inpaint, denoise string) {
	t.Helper()
	save := func(name string, cfg models.Config) string {
		ae, err := models.NewAutoencoder(cfg)
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), name)
		if err := ae.Save(path); err != nil {
			t.Fatal(err)
		}
		return path
	}
	inpaint = save("inpaint.lsm", models.Config{Task: models.TaskInpaint, Arch: models.ArchResidual, Width: 32, Height: 32,
		Channels: 3, Layers: []int{8, 8}, Loss: models.LossMSE, Seed: 1})
	denoise = save("denoise.lsm", models.Config{Task: models.TaskDenoise, Arch: models.ArchResidual, Width: 32, Height: 32, NoiseSigma: 0.1,
		Channels: 3, Layers: []int{8, 8}, Loss: models.LossMSE, Seed: 1})
	return
}

// runWatermark presses Run and waits for the result.
func runWatermark(t *testing.T, p *poster, wt *watermarkTab) {
	t.Helper()
	if wt.runner.runBtn.Disabled() {
		t.Fatalf("Run is disabled; model: %q, status: %q", wt.picker.info.Text, wt.Status())
	}
	prev := wt.result
	test.Tap(wt.runner.runBtn)
	if !wt.runner.busy() || !wt.runner.runBtn.Disabled() || wt.runner.cancelBtn.Disabled() || !wt.runner.progress.Visible() {
		t.Fatal("Run did not start a run with progress and Cancel")
	}
	p.until(t, "the run to finish", runTimeout, func() bool { return !wt.runner.busy() })
	if wt.result == nil || wt.result == prev {
		t.Fatalf("no new result; status: %q", wt.Status())
	}
}

// checkOnlyMaskChanged compares a result with the photo pixel by pixel.
func checkOnlyMaskChanged(t *testing.T, photo, res *imageops.Photo, mask []float32) {
	t.Helper()
	n := photo.Width * photo.Height
	outside, inside := 0, 0
	for i := range n {
		changed := false
		for ch := range 3 {
			if res.RGB[ch*n+i] != photo.RGB[ch*n+i] {
				changed = true
			}
		}
		switch {
		case changed && mask[i] <= 0.5:
			outside++
		case changed:
			inside++
		}
	}
	t.Logf("%d of %d masked pixels changed", inside, maskCount(mask))
	if outside > 0 || inside < maskCount(mask)/2 {
		t.Errorf("%d pixels outside the mask changed and %d of %d inside", outside, inside, maskCount(mask))
	}
}

// markedPhoto writes a copy of a test photo with a synthetic text
// watermark under the same name in a temporary folder, and returns its
// path and the mark's exact mask.
func markedPhoto(t *testing.T, name string, seed int64) (string, []float32) {
	t.Helper()
	photo, err := imageops.LoadPhoto(photoFile(t, name))
	if err != nil {
		t.Fatal(err)
	}
	rgb := slices.Clone(photo.RGB)
	truth, err := imageops.AddWatermark(rgb, photo.Width, photo.Height, 3, imageops.MarkText, rand.New(rand.NewSource(seed)))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := imageops.SavePNG(path, photo.WithRGB(rgb).Image()); err != nil {
		t.Fatal(err)
	}
	return path, truth
}

// markSplit is the compare line's place through the middle of a mask.
func markSplit(mask []float32, w int) float32 {
	lo, hi := w, -1
	for i, v := range mask {
		if v > 0.5 {
			lo, hi = min(lo, i%w), max(hi, i%w)
		}
	}
	return float32(lo+hi+1) / 2 / float32(w)
}

// TestStudioWatermark: drop a watermarked photo on the Watermark tab,
// refuse a denoising model, paint two strokes, cancel a run, fill the
// strokes with an untrained inpainting model and check that only masked
// pixels changed and that "before" is the photo as it is; then fill the
// watermark's exact mask with the built-in inpainter (the docs capture),
// see that a changed mask asks for another run, take a suggested mask and
// undo it, and save.
func TestStudioWatermark(t *testing.T) {
	s, w, p := newTestStudio(t)
	s.tabs.Select(s.wmarkItem)
	wt := s.wmark
	if !containsText(visibleTexts(wt.view), "Drop a photo here") {
		t.Error("the empty tab does not invite a drop")
	}
	marked, truth := markedPhoto(t, "chelsea.png", 1)
	s.handleWindowDrop(fyne.NewPos(300, 300), []fyne.URI{storage.NewFileURI(marked)})
	p.until(t, "the photo", 30*time.Second, func() bool { return wt.photo != nil })
	p.until(t, "the built-in model", 30*time.Second, func() bool { return !strings.HasPrefix(wt.picker.info.Text, "Loading") })
	if s.Busy() || s.Dataset() != nil {
		t.Fatal("a photo dropped on the Watermark tab was loaded as training data")
	}
	if got := wt.photoInfo.Text; got != "chelsea.png · 451×300" {
		t.Errorf("photo info %q", got)
	}
	if _, err := assets.LoadModel("builtin:inpaint"); err != nil {
		if !strings.HasPrefix(wt.picker.info.Text, "Could not load the built-in inpainter") || wt.picker.info.Importance != widget.DangerImportance {
			t.Errorf("without a built-in inpainter the model says %q", wt.picker.info.Text)
		}
	}
	if !strings.HasPrefix(wt.Status(), "Paint over the watermark") || !wt.runner.runBtn.Disabled() {
		t.Errorf("with an empty mask: status %q, Run enabled %v", wt.Status(), !wt.runner.runBtn.Disabled())
	}

	inpaint, denoise := saveInpaintModel(t)
	wt.picker.useFile(denoise)
	p.until(t, "the denoise model", 10*time.Second, func() bool { return wt.picker.model != nil })
	if want := "denoise.lsm is a denoise model: the Watermark tab needs an inpaint model."; wt.picker.info.Text != want {
		t.Errorf("model info %q, want %q", wt.picker.info.Text, want)
	}
	wt.picker.useFile(inpaint)
	p.until(t, "the inpaint model", 10*time.Second, func() bool { return wt.picker.usable() != nil })
	if !strings.HasPrefix(wt.picker.info.Text, "inpaint.lsm is an inpaint residual model") {
		t.Errorf("model info %q", wt.picker.info.Text)
	}

	// Two strokes over the painter, through the canvas like a pointer.
	m := wt.painter
	b := m.imageBox(m.Size())
	k := b.size.Width / 451 // units per image pixel in Fit
	origin := fyne.CurrentApp().Driver().AbsolutePositionForObject(m).Add(b.pos)
	at := func(x, y float32) fyne.Position { return origin.AddXY(x*k, y*k) }
	wt.radius.SetValue(6)
	// test.Drag sends one event at the pointer's end, as the driver's last.
	test.Drag(w.Canvas(), at(260, 60), 200*k, 0)
	first := slices.Clone(m.Mask())
	test.Drag(w.Canvas(), at(380, 260), 80*k, 60*k)
	if maskCount(first) == 0 || slices.Equal(first, m.Mask()) {
		t.Fatal("dragging over the photo did not paint two strokes")
	}
	test.Tap(wt.undoBtn)
	if !slices.Equal(first, m.Mask()) {
		t.Fatal("Undo did not take back the second stroke only")
	}
	test.Tap(wt.redoBtn)
	if !strings.Contains(wt.Status(), "The mask covers") || wt.runner.runBtn.Disabled() {
		t.Errorf("with a mask: status %q, Run enabled %v", wt.Status(), !wt.runner.runBtn.Disabled())
	}

	// Cancel stops a run and changes nothing.
	test.Tap(wt.runner.runBtn)
	test.Tap(wt.runner.cancelBtn)
	p.until(t, "the run to stop", runTimeout, func() bool { return !wt.runner.busy() })
	if wt.Status() != "Cancelled; nothing was changed." || wt.result != nil || wt.runner.runBtn.Disabled() {
		t.Errorf("after Cancel: status %q, result %v", wt.Status(), wt.result != nil)
	}

	runWatermark(t, p, wt)
	checkOnlyMaskChanged(t, wt.photo, wt.result, m.Mask())
	if wt.show.Selected != showCompare || wt.compare.After() == nil || wt.saveBtn.Disabled() {
		t.Error("after a run the compare view should show the result and Save be enabled")
	}
	if !strings.HasPrefix(wt.Status(), "Filled ") {
		t.Errorf("status %q", wt.Status())
	}
	// Before is the photo as it is: no red over the mask.
	if before, ok := wt.compare.Before().(*image.NRGBA); !ok || !slices.Equal(before.Pix, wt.photo.Image().Pix) {
		t.Error("the before side is not the photo as it is")
	}

	// The built-in inpainter on the watermark's exact mask, set as Suggest
	// sets it.
	wt.show.SetSelected(showMask)
	wt.picker.source.SetSelected(modelBuiltin)
	p.until(t, "the built-in inpainter", 30*time.Second, func() bool { return !strings.HasPrefix(wt.picker.info.Text, "Loading") })
	if wt.picker.usable() == nil {
		t.Fatalf("the built-in inpainter: %q", wt.picker.info.Text)
	}
	m.SetMask(truth)
	mask := slices.Clone(m.Mask())
	runWatermark(t, p, wt)
	checkOnlyMaskChanged(t, wt.photo, wt.result, mask)
	wt.compare.SetSplit(markSplit(mask, wt.photo.Width))
	capture(t, w, "studio-watermark.png")

	// A changed mask asks for another run; the same mask again does not.
	m.Undo()
	if !strings.Contains(wt.advice(), "Run again") {
		t.Errorf("after changing the mask the advice is %q", wt.advice())
	}
	m.Redo()
	if strings.Contains(wt.advice(), "Run again") {
		t.Errorf("with the mask of the result the advice is %q", wt.advice())
	}

	// Back to painting; a suggested mask is one step, undone at once.
	wt.show.SetSelected(showMask)
	if len(wt.stage.Objects) != 1 || wt.stage.Objects[0] != wt.paintScroll {
		t.Fatal("Paint mask did not show the painter")
	}
	test.Tap(wt.suggestBtn)
	p.until(t, "the suggestion", runTimeout, func() bool { return !wt.suggesting })
	t.Logf("suggested: %s", wt.Status())
	if !strings.HasPrefix(wt.Status(), "Suggested a mask covering") && !strings.HasPrefix(wt.Status(), "No watermark") {
		t.Errorf("status after Suggest: %q", wt.Status())
	}
	if slices.Equal(m.Mask(), mask) {
		t.Error("the suggestion did not replace the mask")
	}
	test.Tap(wt.undoBtn)
	if !slices.Equal(m.Mask(), mask) {
		t.Error("Undo did not take the suggestion back in one step")
	}

	// Save as PNG and as JPEG.
	for _, name := range []string{"chelsea-clean.png", "chelsea-clean.jpg"} {
		out := filepath.Join(t.TempDir(), name)
		wt.saveResult(out)
		p.until(t, "the result to be saved", 10*time.Second, func() bool { return strings.HasPrefix(wt.Status(), "Saved") })
		if saved, err := imageops.LoadPhoto(out); err != nil || saved.Width != 451 || saved.Height != 300 {
			t.Errorf("the saved %s: %v", name, err)
		}
		wt.setNote("", widget.MediumImportance)
	}
}

// TestStudioWatermarkSuggest: a watermark drawn on a photo is suggested
// as the mask, and the overlay shows it in red.
func TestStudioWatermarkSuggest(t *testing.T) {
	s, _, p := newTestStudio(t)
	s.tabs.Select(s.wmarkItem)
	wt := s.wmark
	photo, err := imageops.LoadPhoto(photoFile(t, "coffee.png"))
	if err != nil {
		t.Fatal(err)
	}
	rgb := slices.Clone(photo.RGB)
	// Seed 5 is one the detector finds (imageops' test measures all).
	truth, err := imageops.AddWatermark(rgb, photo.Width, photo.Height, 3, imageops.MarkText, rand.New(rand.NewSource(5)))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "marked.png")
	if err := imageops.SavePNG(path, photo.WithRGB(rgb).Image()); err != nil {
		t.Fatal(err)
	}
	s.handleWindowDrop(fyne.Position{}, []fyne.URI{storage.NewFileURI(path)})
	p.until(t, "the photo", 30*time.Second, func() bool { return wt.photo != nil })
	test.Tap(wt.suggestBtn)
	p.until(t, "the suggestion", runTimeout, func() bool { return !wt.suggesting })
	hit := 0
	for i, v := range wt.painter.Mask() {
		if v > 0.5 && truth[i] > 0.5 {
			hit++
		}
	}
	if got := maskCount(wt.painter.Mask()); hit < got/2 || hit < maskCount(truth)/3 {
		t.Errorf("the suggestion has %d pixels, %d of them on the %d of the mark", got, hit, maskCount(truth))
	}
	// The overlay is red exactly over the mask.
	for i, v := range wt.painter.Mask() {
		px := wt.painter.overlay.Pix[4*i : 4*i+4]
		if on := (color.NRGBA{R: px[0], G: px[1], B: px[2], A: px[3]} == maskColor); on != (v > 0.5) {
			t.Fatalf("pixel %d: mask %v, overlay %v", i, v, px)
		}
	}
}
