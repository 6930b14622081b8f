package main

import (
	"testing"

	"latentstudio/assets"
	"latentstudio/models"
)

// TestBuiltinGANMakesDigits: 1,000 digits from builtin:gan-mnist, labelled
// by our own classifier (builtin:mnist-classifier, 98.98 % on t10k), show
// all ten classes, none above 25 %, with a mean top-class confidence of at
// least 0.8: the acceptance, checked with our classifier.
func TestBuiltinGANMakesDigits(t *testing.T) {
	gan, err := assets.LoadGAN("builtin:gan-mnist")
	if err != nil {
		t.Fatal(err)
	}
	c, err := assets.LoadClassifier(assets.DefaultClassifier)
	if err != nil {
		t.Fatal(err)
	}
	for _, seed := range []int64{1, 2} {
		imgs, err := gan.Sample(1000, seed)
		if err != nil {
			t.Fatal(err)
		}
		q, err := models.AssessImages(c, imgs, nil)
		if err != nil {
			t.Fatal(err)
		}
		cov := q.Coverage
		t.Logf("seed %d: shares %.3f, %d classes, largest %.3f, confidence %.3f", seed, cov.Shares, cov.Present, cov.MaxShare, cov.MeanConfidence)
		if cov.Present != 10 || cov.MaxShare > 0.25 || cov.MeanConfidence < 0.8 {
			t.Errorf("seed %d: %d classes, largest share %.3f, confidence %.3f; want 10, at most 0.25, at least 0.8",
				seed, cov.Present, cov.MaxShare, cov.MeanConfidence)
		}
	}
}
