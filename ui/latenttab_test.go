package ui

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"latentstudio/models"
)

// TestLatentTabAfterTraining: train a code-2 model in the studio, open the
// Latent space tab, and find the validation digits plotted with a legend;
// tapping a point shows its image.
func TestLatentTabAfterTraining(t *testing.T) {
	s, w, p := newTestStudio(t)
	s.LoadSample()
	p.until(t, "the sample to load", 30*time.Second, func() bool { return !s.Busy() })
	s.form.Layers.SetText("256")
	s.form.Code.SetText("2")
	s.form.Epochs.SetText("8")
	s.form.LR.SetText("0.002")
	test.Tap(s.TrainButton())
	p.until(t, "training to finish", 60*time.Second, func() bool { return !s.Busy() })

	s.tabs.SelectIndex(1)
	e := s.latent.explorer
	p.until(t, "the codes to be plotted", 30*time.Second, func() bool { return e.Points() > 0 && e.GridMessage() == "" })
	if e.Points() != 2000 || len(e.Legend()) != 10 {
		t.Fatalf("%d points for %d images, legend %v", e.Points(), s.Dataset().Len(), e.Legend())
	}
	if x, y := e.Axes(); x != "z1" || y != "z2" {
		t.Errorf("axes %q %q", x, y)
	}
	if !strings.Contains(s.latent.note.Text, "2,000 of the 4,000 images, from the model at step 448") {
		t.Errorf("note %q", s.latent.note.Text)
	}
	pos := e.PointPosition(10)
	test.TapAt(e, pos)
	p.run()
	if e.Selected() != 10 {
		t.Errorf("tapping point 10 selected %d", e.Selected())
	}
	capture(t, w, "studio-latent.png")
}

// TestLatentTabExplainsPhotoModels: a residual denoiser has no code, so the
// latent tab says where such a model belongs instead of plotting nothing.
func TestLatentTabExplainsPhotoModels(t *testing.T) {
	s, _, p := newTestStudio(t)
	s.LoadSample()
	p.until(t, "the sample to load", 30*time.Second, func() bool { return !s.Busy() })
	ae, err := models.NewAutoencoder(models.Config{Task: models.TaskDenoise, Arch: models.ArchResidual, Width: 28, Height: 28,
		Channels: 1, Layers: []int{4}, Loss: models.LossMSE, NoiseSigma: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "residual.lsm")
	if err := ae.Save(path); err != nil {
		t.Fatal(err)
	}
	s.OpenModel(path)
	p.until(t, "the model to open", 10*time.Second, func() bool { return s.Opened() != nil })
	s.tabs.SelectIndex(1)
	p.run()
	if note := s.latent.note.Text; !strings.Contains(note, "no latent space") || s.latent.explorer.Points() != 0 {
		t.Errorf("note %q, %d points", note, s.latent.explorer.Points())
	}
}
