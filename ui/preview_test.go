package ui

import (
	"image/color"
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"latentstudio/models"
)

// ramp returns a w*h gray image whose values rise with the index, shifted
// by off and clamped to [0,1].
func ramp(w, h int, off float32) []float32 {
	v := make([]float32, w*h)
	for i := range v {
		v[i] = min(max(float32(i)/float32(len(v))+off, 0), 1)
	}
	return v
}

func TestPreviewGridReconstruct(t *testing.T) {
	test.NewTempApp(t)
	g := NewPreviewGrid()
	w := test.NewTempWindow(t, g)
	w.Resize(fyne.NewSize(600, 300))
	if g.Rows() != 0 || !containsText(visibleTexts(g), "appear here") {
		t.Fatal("an empty grid should show its placeholder and no rows")
	}

	p := &models.Preview{Step: 120, Width: 4, Height: 3, Channels: 1}
	for i := 0; i < 6; i++ {
		orig := ramp(4, 3, float32(i)/10)
		p.Original = append(p.Original, orig)
		p.Input = append(p.Input, orig)
		p.Output = append(p.Output, ramp(4, 3, -0.5)) // includes values clamped to 0
	}
	p.Output[0][0] = 1.7 // out of range: shown clamped, not wrapped
	g.SetPreview(p)

	if got := g.Columns(); !slices.Equal(got, []string{"original", "reconstruction"}) {
		t.Errorf("columns = %q; the input column should be hidden when it equals the original", got)
	}
	if g.Rows() != 6 || g.Step() != 120 {
		t.Errorf("rows = %d, step = %d; want 6, 120", g.Rows(), g.Step())
	}
	img := g.Image(0, 2)
	if img == nil || img.Bounds().Dx() != 4 || img.Bounds().Dy() != 3 {
		t.Fatalf("image (0,2) = %v", img)
	}
	// Pixel 5 of row 2: value 5/12 + 0.2.
	v := float32(5)/12 + 0.2
	want := uint8(v*255 + 0.5)
	if got := color.GrayModel.Convert(img.At(1, 1)).(color.Gray).Y; int(got)-int(want) > 1 || int(want)-int(got) > 1 {
		t.Errorf("pixel (1,1) of original row 2 = %d, want about %d", got, want)
	}
	if got := color.GrayModel.Convert(g.Image(1, 0).At(0, 0)).(color.Gray).Y; got != 255 {
		t.Errorf("an output value of 1.7 shows as %d, want 255", got)
	}
	if p.Output[0][0] != 1.7 {
		t.Error("SetPreview modified the caller's preview")
	}
	if g.Image(2, 0) != nil || g.Image(0, 6) != nil {
		t.Error("Image out of range should be nil")
	}

	texts := visibleTexts(g)
	for _, s := range []string{"original", "reconstruction", "at step 120"} {
		if !containsText(texts, s) {
			t.Errorf("grid texts %q lack %q", texts, s)
		}
	}
	if n := visibleImages(g); n != 12 {
		t.Errorf("%d images drawn, want 12", n)
	}
	// 600x300 with 6 rows: side-by-side groups make the cells larger than
	// one tall column would.
	r := test.WidgetRenderer(g).(*previewRenderer)
	if r.groups < 2 {
		t.Errorf("laid out in %d group(s), want at least 2 in a wide area", r.groups)
	}
	var cell fyne.Size
	for _, o := range r.Objects() {
		if im, ok := o.(*canvas.Image); ok {
			cell = im.Size()
		}
	}
	if cell.Width < 40 || cell.Width != cell.Height {
		t.Errorf("cells are %v, want squares of at least 40", cell)
	}

	g.SetPreview(nil)
	if g.Rows() != 0 || visibleImages(g) != 0 {
		t.Error("SetPreview(nil) should clear the grid")
	}
}

func TestPreviewGridDenoiseRGB(t *testing.T) {
	test.NewTempApp(t)
	g := NewPreviewGrid()
	p := &models.Preview{Step: 3, Width: 2, Height: 2, Channels: 3}
	clean := []float32{1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0} // red
	noisy := []float32{0.9, 1.2, 0.8, 1, -0.1, 0.1, 0, 0, 0.2, 0, 0, 0}
	p.Original = [][]float32{clean}
	p.Input = [][]float32{noisy}
	p.Output = [][]float32{clean}
	g.SetPreview(p)
	if got := g.Columns(); !slices.Equal(got, []string{"original", "noisy input", "denoised"}) {
		t.Errorf("columns = %q", got)
	}
	c := color.NRGBAModel.Convert(g.Image(0, 0).At(0, 0)).(color.NRGBA)
	if c.R != 255 || c.G != 0 || c.B != 0 {
		t.Errorf("RGB pixel = %v, want red", c)
	}
}

func TestLayoutGroups(t *testing.T) {
	// Tall and narrow: one group; wide and short: several.
	if g, _ := layoutGroups(fyne.NewSize(200, 800), 8, 3, 20, 2, 16); g != 1 {
		t.Errorf("tall area: %d groups, want 1", g)
	}
	g, cell := layoutGroups(fyne.NewSize(800, 300), 8, 3, 20, 2, 16)
	if g < 2 {
		t.Errorf("wide area: %d groups, want at least 2", g)
	}
	if cell*float32((8+g-1)/g)+20 > 300+0.01 {
		t.Errorf("cells of %v with %d groups overflow the height", cell, g)
	}
	if _, cell := layoutGroups(fyne.NewSize(10, 10), 8, 3, 20, 2, 16); cell != 0 {
		t.Errorf("a tiny area gives cells of %v, want 0", cell)
	}
}
