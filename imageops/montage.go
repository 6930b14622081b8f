package imageops

import (
	"image"
	"image/color"
	"image/draw"

	"github.com/disintegration/imaging"
)

// Montage lays rows of images out on a grid of cell×cell squares separated
// (and framed) by gap pixels of bg. Each image is scaled with nearest
// neighbour to fit its cell, keeping its aspect ratio, and centred; nil
// entries leave a cell empty. cell <= 0 uses the largest image side.
func Montage(rows [][]image.Image, cell int, gap int, bg color.Color) *image.NRGBA {
	gap = max(gap, 0)
	cols, largest := 0, 1
	for _, r := range rows {
		cols = max(cols, len(r))
		for _, img := range r {
			if img != nil {
				largest = max(largest, img.Bounds().Dx(), img.Bounds().Dy())
			}
		}
	}
	if cell <= 0 {
		cell = largest
	}
	W := cols*cell + (cols+1)*gap
	H := len(rows)*cell + (len(rows)+1)*gap
	dst := image.NewNRGBA(image.Rect(0, 0, W, H))
	if bg != nil {
		draw.Draw(dst, dst.Bounds(), image.NewUniform(bg), image.Point{}, draw.Src)
	}
	for j, r := range rows {
		for i, img := range r {
			if img == nil || img.Bounds().Empty() {
				continue
			}
			b := img.Bounds()
			// Fit inside the cell keeping the aspect ratio.
			fw, fh := cell, cell
			if b.Dx() > b.Dy() {
				fh = max(1, (b.Dy()*cell+b.Dx()/2)/b.Dx())
			} else if b.Dy() > b.Dx() {
				fw = max(1, (b.Dx()*cell+b.Dy()/2)/b.Dy())
			}
			scaled := imaging.Resize(img, fw, fh, imaging.NearestNeighbor)
			x0 := gap + i*(cell+gap) + (cell-fw)/2
			y0 := gap + j*(cell+gap) + (cell-fh)/2
			draw.Draw(dst, image.Rect(x0, y0, x0+fw, y0+fh), scaled, image.Point{}, draw.Over)
		}
	}
	return dst
}
