package models

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func testModel(t *testing.T, arch string) *Autoencoder {
	t.Helper()
	cfg := Config{Task: TaskReconstruct, Arch: arch, Width: 8, Height: 8, Channels: 1, Layers: []int{4}, Code: 3, Loss: LossBCE, Seed: 5}
	ae, err := NewAutoencoder(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return ae
}

func TestSaveLoadGivesIdenticalOutputs(t *testing.T) {
	for _, arch := range []string{ArchDense, ArchConv} {
		ae := testModel(t, arch)
		ae.History = History{Epochs: 3, Steps: 30, TrainLoss: 0.25, ValLoss: 0.26, Data: "digits"}
		path := filepath.Join(t.TempDir(), "m.lsm")
		if err := ae.Save(path); err != nil {
			t.Fatal(err)
		}
		back, err := Load(path)
		if err != nil {
			t.Fatal(err)
		}
		if back.History != ae.History {
			t.Errorf("%s: history %+v, want %+v", arch, back.History, ae.History)
		}
		x := make([]float32, 3*64)
		for i := range x {
			x[i] = float32(i%17) / 16
		}
		a, _ := ae.Forward(x, 3)
		b, err := back.Forward(x, 3)
		if err != nil {
			t.Fatal(err)
		}
		for i := range a.Recon {
			if a.Recon[i] != b.Recon[i] {
				t.Fatalf("%s: output %d differs after reload: %v vs %v", arch, i, a.Recon[i], b.Recon[i])
			}
		}
		for i := range a.Code {
			if a.Code[i] != b.Code[i] {
				t.Fatalf("%s: code %d differs after reload", arch, i)
			}
		}
		if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o644 {
			t.Errorf("saved model mode %v, %v; want 0644", st.Mode(), err)
		}
		// No temporary files are left beside the model.
		entries, _ := os.ReadDir(filepath.Dir(path))
		if len(entries) != 1 {
			t.Errorf("save left %d files in its folder", len(entries))
		}
	}
}

// zipOf builds an archive from name/content pairs.
func zipOf(t *testing.T, files ...string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i+1 < len(files); i += 2 {
		w, err := zw.Create(files[i])
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(files[i+1]))
	}
	zw.Close()
	return buf.Bytes()
}

func TestLoadRefusesBadFiles(t *testing.T) {
	ae := testModel(t, ArchDense)
	dir := t.TempDir()
	good := filepath.Join(dir, "good.lsm")
	if err := ae.Save(good); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(good)
	zr, _ := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	var header string
	for _, f := range zr.File {
		if f.Name == headerEntry {
			rc, _ := f.Open()
			var b bytes.Buffer
			b.ReadFrom(rc)
			header = b.String()
		}
	}
	cases := []struct {
		name, want string
		data       []byte
	}{
		{"empty", "not a zip", nil},
		{"text", "not a zip", []byte("hello, I am not a model")},
		{"truncated", "not a zip", raw[:len(raw)/2]},
		{"traversal", "unexpected entry", zipOf(t, "../../etc/passwd", "x", headerEntry, header)},
		{"no weights", "needs", zipOf(t, headerEntry, header)},
		{"wrong format", "format", zipOf(t, headerEntry, strings.Replace(header, FileFormat, "other-tool", 1), weightsEntry, "")},
		{"future version", "version 99", zipOf(t, headerEntry, strings.Replace(header, `"version": 1`, `"version": 99`, 1), weightsEntry, "")},
		{"huge layer", "layer 1", zipOf(t, headerEntry, strings.Replace(header, `"layers": [
      4
    ]`, `"layers": [4000000000]`, 1), weightsEntry, "")},
		{"short weights", "holds", zipOf(t, headerEntry, header, weightsEntry, "abcd")},
		{"bad json", "model.json", zipOf(t, headerEntry, "{", weightsEntry, "")},
	}
	for _, c := range cases {
		path := filepath.Join(dir, c.name+".lsm")
		os.WriteFile(path, c.data, 0o644)
		_, err := Load(path)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one mentioning %q", c.name, err, c.want)
		}
	}
	if _, err := Load(filepath.Join(dir, "missing.lsm")); err == nil {
		t.Error("a missing file loaded")
	}
}

// TestDecodeMatchesForward: decoding the codes Forward gives reproduces
// Forward's reconstructions, for every architecture.
func TestDecodeMatchesForward(t *testing.T) {
	cfgs := []Config{
		{Task: TaskReconstruct, Arch: ArchDense, Width: 6, Height: 5, Channels: 1, Layers: []int{7, 4}, Code: 2, Loss: LossBCE, Seed: 2},
		{Task: TaskReconstruct, Arch: ArchConv, Width: 8, Height: 8, Channels: 3, Layers: []int{4}, Code: 3, Loss: LossMSE, Seed: 2},
		{Task: TaskReconstruct, Arch: ArchConv, Width: 8, Height: 4, Channels: 1, Layers: []int{2, 3}, Code: 0, Loss: LossBCE, Seed: 2},
	}
	for _, cfg := range cfgs {
		ae, err := NewAutoencoder(cfg)
		if err != nil {
			t.Fatal(err)
		}
		const n = 130 // more than one inference batch
		x := make([]float32, n*cfg.InputSize())
		for i := range x {
			x[i] = float32(i%13) / 12
		}
		out, err := ae.Forward(x, n)
		if err != nil {
			t.Fatal(err)
		}
		dec, err := ae.Decode(out.Code, n)
		if err != nil {
			t.Fatal(err)
		}
		for i := range dec {
			if d := dec[i] - out.Recon[i]; d > 1e-6 || d < -1e-6 {
				t.Fatalf("%s code %d: decoded value %d is %v, forward gave %v", cfg.Arch, cfg.Code, i, dec[i], out.Recon[i])
			}
		}
		if _, err := ae.Decode(out.Code[:5], 2); err == nil {
			t.Error("decode accepted codes of the wrong size")
		}
	}
}
