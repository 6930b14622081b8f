package ui

import (
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latentstudio/imageops"
	"latentstudio/models"
)

// latentTab is the "Latent space" tab: the explorer over the current model
// (the training run's latest snapshot, else the model last opened) and the
// loaded images, with a button to look again while a model trains, the
// model's compression ratio and reconstruction quality, and a button to
// export the codes of all the loaded images as CSV.
type latentTab struct {
	s         *Studio
	explorer  *LatentExplorer
	note      *widget.Label
	quality   *widget.Label // compression ratio and mean PSNR
	status    *widget.Label // export progress and errors
	exportBtn *widget.Button
	exporting bool
	ratio     string // the ratio part of quality, "" when there is none
	view      fyne.CanvasObject
}

func newLatentTab(s *Studio) *latentTab {
	t := &latentTab{s: s, explorer: NewLatentExplorer(s.post), note: widget.NewLabel(""),
		quality: widget.NewLabel(""), status: widget.NewLabel("")}
	t.note.Wrapping = fyne.TextWrapWord
	t.quality.Wrapping = fyne.TextWrapWord
	t.status.Wrapping = fyne.TextWrapWord
	t.quality.Hide()
	t.status.Hide()
	t.explorer.OnShown = t.showQuality
	refresh := widget.NewButtonWithIcon("Refresh", theme.ViewRefreshIcon(), t.refresh)
	t.exportBtn = widget.NewButtonWithIcon("Export codes…", theme.DocumentSaveIcon(), t.chooseExport)
	t.exportBtn.Disable()
	texts := container.NewVBox(t.note, t.quality, t.status)
	t.view = container.NewBorder(container.NewBorder(nil, nil, nil, container.NewVBox(container.NewHBox(refresh, t.exportBtn)), texts), nil, nil, nil, t.explorer)
	return t
}

// currentModel is what the tab explores: a copy safe to use while training.
func (s *Studio) currentModel() *models.Autoencoder {
	if s.trainer != nil {
		return s.trainer.Snapshot()
	}
	return s.opened
}

// modelChanged redraws the latent space if it is on screen.
func (s *Studio) modelChanged() {
	if s.tabs != nil && s.tabs.SelectedIndex() == 1 {
		s.latent.refresh()
	}
}

// exportProblem says why the codes of ds cannot be exported with ae, or ""
// when they can.
func exportProblem(ae *models.Autoencoder, ds *imageops.Dataset) string {
	switch {
	case ae == nil:
		return "no model to encode with"
	case ds == nil || ds.Len() == 0:
		return "no images loaded"
	}
	c := ae.Config()
	switch {
	case c.CodeSize() == 0 || c.Task == models.TaskColorize:
		return fmt.Sprintf("a %s %s model has no code to export", c.Task, c.Arch)
	case c.Width != ds.Width || c.Height != ds.Height || c.Channels != ds.Channels:
		return "the images are not at the model's size"
	}
	return ""
}

// refresh encodes the loaded images with the current model again.
func (t *latentTab) refresh() {
	s := t.s
	ae := s.currentModel()
	t.ratio = ""
	t.quality.Hide()
	t.updateExport(ae)
	switch {
	case ae == nil:
		t.note.SetText("Train a model, or open one, to see where it puts the images.")
		t.explorer.SetData(nil, nil)
		return
	case s.ds == nil:
		t.note.SetText("Load images to place them in the model's latent space.")
		t.explorer.SetData(nil, nil)
		return
	}
	c := ae.Config()
	if c.CodeSize() == 0 || c.Task == models.TaskColorize {
		t.note.SetText(fmt.Sprintf("A %s %s model has no latent space to explore: use it in the Photo tab. It has no codes to export either.", c.Task, c.Arch))
		t.explorer.SetData(nil, nil)
		return
	}
	if c.Width != s.ds.Width || c.Height != s.ds.Height || c.Channels != s.ds.Channels {
		t.note.SetText(fmt.Sprintf("The model takes %d×%d×%d images but these are %d×%d×%d; load them at the model's size.",
			c.Width, c.Height, c.Channels, s.ds.Width, s.ds.Height, s.ds.Channels))
		t.explorer.SetData(nil, nil)
		return
	}
	which := "all " + plural(s.ds.Len(), "image", "images")
	if s.ds.Len() > latentMaxPoints {
		which = "2,000 of the " + formatInt(s.ds.Len()) + " images"
	}
	t.note.SetText(fmt.Sprintf("Codes of %s, from the model at step %s. Tap a point to see its image and reconstruction.",
		which, formatInt(ae.History.Steps)))
	t.ratio = compressionText(c)
	t.quality.SetText(t.ratio + ". Reconstruction quality: measuring…")
	t.quality.Show()
	t.explorer.SetData(ae, s.ds)
}

// compressionText says how much smaller the code is than the input, e.g.
// "Compression: 784 values → 16: 49× smaller".
func compressionText(c models.Config) string {
	in, k := c.InputSize(), c.CodeSize()
	r := strconv.FormatFloat(float64(in)/float64(k), 'f', 1, 64)
	r = strings.TrimSuffix(r, ".0")
	return fmt.Sprintf("Compression: %s values → %s: %s× smaller", formatInt(in), formatInt(k), r)
}

// showQuality adds the explorer's mean PSNR to the compression ratio once
// the codes are plotted (on the UI goroutine).
func (t *latentTab) showQuality() {
	if t.ratio == "" {
		return
	}
	psnr, n := t.explorer.PSNR()
	if n == 0 {
		t.quality.SetText(t.ratio + ".")
		return
	}
	t.quality.SetText(fmt.Sprintf("%s. At that ratio the reconstructions of the %s plotted have a mean PSNR of %.1f dB.",
		t.ratio, plural(n, "image", "images"), psnr))
}

// updateExport enables the export button when the codes of the loaded
// images can be exported with ae.
func (t *latentTab) updateExport(ae *models.Autoencoder) {
	if t.exporting || exportProblem(ae, t.s.ds) != "" {
		t.exportBtn.Disable()
	} else {
		t.exportBtn.Enable()
	}
}

// setStatus shows an export message ("" hides it).
func (t *latentTab) setStatus(msg string, imp widget.Importance) {
	t.status.Importance = imp
	t.status.SetText(msg)
	t.status.Hidden = msg == ""
	t.status.Refresh()
}

// chooseExport asks where to write the codes.
func (t *latentTab) chooseExport() {
	t.s.askSavePath("codes.csv", ".csv", "", t.ExportCodes)
}

// ExportCodes writes the codes of all the loaded images, under the current
// model, to path as CSV (file, class, z1..zK, like the encode command) in
// the background, and reports the outcome in the tab.
func (t *latentTab) ExportCodes(path string) {
	if t.exporting {
		return
	}
	t.exporting = t.s.exportCodes(path, t.setStatus, func() {
		t.exporting = false
		t.updateExport(t.s.currentModel())
	})
	if t.exporting {
		t.updateExport(t.s.currentModel())
	}
}

// exportCodes writes the codes of all the loaded images under the current
// model to path as CSV in the background and reports on status; finished,
// when not nil, runs on the UI goroutine once the file is written or has
// failed. It returns false, having said why, when there are no codes to
// write.
func (s *Studio) exportCodes(path string, status statusFunc, finished func()) bool {
	ae, ds := s.currentModel(), s.ds
	if p := exportProblem(ae, ds); p != "" {
		status("Cannot export codes: "+p+".", widget.WarningImportance)
		return false
	}
	what := plural(ds.Len(), "image", "images")
	status("Exporting the codes of "+what+"…", widget.MediumImportance)
	go func() {
		err := writeCodesCSV(ae, ds, path)
		s.post(func() {
			if finished != nil {
				finished()
			}
			if err != nil {
				status("Could not export the codes: "+err.Error(), widget.DangerImportance)
				return
			}
			status(fmt.Sprintf("Wrote the codes of %s to %s", what, path), widget.SuccessImportance)
		})
	}()
	return true
}

// exportBatch is the number of images encoded at a time by writeCodesCSV.
const exportBatch = 512

// writeCodesCSV encodes every image of ds with ae and writes file, class
// and the code values per image to path, as the encode command does.
func writeCodesCSV(ae *models.Autoencoder, ds *imageops.Dataset, path string) (err error) {
	if p := exportProblem(ae, ds); p != "" {
		return errors.New(p)
	}
	k := ae.Config().CodeSize()
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	w := csv.NewWriter(f)
	header := []string{"file", "class"}
	for j := 1; j <= k; j++ {
		header = append(header, "z"+strconv.Itoa(j))
	}
	if err := w.Write(header); err != nil {
		return err
	}
	size, n := ds.Size(), ds.Len()
	row := make([]string, 0, k+2)
	for start := 0; start < n; start += exportBatch {
		m := min(exportBatch, n-start)
		codes, err := ae.Encode(ds.Data[start*size:(start+m)*size], m)
		if err != nil {
			return err
		}
		for i := range m {
			j := start + i
			file := fmt.Sprintf("#%d", j)
			if j < len(ds.Files) {
				file = ds.Files[j]
			}
			row = append(row[:0], file, ds.Label(j))
			for _, v := range codes[i*k : (i+1)*k] {
				row = append(row, strconv.FormatFloat(float64(v), 'g', 7, 32))
			}
			if err := w.Write(row); err != nil {
				return err
			}
		}
	}
	w.Flush()
	return w.Error()
}
