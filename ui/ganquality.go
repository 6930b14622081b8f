package ui

import (
	"fmt"
	"math"

	"fyne.io/fyne/v2/widget"

	"latentstudio/assets"
	"latentstudio/imageops"
	"latentstudio/models"
)

// qualitySamples is how many generated (and real) images the quality
// figures use, as `latentstudio quality` does by default.
const qualitySamples = 1000

// ganQuality is what the built-in classifier says of a GAN's samples, and,
// for scale, of the loaded images themselves.
type ganQuality struct {
	fake models.ImageQuality
	// realFD is the Frechet distance between two disjoint draws of the
	// loaded images: what fake.FrechetDistance would be for a perfect
	// generator at this sample size (NaN without loaded images that fit).
	realFD float64
	nReal  int
}

// measureQuality scores the current GAN's samples with the built-in MNIST
// classifier in the background and shows the figures beside the meter.
func (t *ganTab) measureQuality() {
	m, ds := t.current(), t.s.ds
	if m == nil || t.measuring {
		return
	}
	step := m.History.Steps // a run's snapshot has its history only at the end
	if p := t.grid.newest(); t.run != nil && p != nil {
		step = p.Step
	}
	t.measuring = true
	t.updateControls()
	t.quality.Importance = widget.MediumImportance
	t.quality.SetText(fmt.Sprintf("Scoring %s samples with the built-in digit classifier…", formatInt(qualitySamples)))
	go func() {
		q, err := assessGAN(m, ds)
		t.s.post(func() {
			t.measuring = false
			t.updateControls()
			if err != nil {
				t.quality.Importance = widget.DangerImportance
				t.quality.SetText(capitalize(err.Error()).Error())
			} else {
				t.quality.SetText(describeQuality(q, step))
			}
			t.relayout()
		})
	}()
}

// assessGAN classifies qualitySamples of m's images and, when ds holds
// images of the classifier's size, compares their features with ds's.
func assessGAN(m *models.GAN, ds *imageops.Dataset) (ganQuality, error) {
	q := ganQuality{realFD: math.NaN()}
	c, err := assets.LoadClassifier(assets.DefaultClassifier)
	if err != nil {
		return q, err
	}
	cc := c.Config()
	var realA, realB []float32
	if ds != nil && ds.Width == cc.Width && ds.Height == cc.Height && ds.Channels == cc.Channels {
		// Two disjoint halves of one random draw: the generated images are
		// compared with the first, the second shows what real images score.
		n := min(qualitySamples, ds.Len()/2)
		real := ds.Sample(2*n, 1).Data
		realA, realB = real[:n*ds.Size()], real[n*ds.Size():2*n*ds.Size()]
		q.nReal = n
	}
	if q.fake, err = models.AssessGAN(c, m, qualitySamples, ganGenSeed, realA); err != nil || q.nReal < 2 {
		return q, err
	}
	reference, err := models.AssessImages(c, realB, realA)
	q.realFD = reference.FrechetDistance
	return q, err
}

// describeQuality is the line the tab shows for q.
func describeQuality(q ganQuality, step int) string {
	f := q.fake
	s := fmt.Sprintf("At step %s, %s samples look like %d of %d digits (largest share %.1f%%), mean confidence %.2f",
		formatInt(step), formatInt(f.N), f.Present, len(f.Classes), 100*f.MaxShare, f.MeanConfidence)
	if finite(f.FrechetDistance) {
		s += fmt.Sprintf(" · Frechet distance %.0f to %s loaded images (another %s of them: %.0f)",
			f.FrechetDistance, formatInt(q.nReal), formatInt(q.nReal), q.realFD)
	}
	return s + "."
}
