package models

import (
	"context"
	"errors"
	"fmt"

	"latentstudio/imageops"
)

// PhotoOptions tune ApplyPhoto.
type PhotoOptions struct {
	// Strength is the share of the denoiser's change that is kept, 0..1
	// (0 means 1: the full model output).
	Strength float64
	// Progress, when set, receives the tiles done and the total.
	Progress func(done, total int)
	// Mask, for inpainting, marks the pixels to fill (W×H values, above
	// 0.5 to fill); no other pixel changes.
	Mask []float32
	// Ensemble averages the output over the 8 rotations and mirrorings of
	// each tile (fully convolutional models): a little cleaner, 8 times
	// slower.
	Ensemble bool
}

// ApplyPhoto runs the model's task (denoise or colorize) on a photo of any
// size. Fully convolutional models process it in overlapping tiles blended
// without seams, so memory stays bounded; models with a dense code process
// tiles of exactly their input size. Gray photos reach a colour denoiser
// as three equal channels (it was trained on such) and come back gray; a
// gray denoiser cleans each colour channel in turn. Alpha is kept.
func ApplyPhoto(ctx context.Context, ae *Autoencoder, p *imageops.Photo, opt PhotoOptions) (*imageops.Photo, error) {
	cfg := ae.cfg
	tile, overlap, err := cfg.photoTiles()
	if err != nil {
		return nil, err
	}
	infer := func(in []float32) ([]float32, error) {
		if cfg.FullyConvolutional() {
			return ae.InferAt(in, 1, tile, tile)
		}
		return ae.Reconstruct(in, 1)
	}
	if opt.Ensemble {
		if !cfg.FullyConvolutional() {
			return nil, errors.New("the rotation ensemble needs a fully convolutional model")
		}
		infer = dihedralMean(infer, cfg.InChannels(), cfg.OutChannels(), tile)
	}
	w, h, n := p.Width, p.Height, p.Width*p.Height
	switch cfg.Task {
	case TaskColorize:
		l01 := make([]float32, n)
		for i, y := range p.Luma() { // the photo's lightness, as the model saw it in training
			l, _, _ := imageops.RGBToLab(float64(y), float64(y), float64(y))
			l01[i] = float32(l / 100)
		}
		ab, err := imageops.ApplyTiled(ctx, l01, w, h, 1, 2, tile, overlap, infer, opt.Progress)
		if err != nil {
			return nil, err
		}
		// Stride-2 transposed convolutions leave a faint checkerboard in
		// a and b (period 2^layers); colour needs no such detail (the eye
		// hardly sees it, JPEG halves it), so a and b are smoothed.
		ab = imageops.GaussianBlur(ab, w, h, 2, chromaBlur)
		return p.WithRGB(LabToRGBPlanes(l01, ab, n)), nil
	case TaskInpaint:
		return inpaintPhoto(ctx, ae, p, opt, tile, overlap, infer)
	case TaskDenoise, TaskReconstruct:
		var out []float32
		if cfg.Channels == 3 {
			if out, err = imageops.ApplyTiled(ctx, p.RGB, w, h, 3, 3, tile, overlap, infer, opt.Progress); err != nil {
				return nil, err
			}
		} else {
			out = make([]float32, 3*n)
			planes := 3
			if p.Gray {
				planes = 1
			}
			for c := 0; c < planes; c++ {
				progress := opt.Progress
				if progress != nil {
					progress = func(done, total int) { opt.Progress(c*total+done, planes*total) }
				}
				res, err := imageops.ApplyTiled(ctx, p.RGB[c*n:(c+1)*n], w, h, 1, 1, tile, overlap, infer, progress)
				if err != nil {
					return nil, err
				}
				copy(out[c*n:], res)
			}
		}
		if p.Gray { // one plane for all three: the mean of what came back
			for i := 0; i < n; i++ {
				v := out[i]
				if cfg.Channels == 3 {
					v = (out[i] + out[n+i] + out[2*n+i]) / 3
				}
				out[i], out[n+i], out[2*n+i] = v, v, v
			}
		}
		q := p.WithRGB(out)
		q.Gray = p.Gray
		if s := opt.Strength; s > 0 && s < 1 {
			q = p.Toward(q, s)
		}
		return q, nil
	}
	return nil, fmt.Errorf("a %s model does not process photos", cfg.Task)
}

// inpaintPhoto fills the mask's pixels with the model's output and leaves
// every other pixel as it was; the fill is feathered into the mask's edge.
func inpaintPhoto(ctx context.Context, ae *Autoencoder, p *imageops.Photo, opt PhotoOptions, tile, overlap int,
	infer func([]float32) ([]float32, error)) (*imageops.Photo, error) {
	w, h, n := p.Width, p.Height, p.Width*p.Height
	if len(opt.Mask) != n {
		return nil, fmt.Errorf("inpainting needs a mask of the photo's %dx%d pixels", w, h)
	}
	c := ae.cfg.Channels
	if c != 3 {
		return nil, errors.New("the inpainting model must be an RGB one")
	}
	in := make([]float32, ae.cfg.InChannels()*n)
	inpaintInput(in, p.RGB, w, h, c, opt.Mask)
	fill, err := imageops.ApplyTiled(ctx, in, w, h, ae.cfg.InChannels(), c, tile, overlap, infer, opt.Progress)
	if err != nil {
		return nil, err
	}
	// Feather: full weight inside, about half at the mask's edge, none outside.
	soft := imageops.GaussianBlur(opt.Mask, w, h, 1, 1)
	out := append([]float32(nil), p.RGB...)
	for i, m := range opt.Mask {
		if m <= 0.5 {
			continue
		}
		a := min(1, soft[i]*1.25)
		for ch := 0; ch < c; ch++ {
			j := ch*n + i
			v := fill[j]
			if p.Gray {
				v = (fill[i] + fill[n+i] + fill[2*n+i]) / 3
			}
			if a < 1 {
				v = p.RGB[j] + a*(v-p.RGB[j])
			}
			out[j] = v
		}
	}
	q := p.WithRGB(out)
	q.Gray = p.Gray
	return q, nil
}

// chromaBlur is the sigma, in pixels, of the smoothing of predicted colour.
const chromaBlur = 2

// photoTiles picks the tile side and overlap for photos. Fully
// convolutional models get large tiles (a multiple of their stride
// product) overlapping by well over their receptive field; others get
// tiles of their own (square) input size.
func (c Config) photoTiles() (tile, overlap int, err error) {
	switch {
	case c.Arch == ArchResidual:
		// Each 3×3 layer of dilation d sees d more pixels on each side.
		overlap := max(16, 4*c.ReceptiveRadius())
		return max(128, 3*overlap), overlap, nil
	case c.FullyConvolutional():
		f := 1 << len(c.Layers)
		tile = max(256/f, 2) * f
		return tile, tile / 4, nil
	case c.Width != c.Height:
		return 0, 0, fmt.Errorf("this model takes %dx%d images and has a dense code: only square models process photos in tiles", c.Width, c.Height)
	case c.Width < 8:
		return 0, 0, errors.New("this model's input is too small to process photos")
	}
	return c.Width, c.Width / 4, nil
}
