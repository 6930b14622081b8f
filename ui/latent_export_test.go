package ui

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"latentstudio/models"
)

// TestLatentTabRatioPSNRAndExport: train a code-16 model on the sample
// digits, find its compression ratio and the reconstructions' mean PSNR in
// the Latent space tab, and export the codes of all the loaded images.
func TestLatentTabRatioPSNRAndExport(t *testing.T) {
	s, w, p := newTestStudio(t)
	trainOnSample(t, s, p, "128", "16", "2")

	s.tabs.SelectIndex(1)
	lt := s.latent
	e := lt.explorer
	p.until(t, "the codes to be plotted", 30*time.Second, func() bool { return e.Points() > 0 })

	c := s.currentModel().Config()
	if c.CodeSize() != 16 {
		t.Fatalf("code size %d, want 16", c.CodeSize())
	}
	ratio := fmt.Sprintf("%d×", c.InputSize()/c.CodeSize())
	if c.InputSize()%c.CodeSize() != 0 {
		t.Fatalf("the test expects a whole ratio, not %d/%d", c.InputSize(), c.CodeSize())
	}
	psnr, n := e.PSNR()
	if n != e.Points() || !(psnr > 5 && psnr < 60) {
		t.Errorf("mean PSNR %.2f dB over %d images for %d points", psnr, n, e.Points())
	}
	q := lt.quality.Text
	t.Logf("quality: %s", q)
	for _, want := range []string{ratio, "784 values → 16", fmt.Sprintf("mean PSNR of %.1f dB", psnr)} {
		if !strings.Contains(q, want) {
			t.Errorf("quality %q lacks %q", q, want)
		}
	}
	if !containsText(visibleTexts(w.Content()), ratio+" smaller") {
		t.Errorf("the ratio %s is not on screen", ratio)
	}

	if lt.exportBtn.Disabled() {
		t.Fatal("Export codes… is disabled for a code-16 model")
	}
	path := filepath.Join(t.TempDir(), "codes.csv")
	lt.ExportCodes(path)
	if !lt.exportBtn.Disabled() {
		t.Error("Export codes… stays enabled while exporting")
	}
	p.until(t, "the export to finish", 30*time.Second, func() bool { return !lt.exporting })
	if !strings.Contains(lt.status.Text, "Wrote the codes of 4,000 images") {
		t.Errorf("status %q", lt.status.Text)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != s.Dataset().Len()+1 {
		t.Fatalf("%d rows for %d images", len(rows), s.Dataset().Len())
	}
	for i, r := range rows {
		if len(r) != 2+c.CodeSize() {
			t.Fatalf("row %d has %d columns, want %d", i, len(r), 2+c.CodeSize())
		}
	}
	if h := rows[0]; h[0] != "file" || h[1] != "class" || h[2] != "z1" || h[len(h)-1] != "z16" {
		t.Errorf("header %v", h)
	}
	if r := rows[1]; r[0] != s.Dataset().Files[0] || r[1] != s.Dataset().Label(0) {
		t.Errorf("first row %v, want file %q class %q", r[:2], s.Dataset().Files[0], s.Dataset().Label(0))
	}

	// An unwritable path is reported in the tab.
	lt.ExportCodes(filepath.Join(t.TempDir(), "missing", "codes.csv"))
	p.until(t, "the failed export to finish", 30*time.Second, func() bool { return !lt.exporting })
	if !strings.Contains(lt.status.Text, "Could not export") {
		t.Errorf("status after a failed export %q", lt.status.Text)
	}
}

// TestLatentTabNoExportWithoutCode: a residual denoiser has no code, so the
// tab says where such a model belongs instead of plotting nothing, and the
// export button is disabled.
func TestLatentTabNoExportWithoutCode(t *testing.T) {
	s, _, p := newTestStudio(t)
	s.LoadSample()
	p.until(t, "the sample to load", 30*time.Second, func() bool { return !s.Busy() })
	ae, err := models.NewAutoencoder(models.Config{Task: models.TaskDenoise, Arch: models.ArchResidual, Width: 28, Height: 28,
		Channels: 1, Layers: []int{4}, Loss: models.LossMSE, NoiseSigma: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "residual.lsm")
	if err := ae.Save(path); err != nil {
		t.Fatal(err)
	}
	s.OpenModel(path)
	p.until(t, "the model to open", 10*time.Second, func() bool { return s.Opened() != nil })
	s.tabs.SelectIndex(1)
	p.run()
	lt := s.latent
	if !strings.Contains(lt.note.Text, "no latent space") || lt.explorer.Points() != 0 {
		t.Errorf("note %q, %d points", lt.note.Text, lt.explorer.Points())
	}
	if !lt.exportBtn.Disabled() || !strings.Contains(lt.note.Text, "no codes to export") {
		t.Errorf("export disabled %v, note %q", lt.exportBtn.Disabled(), lt.note.Text)
	}
	if lt.quality.Visible() {
		t.Errorf("a compression ratio is shown for a model without a code: %q", lt.quality.Text)
	}
	lt.ExportCodes(filepath.Join(t.TempDir(), "codes.csv"))
	if lt.exporting || !strings.Contains(lt.status.Text, "no code to export") {
		t.Errorf("exporting %v, status %q", lt.exporting, lt.status.Text)
	}
}

func TestCompressionText(t *testing.T) {
	for _, tc := range []struct {
		code int
		want string
	}{{16, "784 values → 16: 49× smaller"}, {32, "784 values → 32: 24.5× smaller"}, {2, "784 values → 2: 392× smaller"}} {
		c := models.Config{Task: models.TaskReconstruct, Arch: models.ArchDense, Width: 28, Height: 28, Channels: 1, Layers: []int{64}, Code: tc.code}
		if got := compressionText(c); !strings.HasSuffix(got, tc.want) {
			t.Errorf("code %d: %q, want …%q", tc.code, got, tc.want)
		}
	}
}
