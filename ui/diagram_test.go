package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"latentstudio/models"
)

func TestLayerDiagramDrawsTheHourglass(t *testing.T) {
	test.NewTempApp(t)
	d := NewLayerDiagram()
	cfg := models.Config{Arch: models.ArchDense, Width: 28, Height: 28, Channels: 1, Layers: []int{256}, Code: 4}
	d.SetLayout(cfg.Layout())
	w := test.NewWindow(d)
	defer w.Close()
	w.Resize(fyne.NewSize(300, 120))
	var bars []*canvas.Rectangle
	var texts []string
	for _, o := range test.WidgetRenderer(d).Objects() {
		switch x := o.(type) {
		case *canvas.Rectangle:
			bars = append(bars, x)
		case *canvas.Text:
			texts = append(texts, x.Text)
		}
	}
	if len(bars) != 5 || len(texts) != 5 || texts[0] != "1×28×28" || texts[2] != "4" || texts[3] != "256" {
		t.Fatalf("%d bars, labels %v", len(bars), texts)
	}
	// Input and output bars are equal and the tallest; the code bar is the shortest.
	h := func(i int) float32 { return bars[i].Size().Height }
	if h(0) != h(4) || h(1) != h(3) || !(h(0) > h(1) && h(1) > h(2)) {
		t.Errorf("bar heights %v %v %v %v %v", h(0), h(1), h(2), h(3), h(4))
	}
}
