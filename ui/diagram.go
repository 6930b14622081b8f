package ui

import (
	"image/color"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latentstudio/models"
)

// LayerDiagram draws an autoencoder's stages as bars whose heights grow
// with the number of values there (square root, so a 784-wide input and a
// 2-wide code both stay visible): the hourglass of encoder, code and
// mirrored decoder, with each stage's shape written under its bar.
type LayerDiagram struct {
	widget.BaseWidget
	layers []models.LayerInfo
}

// NewLayerDiagram returns an empty diagram.
func NewLayerDiagram() *LayerDiagram {
	d := &LayerDiagram{}
	d.ExtendBaseWidget(d)
	return d
}

// SetLayout shows the stages of a model (nil clears the diagram).
func (d *LayerDiagram) SetLayout(layers []models.LayerInfo) {
	d.layers = layers
	d.Refresh()
}

// Layers returns the stages shown.
func (d *LayerDiagram) Layers() []models.LayerInfo { return d.layers }

func (d *LayerDiagram) CreateRenderer() fyne.WidgetRenderer {
	r := &diagramRenderer{d: d}
	r.Refresh()
	return r
}

type diagramRenderer struct {
	d      *LayerDiagram
	bars   []*canvas.Rectangle
	labels []*canvas.Text
}

const diagramMinHeight = 64

func (r *diagramRenderer) MinSize() fyne.Size { return fyne.NewSize(200, diagramMinHeight) }

func (r *diagramRenderer) Layout(size fyne.Size) {
	n := len(r.bars)
	if n == 0 {
		return
	}
	labelH := r.labels[0].MinSize().Height
	barArea := size.Height - labelH - 2
	slot := size.Width / float32(n)
	barW := min(slot*0.6, 28)
	maxV := 1.0
	for _, l := range r.d.layers {
		maxV = max(maxV, math.Sqrt(float64(l.Values)))
	}
	for i, b := range r.bars {
		h := float32(math.Sqrt(float64(r.d.layers[i].Values))/maxV) * barArea
		h = max(h, 3)
		x := slot*float32(i) + (slot-barW)/2
		b.Resize(fyne.NewSize(barW, h))
		b.Move(fyne.NewPos(x, (barArea-h)/2))
		t := r.labels[i]
		ts := t.MinSize()
		t.Resize(ts)
		t.Move(fyne.NewPos(slot*float32(i)+(slot-ts.Width)/2, barArea+2))
	}
}

func (r *diagramRenderer) Refresh() {
	th := r.d.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	roleColor := map[string]color.Color{
		"input":   th.Color(theme.ColorNameDisabled, v),
		"output":  th.Color(theme.ColorNameDisabled, v),
		"encoder": th.Color(theme.ColorNamePrimary, v),
		"code":    th.Color(theme.ColorNameWarning, v),
		"decoder": th.Color(theme.ColorNameSuccess, v),
	}
	r.bars, r.labels = r.bars[:0], r.labels[:0]
	for _, l := range r.d.layers {
		r.bars = append(r.bars, canvas.NewRectangle(roleColor[l.Role]))
		t := canvas.NewText(l.Shape, th.Color(theme.ColorNameForeground, v))
		t.TextSize = th.Size(theme.SizeNameCaptionText)
		r.labels = append(r.labels, t)
	}
	r.Layout(r.d.Size())
	canvas.Refresh(r.d)
}

func (r *diagramRenderer) Objects() []fyne.CanvasObject {
	objs := make([]fyne.CanvasObject, 0, 2*len(r.bars))
	for i := range r.bars {
		objs = append(objs, r.bars[i], r.labels[i])
	}
	return objs
}

func (r *diagramRenderer) Destroy() {}
