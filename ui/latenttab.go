package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latentstudio/models"
)

// latentTab is the "Latent space" tab: the explorer over the current model
// (the training run's latest snapshot, else the model last opened) and the
// loaded images, with a button to look again while a model trains.
type latentTab struct {
	s        *Studio
	explorer *LatentExplorer
	note     *widget.Label
	view     fyne.CanvasObject
}

func newLatentTab(s *Studio) *latentTab {
	t := &latentTab{s: s, explorer: NewLatentExplorer(s.post), note: widget.NewLabel("")}
	t.note.Wrapping = fyne.TextWrapWord
	refresh := widget.NewButtonWithIcon("Refresh", theme.ViewRefreshIcon(), t.refresh)
	t.view = container.NewBorder(container.NewBorder(nil, nil, nil, refresh, t.note), nil, nil, nil, t.explorer)
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

// refresh encodes the loaded images with the current model again.
func (t *latentTab) refresh() {
	s := t.s
	ae := s.currentModel()
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
		t.note.SetText(fmt.Sprintf("A %s %s model has no latent space to explore: use it in the Photo tab.", c.Task, c.Arch))
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
	if s.ds.Len() > 2000 {
		which = "2,000 of the " + formatInt(s.ds.Len()) + " images"
	}
	t.note.SetText(fmt.Sprintf("Codes of %s, from the model at step %s. Tap a point to see its image and reconstruction.",
		which, formatInt(ae.History.Steps)))
	t.explorer.SetData(ae, s.ds)
}
