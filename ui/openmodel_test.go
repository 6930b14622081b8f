package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
