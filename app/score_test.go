package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"latentstudio/assets"
	"latentstudio/imageops"
)

// TestScoreNormalAnomalyFolders: an autoencoder trained on the ones of the
// sample scores a folder with normal/ (ones) and anomaly/ (other digits):
// the report carries the contract's keys, the AUROC is high, and the CSV
// has a row per image.
func TestScoreNormalAnomalyFolders(t *testing.T) {
	images, labels := assets.SampleMNIST()
	d, err := imageops.ReadIDX(images, labels, "sample", imageops.Options{Gray: true})
	if err != nil {
		t.Fatal(err)
	}
	train, test := t.TempDir(), t.TempDir()
	nTest := 0
	for i := 0; i < d.Len(); i++ {
		dir, one := "", d.Label(i) == "1"
		switch {
		case i < 3000 && one:
			dir = train
		case i >= 3000 && i < 3600 && one:
			dir = filepath.Join(test, "normal")
		case i >= 3000 && i < 3600:
			dir = filepath.Join(test, "anomaly")
		default:
			continue
		}
		if dir != train {
			nTest++
		}
		os.MkdirAll(dir, 0o755)
		if err := imageops.SavePNG(filepath.Join(dir, fmt.Sprintf("%04d.png", i)), imageops.ToImage(d.Image(i), 28, 28, 1)); err != nil {
			t.Fatal(err)
		}
	}
	work := t.TempDir()
	model := filepath.Join(work, "ones.lsm")
	if code := run([]string{"train", "--arch", "conv", "--layers", "8,16", "--code", "8", "--data", train, "--size", "28", "--gray",
		"--epochs", "6", "--batch", "32", "--lr", "3e-3", "--val", "0", "--out", model}); code != 0 {
		t.Fatalf("train exited %d", code)
	}
	report, scores := filepath.Join(work, "r.json"), filepath.Join(work, "s.csv")
	if code := run([]string{"score", "--model", model, "--data", test, "--csv", scores, "--report", report}); code != 0 {
		t.Fatalf("score exited %d", code)
	}
	var rep map[string]float64
	raw, _ := os.ReadFile(report)
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatal(err)
	}
	t.Logf("report %s", raw)
	if rep["n"] != float64(nTest) || rep["n_normal"] < 40 || rep["n_anomaly"] < 400 || rep["threshold"] <= 0 {
		t.Errorf("report %s", raw)
	}
	if rep["auroc"] < 0.9 {
		t.Errorf("AUROC %.3f, want at least 0.9 for ones against other digits", rep["auroc"])
	}
	f, err := os.Open(scores)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil || len(rows) != nTest+1 || rows[0][2] != "mse" {
		t.Errorf("CSV: %d rows (want %d), err %v", len(rows), nTest+1, err)
	}
	if code := run([]string{"score", "--model", model, "--data", test, "--normal", "seven"}); code != 2 {
		t.Errorf("--normal of a class that is not there exited %d, want 2", code)
	}
}

// TestEncodeMNISTTestSet: encode writes one row per image of the MNIST test
// set with the configured code size, also for a conv model without a dense
// code (whose code is its last feature map); a residual denoiser, which has
// no code, is refused.
func TestEncodeMNISTTestSet(t *testing.T) {
	testSet := "../../shared/data/mnist/t10k-images-idx3-ubyte.gz"
	if _, err := os.Stat(testSet); err != nil {
		t.Skip(err)
	}
	work := t.TempDir()
	for _, c := range []struct {
		arch, layers, code string
		size               int
	}{{"dense", "64", "12", 12}, {"conv", "4,8", "0", 8 * 7 * 7}} {
		model, out := filepath.Join(work, c.arch+".lsm"), filepath.Join(work, c.arch+".csv")
		args := []string{"train", "--arch", c.arch, "--layers", c.layers, "--code", c.code, "--data", testSet, "--epochs", "1",
			"--val", "0", "--out", model}
		if code := run(args); code != 0 {
			t.Fatalf("train exited %d", code)
		}
		if code := run([]string{"encode", "--model", model, "--data", testSet, "--out", out}); code != 0 {
			t.Fatalf("encode exited %d", code)
		}
		f, err := os.Open(out)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil || len(rows) != 10001 || len(rows[0]) != 2+c.size || len(rows[10000]) != 2+c.size {
			t.Errorf("%s: %d rows of %d columns, want 10,001 of %d (err %v)", c.arch, len(rows), len(rows[0]), 2+c.size, err)
		}
	}
	if code := run([]string{"encode", "--model", "builtin:denoise", "--data", testSet, "--out", filepath.Join(work, "x.csv")}); code != 2 {
		t.Errorf("encode with a residual denoiser exited %d, want 2", code)
	}
}
