package ui

import (
	"image"
	"image/color"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latentstudio/imageops"
	"latentstudio/models"
)

// maxGANGrids bounds the sample grids a ganGrid keeps for its slider.
const maxGANGrids = 100

// ganGrid shows a GAN's fixed-noise samples (a models.Preview's Output) as
// one pixel-scaled mosaic. It keeps the grids of the run (every other one
// is dropped when there are more than maxGANGrids, so older steps grow
// sparser) and its slider goes back through them; new grids are shown as they arrive unless the slider was moved
// back. Tapping two samples picks them (for interpolation).
//
// Use it on the UI goroutine only.
type ganGrid struct {
	widget.BaseWidget

	history []*models.Preview
	shown   int
	mosaic  *image.NRGBA // of history[shown]
	cols    int
	picked  []int // sample indices, at most two

	slider *widget.Slider
	at     *widget.Label // "step N" beside the slider

	// OnShown is called when another grid is shown (or none).
	OnShown func()
	// OnPicked is called when a second sample is picked.
	OnPicked func(a, b int)
}

// ganCellGap is the gap of the mosaic between samples, in image pixels.
const ganCellGap = 1

func newGANGrid() *ganGrid {
	g := &ganGrid{slider: widget.NewSlider(0, 1), at: widget.NewLabel("")}
	g.ExtendBaseWidget(g)
	g.slider.Step = 1
	g.slider.OnChanged = func(v float64) { g.showIndex(int(math.Round(v))) }
	g.at.SizeName = theme.SizeNameCaptionText
	g.sync()
	return g
}

// reset forgets every grid and pick.
func (g *ganGrid) reset() {
	g.history, g.shown, g.mosaic, g.picked = nil, 0, nil, nil
	g.sync()
	g.Refresh()
	g.shownChanged()
}

func (g *ganGrid) shownChanged() {
	if g.OnShown != nil {
		g.OnShown()
	}
}

// add keeps p and shows it if the newest grid was shown, else stays on the
// grid shown (or its neighbour, when thinning dropped it).
func (g *ganGrid) add(p *models.Preview) {
	follow := g.shown >= len(g.history)-1
	g.history = append(g.history, p)
	if len(g.history) > maxGANGrids {
		// Every other grid goes; the newest stays.
		kept := g.history[:0]
		for i, h := range g.history {
			if i%2 == 0 || i == len(g.history)-1 {
				kept = append(kept, h)
			}
		}
		clear(g.history[len(kept):])
		g.history = kept
		g.shown /= 2
	}
	if follow {
		g.shown = len(g.history) - 1
	}
	g.showIndex(g.shown)
}

// showIndex shows grid i of the history (0 is the oldest).
func (g *ganGrid) showIndex(i int) {
	if len(g.history) == 0 {
		return
	}
	g.shown = min(max(i, 0), len(g.history)-1)
	p := g.history[g.shown]
	g.cols = int(math.Ceil(math.Sqrt(float64(len(p.Output)))))
	g.mosaic = sampleMosaic(p.Output, p, g.cols)
	g.sync()
	g.Refresh()
	g.shownChanged()
}

// sampleMosaic lays images out cols to a row.
func sampleMosaic(imgs [][]float32, p *models.Preview, cols int) *image.NRGBA {
	var rows [][]image.Image
	for i, v := range imgs {
		if i%cols == 0 {
			rows = append(rows, nil)
		}
		rows[len(rows)-1] = append(rows[len(rows)-1], imageops.ToImage(v, p.Width, p.Height, p.Channels))
	}
	return imageops.Montage(rows, 0, ganCellGap, color.Gray{0x30})
}

// sync sets the slider and its label without calling OnChanged.
func (g *ganGrid) sync() {
	n := len(g.history)
	g.slider.Min, g.slider.Max, g.slider.Value = 0, float64(max(n-1, 1)), float64(g.shown)
	g.slider.Refresh()
	if n > 1 {
		g.slider.Show()
	} else {
		g.slider.Hide()
	}
	g.at.SetText("")
	if p := g.preview(); p != nil {
		g.at.SetText("step " + formatInt(p.Step))
	}
}

// preview is the grid shown, or nil.
func (g *ganGrid) preview() *models.Preview {
	if len(g.history) == 0 {
		return nil
	}
	return g.history[g.shown]
}

// Tapped picks the sample under the pointer: a first, then a second
// (which calls OnPicked), then a first again.
func (g *ganGrid) Tapped(e *fyne.PointEvent) {
	i := g.sampleAt(e.Position)
	if i < 0 {
		return
	}
	if len(g.picked) == 2 {
		g.picked = nil
	}
	if len(g.picked) == 1 && g.picked[0] == i {
		return
	}
	g.picked = append(g.picked, i)
	g.Refresh()
	if len(g.picked) == 2 && g.OnPicked != nil {
		g.OnPicked(g.picked[0], g.picked[1])
	}
}

// box is where the mosaic is drawn in a widget of the given size: its top
// left corner and widget units per mosaic pixel.
func (g *ganGrid) box(size fyne.Size) (fyne.Position, float32) {
	if g.mosaic == nil {
		return fyne.Position{}, 0
	}
	w, h := float32(g.mosaic.Rect.Dx()), float32(g.mosaic.Rect.Dy())
	scale := max(min(size.Width/w, size.Height/h), 0)
	return fyne.NewPos((size.Width-w*scale)/2, (size.Height-h*scale)/2), scale
}

// cell is the position and side of sample i in a widget of the given size.
func (g *ganGrid) cell(i int, size fyne.Size) (fyne.Position, float32) {
	pos, scale := g.box(size)
	p := g.preview()
	side := float32(max(p.Width, p.Height))
	x := ganCellGap + float32(i%g.cols)*(side+ganCellGap)
	y := ganCellGap + float32(i/g.cols)*(side+ganCellGap)
	return pos.AddXY(x*scale, y*scale), side * scale
}

// sampleAt is the index of the sample at pos, or -1.
func (g *ganGrid) sampleAt(pos fyne.Position) int {
	p := g.preview()
	if p == nil {
		return -1
	}
	at, scale := g.box(g.Size())
	if scale <= 0 {
		return -1
	}
	side := float32(max(p.Width, p.Height)) + ganCellGap
	col := int((pos.X - at.X) / scale / side)
	row := int((pos.Y - at.Y) / scale / side)
	i := row*g.cols + col
	if pos.X < at.X || pos.Y < at.Y || col >= g.cols || i >= len(p.Output) {
		return -1
	}
	return i
}

// Picked returns the samples picked, at most two.
func (g *ganGrid) Picked() []int { return append([]int(nil), g.picked...) }

// Image is the mosaic shown, nil before the first grid.
func (g *ganGrid) Image() image.Image {
	if g.mosaic == nil {
		return nil
	}
	return g.mosaic
}

// CreateRenderer implements fyne.Widget.
func (g *ganGrid) CreateRenderer() fyne.WidgetRenderer {
	r := &ganGridRenderer{g: g, img: canvas.NewImageFromImage(nil)}
	r.img.ScaleMode = canvas.ImageScalePixels
	r.empty = canvas.NewText("The generator's samples appear here while a GAN trains", color.Black)
	r.empty.Alignment = fyne.TextAlignCenter
	for i := range r.marks {
		r.marks[i] = canvas.NewRectangle(color.Transparent)
		r.marks[i].StrokeWidth = 2
	}
	r.Refresh()
	return r
}

type ganGridRenderer struct {
	g     *ganGrid
	img   *canvas.Image
	empty *canvas.Text
	marks [2]*canvas.Rectangle // around the picked samples
}

func (r *ganGridRenderer) Destroy() {}

func (r *ganGridRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.img, r.empty, r.marks[0], r.marks[1]}
}

func (r *ganGridRenderer) MinSize() fyne.Size { return fyne.NewSquareSize(160) }

func (r *ganGridRenderer) Refresh() {
	th := r.g.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	r.empty.Color = th.Color(theme.ColorNamePlaceHolder, v)
	r.empty.TextSize = th.Size(theme.SizeNameCaptionText)
	r.empty.Hidden = r.g.mosaic != nil
	r.img.Image = r.g.Image()
	for i, m := range r.marks {
		m.StrokeColor = th.Color(theme.ColorNamePrimary, v)
		if i == 1 {
			m.StrokeColor = th.Color(theme.ColorNameWarning, v)
		}
	}
	r.Layout(r.g.Size())
	r.img.Refresh()
	r.empty.Refresh()
	for _, m := range r.marks {
		m.Refresh()
	}
}

func (r *ganGridRenderer) Layout(size fyne.Size) {
	pos, scale := r.g.box(size)
	if m := r.g.mosaic; m != nil {
		r.img.Move(pos)
		r.img.Resize(fyne.NewSize(float32(m.Rect.Dx())*scale, float32(m.Rect.Dy())*scale))
	}
	r.empty.Move(fyne.NewPos(0, size.Height/2-r.empty.MinSize().Height/2))
	r.empty.Resize(fyne.NewSize(size.Width, r.empty.MinSize().Height))
	for i, m := range r.marks {
		m.Hidden = i >= len(r.g.picked) || r.g.mosaic == nil
		if !m.Hidden {
			at, side := r.g.cell(r.g.picked[i], size)
			m.Move(at.SubtractXY(1, 1))
			m.Resize(fyne.NewSquareSize(side + 2))
		}
	}
}

// newest is the latest grid kept, or nil.
func (g *ganGrid) newest() *models.Preview {
	if len(g.history) == 0 {
		return nil
	}
	return g.history[len(g.history)-1]
}
