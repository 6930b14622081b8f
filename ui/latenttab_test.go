package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
)

// TestLatentTabAfterTraining: train a code-2 model in the studio, open the
// Latent space tab, and find the validation digits plotted with a legend;
// tapping a point shows its image.
func TestLatentTabAfterTraining(t *testing.T) {
	s, w, p := newTestStudio(t)
	trainOnSample(t, s, p, "256", "2", "8")

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
