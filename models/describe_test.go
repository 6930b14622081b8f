package models

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLoadAnyOpensEachKindAndDescribesIt opens the shipped files of the
// three kinds without being told which they are.
func TestLoadAnyOpensEachKindAndDescribesIt(t *testing.T) {
	for _, c := range []struct{ file, kind, fact string }{
		{"builtin/denoise.lsm", "autoencoder", "residual"},
		{"gan/mnist.lsm", "GAN (dcgan)", "BatchNorm"},
		{"classifier/mnist.lsm", "classifier (conv)", "0 1 2 3 4 5 6 7 8 9"},
	} {
		m, err := LoadAny(filepath.Join("..", "assets", c.file))
		if err != nil {
			t.Fatal(err)
		}
		facts := Describe(m)
		var all []string
		for _, f := range facts {
			all = append(all, f.Name+": "+f.Value)
		}
		text := strings.Join(all, "\n")
		if facts[0].Value != c.kind || !strings.Contains(text, c.fact) || !strings.Contains(text, "exports: ONNX "+ONNXParts(m)[0]) {
			t.Errorf("%s:\n%s", c.file, text)
		}
	}
	// A file of a kind this build does not know is refused by name.
	dir := t.TempDir()
	a, err := LoadAny("../assets/builtin/denoise.lsm")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "m.lsm")
	if err := SaveAny(a, path); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	in, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range in.File {
		r, _ := f.Open()
		data, _ := io.ReadAll(r)
		if f.Name == "model.json" {
			data = bytes.Replace(data, []byte(`"kind": "autoencoder"`), []byte(`"kind": "vae"`), 1)
		}
		w, _ := zw.Create(f.Name)
		w.Write(data)
	}
	zw.Close()
	_, err = ReadAny(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err == nil || !strings.Contains(err.Error(), "not an autoencoder, a GAN or a classifier") || !strings.Contains(err.Error(), `"vae"`) {
		t.Errorf("unknown kind: %v", err)
	}
	if _, err := ExportONNX(a, PartGenerator); err == nil {
		t.Error("an autoencoder exported a generator")
	}
}
