package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"latentstudio/models"
)

func TestOpenModelShowsWhatItHolds(t *testing.T) {
	s, w, p := newTestStudio(t)
	cfg := models.Config{Task: models.TaskReconstruct, Arch: models.ArchDense, Width: 28, Height: 28, Channels: 1,
		Layers: []int{32}, Code: 5, Loss: models.LossBCE, Seed: 1}
	ae, err := models.NewAutoencoder(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ae.History = models.History{Epochs: 7, Steps: 700, TrainLoss: 0.11, ValLoss: 0.12, Data: "digits"}
	dir := t.TempDir()
	path := filepath.Join(dir, "m.lsm")
	if err := ae.Save(path); err != nil {
		t.Fatal(err)
	}
	findButton(t, w.Content(), "Open model…")
	s.OpenModel(path)
	p.until(t, "the model to open", 10*time.Second, func() bool { return s.Opened() != nil })
	st := s.Status()
	for _, want := range []string{"Opened m.lsm", "code 5", "51,349 parameters", "7 epochs"} {
		if !strings.Contains(st, want) {
			t.Errorf("status %q lacks %q", st, want)
		}
	}
	if !containsText(visibleTexts(w.Canvas().Overlays().Top()), "on digits") {
		t.Error("the info dialog does not say what the model was trained on")
	}

	bad := filepath.Join(dir, "bad.lsm")
	os.WriteFile(bad, []byte("not a model"), 0o644)
	s.OpenModel(bad)
	p.until(t, "the bad model to be refused", 10*time.Second, func() bool { return strings.HasPrefix(s.Status(), "Could not open") })
	if !strings.Contains(s.Status(), "not a zip") || s.Opened() == nil {
		t.Errorf("status %q; the good model must stay open", s.Status())
	}
}

// TestRecentModelsAndCheckpoints: a training run leaves a checkpoint that
// the Open model menu offers, and opening it works.
func TestRecentModelsAndCheckpoints(t *testing.T) {
	s, w, p := newTestStudio(t)
	loadDigits(t, s, p, 20)
	s.form.Layers.SetText("16")
	s.form.Epochs.SetText("2")
	test.Tap(s.TrainButton())
	p.until(t, "training", 60*time.Second, func() bool { return !s.Busy() })
	recent := recentModels()
	if len(recent) != 1 || !strings.Contains(recent[0], filepath.Join("latentstudio", "checkpoints", "run-")) {
		t.Fatalf("recent models %v", recent)
	}
	test.Tap(findButton(t, w.Content(), "Open model…").(*widget.Button))
	if !containsText(visibleTexts(w.Canvas().Overlays().Top()), filepath.Base(recent[0])) {
		t.Fatalf("the Open menu does not offer the checkpoint: %v", visibleTexts(w.Canvas().Overlays().Top()))
	}
	s.OpenModel(recent[0])
	p.until(t, "the checkpoint to open", 10*time.Second, func() bool { return s.Opened() != nil })
	if h := s.Opened().History; h.Epochs != 2 {
		t.Errorf("checkpoint history %+v", h)
	}
}
