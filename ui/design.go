package ui

import (
	"fmt"

	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// settingsChanged runs when the form or the data change: it checks the
// settings and redraws the model's diagram and its memory estimate.
func (s *Studio) settingsChanged() {
	s.validate()
	s.showDesign()
}

// showDesign draws the planned model's layers, or nothing when the
// settings do not make a model.
func (s *Studio) showDesign() {
	if s.ds == nil {
		s.diagram.SetLayout(nil)
		s.memory.SetText("")
		return
	}
	p, err := s.form.plan(s.ds, s.dsLo, s.dsHi)
	if err != nil {
		s.diagram.SetLayout(nil)
		s.memory.SetText("")
		return
	}
	s.diagram.SetLayout(p.cfg.Layout())
	mib := float64(p.cfg.MemoryEstimate(p.opts.Batch)) / (1 << 20)
	s.memory.SetText(fmt.Sprintf("about %.0f MiB to train at batch %d (weights, gradients, Adam, activations)", max(mib, 1), p.opts.Batch))
}

// newMemoryLabel is the caption under the diagram.
func newMemoryLabel() *widget.Label {
	l := widget.NewLabel("")
	l.SizeName = theme.SizeNameCaptionText
	return l
}
