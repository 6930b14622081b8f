package ui

import (
	"encoding/csv"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/advancedclimatesystems/gonnx/onnx"
	"google.golang.org/protobuf/proto"

	"latentstudio/models"
)

// menuItem finds the item of the main menu's menu called menu by label.
func menuItem(t *testing.T, w fyne.Window, menu, label string) *fyne.MenuItem {
	t.Helper()
	mm := w.MainMenu()
	if mm == nil {
		t.Fatal("the window has no main menu")
	}
	for _, m := range mm.Items {
		if m.Label != menu {
			continue
		}
		for _, it := range m.Items {
			if it.Label == label {
				return it
			}
		}
		t.Fatalf("menu %s has no item %q", menu, label)
	}
	t.Fatalf("no menu %s", menu)
	return nil
}

// waitStatus runs posted work until the status line starts with prefix.
func waitStatus(t *testing.T, s *Studio, p *poster, prefix string) {
	t.Helper()
	p.until(t, "status "+prefix, 60*time.Second, func() bool {
		return strings.HasPrefix(s.Status(), prefix) || strings.HasPrefix(s.Status(), "Could not")
	})
	if !strings.HasPrefix(s.Status(), prefix) {
		t.Fatalf("status %q, want %q…", s.Status(), prefix)
	}
}

// TestExportMenuItemsWithNothingToExport: the menu has its items, and each
// export says on the status line what is missing instead of doing nothing.
func TestExportMenuItemsWithNothingToExport(t *testing.T) {
	s, w, p := newTestStudio(t)
	open := menuItem(t, w, "File", "Open model…")
	if open.Action == nil {
		t.Error("Open model… does nothing")
	}
	recent := menuItem(t, w, "File", "Open recent")
	if recent.ChildMenu == nil || len(recent.ChildMenu.Items) != 1 || !recent.ChildMenu.Items[0].Disabled {
		t.Errorf("Open recent without recent models: %+v", recent.ChildMenu)
	}
	for label, want := range map[string]string{
		"Model to ONNX…":               "Nothing to export: train or open an autoencoder",
		"Model as native file (.lsm)…": "Nothing to export: train or open an autoencoder",
		"Codes to CSV…":                "No codes to export: train or open an autoencoder first.",
		"Generated images…":            "No images to generate: train or open a GAN",
		"Loss chart as PNG…":           "The loss chart is empty: train an autoencoder first.",
		"GAN charts as PNG…":           "The GAN charts are empty: train a GAN first.",
	} {
		s.setStatus("", widget.MediumImportance)
		menuItem(t, w, "Export", label).Action()
		if !strings.HasPrefix(s.Status(), want) {
			t.Errorf("%s with nothing to export: status %q, want %q…", label, s.Status(), want)
		}
		if w.Canvas().Overlays().Top() != nil {
			t.Errorf("%s opened a dialog with nothing to export", label)
		}
	}

	// The recent models follow the preferences.
	path := filepath.Join(t.TempDir(), "m.lsm")
	rememberModel(path)
	p.run()
	recent = menuItem(t, w, "File", "Open recent")
	if items := recent.ChildMenu.Items; len(items) != 1 || !strings.HasPrefix(items[0].Label, "m.lsm") || items[0].Action == nil {
		t.Errorf("Open recent after remembering %s: %+v", path, items)
	}
}

// TestExportMenuAutoencoder trains a small model on the sample digits and
// exports it, its codes and its loss chart as the Export items do (with a
// temporary path in place of the file dialog).
func TestExportMenuAutoencoder(t *testing.T) {
	s, w, p := newTestStudio(t)
	trainOnSample(t, s, p, "32", "8", "1")
	list := s.exportables()
	if len(list) != 1 || !strings.HasPrefix(list[0].label, "Autoencoder: reconstruct dense") || list[0].base != models.TaskReconstruct {
		t.Fatalf("exportables %+v", list)
	}
	ae := list[0].model.(*models.Autoencoder)
	dir := t.TempDir()

	// Model to ONNX: with three parts it asks which one.
	menuItem(t, w, "Export", "Model to ONNX…").Action()
	texts := visibleTexts(w.Canvas().Overlays().Top())
	for _, want := range []string{"Export to ONNX", "Model", "Part", "Autoencoder: reconstruct dense", models.PartFull} {
		if !containsText(texts, want) {
			t.Errorf("the ONNX chooser lacks %q: %v", want, texts)
		}
	}
	w.Canvas().Overlays().Top().Hide()
	w.Canvas().Overlays().Remove(w.Canvas().Overlays().Top())

	onnxPath := filepath.Join(dir, "reconstruct-full.onnx")
	s.exportONNXTo(ae, models.PartFull, onnxPath)
	waitStatus(t, s, p, "Wrote the ONNX full")
	data, err := os.ReadFile(onnxPath)
	if err != nil || len(data) == 0 {
		t.Fatalf("ONNX file: %d bytes, %v", len(data), err)
	}
	var mp onnx.ModelProto
	if err := proto.Unmarshal(data, &mp); err != nil {
		t.Fatalf("the ONNX file does not parse: %v", err)
	}
	if mp.Graph == nil || len(mp.Graph.Input) != 1 || mp.Graph.Input[0].Name != "image" || mp.Graph.Output[0].Name != "output" {
		t.Errorf("graph %+v", mp.Graph)
	}
	meta := map[string]string{}
	for _, p := range mp.MetadataProps {
		meta[p.Key] = p.Value
	}
	if meta["part"] != models.PartFull || meta["task"] != models.TaskReconstruct {
		t.Errorf("ONNX metadata %v", meta)
	}
	s.exportONNXTo(ae, models.PartEncoder, filepath.Join(dir, "missing", "e.onnx"))
	waitStatus(t, s, p, "Could not export to ONNX")

	// Native: reloads as the same autoencoder, and joins the recent models.
	lsm := filepath.Join(dir, "reconstruct.lsm")
	s.exportNativeTo(ae, lsm)
	waitStatus(t, s, p, "Saved the model to "+lsm)
	back, err := models.LoadAny(lsm)
	if err != nil {
		t.Fatalf("the native export does not reload: %v", err)
	}
	if b, ok := back.(*models.Autoencoder); !ok || b.ParamCount() != ae.ParamCount() || b.History.Steps != ae.History.Steps {
		t.Errorf("reloaded %T %+v", back, back)
	}
	p.run()
	if items := menuItem(t, w, "File", "Open recent").ChildMenu.Items; len(items) == 0 || !strings.HasPrefix(items[0].Label, "reconstruct.lsm") {
		t.Errorf("the recent models do not start with the saved file")
	}

	// Codes: one row per loaded image, under a header.
	codes := filepath.Join(dir, "codes.csv")
	s.exportCodesTo(codes)
	waitStatus(t, s, p, "Wrote the codes of 4,000 images")
	f, err := os.Open(codes)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil || len(rows) != s.Dataset().Len()+1 || len(rows[1]) != 2+8 || rows[0][2] != "z1" {
		t.Fatalf("codes CSV: %d rows (%v), first %v", len(rows), err, rows[:min(2, len(rows))])
	}

	// Loss chart: a PNG of the chart's size, with the curve on it.
	chartPath := filepath.Join(dir, "loss.png")
	s.exportChartsTo(chartPath, s.chart)
	waitStatus(t, s, p, "Wrote the chart (800×480)")
	img := readPNG(t, chartPath)
	if b := img.Bounds(); b.Dx() != 800 || b.Dy() != 480 {
		t.Errorf("chart PNG %v", b)
	}
	if n := distinctColors(img); n < 20 {
		t.Errorf("the chart PNG has %d colours: blank?", n)
	}
	if n := countColor(img, s.chart.Theme().Color(theme.ColorNamePrimary, fyne.CurrentApp().Settings().ThemeVariant())); n < 100 {
		t.Errorf("the chart PNG has %d pixels of the train curve's colour", n)
	}
}

// TestOpenModelOfEveryKind opens the built-in GAN, a classifier, an
// autoencoder and bad files through Open model.
func TestOpenModelOfEveryKind(t *testing.T) {
	s, w, p := newTestStudio(t)
	top := func() []string { return visibleTexts(w.Canvas().Overlays().Top()) }

	// A GAN: described, and opened in the GAN tab.
	s.OpenModel("../assets/gan/mnist.lsm")
	waitStatus(t, s, p, "Opened mnist.lsm: ")
	p.until(t, "the GAN tab to have the GAN", 30*time.Second, func() bool { return s.gan.current() != nil })
	if s.tabs.Selected() != s.ganItem {
		t.Error("the GAN tab is not shown")
	}
	for _, want := range []string{"mnist.lsm", "kind", "GAN (", "generator", "discriminator", "ONNX generator, discriminator", "GAN tab"} {
		if !containsText(top(), want) {
			t.Errorf("the GAN's dialog lacks %q: %v", want, top())
		}
	}
	capture(t, w, "studio-open-gan.png")
	p.run()
	if items := menuItem(t, w, "File", "Open recent").ChildMenu.Items; len(items) == 0 || !strings.HasPrefix(items[0].Label, "mnist.lsm") {
		t.Errorf("the opened GAN is not first in Open recent")
	}

	// The GAN exports: generated images, and the generator as ONNX.
	if got := s.exportables(); len(got) != 1 || got[0].base != "gan" {
		t.Fatalf("exportables %+v", got)
	}
	s.gan.genN.SetText("6")
	imgs := t.TempDir()
	s.gan.generateTo(imgs, s.setStatus)
	waitStatus(t, s, p, "Wrote 6 images to "+imgs)
	files, _ := filepath.Glob(filepath.Join(imgs, "*.png"))
	if len(files) != 6 {
		t.Errorf("%d PNGs generated: %v", len(files), files)
	} else if img := readPNG(t, files[0]); img.Bounds().Dx() != 28 {
		t.Errorf("generated image %v", img.Bounds())
	}
	gen := filepath.Join(t.TempDir(), "gan-generator.onnx")
	s.exportONNXTo(s.gan.current(), models.PartGenerator, gen)
	waitStatus(t, s, p, "Wrote the ONNX generator")
	var mp onnx.ModelProto
	if data, err := os.ReadFile(gen); err != nil || proto.Unmarshal(data, &mp) != nil || len(mp.Graph.Input) != 1 {
		t.Errorf("the generator's ONNX file: %v", err)
	}

	// A classifier: described, used for nothing.
	s.OpenModel("../assets/classifier/mnist.lsm")
	waitStatus(t, s, p, "mnist.lsm is a classifier of 10 classes")
	for _, want := range []string{"classifier (", "classes", "0 1 2 3 4 5 6 7 8 9", "ONNX classifier", "does not use them"} {
		if !containsText(top(), want) {
			t.Errorf("the classifier's dialog lacks %q: %v", want, top())
		}
	}
	if s.Opened() != nil {
		t.Error("the classifier became the current autoencoder")
	}

	// An autoencoder beside the GAN: Model to ONNX asks which.
	ae, err := models.NewAutoencoder(models.Config{Task: models.TaskDenoise, Arch: models.ArchDense, Width: 28, Height: 28,
		Channels: 1, Layers: []int{16}, Code: 4, Loss: models.LossBCE, NoiseSigma: 0.2, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	aePath := filepath.Join(t.TempDir(), "small.lsm")
	if err := ae.Save(aePath); err != nil {
		t.Fatal(err)
	}
	s.OpenModel(aePath)
	waitStatus(t, s, p, "Opened small.lsm: ")
	if s.Opened() == nil || !containsText(top(), "It is now the current model") || !containsText(top(), "ONNX full, encoder, decoder") {
		t.Errorf("opened %v, dialog %v", s.Opened(), top())
	}
	if got := s.exportables(); len(got) != 2 {
		t.Fatalf("exportables %+v", got)
	}
	menuItem(t, w, "Export", "Model to ONNX…").Action()
	if !containsText(top(), "Autoencoder: denoise dense") || !containsText(top(), "Part") {
		t.Errorf("the ONNX chooser: %v", top())
	}

	// Bad files: the loader's reason, on the status line and in a dialog.
	bad := filepath.Join(t.TempDir(), "bad.lsm")
	if err := os.WriteFile(bad, []byte("not a model"), 0o644); err != nil {
		t.Fatal(err)
	}
	s.OpenModel(bad)
	waitStatus(t, s, p, "Could not open bad.lsm: ")
	reason := strings.TrimPrefix(s.Status(), "Could not open bad.lsm: ")
	if !containsText(top(), "Could not open bad.lsm") {
		t.Errorf("no error dialog: %v", top())
	}
	t.Logf("garbage: %s", reason)
	whole, err := os.ReadFile("../assets/gan/mnist.lsm")
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(t.TempDir(), "cut.lsm")
	if err := os.WriteFile(cut, whole[:len(whole)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	s.OpenModel(cut)
	waitStatus(t, s, p, "Could not open cut.lsm: ")
	if r := strings.TrimPrefix(s.Status(), "Could not open cut.lsm: "); r == "" || r == reason {
		t.Errorf("a truncated file gives %q, garbage %q: not the loader's specific reason?", r, reason)
	} else {
		t.Logf("truncated: %s", r)
	}
	if s.Opened() == nil || s.gan.current() == nil {
		t.Error("a bad file closed the models open")
	}
}

func readPNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return img
}

func distinctColors(img image.Image) int {
	seen := map[color.NRGBA]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			seen[color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)] = true
		}
	}
	return len(seen)
}
