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
