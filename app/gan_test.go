package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"latentstudio/models"
)

// TestTrainGANGenerate: a few steps of train --task gan write a GAN, its
// report and a sample grid; --init trains it further; generate writes N
// PNGs and a grid from it. Mistakes exit 2.
func TestTrainGANGenerate(t *testing.T) {
	data := digitFolder(t, 64)
	work := t.TempDir()
	model, report, samples := filepath.Join(work, "g.lsm"), filepath.Join(work, "r.json"), filepath.Join(work, "s.png")
	common := []string{"train", "--task", "gan", "--data", data, "--size", "28", "--gray", "--batch", "8"}
	if code := run(append(common, "--preset", "dcgan-mnist", "--max-steps", "4", "--sample-every", "2",
		"--out", model, "--report", report, "--samples", samples)); code != 0 {
		t.Fatalf("train --task gan exited %d", code)
	}
	var rep map[string]any
	raw, _ := os.ReadFile(report)
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"loss_d", "loss_g", "d_real", "d_fake", "collapse_meter", "warnings", "samples_per_second", "params_g", "params_d"} {
		if _, ok := rep[key]; !ok {
			t.Errorf("report lacks %q: %s", key, raw)
		}
	}
	if rep["task"] != "gan" || rep["arch"] != "dcgan" || rep["steps"] != 4.0 {
		t.Errorf("report %s", raw)
	}
	if st, err := os.Stat(samples); err != nil || st.Size() == 0 {
		t.Errorf("no sample grid: %v", err)
	}
	if code := run(append(common, "--init", model, "--max-steps", "3", "--out", model)); code != 0 {
		t.Fatalf("train --task gan --init exited %d", code)
	}
	m, err := models.LoadGAN(model)
	if err != nil || m.History.Steps != 7 || m.Config().Arch != models.GANArchDCGAN {
		t.Fatalf("continued GAN: %v, %+v", err, m)
	}

	out, grid := filepath.Join(work, "gen"), filepath.Join(work, "grid.png")
	if code := run([]string{"generate", "--model", model, "--n", "5", "--out", out, "--grid", grid, "--seed", "3"}); code != 0 {
		t.Fatalf("generate exited %d", code)
	}
	files, _ := filepath.Glob(filepath.Join(out, "sample-*.png"))
	if len(files) != 5 {
		t.Errorf("generate wrote %v, want 5 PNGs", files)
	}
	if st, err := os.Stat(grid); err != nil || st.Size() == 0 {
		t.Errorf("no grid: %v", err)
	}

	notGAN := filepath.Join(work, "ae.lsm")
	if code := run([]string{"train", "--data", data, "--size", "28", "--gray", "--layers", "16", "--code", "2", "--epochs", "1", "--out", notGAN}); code != 0 {
		t.Fatalf("train exited %d", code)
	}
	for _, args := range [][]string{
		{"generate", "--model", model},
		{"generate", "--model", notGAN, "--out", out},
		{"generate", "--model", model, "--out", out, "--n", "0"},
		append(common, "--preset", "bogus", "--out", model),
		append(common, "--arch", "dcgan", "--layers", "8,8,8", "--out", model), // 28 is not divisible by 8
	} {
		if code := run(args); code != 2 {
			t.Errorf("%v exited %d, want 2", args, code)
		}
	}
}
