package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

func readReport(t *testing.T, path string) map[string]any {
	t.Helper()
	var rep map[string]any
	raw, _ := os.ReadFile(path)
	if err := json.Unmarshal(raw, &rep); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rep
}

// TestClassifyTrainQuality: classify-train writes a classifier and its
// report; quality scores a folder of real digits (with the built-in
// classifier they pass the acceptance) and a GAN's samples. Mistakes exit 2.
func TestClassifyTrainQuality(t *testing.T) {
	data := digitFolder(t, 200)
	work := t.TempDir()
	c, report := filepath.Join(work, "c.lsm"), filepath.Join(work, "c.json")
	if code := run([]string{"classify-train", "--data", data, "--test", data, "--out", c, "--arch", "dense", "--layers", "32",
		"--feature", "16", "--epochs", "3", "--batch", "16", "--report", report}); code != 0 {
		t.Fatalf("classify-train exited %d", code)
	}
	rep := readReport(t, report)
	if rep["test_n"] != 200.0 || rep["epochs"] != 3.0 || rep["test_accuracy"].(float64) < 0.3 {
		t.Errorf("classify-train report %v", rep)
	}

	q := filepath.Join(work, "q.json")
	if code := run([]string{"quality", "--images", data, "--classifier", c, "--n", "100", "--real", data, "--report", q}); code != 0 {
		t.Fatalf("quality --images exited %d", code)
	}
	rep = readReport(t, q)
	if rep["n"] != 100.0 || rep["n_real"] != 100.0 || rep["classes"] != 10.0 || rep["frechet_distance"].(float64) > 1e-6 {
		t.Errorf("quality report %v (the same 100 images on both sides: distance 0)", rep)
	}
	for _, key := range []string{"shares", "classes_present", "max_share", "mean_confidence", "acceptance"} {
		if _, ok := rep[key]; !ok {
			t.Errorf("quality report lacks %q", key)
		}
	}

	if code := run([]string{"quality", "--images", data, "--n", "200", "--report", q}); code != 0 {
		t.Fatalf("quality with the built-in classifier exited %d", code)
	}
	rep = readReport(t, q)
	if rep["acceptance"] != true || rep["classes_present"] != 10.0 || rep["mean_confidence"].(float64) < 0.9 || rep["frechet_distance"] != nil {
		t.Errorf("real digits by the built-in classifier: %v", rep)
	}

	gan := filepath.Join(work, "g.lsm")
	if code := run([]string{"train", "--task", "gan", "--data", data, "--size", "28", "--gray", "--batch", "8",
		"--max-steps", "2", "--out", gan}); code != 0 {
		t.Fatalf("train --task gan exited %d", code)
	}
	if code := run([]string{"quality", "--model", gan, "--n", "70", "--real", data, "--report", q}); code != 0 {
		t.Fatalf("quality --model exited %d", code)
	}
	if rep = readReport(t, q); rep["n"] != 70.0 || rep["frechet_distance"] == nil {
		t.Errorf("quality of a GAN: %v", rep)
	}

	small := filepath.Join(work, "small.lsm")
	if code := run([]string{"classify-train", "--data", data, "--out", small, "--size", "14", "--arch", "dense", "--epochs", "1"}); code != 0 {
		t.Fatalf("classify-train --size 14 exited %d", code)
	}
	for _, args := range [][]string{
		{"quality", "--n", "10"},
		{"quality", "--model", gan, "--images", data},
		{"quality", "--model", gan, "--classifier", small}, // 28x28 samples, 14x14 classifier
		{"quality", "--images", data, "--classifier", gan},
		{"quality", "--images", data, "--classifier", "builtin:bogus"},
		{"classify-train", "--data", data},
		{"classify-train", "--data", data, "--out", small, "--arch", "rnn"},
	} {
		if code := run(args); code != 2 {
			t.Errorf("%v exited %d, want 2", args, code)
		}
	}
}
