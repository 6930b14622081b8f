package ui

import (
	"image"
	"image/color"
	"math"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"latentstudio/imageops"
	"latentstudio/models"
)

// decodeImage decodes one code with ae and converts it as the explorer does.
func decodeImage(t *testing.T, ae *models.Autoencoder, code []float32) image.Image {
	t.Helper()
	out, err := ae.Decode(code, 1)
	if err != nil {
		t.Fatal(err)
	}
	cfg := ae.Config()
	return imageops.ToImage(out, cfg.Width, cfg.Height, cfg.Channels)
}

// imagesNear reports whether a and b have the same size and pixels within
// one level per channel (the decoded values agree within 1e-4 or so).
func imagesNear(a, b image.Image) bool {
	if a == nil || b == nil || a.Bounds() != b.Bounds() {
		return false
	}
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			ca := color.NRGBAModel.Convert(a.At(x, y)).(color.NRGBA)
			cb := color.NRGBAModel.Convert(b.At(x, y)).(color.NRGBA)
			for _, d := range []int{int(ca.R) - int(cb.R), int(ca.G) - int(cb.G), int(ca.B) - int(cb.B), int(ca.A) - int(cb.A)} {
				if d > 1 || d < -1 {
					return false
				}
			}
		}
	}
	return true
}

func imagesEqual(a, b image.Image) bool {
	if a == nil || b == nil || a.Bounds() != b.Bounds() {
		return false
	}
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if color.NRGBAModel.Convert(a.At(x, y)) != color.NRGBAModel.Convert(b.At(x, y)) {
				return false
			}
		}
	}
	return true
}

func codesNear(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(float64(a[i]-b[i])) > 1e-4 {
			return false
		}
	}
	return true
}

// waitSliderImage moves a slider (on the test goroutine) and waits for the
// image decoded from the resulting code.
func waitSliderImage(t *testing.T, e *LatentExplorer, p latentPump, want func() []float32) image.Image {
	t.Helper()
	p.until(t, "the sliders' decoded image", time.Minute, func() bool {
		return e.SliderImage() != nil && codesNear(e.SliderCode(), want())
	})
	return e.SliderImage()
}

func TestLatentExplorerSlidersAndInterpolation(t *testing.T) {
	ds := latentDigits(t)
	ae := trainLatentModel(t, ds, 8)
	e, w, p := newLatentWindow(t)
	w.Resize(fyne.NewSize(660, 600))
	e.SetData(ae, ds)
	p.until(t, "the decoded grid", time.Minute, func() bool { return e.Grid() != nil })

	sl := e.Sliders()
	if len(sl) != 4 {
		t.Fatalf("%d sliders for an 8-value code, want 4 (PC1..PC4)", len(sl))
	}
	codes, err := ae.Encode(ds.Data, ds.Len())
	if err != nil {
		t.Fatal(err)
	}
	pca, err := models.FitPCA(codes, ds.Len(), 8, 4)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range sl {
		sd := math.Sqrt(pca.Variance[i])
		if math.Abs(s.Min+2*sd) > 1e-6 || math.Abs(s.Max-2*sd) > 1e-6 || s.Value != 0 {
			t.Errorf("slider %d: %g..%g at %g, want ±%g at 0", i+1, s.Min, s.Max, s.Value, 2*sd)
		}
	}
	for _, s := range []string{"PC1", "PC4", "Set A", "Set B"} {
		if !containsText(visibleTexts(e), s) {
			t.Errorf("%q is not drawn: %q", s, visibleTexts(e))
		}
	}
	// At first the sliders decode the mean code.
	expect := func() []float32 {
		return pca.Reconstruct([]float64{sl[0].Value, sl[1].Value, sl[2].Value, sl[3].Value})
	}
	waitSliderImage(t, e, p, expect)

	sl[0].SetValue(sl[0].Min)
	lo := waitSliderImage(t, e, p, expect)
	// Drag PC1's thumb to the right end of its track, as a user would (the
	// test driver's drag event carries the pointer position only).
	end := fyne.CurrentApp().Driver().AbsolutePositionForObject(sl[0]).
		Add(fyne.NewPos(sl[0].Size().Width-1, sl[0].Size().Height/2))
	test.Drag(w.Canvas(), end, 0, 0)
	if sl[0].Value != sl[0].Max {
		t.Fatalf("after dragging right, PC1 is at %g, want its max %g", sl[0].Value, sl[0].Max)
	}
	hi := waitSliderImage(t, e, p, expect)
	if imagesEqual(lo, hi) {
		t.Error("PC1 at its min and max decode to the same image")
	}
	if want := decodeImage(t, ae, expect()); !imagesNear(hi, want) {
		t.Error("the image at PC1's max is not the decode of mean + max·PC1")
	}

	// Selecting a point moves the sliders to its coordinates.
	e.Select(3)
	proj := pca.Project(codes[3*8:4*8], 1)
	for i, s := range sl {
		want := max(min(proj[i], s.Max), s.Min)
		if math.Abs(s.Value-want) > 1e-4 {
			t.Errorf("after selecting point 3, slider %d is at %g, want %g", i+1, s.Value, want)
		}
	}
	waitSliderImage(t, e, p, expect)
	e.SetA()
	if e.Interpolation() != nil {
		t.Error("an interpolation with only A set")
	}
	e.Select(7)
	test.Tap(e.setB)
	p.until(t, "the interpolation", time.Minute, func() bool { return len(e.Interpolation()) == 8 })
	strip := e.Interpolation()
	if !imagesNear(strip[0], decodeImage(t, ae, codes[3*8:4*8])) {
		t.Error("the strip does not start at point 3's decode")
	}
	if !imagesNear(strip[7], decodeImage(t, ae, codes[7*8:8*8])) {
		t.Error("the strip does not end at point 7's decode")
	}
	if a, b := e.Ends(); a != 3 || b != 7 {
		t.Errorf("ends %d, %d, want 3, 7", a, b)
	}
	if !containsText(visibleTexts(e), "point 7") {
		t.Errorf("B is not named: %q", visibleTexts(e))
	}
	// Let the last slider decode land before capturing.
	waitSliderImage(t, e, p, expect)
	var img image.Image
	fyne.DoAndWait(func() { img = w.Canvas().Capture() })
	savePNG(t, "/tmp/latent-sliders.png", img)
}

func TestLatentExplorerRawCodeSliders(t *testing.T) {
	ds := latentDigits(t)
	ae := trainLatentModel(t, ds, 2)
	e, _, p := newLatentWindow(t)
	e.SetData(ae, ds)
	p.until(t, "the decoded grid", time.Minute, func() bool { return e.Grid() != nil })
	sl := e.Sliders()
	if len(sl) != 2 {
		t.Fatalf("%d sliders for a 2-value code, want 2 (z1, z2)", len(sl))
	}
	expect := func() []float32 { return []float32{float32(sl[0].Value), float32(sl[1].Value)} }
	sl[1].SetValue(sl[1].Min)
	lo := waitSliderImage(t, e, p, expect)
	sl[1].SetValue(sl[1].Max)
	hi := waitSliderImage(t, e, p, expect)
	if imagesEqual(lo, hi) {
		t.Error("z2 at its min and max decode to the same image")
	}
	if !imagesNear(hi, decodeImage(t, ae, expect())) {
		t.Error("the image at z2's max is not the decode of the sliders' code")
	}
	e.Select(5)
	if c := e.Code(5); math.Abs(sl[0].Value-float64(c[0])) > 1e-6 || math.Abs(sl[1].Value-float64(c[1])) > 1e-6 {
		t.Errorf("sliders at %g, %g after selecting point 5 with code %v", sl[0].Value, sl[1].Value, c)
	}
}
