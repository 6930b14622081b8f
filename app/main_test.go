package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"latentstudio/assets"
	"latentstudio/imageops"
	"latentstudio/models"
)

// digitFolder writes n real digits from the embedded sample as PNGs into
// class subfolders, the way a user's folder looks.
func digitFolder(t *testing.T, n int) string {
	t.Helper()
	images, labels := assets.SampleMNIST()
	d, err := imageops.ReadIDX(images, labels, "sample", imageops.Options{Gray: true, Limit: n})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for i := 0; i < d.Len(); i++ {
		sub := filepath.Join(dir, "digit"+d.Label(i))
		os.MkdirAll(sub, 0o755)
		img := imageops.ToImage(d.Image(i), d.Width, d.Height, d.Channels)
		if err := imageops.SavePNG(filepath.Join(sub, fmt.Sprintf("%04d.png", i)), img); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestTrainApplyEncodeInfo(t *testing.T) {
	data := digitFolder(t, 120)
	work := t.TempDir()
	model := filepath.Join(work, "m.lsm")
	report := filepath.Join(work, "r.json")
	code := run([]string{"train", "--task", "denoise", "--noise", "gaussian:25", "--data", data, "--size", "28", "--gray",
		"--layers", "64", "--code", "4", "--epochs", "3", "--batch", "16", "--out", model, "--report", report})
	if code != 0 {
		t.Fatalf("train exited %d", code)
	}
	var rep map[string]any
	raw, _ := os.ReadFile(report)
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"task", "arch", "epochs", "train_loss", "val_loss", "seconds", "samples_per_second", "params"} {
		if _, ok := rep[key]; !ok {
			t.Errorf("report lacks %q: %s", key, raw)
		}
	}
	if rep["task"] != "denoise" || rep["epochs"] != 3.0 || rep["params"].(float64) < 1000 {
		t.Errorf("report %s", raw)
	}

	out := filepath.Join(work, "out")
	if code := run([]string{"apply", "--model", model, "--in", data, "--out", out, "--sigma", "25"}); code != 0 {
		t.Fatalf("apply exited %d", code)
	}
	var written []string
	filepath.WalkDir(out, func(p string, e os.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			rel, _ := filepath.Rel(out, p)
			written = append(written, rel)
		}
		return nil
	})
	if len(written) != 120 || !strings.HasPrefix(written[0], "digit") {
		t.Fatalf("apply wrote %d files (%v...), want 120 mirroring the input", len(written), written[:min(3, len(written))])
	}
	got, err := imageops.LoadImage(filepath.Join(out, written[0]), 28, 28, true)
	if err != nil || len(got) != 784 {
		t.Fatalf("output %s: %v", written[0], err)
	}

	one := filepath.Join(work, "one.png")
	first := filepath.Join(data, strings.TrimSuffix(written[0], ".png")+".png")
	if code := run([]string{"apply", "--model", model, "--in", first, "--out", one}); code != 0 {
		t.Fatalf("apply on one image exited %d", code)
	}
	if _, err := os.Stat(one); err != nil {
		t.Fatal(err)
	}

	codes := filepath.Join(work, "codes.csv")
	if code := run([]string{"encode", "--model", model, "--data", data, "--out", codes}); code != 0 {
		t.Fatalf("encode exited %d", code)
	}
	f, _ := os.Open(codes)
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil || len(rows) != 121 || len(rows[0]) != 6 || rows[0][2] != "z1" || !strings.HasPrefix(rows[1][1], "digit") {
		t.Fatalf("codes.csv: %d rows, header %v, first %v, err %v", len(rows), rows[0], rows[1], err)
	}

	if code := run([]string{"info", "--model", model}); code != 0 {
		t.Fatalf("info exited %d", code)
	}
}

func TestBadUsageAndInputExitTwo(t *testing.T) {
	dir := t.TempDir()
	notModel := filepath.Join(dir, "model.lsm")
	os.WriteFile(notModel, []byte("not a model"), 0o644)
	empty := filepath.Join(dir, "empty")
	os.Mkdir(empty, 0o755)
	cases := [][]string{
		{"train"},
		{"train", "--data", filepath.Join(dir, "missing"), "--out", filepath.Join(dir, "m.lsm")},
		{"train", "--data", empty, "--out", filepath.Join(dir, "m.lsm")},
		{"train", "--data", empty, "--out", "x", "--layers", "a,b"},
		{"train", "--bogus"},
		{"info", "--model", notModel},
		{"apply", "--model", notModel, "--in", dir, "--out", dir},
		{"no-such-command"},
	}
	for _, args := range cases {
		if code := run(args); code != 2 {
			t.Errorf("%v exited %d, want 2", args, code)
		}
	}
}

func TestDemo(t *testing.T) {
	out := t.TempDir()
	if code := run([]string{"demo", "--out", out, "--epochs", "1"}); code != 0 {
		t.Fatalf("demo exited %d", code)
	}
	for _, name := range []string{"demo.lsm", "preview.png", "report.json"} {
		if st, err := os.Stat(filepath.Join(out, name)); err != nil || st.Size() == 0 {
			t.Errorf("demo did not write %s: %v", name, err)
		}
	}
}

// TestTrainInitContinues: --init trains a saved model further (its history
// adds up) and refuses data of another size.
func TestTrainInitContinues(t *testing.T) {
	data := digitFolder(t, 64)
	work := t.TempDir()
	first, second := filepath.Join(work, "a.lsm"), filepath.Join(work, "b.lsm")
	common := []string{"--data", data, "--size", "28", "--gray", "--layers", "32", "--code", "4", "--batch", "16", "--val", "0"}
	if code := run(append([]string{"train", "--epochs", "1", "--out", first}, common...)); code != 0 {
		t.Fatalf("train exited %d", code)
	}
	if code := run(append([]string{"train", "--init", first, "--epochs", "2", "--lr", "1e-4", "--out", second}, common...)); code != 0 {
		t.Fatalf("train --init exited %d", code)
	}
	ae, err := assets.LoadModel(second)
	if err != nil {
		t.Fatal(err)
	}
	if ae.History.Epochs != 3 || ae.History.Steps != 12 {
		t.Errorf("history after 1+2 epochs of 4 steps: %d epochs, %d steps", ae.History.Epochs, ae.History.Steps)
	}
	bad := append([]string{"train", "--init", first, "--epochs", "1", "--out", second}, common...)
	for i, a := range bad {
		if a == "--size" {
			bad[i+1] = "32"
		}
	}
	if code := run(bad); code != 2 {
		t.Errorf("--init with 32x32 data exited %d, want 2", code)
	}
	// --noise with --init swaps a denoiser's noise mix and is refused for
	// other tasks.
	noisy := filepath.Join(work, "d.lsm")
	if code := run(append([]string{"train", "--task", "denoise", "--noise", "gaussian:0.2", "--epochs", "1", "--out", noisy}, common...)); code != 0 {
		t.Fatalf("train --task denoise exited %d", code)
	}
	if code := run(append([]string{"train", "--init", noisy, "--noise", "saltpepper:0.05", "--epochs", "1", "--out", noisy}, common...)); code != 0 {
		t.Fatalf("train --init --noise exited %d", code)
	}
	if ae, err = assets.LoadModel(noisy); err != nil {
		t.Fatal(err)
	}
	if n := ae.Config().Noise; len(n) != 1 || n[0].Kind != models.NoiseSaltPepper || n[0].Lo != 0.05 {
		t.Errorf("noise after --init --noise saltpepper:0.05: %+v (sigma %g)", n, ae.Config().NoiseSigma)
	}
	if code := run(append([]string{"train", "--init", first, "--noise", "gaussian:0.2", "--epochs", "1", "--out", second}, common...)); code != 2 {
		t.Errorf("--noise with --init of a reconstruct model exited %d, want 2", code)
	}
}

// TestTrainDilations: --dilations reaches the saved residual model, and a
// wrong count, a non-number or another arch exit 2 with nothing written;
// --deepen adds a layer to a saved one.
func TestTrainDilations(t *testing.T) {
	data := digitFolder(t, 32)
	out := filepath.Join(t.TempDir(), "d.lsm")
	common := []string{"train", "--task", "denoise", "--data", data, "--size", "28", "--gray", "--arch", "residual",
		"--layers", "4,4", "--noise", "gaussian:0.2", "--epochs", "1", "--batch", "16", "--val", "0", "--out", out}
	for _, bad := range [][]string{{"--dilations", "1,2"}, {"--dilations", "1,x,1"}, {"--dilations", "1,2,1", "--arch", "dense"}} {
		if code := run(append(append([]string{}, common...), bad...)); code != 2 {
			t.Errorf("%v exited %d, want 2", bad, code)
		}
		if _, err := os.Stat(out); err == nil {
			t.Fatalf("%v wrote a model", bad)
		}
	}
	if code := run(append(common, "--dilations", "1,2,1")); code != 0 {
		t.Fatalf("train --dilations 1,2,1 exited %d", code)
	}
	ae, err := assets.LoadModel(out)
	if err != nil {
		t.Fatal(err)
	}
	if d := ae.Config().Dilations; fmt.Sprint(d) != "[1 2 1]" {
		t.Errorf("saved dilations %v, want [1 2 1]", d)
	}
	// --deepen inserts a layer into the --init model; alone it is refused.
	deep := filepath.Join(filepath.Dir(out), "deep.lsm")
	// (on 32x32 patches: a residual model's weights fit any size)
	again := []string{"train", "--data", data, "--size", "32", "--gray", "--epochs", "1", "--batch", "16", "--val", "0", "--out", deep}
	if code := run(append(again, "--deepen", "3")); code != 2 {
		t.Errorf("--deepen without --init exited %d, want 2", code)
	}
	if code := run(append(again, "--init", out, "--deepen", "3")); code != 0 {
		t.Fatalf("train --init --deepen 3 exited %d", code)
	}
	if ae, err = assets.LoadModel(deep); err != nil {
		t.Fatal(err)
	}
	if c := ae.Config(); fmt.Sprint(c.Layers, c.Dilations, c.Width) != "[4 4 4] [1 3 2 1] 32" {
		t.Errorf("deepened: layers %v, dilations %v, width %d", c.Layers, c.Dilations, c.Width)
	}
}

// TestTrainScales: --scales adds patches from resized copies of the photos
// (named by their scale); a scale outside (0,1] is a usage error.
func TestTrainScales(t *testing.T) {
	dir := t.TempDir()
	img := image.NewNRGBA(image.Rect(0, 0, 64, 48))
	for i := range img.Pix {
		img.Pix[i] = uint8(i)
	}
	if err := imageops.SavePNG(filepath.Join(dir, "photo.png"), img); err != nil {
		t.Fatal(err)
	}
	f := trainFlags{data: dir, patches: 50, scales: "0.5", seed: 1}
	d, err := f.loadPatches(context.Background(), imageops.Options{Width: 16, Height: 16})
	if err != nil {
		t.Fatal(err)
	}
	half := 0
	for _, name := range d.Files {
		if strings.Contains(name, "photo.png@0.5x:") {
			half++
		}
	}
	if half < 10 || half > 40 {
		t.Errorf("%d of 50 patches from the half-size copy, want about 25", half)
	}
	for _, bad := range []string{"1.5", "0", "half", "0.5,"} {
		f.scales = bad
		var usage usageError
		if _, err := f.loadPatches(context.Background(), imageops.Options{Width: 16, Height: 16}); !errors.As(err, &usage) || !strings.Contains(err.Error(), "--scales") {
			t.Errorf("--scales %q: %v, want a usage error about --scales", bad, err)
		}
	}
}
