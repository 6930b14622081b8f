package ui

import (
	"image"
	"image/color"
	"math"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latentstudio/imageops"
	"latentstudio/models"
)

// PreviewGrid shows a models.Preview: one row per held-out image, with the
// columns original | input | reconstruction, pixel-scaled. The input column
// is shown only when it differs from the original (the denoise task), since
// for plain reconstruction it would repeat the first column. When the area
// is wide the rows are laid out in several side-by-side groups so the
// images are as large as possible.
//
// The grid keeps a history of the previews of a run (AddPreview; at most
// maxPreviewHistory, thinned evenly when there are more) and a slider under
// the images scrubs back through them, all rows at once. While previews
// arrive the grid follows the newest one, unless the slider has been moved
// back: it then stays on the chosen step until moved to the end again.
//
// Use it on the UI goroutine only.
type PreviewGrid struct {
	widget.BaseWidget

	step    int
	headers []string
	images  [][]image.Image // [column][row]

	history  []*models.Preview // oldest first
	ordinals []int             // of each history entry: its place in the run's previews
	seen     int               // previews added since the history was reset
	stride   int               // the history keeps every stride-th preview
	shown    int               // index into history of the preview shown
	follow   bool              // show each new preview as it arrives
	slider   *widget.Slider    // scrubs through history
	at       *widget.Label     // "step N" beside the slider
}

// maxPreviewHistory bounds the previews a grid keeps.
const maxPreviewHistory = 200

// NewPreviewGrid returns an empty grid.
func NewPreviewGrid() *PreviewGrid {
	g := &PreviewGrid{follow: true}
	g.ExtendBaseWidget(g)
	g.slider = widget.NewSlider(0, 1)
	g.slider.Step = 1
	g.slider.OnChanged = func(v float64) { g.scrubTo(int(math.Round(v))) }
	g.at = widget.NewLabel("")
	g.at.SizeName = theme.SizeNameCaptionText
	g.syncSlider()
	return g
}

// SetPreview shows p alone, dropping the history (nil clears the grid).
func (g *PreviewGrid) SetPreview(p *models.Preview) {
	g.history, g.ordinals, g.shown, g.follow = nil, nil, 0, true
	if p != nil {
		g.AddPreview(p)
		return
	}
	g.syncSlider()
	g.show(p)
}

// AddPreview adds p to the history. The grid shows it unless the slider
// has been moved back from the newest preview.
//
// The history keeps every stride-th preview of the run plus the newest
// (and the one shown while scrubbed back); when it outgrows
// maxPreviewHistory the stride doubles, so the steps kept stay evenly
// spaced however long the run.
func (g *PreviewGrid) AddPreview(p *models.Preview) {
	if p == nil {
		return
	}
	if len(g.history) == 0 {
		g.follow, g.seen, g.stride, g.ordinals = true, 0, 1, nil
	}
	var pinned *models.Preview // the preview shown while scrubbed back
	if !g.follow && g.shown < len(g.history) {
		pinned = g.history[g.shown]
	}
	keep := func(i int) bool { return g.ordinals[i]%g.stride == 0 || g.history[i] == pinned }
	// The newest entry was kept only because it was the newest.
	if n := len(g.history); n > 1 && !keep(n-1) {
		g.history, g.ordinals = g.history[:n-1], g.ordinals[:n-1]
	}
	g.history = append(g.history, p)
	g.ordinals = append(g.ordinals, g.seen)
	g.seen++
	for len(g.history) > maxPreviewHistory {
		g.stride *= 2
		h, o := g.history[:0], g.ordinals[:0]
		for i := range g.history {
			if keep(i) || i == len(g.history)-1 {
				h, o = append(h, g.history[i]), append(o, g.ordinals[i])
			}
		}
		clear(g.history[len(h):])
		g.history, g.ordinals = h, o
	}
	if g.follow {
		g.shown = len(g.history) - 1
		g.syncSlider()
		g.show(p)
		return
	}
	g.shown = slices.Index(g.history, pinned)
	g.syncSlider()
	g.Refresh() // the title says how far the history goes
}

// History returns the steps of the previews kept, oldest first.
func (g *PreviewGrid) History() []int {
	steps := make([]int, len(g.history))
	for i, p := range g.history {
		steps[i] = p.Step
	}
	return steps
}

// Following reports whether the grid shows each new preview as it arrives
// (false after the slider was moved back).
func (g *PreviewGrid) Following() bool { return g.follow }

// ShowIndex shows the i-th preview of the history (0 is the oldest), as if
// the slider were moved there.
func (g *PreviewGrid) ShowIndex(i int) {
	g.slider.SetValue(float64(i))
	g.scrubTo(i) // in case the slider was there already
}

// Slider is the history slider under the images.
func (g *PreviewGrid) Slider() *widget.Slider { return g.slider }

// scrubTo shows history entry i; the grid follows new previews again when
// i is the newest.
func (g *PreviewGrid) scrubTo(i int) {
	if len(g.history) == 0 {
		return
	}
	i = min(max(i, 0), len(g.history)-1)
	g.follow = i == len(g.history)-1
	if i == g.shown && g.step == g.history[i].Step {
		g.syncSlider()
		g.Refresh()
		return
	}
	g.shown = i
	g.syncSlider()
	g.show(g.history[i])
}

// syncSlider sets the slider's range and position and its label without
// calling OnChanged.
func (g *PreviewGrid) syncSlider() {
	n := len(g.history)
	g.slider.Min, g.slider.Max = 0, float64(max(n-1, 1))
	g.slider.Value = float64(min(g.shown, max(n-1, 0)))
	g.slider.Refresh()
	if n > 0 {
		g.at.SetText("step " + formatInt(g.history[min(g.shown, n-1)].Step))
	} else {
		g.at.SetText("")
	}
}

// show converts p into the images shown.
func (g *PreviewGrid) show(p *models.Preview) {
	g.headers, g.images, g.step = nil, nil, 0
	if p != nil && p.Width > 0 && p.Height > 0 && p.Channels > 0 {
		g.step = p.Step
		out := "reconstruction"
		cols := [][][]float32{p.Original}
		g.headers = []string{"original"}
		if !sameImages(p.Input, p.Original) {
			cols = append(cols, p.Input)
			g.headers = append(g.headers, "noisy input")
			out = "denoised"
		}
		cols = append(cols, p.Output)
		g.headers = append(g.headers, out)
		rows := len(p.Original)
		for _, c := range cols {
			rows = min(rows, len(c))
		}
		for _, c := range cols {
			imgs := make([]image.Image, rows)
			for i := range rows {
				imgs[i] = imageops.ToImage(clamp01(c[i]), p.Width, p.Height, p.Channels)
			}
			g.images = append(g.images, imgs)
		}
	}
	g.Refresh()
}

// Step is the training step of the preview shown (0 when empty).
func (g *PreviewGrid) Step() int { return g.step }

// Columns returns the column headers shown, left to right.
func (g *PreviewGrid) Columns() []string { return slices.Clone(g.headers) }

// Rows is the number of images per column.
func (g *PreviewGrid) Rows() int {
	if len(g.images) == 0 {
		return 0
	}
	return len(g.images[0])
}

// Image returns the image shown in column col, row row, or nil.
func (g *PreviewGrid) Image(col, row int) image.Image {
	if col < 0 || col >= len(g.images) || row < 0 || row >= len(g.images[col]) {
		return nil
	}
	return g.images[col][row]
}

func sameImages(a, b [][]float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !slices.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

// clamp01 returns v with every value clamped to [0,1] (noisy inputs leave
// the range) without touching the caller's slice.
func clamp01(v []float32) []float32 {
	out := v
	for i, x := range v {
		if x >= 0 && x <= 1 {
			continue
		}
		if &out[0] == &v[0] {
			out = slices.Clone(v)
		}
		if x < 0 || math.IsNaN(float64(x)) {
			out[i] = 0
		} else {
			out[i] = 1
		}
	}
	return out
}

// CreateRenderer implements fyne.Widget.
func (g *PreviewGrid) CreateRenderer() fyne.WidgetRenderer {
	r := &previewRenderer{grid: g}
	r.title = canvas.NewText("Preview", color.Black)
	r.title.TextStyle.Bold = true
	r.step = canvas.NewText("", color.Black)
	r.step.Alignment = fyne.TextAlignTrailing
	r.empty = canvas.NewText("Held-out images and their reconstructions appear here", color.Black)
	r.empty.Alignment = fyne.TextAlignCenter
	r.Refresh()
	return r
}

// scrubbing reports whether the history slider is shown.
func (g *PreviewGrid) scrubbing() bool { return len(g.history) > 1 }

type previewRenderer struct {
	grid *PreviewGrid

	title, step, empty *canvas.Text
	headers            []*canvas.Text  // [group*cols + col]
	cells              []*canvas.Image // [col*rows + row]
	groups             int
	objects            []fyne.CanvasObject
}

func (r *previewRenderer) Destroy() {}

func (r *previewRenderer) Objects() []fyne.CanvasObject { return r.objects }

func (r *previewRenderer) MinSize() fyne.Size {
	th := r.grid.Theme()
	t := th.Size(theme.SizeNameText)
	return fyne.NewSize(16*t, 8*t)
}

func (r *previewRenderer) Refresh() {
	g := r.grid
	th := g.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	fg := th.Color(theme.ColorNameForeground, v)
	dim := th.Color(theme.ColorNamePlaceHolder, v)
	text := th.Size(theme.SizeNameText)
	small := th.Size(theme.SizeNameCaptionText)
	r.title.Color, r.title.TextSize = fg, text
	r.empty.Color, r.empty.TextSize = dim, text
	r.step.Color, r.step.TextSize = dim, small
	r.step.Text = ""
	if g.step > 0 {
		r.step.Text = "at step " + formatInt(g.step)
		if !g.follow && len(g.history) > 0 {
			r.step.Text += " · latest " + formatInt(g.history[len(g.history)-1].Step)
		}
	}
	r.empty.Hidden = len(g.images) > 0

	cols, rows := len(g.images), g.Rows()
	for len(r.cells) < cols*rows {
		img := canvas.NewImageFromImage(nil)
		img.ScaleMode = canvas.ImageScalePixels
		img.FillMode = canvas.ImageFillContain
		r.cells = append(r.cells, img)
	}
	r.cells = r.cells[:cols*rows]
	for c := range cols {
		for i := range rows {
			cell := r.cells[c*rows+i]
			cell.Image = g.images[c][i]
			cell.Refresh()
		}
	}
	r.Layout(g.Size())
}

// layoutGroups picks how many side-by-side groups of rows make the cells
// largest in the given area, and returns it with the cell side.
func layoutGroups(area fyne.Size, rows, cols int, headerH, gap, groupGap float32) (groups int, cell float32) {
	groups = 1
	for n := 1; n <= max(rows, 1); n++ {
		perGroup := (rows + n - 1) / n
		if n > 1 && (rows+perGroup-1)/perGroup < n {
			continue // fewer groups would hold the same rows
		}
		wCell := (area.Width - float32(n-1)*groupGap - float32(n*cols-n)*gap) / float32(n*cols)
		hCell := (area.Height - headerH - float32(perGroup-1)*gap) / float32(perGroup)
		if c := min(wCell, hCell); c > cell {
			groups, cell = n, c
		}
	}
	return groups, max(cell, 0)
}

func (r *previewRenderer) Layout(size fyne.Size) {
	g := r.grid
	th := g.Theme()
	pad := th.Size(theme.SizeNamePadding)
	small := th.Size(theme.SizeNameCaptionText)

	ts := r.title.MinSize()
	r.title.Move(fyne.NewPos(pad, pad))
	r.title.Resize(ts)
	ss := r.step.MinSize()
	r.step.Move(fyne.NewPos(size.Width-pad-ss.Width, pad+(ts.Height-ss.Height)/2))
	r.step.Resize(ss)

	top := pad + ts.Height + pad
	area := fyne.NewSize(size.Width-2*pad, size.Height-top-pad)

	// The history slider along the bottom, "step N" on its left.
	g.slider.Hidden = !g.scrubbing()
	g.at.Hidden = g.slider.Hidden
	if g.scrubbing() {
		sh := max(g.slider.MinSize().Height, g.at.MinSize().Height)
		// Room for the label of the newest step, so the slider does not
		// jump as the label changes.
		widest := fyne.MeasureText("step "+formatInt(g.history[len(g.history)-1].Step), small, fyne.TextStyle{})
		lw := max(g.at.MinSize().Width, widest.Width+2*th.Size(theme.SizeNameInnerPadding))
		y := size.Height - pad/2 - sh
		g.at.Move(fyne.NewPos(pad/2, y+(sh-g.at.MinSize().Height)/2))
		g.at.Resize(fyne.NewSize(lw, g.at.MinSize().Height))
		g.slider.Move(fyne.NewPos(pad/2+lw, y+(sh-g.slider.MinSize().Height)/2))
		g.slider.Resize(fyne.NewSize(max(size.Width-pad-lw, 0), g.slider.MinSize().Height))
		area.Height -= sh
	}
	es := r.empty.MinSize()
	r.empty.Move(fyne.NewPos(pad, top+area.Height/2-es.Height))
	r.empty.Resize(fyne.NewSize(area.Width, es.Height))

	cols, rows := len(g.images), g.Rows()
	gap := pad / 2
	groupGap := 4 * pad
	hdrSample := canvas.NewText("Mg", color.Black)
	hdrSample.TextSize = small
	headerH := hdrSample.MinSize().Height + gap
	groups, cell := layoutGroups(area, rows, cols, headerH, gap, groupGap)
	perGroup := 1
	if rows > 0 {
		perGroup = (rows + groups - 1) / groups
		groups = (rows + perGroup - 1) / perGroup
	}

	// Headers: one set per group.
	fg := th.Color(theme.ColorNamePlaceHolder, fyne.CurrentApp().Settings().ThemeVariant())
	n := 0
	if rows > 0 {
		n = groups * cols
	}
	for len(r.headers) < n {
		t := canvas.NewText("", color.Black)
		t.Alignment = fyne.TextAlignCenter
		r.headers = append(r.headers, t)
	}
	r.headers = r.headers[:n]

	groupW := float32(cols)*cell + float32(cols-1)*gap
	totalW := float32(groups)*groupW + float32(groups-1)*groupGap
	left := pad + (area.Width-totalW)/2
	for gi := range groups {
		gx := left + float32(gi)*(groupW+groupGap)
		for c := range cols {
			h := r.headers[gi*cols+c]
			h.Text, h.TextSize, h.Color = g.headers[c], small, fg
			h.Refresh()
			x := gx + float32(c)*(cell+gap)
			w := max(cell, h.MinSize().Width)
			h.Move(fyne.NewPos(x+cell/2-w/2, top))
			h.Resize(fyne.NewSize(w, headerH-gap))
		}
	}
	for c := range cols {
		for i := range rows {
			gi, row := i/perGroup, i%perGroup
			x := left + float32(gi)*(groupW+groupGap) + float32(c)*(cell+gap)
			y := top + headerH + float32(row)*(cell+gap)
			img := r.cells[c*rows+i]
			img.Move(fyne.NewPos(x, y))
			img.Resize(fyne.NewSquareSize(cell))
		}
	}

	r.objects = r.objects[:0]
	r.objects = append(r.objects, r.title, r.step, r.empty, g.at, g.slider)
	for _, h := range r.headers {
		r.objects = append(r.objects, h)
	}
	for _, c := range r.cells {
		r.objects = append(r.objects, c)
	}
	r.groups = groups
}
