package ui

import (
	"fmt"
	"image"
	"path/filepath"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/software"
	"fyne.io/fyne/v2/widget"

	"latentstudio/imageops"
	"latentstudio/models"
)

// The window's main menu: File (open a model of any kind, recent models)
// and Export (the current autoencoder or GAN as ONNX or as a native file,
// the latent codes as CSV, generated images, the loss charts as PNG).
//
// Every item works on the UI goroutine; the writing happens in a goroutine
// that reports on the status line through s.post. An item with nothing to
// act on says so on the status line.

// recentMenu is File › Open recent: the recent model files, rebuilt when
// the list changes.
type recentMenu struct {
	s      *Studio
	main   *fyne.MainMenu
	item   *fyne.MenuItem
	listed []string // the files it lists
}

// installMenu sets the window's main menu and keeps its recent models up
// to date.
func (s *Studio) installMenu() {
	r := &recentMenu{s: s, item: fyne.NewMenuItem("Open recent", nil)}
	file := fyne.NewMenu("File",
		fyne.NewMenuItem("Open model…", s.chooseModel),
		r.item,
	)
	export := fyne.NewMenu("Export",
		fyne.NewMenuItem("Model to ONNX…", s.menuExportONNX),
		fyne.NewMenuItem("Model as native file (.lsm)…", s.menuExportNative),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("Codes to CSV…", s.menuExportCodes),
		fyne.NewMenuItem("Generated images…", s.menuExportImages),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("Loss chart as PNG…", s.menuExportLossChart),
		fyne.NewMenuItem("GAN charts as PNG…", s.menuExportGANCharts),
	)
	r.main = fyne.NewMainMenu(file, export)
	r.refresh()
	s.win.SetMainMenu(r.main)
	// Opening, saving and training checkpoints add recent models, from any
	// goroutine: follow the preferences.
	if a := fyne.CurrentApp(); a != nil {
		a.Preferences().AddChangeListener(func() { s.post(r.refresh) })
	}
}

// refresh lists the recent model files (on the UI goroutine).
func (r *recentMenu) refresh() {
	list := recentModels()
	if r.item.ChildMenu != nil && slices.Equal(list, r.listed) {
		return
	}
	r.listed = slices.Clone(list)
	var items []*fyne.MenuItem
	for _, path := range list {
		items = append(items, fyne.NewMenuItem(filepath.Base(path)+"  ·  "+filepath.Dir(path), func() { r.s.OpenModel(path) }))
	}
	if len(items) == 0 {
		none := fyne.NewMenuItem("No recent models", nil)
		none.Disabled = true
		items = append(items, none)
	}
	r.item.ChildMenu = fyne.NewMenu("", items...)
	r.main.Refresh()
}

// exportable is a model the Export menu can write.
type exportable struct {
	label string // as the chooser names it
	base  string // the default file name without extension
	model any    // *models.Autoencoder or *models.GAN
}

// exportables are the models there are to export: the training tab's
// current autoencoder (the run's latest snapshot, else the one opened) and
// the GAN tab's current GAN.
func (s *Studio) exportables() []exportable {
	var out []exportable
	if ae := s.currentModel(); ae != nil {
		c := ae.Config()
		out = append(out, exportable{
			label: fmt.Sprintf("Autoencoder: %s %s, %s steps", c.Task, c.Arch, formatInt(ae.History.Steps)),
			base:  c.Task, model: ae})
	}
	if s.gan != nil {
		if g := s.gan.current(); g != nil {
			c := g.Config()
			out = append(out, exportable{
				label: fmt.Sprintf("GAN: %s, z %d, %s steps", c.Arch, c.Latent, formatInt(g.History.Steps)),
				base:  "gan", model: g})
		}
	}
	return out
}

// noModel is what the model exports say when there is nothing to export.
const noModel = "Nothing to export: train or open an autoencoder (Training tab) or a GAN (GAN tab) first."

// chooseExport lets the user pick the model (and, with parts, the ONNX
// part) to export, then calls then. It asks only when there is a choice.
func (s *Studio) chooseExport(title string, withParts bool, then func(e exportable, part string)) {
	list := s.exportables()
	if len(list) == 0 {
		s.setStatus(noModel, widget.WarningImportance)
		return
	}
	parts := func(e exportable) []string {
		if !withParts {
			return nil
		}
		return models.ONNXParts(e.model)
	}
	if len(list) == 1 && len(parts(list[0])) <= 1 {
		part := ""
		if p := parts(list[0]); len(p) == 1 {
			part = p[0]
		}
		then(list[0], part)
		return
	}
	var labels []string
	for _, e := range list {
		labels = append(labels, e.label)
	}
	chosen := list[0]
	partSel := widget.NewSelect(parts(chosen), nil)
	modelSel := widget.NewSelect(labels, func(label string) {
		chosen = list[slices.Index(labels, label)]
		partSel.SetOptions(parts(chosen))
		partSel.SetSelectedIndex(0)
	})
	modelSel.SetSelectedIndex(0)
	items := []*widget.FormItem{widget.NewFormItem("Model", modelSel)}
	if withParts {
		items = append(items, widget.NewFormItem("Part", partSel))
		partSel.SetSelectedIndex(0)
	}
	d := dialog.NewForm(title, "Export…", "Cancel", items, func(ok bool) {
		if ok {
			then(chosen, partSel.Selected)
		}
	}, s.win)
	d.Resize(fyne.NewSize(min(560, s.win.Canvas().Size().Width-80), d.MinSize().Height))
	d.Show()
}

// menuExportONNX: Export › Model to ONNX….
func (s *Studio) menuExportONNX() {
	s.chooseExport("Export to ONNX", true, func(e exportable, part string) {
		s.askSavePath(e.base+"-"+part+".onnx", ".onnx", "", func(path string) { s.exportONNXTo(e.model, part, path) })
	})
}

// exportONNXTo writes the part of m to path as ONNX in the background.
func (s *Studio) exportONNXTo(m any, part, path string) {
	s.setStatus(fmt.Sprintf("Exporting the %s to ONNX…", part), widget.MediumImportance)
	var data []byte
	s.inBackground(s.setStatus, func() (err error) {
		if data, err = models.ExportONNX(m, part); err == nil {
			err = models.SaveONNX(path, data)
		}
		return err
	}, "Could not export to ONNX: ", func() string {
		return fmt.Sprintf("Wrote the ONNX %s (%s) to %s", part, formatBytes(len(data)), path)
	})
}

// menuExportNative: Export › Model as native file (.lsm)….
func (s *Studio) menuExportNative() {
	s.chooseExport("Save as a native model file", false, func(e exportable, _ string) {
		s.askSavePath(e.base+models.FileExt, models.FileExt, "", func(path string) { s.exportNativeTo(e.model, path) })
	})
}

// exportNativeTo saves m to path in the native format in the background;
// the file joins the recent models.
func (s *Studio) exportNativeTo(m any, path string) {
	s.setStatus("Saving the model…", widget.MediumImportance)
	s.inBackground(s.setStatus, func() error { return models.SaveAny(m, path) }, "Could not save the model: ", func() string {
		rememberModel(path)
		return "Saved the model to " + path
	})
}

// menuExportCodes: Export › Codes to CSV….
func (s *Studio) menuExportCodes() {
	ae := s.currentModel()
	if ae == nil {
		s.setStatus("No codes to export: train or open an autoencoder first.", widget.WarningImportance)
		return
	}
	if p := exportProblem(ae, s.ds); p != "" {
		s.setStatus("Cannot export codes: "+p+".", widget.WarningImportance)
		return
	}
	s.askSavePath("codes.csv", ".csv", "", s.exportCodesTo)
}

// exportCodesTo writes the codes of all the loaded images under the
// current model to path as CSV (as the Latent space tab's Export codes…
// does) in the background, reporting on the studio's status line.
func (s *Studio) exportCodesTo(path string) { s.exportCodes(path, s.setStatus, nil) }

// menuExportImages: Export › Generated images…: the GAN tab's Generate to
// folder…, reporting on the studio's status line.
func (s *Studio) menuExportImages() {
	if s.gan == nil || s.gan.current() == nil {
		s.setStatus("No images to generate: train or open a GAN in the GAN tab first.", widget.WarningImportance)
		return
	}
	s.gan.chooseFolder(func(dir string) { s.gan.generateTo(dir, s.setStatus) })
}

// menuExportLossChart: Export › Loss chart as PNG….
func (s *Studio) menuExportLossChart() {
	if chartEmpty(s.chart) {
		s.setStatus("The loss chart is empty: train an autoencoder first.", widget.WarningImportance)
		return
	}
	s.askSavePath("loss.png", ".png", "", func(path string) { s.exportChartsTo(path, s.chart) })
}

// menuExportGANCharts: Export › GAN charts as PNG… (losses and
// discriminator outputs side by side).
func (s *Studio) menuExportGANCharts() {
	if s.gan == nil || chartEmpty(s.gan.losses) && chartEmpty(s.gan.probs) {
		s.setStatus("The GAN charts are empty: train a GAN first.", widget.WarningImportance)
		return
	}
	s.askSavePath("gan-charts.png", ".png", "", func(path string) { s.exportChartsTo(path, s.gan.losses, s.gan.probs) })
}

// exportChartsTo renders copies of the charts side by side off screen
// (on the UI goroutine, as the charts are widgets) and writes the picture
// to path as PNG in the background.
func (s *Studio) exportChartsTo(path string, charts ...*LossChart) {
	img := renderCharts(charts, s.win.Canvas().Scale())
	s.setStatus("Writing the chart…", widget.MediumImportance)
	s.inBackground(s.setStatus, func() error { return imageops.SavePNG(path, img) }, "Could not write the chart: ", func() string {
		b := img.Bounds()
		return fmt.Sprintf("Wrote the chart (%d×%d) to %s", b.Dx(), b.Dy(), path)
	})
}

// chartEmpty reports whether a chart has nothing drawn.
func chartEmpty(c *LossChart) bool {
	return c == nil || len(c.train) == 0 && len(c.val) == 0 && len(c.past) == 0
}

// copyChart is a new chart showing what c shows (its series, earlier runs,
// log axis and smoothing), for rendering off screen without disturbing
// the one in the window.
func copyChart(c *LossChart) *LossChart {
	d := NewNamedChart(c.names)
	d.XLabel = c.XLabel
	d.train, d.val = slices.Clone(c.train), slices.Clone(c.val)
	for _, p := range c.past {
		d.past = append(d.past, pastRun{p.name, slices.Clone(p.train)})
	}
	d.logY, d.smoothing = c.logY, c.smoothing
	return d
}

// chartExportSize is the size, in Fyne units, of one exported chart.
var chartExportSize = fyne.NewSize(800, 480)

// renderCharts draws copies of the charts side by side, each on its panel
// as in the window, with Fyne's software renderer at the given scale
// (the window's, so the PNG is as sharp as the screen). It must run on
// the UI goroutine.
func renderCharts(charts []*LossChart, scale float32) image.Image {
	var panels []fyne.CanvasObject
	for _, c := range charts {
		panels = append(panels, panel(copyChart(c)))
	}
	c := software.NewCanvas()
	c.SetScale(max(scale, 1))
	c.SetPadded(false)
	c.SetContent(container.NewGridWithColumns(len(panels), panels...))
	c.Resize(fyne.NewSize(chartExportSize.Width*float32(len(panels)), chartExportSize.Height))
	return c.Capture()
}

// formatBytes is a file size for people: 812 B, 14.2 KB, 3.1 MB.
func formatBytes(n int) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1000*1000:
		return strings.TrimSuffix(fmt.Sprintf("%.1f", float64(n)/1e3), ".0") + " KB"
	}
	return strings.TrimSuffix(fmt.Sprintf("%.1f", float64(n)/1e6), ".0") + " MB"
}
