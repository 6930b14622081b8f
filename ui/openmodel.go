package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
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

// OpenModel loads a model file in the background, validating it, and shows
// what it holds; it becomes the studio's current model.
func (s *Studio) OpenModel(path string) {
	s.setStatus("Opening "+filepath.Base(path)+"…", widget.MediumImportance)
	go func() {
		ae, err := models.Load(path)
		s.post(func() {
			if err != nil {
				s.setStatus("Could not open the model: "+err.Error(), widget.DangerImportance)
				return
			}
			s.opened = ae
			rememberModel(path)
			s.modelChanged()
			s.setStatus("Opened "+filepath.Base(path)+": "+modelSummary(ae, "; "), widget.SuccessImportance)
			dialog.ShowInformation(filepath.Base(path), modelSummary(ae, "\n"), s.win)
		})
	}()
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
