package imageops

import (
	"image"
	"image/color"
	"testing"
)

func TestMontage(t *testing.T) {
	red := color.NRGBA{255, 0, 0, 255}
	blue := color.NRGBA{0, 0, 255, 255}
	bg := color.NRGBA{10, 20, 30, 255}
	// 2x2 checker: red on the diagonal.
	checker := image.NewNRGBA(image.Rect(0, 0, 2, 2))
	checker.Set(0, 0, red)
	checker.Set(1, 1, red)
	checker.Set(1, 0, blue)
	checker.Set(0, 1, blue)
	wide := uniform(4, 2, blue) // fits as 4x2, centred vertically

	m := Montage([][]image.Image{{checker, wide}, {nil}}, 4, 1, bg)
	if b := m.Bounds(); b.Dx() != 2*4+3 || b.Dy() != 2*4+3 {
		t.Fatalf("size %v, want 11x11", b.Size())
	}
	tests := []struct {
		x, y int
		want color.NRGBA
	}{
		{0, 0, bg},   // frame
		{5, 3, bg},   // gap between cells
		{1, 1, red},  // checker, upscaled 2x with nearest neighbour
		{2, 2, red},  // still the top-left checker pixel
		{3, 1, blue}, // top-right checker pixel
		{4, 4, red},  // bottom-right checker pixel
		{6, 1, bg},   // wide image leaves the top of its cell empty
		{6, 2, blue}, // ... and is centred
		{9, 3, blue}, //
		{6, 5, bg},   // ... and the bottom empty
		{3, 8, bg},   // nil leaves the cell empty
		{8, 8, bg},   // short row: no image
	}
	for _, tt := range tests {
		if got := m.NRGBAAt(tt.x, tt.y); got != tt.want {
			t.Errorf("pixel (%d,%d) = %v, want %v", tt.x, tt.y, got, tt.want)
		}
	}

	// cell <= 0 takes the largest side of any image, in any row.
	if b := Montage([][]image.Image{{checker}, {nil, wide}}, 0, 0, nil).Bounds(); b.Dx() != 8 || b.Dy() != 8 {
		t.Errorf("automatic cell: size %v, want 8x8 (two 4x4 cells each way)", b.Size())
	}
}
