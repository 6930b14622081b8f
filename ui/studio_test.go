package ui

import (
	"fmt"
	"image"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latentstudio/models"
)

// captureDir is where window captures go: the README's docs/ folder when
// LATENTSTUDIO_DOCS=1 (make docs), else the test's temporary folder, so that
// a test run leaves the work tree as it was.
func captureDir(t *testing.T) string {
	if os.Getenv("LATENTSTUDIO_DOCS") == "1" {
		return "../docs"
	}
	return t.TempDir()
}

// capture renders the window in Fyne's standard dark theme (the test
// theme's colours differ) and saves it as a PNG. Only the test goroutine
// touches widgets, so this is safe once nothing is posting.
func capture(t *testing.T, w fyne.Window, name string) {
	t.Helper()
	fyne.CurrentApp().Settings().SetTheme(theme.DarkTheme())
	savePNG(t, filepath.Join(captureDir(t), name), w.Canvas().Capture())
}

func TestStudioStartsEmpty(t *testing.T) {
	s, w, _ := newTestStudio(t)
	texts := visibleTexts(w.Content())
	for _, want := range []string{"Drop a folder of images here", "Use the sample digits", "Choose folder…", "Train"} {
		if !containsText(texts, want) {
			t.Errorf("the empty studio does not show %q", want)
		}
	}
	if s.Dataset() != nil || s.Busy() {
		t.Error("a new studio should have no data and nothing running")
	}
	if !s.TrainButton().Disabled() {
		t.Error("Train should be disabled before any data is loaded")
	}
	test.Tap(s.TrainButton())
	if s.Busy() {
		t.Error("tapping Train without data started something")
	}
	capture(t, w, "studio-empty.png")
}

// loadDigits drops a folder of 3s and 7s on the studio and waits for it.
func loadDigits(t *testing.T, s *Studio, p *poster, perClass int) string {
	t.Helper()
	return dropDigits(t, s, p, perClass, map[int]string{3: "three", 7: "seven"})
}

// dropDigits writes a folder of digit PNGs, drops it on the studio and
// waits until it is loaded.
func dropDigits(t *testing.T, s *Studio, p *poster, perClass int, digits map[int]string) string {
	t.Helper()
	dir := writeDigitFolder(t, perClass, digits)
	s.HandleDrop(fyne.NewPos(10, 10), []fyne.URI{storage.NewFileURI(dir)})
	if !s.Busy() {
		t.Fatal("dropping a folder did not start loading")
	}
	p.until(t, "the dropped folder to load", 30*time.Second, func() bool { return !s.Busy() })
	if s.Dataset() == nil {
		t.Fatalf("nothing loaded; status: %s", s.Status())
	}
	return dir
}

func TestStudioDropFolder(t *testing.T) {
	s, w, p := newTestStudio(t)
	loadDigits(t, s, p, 100)

	ds := s.Dataset()
	if ds.Len() != 200 || !slices.Equal(ds.Classes, []string{"seven", "three"}) {
		t.Fatalf("loaded %d images in classes %q, want 200 in seven, three", ds.Len(), ds.Classes)
	}
	if ds.Width != 28 || ds.Height != 28 || ds.Channels != 1 {
		t.Errorf("images are %dx%dx%d, want 28x28x1", ds.Width, ds.Height, ds.Channels)
	}
	texts := visibleTexts(w.Content())
	for _, want := range []string{"200 images", "28×28 gray", "2 classes", "2 files skipped", "Show list"} {
		if !containsText(texts, want) {
			t.Errorf("the data panel does not show %q; it shows %q", want, texts)
		}
	}
	if containsText(texts, "Drop a folder of images here") {
		t.Error("the drop hint is still shown after loading")
	}
	if got := s.data.classes.Text; !strings.Contains(got, "seven: 100") || !strings.Contains(got, "three: 100") {
		t.Errorf("class counts = %q", got)
	}
	if n := visibleImages(s.data.thumbs); n != thumbCount {
		t.Errorf("%d thumbnails shown, want %d", n, thumbCount)
	}
	if !strings.Contains(s.Status(), "Loaded 200 images") {
		t.Errorf("status = %q", s.Status())
	}
	if s.TrainButton().Disabled() || s.Problem() != "" {
		t.Errorf("the default settings should be trainable; problem: %q", s.Problem())
	}

	// The skipped list names the files and says why.
	test.Tap(findButton(t, w.Content(), "Show list"))
	over := w.Canvas().Overlays().Top()
	if over == nil {
		t.Fatal("Show list opened nothing")
	}
	shown := strings.Join(visibleTexts(over), "\n")
	for _, want := range []string{"broken.png", "notes.txt", "not an image"} {
		if !strings.Contains(shown, want) {
			t.Errorf("the skipped list lacks %q:\n%s", want, shown)
		}
	}
	w.Canvas().Overlays().Remove(over)
	capture(t, w, "studio-loaded.png")

	// Changing the load settings asks for a reload.
	s.Form().Size.SetText("32")
	if s.data.reload.Importance != widget.HighImportance {
		t.Error("Reload is not highlighted after the image size changed")
	}
	s.Form().Size.SetText("28")
	if s.data.reload.Importance == widget.HighImportance {
		t.Error("Reload stays highlighted with the original size")
	}
}

func TestStudioSample(t *testing.T) {
	s, w, p := newTestStudio(t)
	s.LoadSample()
	p.until(t, "the sample to load", 30*time.Second, func() bool { return !s.Busy() })
	if ds := s.Dataset(); ds == nil || ds.Len() != 4000 || len(ds.Classes) != 10 {
		t.Fatalf("sample loaded as %+v; status %q", ds, s.Status())
	}
	if !containsText(visibleTexts(w.Content()), "4,000 images") {
		t.Error("the image count is not shown")
	}
}

func TestStudioBadDrop(t *testing.T) {
	s, w, p := newTestStudio(t)
	missing := filepath.Join(t.TempDir(), "nothing-here")
	s.HandleDrop(fyne.Position{}, []fyne.URI{storage.NewFileURI(missing)})
	p.until(t, "the load to fail", 10*time.Second, func() bool { return !s.Busy() })
	if s.Dataset() != nil || !strings.Contains(s.Status(), "Could not load nothing-here") {
		t.Errorf("status = %q", s.Status())
	}
	if !containsText(visibleTexts(w.Content()), "Drop a folder of images here") {
		t.Error("a failed first load should go back to the drop hint")
	}
}

// setForm sets a small dense model that trains in a second.
func setForm(s *Studio, epochs string) {
	f := s.Form()
	f.Arch.SetSelected(models.ArchDense)
	f.Layers.SetText("64")
	f.Code.SetText("8")
	f.Epochs.SetText(epochs)
	f.Batch.SetText("32")
	f.LR.SetText("0.003")
}

func TestStudioTrain(t *testing.T) {
	s, w, p := newTestStudio(t)
	dropDigits(t, s, p, 250, map[int]string{0: "zero", 1: "one", 3: "three", 7: "seven"})
	setForm(s, "4")
	if s.Problem() != "" {
		t.Fatalf("small model rejected: %s", s.Problem())
	}

	var first, last []image.Image
	previews := 0
	s.onPreview = func(*models.Preview) {
		previews++
		var imgs []image.Image
		out := len(s.Preview().Columns()) - 1
		for r := 0; r < s.Preview().Rows(); r++ {
			imgs = append(imgs, s.Preview().Image(out, r))
		}
		if first == nil {
			first = imgs
		}
		last = imgs
	}

	test.Tap(s.TrainButton())
	if !s.Busy() || !s.TrainButton().Disabled() || s.StopButton().Disabled() {
		t.Fatal("Train did not start a run")
	}
	if !s.Form().Code.Disabled() {
		t.Error("the form should be locked while training")
	}
	p.until(t, "training to finish", 45*time.Second, func() bool { return !s.Busy() })

	if strings.HasPrefix(s.Status(), "Training stopped") {
		t.Fatalf("training failed: %s", s.Status())
	}
	// 1,000 images: 900 train in batches of 32 = 28 steps an epoch, 4 epochs.
	if got := s.Chart().Len(SeriesTrain); got != 4*28 {
		t.Errorf("train series has %d points, want %d", got, 4*28)
	}
	if got := s.Chart().Len(SeriesVal); got != 4 {
		t.Errorf("validation series has %d points, want 4", got)
	}
	if previews < 2 || s.Preview().Rows() != previewRows {
		t.Fatalf("%d previews with %d rows, want at least 2 with %d", previews, s.Preview().Rows(), previewRows)
	}
	if samePixels(first, last) {
		t.Error("the reconstructions did not change between the first and the last preview")
	}
	for _, want := range []string{"Finished 4 epochs", "samples/s", "train loss", "val loss"} {
		if !strings.Contains(s.Status(), want) {
			t.Errorf("status %q lacks %q", s.Status(), want)
		}
	}
	if s.TrainButton().Disabled() || !s.PauseButton().Disabled() || s.Form().Code.Disabled() {
		t.Error("after training, Train and the form should be enabled and Pause disabled")
	}
	capture(t, w, "studio.png")

	// Save the model and read it back.
	path := filepath.Join(t.TempDir(), "digits.lsm")
	s.saveTo(path)
	p.until(t, "the model to be saved", 10*time.Second, func() bool { return strings.HasPrefix(s.Status(), "Saved") })
	ae, err := models.Load(path)
	if err != nil {
		t.Fatalf("loading the saved model: %v", err)
	}
	if cfg := ae.Config(); cfg.Code != 8 || !slices.Equal(cfg.Layers, []int{64}) {
		t.Errorf("saved config = %+v", cfg)
	}
}

func samePixels(a, b []image.Image) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] == nil || b[i] == nil || a[i].Bounds() != b[i].Bounds() {
			return false
		}
		r := a[i].Bounds()
		for y := r.Min.Y; y < r.Max.Y; y++ {
			for x := r.Min.X; x < r.Max.X; x++ {
				if a[i].At(x, y) != b[i].At(x, y) {
					return false
				}
			}
		}
	}
	return true
}

func TestStudioRejectsBadSettings(t *testing.T) {
	s, w, p := newTestStudio(t)
	loadDigits(t, s, p, 20)
	f := s.Form()

	f.Code.SetText("abc")
	if !strings.Contains(s.Problem(), `Code size "abc" is not a whole number`) {
		t.Errorf("problem = %q", s.Problem())
	}
	if !containsText(visibleTexts(w.Content()), "is not a whole number") {
		t.Error("the reason is not on screen")
	}
	test.Tap(s.TrainButton())
	if s.Busy() || s.Chart().Len(SeriesTrain) != 0 {
		t.Error("Train started with an invalid code size")
	}

	f.Code.SetText("8")
	f.Arch.SetSelected(models.ArchConv)
	f.Layers.SetText("8,16,32") // 28 is not divisible by 8
	if !strings.Contains(s.Problem(), "divisible by 8") {
		t.Errorf("problem = %q", s.Problem())
	}
	test.Tap(s.TrainButton())
	if s.Busy() {
		t.Error("Train started a conv model whose size does not divide")
	}

	f.Layers.SetText("8,16")
	if s.Problem() != "" || s.TrainButton().Disabled() {
		t.Errorf("valid conv settings rejected: %q", s.Problem())
	}
}

func TestStudioPauseResumeStop(t *testing.T) {
	s, _, p := newTestStudio(t)
	loadDigits(t, s, p, 50)
	setForm(s, "1000") // far longer than the test: it must be stopped

	test.Tap(s.TrainButton())
	p.until(t, "the first steps", 30*time.Second, func() bool {
		return !s.PauseButton().Disabled() && s.Chart().Len(SeriesTrain) > 0
	})

	test.Tap(s.PauseButton())
	if s.PauseButton().Text != "Resume" || !s.trainer.Paused() {
		t.Fatalf("after Pause the button says %q and paused = %v", s.PauseButton().Text, s.trainer.Paused())
	}
	p.until(t, "the paused status", 10*time.Second, func() bool { return strings.HasPrefix(s.Status(), "Paused in epoch") })
	n := s.Chart().Len(SeriesTrain)
	time.Sleep(300 * time.Millisecond)
	p.run()
	if got := s.Chart().Len(SeriesTrain); got != n {
		t.Errorf("%d steps were taken while paused", got-n)
	}

	test.Tap(s.PauseButton())
	if s.PauseButton().Text != "Pause" || s.trainer.Paused() {
		t.Fatalf("after Resume the button says %q", s.PauseButton().Text)
	}
	p.until(t, "training to go on", 10*time.Second, func() bool { return s.Chart().Len(SeriesTrain) > n })

	test.Tap(s.StopButton())
	if !s.StopButton().Disabled() {
		t.Error("Stop should disable itself")
	}
	p.until(t, "the run to stop", 30*time.Second, func() bool { return !s.Busy() })
	if !strings.HasPrefix(s.Status(), "Stopped in epoch") {
		t.Errorf("status after Stop = %q", s.Status())
	}
	if s.TrainButton().Disabled() || !s.PauseButton().Disabled() || !s.StopButton().Disabled() {
		t.Error("after stopping: Train should be enabled, Pause and Stop disabled")
	}
	if s.saveBtn.Disabled() {
		t.Error("a stopped model should be savable")
	}
}

func TestStudioShowsTrainingError(t *testing.T) {
	s, w, p := newTestStudio(t)
	loadDigits(t, s, p, 20)
	// A run that diverged ends with the trainer's error in the status line.
	run := &trainRun{cancel: func() {}, ended: make(chan struct{})}
	s.run = run
	err := fmt.Errorf("%w: the loss became NaN at step 123 (epoch 1); kept the weights from step 100 (try a lower learning rate)", models.ErrDiverged)
	s.applyTraining(run, batch{done: &models.Event{Kind: models.EventDone, Err: err, Step: 123}}, true)
	want := "Training stopped: the loss became NaN at step 123 (epoch 1); kept the weights from step 100 (try a lower learning rate)"
	if s.Status() != want {
		t.Errorf("status = %q, want %q", s.Status(), want)
	}
	if s.Busy() || s.TrainButton().Disabled() {
		t.Error("after a failed run the studio should be ready to train again")
	}
	// The whole message is on screen, wrapped if need be, even in a narrow window.
	w.Resize(fyne.NewSize(800, 600))
	if got := strings.Join(visibleTexts(s.status), " "); got != want {
		t.Errorf("status shows %q", got)
	}
}

// findButton finds a visible button by its text.
func findButton(t *testing.T, o fyne.CanvasObject, text string) fyne.Tappable {
	t.Helper()
	var found fyne.Tappable
	visitVisible(o, func(o fyne.CanvasObject) {
		if x, ok := o.(*widget.Button); ok && found == nil && x.Text == text {
			found = x
		}
	})
	if found == nil {
		t.Fatalf("no visible button %q", text)
	}
	return found
}
