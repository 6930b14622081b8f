package models

import (
	"context"
	"math"
	"testing"
)

func TestAUROC(t *testing.T) {
	cases := []struct {
		scores []float64
		anom   []bool
		want   float64
	}{
		{[]float64{1, 2, 3, 4}, []bool{false, false, true, true}, 1},
		{[]float64{4, 3, 2, 1}, []bool{false, false, true, true}, 0},
		{[]float64{1, 1, 1, 1}, []bool{false, true, false, true}, 0.5},
		// Hand count: pairs (anomaly, normal) = (3,1) win, (3,4) lose, (2,1) win, (2,4) lose: 2/4.
		{[]float64{1, 3, 2, 4}, []bool{false, true, true, false}, 0.5},
		// (5 vs 1,2,5): win, win, tie = 2.5 of 3.
		{[]float64{1, 2, 5, 5}, []bool{false, false, false, true}, 2.5 / 3},
	}
	for _, c := range cases {
		if got := AUROC(c.scores, c.anom); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("AUROC(%v, %v) = %g, want %g", c.scores, c.anom, got, c.want)
		}
	}
	if !math.IsNaN(AUROC([]float64{1, 2}, []bool{false, false})) {
		t.Error("AUROC without anomalies should be NaN")
	}
}

func TestPercentile(t *testing.T) {
	v := []float64{5, 1, 4, 2, 3}
	for p, want := range map[float64]float64{0: 1, 50: 3, 100: 5, 25: 2, 90: 4.6} {
		if got := Percentile(v, p); math.Abs(got-want) > 1e-12 {
			t.Errorf("Percentile(%g) = %g, want %g", p, got, want)
		}
	}
}

// TestOneClassDigits is the anomaly learning test on real MNIST: a conv
// autoencoder trained on one digit's training images scores the test set,
// that digit normal and the nine others anomalous, with an AUROC of at
// least 0.9 (for two digits; the table of ten is in the README).
func TestOneClassDigits(t *testing.T) {
	if testing.Short() {
		t.Skip("learning test")
	}
	train := mnist(t, "train-images-idx3-ubyte.gz", 60000)
	test := mnist(t, "t10k-images-idx3-ubyte.gz", 10000)
	for _, digit := range []string{"1", "7"} {
		var idx []int
		for i := 0; i < train.Len(); i++ {
			if train.Label(i) == digit {
				idx = append(idx, i)
			}
		}
		normal := train.Subset(idx)
		cfg := Config{Task: TaskReconstruct, Arch: ArchConv, Width: 28, Height: 28, Channels: 1, Layers: []int{16, 32}, Code: 16, Loss: LossBCE, Seed: 1}
		ae, err := NewAutoencoder(cfg)
		if err != nil {
			t.Fatal(err)
		}
		tr, err := NewTrainer(ae, normal, nil, TrainOptions{Epochs: 3, Batch: 64, LR: 2e-3, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		if err := tr.Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		s, err := ScoreImages(context.Background(), ae, test)
		if err != nil {
			t.Fatal(err)
		}
		anom := make([]bool, test.Len())
		for i := range anom {
			anom[i] = test.Label(i) != digit
		}
		mse, ssim := AUROC(s.MSE, anom), AUROC(s.SSIM, anom)
		t.Logf("digit %s: %d training images, AUROC %.4f (MSE), %.4f (1-SSIM)", digit, normal.Len(), mse, ssim)
		if mse < 0.9 {
			t.Errorf("digit %s: AUROC %.4f by MSE, want at least 0.9", digit, mse)
		}
	}
}
