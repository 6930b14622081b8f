package imageops

import (
	"image"
	"image/color"
	"testing"
)

// TestPhotoToward: a quarter of the way from one photo to another moves
// every value a quarter of the difference and keeps the first one's alpha.
func TestPhotoToward(t *testing.T) {
	m := image.NewNRGBA(image.Rect(0, 0, 2, 1))
	m.SetNRGBA(0, 0, color.NRGBA{0, 0, 0, 128})
	m.SetNRGBA(1, 0, color.NRGBA{255, 255, 255, 255})
	p := NewPhoto(m)
	q := p.WithRGB([]float32{1, 0, 1, 0, 1, 0})
	r := p.Toward(q, 0.25)
	for i, want := range []float32{0.25, 0.75, 0.25, 0.75, 0.25, 0.75} {
		if d := r.RGB[i] - want; d > 1e-6 || d < -1e-6 {
			t.Fatalf("value %d = %g, want %g", i, r.RGB[i], want)
		}
	}
	if r.Alpha[0] != 128 || r.Gray {
		t.Errorf("alpha %v, gray %v", r.Alpha, r.Gray)
	}
}
