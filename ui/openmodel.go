package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"latentstudio/models"
)

// openMenu offers the recent model files (checkpoints included) and a file
// chooser, below the button that asked for it.
func (s *Studio) openMenu(from fyne.CanvasObject) {
	items := []*fyne.MenuItem{fyne.NewMenuItem("Choose a file…", s.chooseModel)}
	if recent := recentModels(); len(recent) > 0 {
		items = append(items, fyne.NewMenuItemSeparator())
		for _, path := range recent {
			items = append(items, fyne.NewMenuItem(filepath.Base(path)+"  ·  "+filepath.Dir(path), func() { s.OpenModel(path) }))
		}
	}
	c := s.win.Canvas()
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(from).AddXY(0, from.Size().Height)
	widget.ShowPopUpMenuAtPosition(fyne.NewMenu("", items...), c, pos)
}

// checkpointDir is where training runs of the studio save checkpoints.
func checkpointDir() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(base, "latentstudio", "checkpoints")
	return dir, os.MkdirAll(dir, 0o755)
}

// chooseModel lets the user pick a .lsm file and opens it.
func (s *Studio) chooseModel() { s.askOpenPath([]string{models.FileExt}, s.OpenModel) }

// OpenModel loads a model file of any kind in the background, validating
// it, and shows what it holds (models.Describe and its ONNX parts) in a
// dialog. An autoencoder becomes the studio's current model; a GAN opens
// in the GAN tab; a classifier is only shown. A file that cannot be read
// is reported with the loader's reason.
func (s *Studio) OpenModel(path string) {
	name := filepath.Base(path)
	s.setStatus("Opening "+name+"…", widget.MediumImportance)
	go func() {
		m, err := models.LoadAny(path)
		var facts []models.Fact
		if err == nil {
			facts = describeFile(path, m)
		}
		s.post(func() {
			if err != nil {
				// The loader's reason, without the path it starts with.
				reason := strings.TrimPrefix(err.Error(), "model "+path+": ")
				s.setStatus("Could not open "+name+": "+reason, widget.DangerImportance)
				dialog.ShowError(fmt.Errorf("could not open %s: %s", name, reason), s.win)
				return
			}
			rememberModel(path)
			var note string
			switch m := m.(type) {
			case *models.Autoencoder:
				s.opened = m
				s.modelChanged()
				s.setStatus("Opened "+name+": "+modelSummary(m, "; "), widget.SuccessImportance)
				note = "It is now the current model: the Latent space, Photo and Anomaly tabs and Export use it."
			case *models.GAN:
				s.tabs.Select(s.ganItem)
				if s.gan.run != nil {
					s.setStatus("Opened "+name+", a GAN, but one is training in the GAN tab: open it again after the run.", widget.WarningImportance)
					note = "A GAN is training in the GAN tab: open this one again after the run to use it."
					break
				}
				s.gan.show(name, m)
				c := m.Config()
				s.setStatus(fmt.Sprintf("Opened %s: %s GAN, z %d, %d×%d×%d images, %s steps; it is in the GAN tab.",
					name, c.Arch, c.Latent, c.Width, c.Height, c.Channels, formatInt(m.History.Steps)), widget.SuccessImportance)
				note = "It opens in the GAN tab: its samples are shown there, Continue trains it further."
			case *models.Classifier:
				c := m.Config()
				s.setStatus(fmt.Sprintf("%s is a classifier of %s (%d×%d×%d images): shown, not used by the studio.",
					name, plural(len(c.Classes), "class", "classes"), c.Width, c.Height, c.Channels), widget.MediumImportance)
				note = "The studio shows classifiers but does not use them."
			}
			s.showModelFacts(name, facts, note)
		})
	}()
}

// describeFile is what a model file holds, for the Open model dialog: its
// size and folder, then models.Describe's facts (the ONNX parts among them).
func describeFile(path string, m any) []models.Fact {
	where := filepath.Dir(path)
	if abs, err := filepath.Abs(where); err == nil {
		where = abs
	}
	if fi, err := os.Stat(path); err == nil {
		where = formatBytes(int(fi.Size())) + " in " + where
	}
	return append([]models.Fact{{Name: "file", Value: where}}, models.Describe(m)...)
}

// showModelFacts shows facts in a dialog: names on the left, values on
// the right (wrapped), and a note under them.
func (s *Studio) showModelFacts(title string, facts []models.Fact, note string) {
	grid := container.New(layout.NewFormLayout())
	for _, f := range facts {
		k := widget.NewLabelWithStyle(f.Name, fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
		v := widget.NewLabel(f.Value)
		v.Wrapping = fyne.TextWrapWord
		grid.Add(k)
		grid.Add(v)
	}
	content := fyne.CanvasObject(grid)
	if note != "" {
		n := widget.NewLabel(note)
		n.Wrapping = fyne.TextWrapWord
		n.TextStyle.Italic = true
		content = container.NewVBox(grid, widget.NewSeparator(), n)
	}
	d := dialog.NewCustom(title, "Close", content, s.win)
	width := min(720, s.win.Canvas().Size().Width-80)
	// Lay the wrapped labels out at that width first, so that their height,
	// and so the dialog's, is known.
	d.Resize(fyne.NewSize(width, 0))
	d.Resize(fyne.NewSize(width, d.MinSize().Height))
	d.Show()
}

// Opened is the model last opened from a file, nil before one is.
func (s *Studio) Opened() *models.Autoencoder { return s.opened }

// modelSummary says what a model file holds, its lines joined by sep.
func modelSummary(ae *models.Autoencoder, sep string) string {
	c, h := ae.Config(), ae.History
	shape := fmt.Sprintf("%s %s autoencoder, encoder %v → code %d, decoder mirrored", c.Task, c.Arch, c.Layers, c.CodeSize())
	if c.Arch == models.ArchResidual {
		shape = fmt.Sprintf("%s residual model: %d conv layers %v predict the noise; photos of any size", c.Task, len(c.Layers)+1, c.Layers)
	}
	lines := []string{
		shape,
		fmt.Sprintf("input %d×%d×%d, loss %s, %s parameters", c.Width, c.Height, c.Channels, c.Loss, formatInt(ae.ParamCount())),
		fmt.Sprintf("trained %s (%s steps), train loss %.4f, validation loss %.4f",
			plural(h.Epochs, "epoch", "epochs"), formatInt(h.Steps), h.TrainLoss, h.ValLoss),
	}
	if h.Data != "" {
		lines = append(lines, "on "+h.Data)
	}
	return strings.Join(lines, sep)
}
