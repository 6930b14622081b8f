package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/advancedclimatesystems/gonnx/onnx"
	"google.golang.org/protobuf/proto"

	"latentstudio/models"
)

// TestExportWritesONNXAndNativeFiles exports a built-in of each kind: the
// ONNX files parse with the part's named input, and the native copies load
// as the same kind. (models' tests run every export in ONNX Runtime.)
func TestExportWritesONNXAndNativeFiles(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ ref, part, input string }{
		{"builtin:denoise", "", "image"},
		{"builtin:colorize", "decoder", "code"},
		{"builtin:gan-mnist", "", "z"},
		{"builtin:gan-mnist", "discriminator", "image"},
		{"builtin:mnist-classifier", "", "image"},
	} {
		path := filepath.Join(dir, "model.onnx")
		args := []string{"export", "--model", c.ref, "--onnx", path}
		if c.part != "" {
			args = append(args, "--part", c.part)
		}
		native := filepath.Join(dir, "model.lsm")
		if code := run(append(args, "--native", native)); code != 0 {
			t.Fatalf("%v exited %d", args, code)
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var m onnx.ModelProto
		if err := proto.Unmarshal(raw, &m); err != nil || len(m.Graph.GetInput()) != 1 || m.Graph.Input[0].Name != c.input {
			t.Errorf("%s %s: %v, inputs %v", c.ref, c.part, err, m.Graph.GetInput())
		}
		if _, err := models.LoadAny(native); err != nil {
			t.Errorf("%s as a native file: %v", c.ref, err)
		}
		if code := run([]string{"info", "--model", native}); code != 0 {
			t.Errorf("info on %s's native copy exited %d", c.ref, code)
		}
	}
	for _, args := range [][]string{
		{"export", "--model", "builtin:denoise", "--onnx", filepath.Join(dir, "x.onnx"), "--part", "encoder"},
		{"export", "--model", "builtin:gan-mnist", "--onnx", filepath.Join(dir, "x.onnx"), "--part", "full"},
		{"export", "--model", "builtin:denoise"},
		{"export", "--model", "builtin:nothing", "--onnx", filepath.Join(dir, "x.onnx")},
	} {
		if code := run(args); code != 2 {
			t.Errorf("%v exited %d, want 2", args, code)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "x.onnx")); !os.IsNotExist(err) {
		t.Errorf("a refused export left a file: %v", err)
	}
}
