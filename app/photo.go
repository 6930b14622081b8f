package main

import (
	"context"
	"fmt"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"latentstudio/imageops"
	"latentstudio/models"
)

// photoModel reports whether apply should treat the model's inputs as
// photos of any size (denoisers and colorizers for photos) rather than
// resize them to the model's input, as for digits.
func photoModel(cfg models.Config) bool {
	return cfg.Arch == models.ArchResidual || cfg.Task == models.TaskColorize || cfg.Task == models.TaskInpaint
}

// loadMask reads a mask image of w×h pixels: light pixels (above half) are
// the ones to fill.
func loadMask(path string, w, h int) ([]float32, error) {
	m, err := imageops.LoadPhoto(path)
	if err != nil {
		return nil, err
	}
	if m.Width != w || m.Height != h {
		return nil, fmt.Errorf("the mask %s is %dx%d but the photo is %dx%d", path, m.Width, m.Height, w, h)
	}
	mask := m.Luma()
	for i, v := range mask {
		mask[i] = 0
		if v > 0.5 {
			mask[i] = 1
		}
	}
	return mask, nil
}

// abError is the root mean square difference of the a and b channels of
// CIE Lab between a colorized photo and its colour original.
func abError(out, ref *imageops.Photo) float64 {
	n := ref.Width * ref.Height
	var sum float64
	for i := 0; i < n; i++ {
		_, a1, b1 := imageops.RGBToLab(float64(out.RGB[i]), float64(out.RGB[n+i]), float64(out.RGB[2*n+i]))
		_, a2, b2 := imageops.RGBToLab(float64(ref.RGB[i]), float64(ref.RGB[n+i]), float64(ref.RGB[2*n+i]))
		sum += (a1-a2)*(a1-a2) + (b1-b2)*(b1-b2)
	}
	return math.Sqrt(sum / float64(2*n))
}

// photoJob is what apply does to photos beyond running the model.
type photoJob struct {
	in, out  string  // a photo or a folder, and where the results go
	ref      string  // a clean original of a single photo, to measure against
	mask     string  // inpainting: the mask image, white where to fill
	sigma    float64 // Gaussian noise (on [0,1]) added before applying
	seed     int64   // for that noise
	strength float64 // denoising: the share of the model's change kept
	ensemble bool    // average over the 8 rotations and mirrorings
}

// applyPhotos is apply for photo models: each photo at its native size,
// processed in tiles, saved as PNG. With --sigma the clean photo is the
// reference; a colorizer's reference is the colour photo itself.
func applyPhotos(ctx context.Context, ae *models.Autoencoder, job photoJob) (map[string]any, error) {
	in, out, refPath, maskPath, sigma := job.in, job.out, job.ref, job.mask, job.sigma
	// A 12-megapixel photo holds about 0.5 GB live (planes in and out, the
	// blend weights, the model's tile buffers); by default the GC lets the
	// heap grow to twice that before collecting. A soft limit keeps the
	// peak under 1 GiB at the cost of a few more collections.
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(800 << 20))
	cfg := ae.Config()
	files, single := []string{in}, !isDir(in)
	if !single {
		var skipped []imageops.Skipped
		var err error
		if files, skipped, err = imageops.ListImages(ctx, in); err != nil {
			return nil, usageError{err}
		}
		reportSkipped(skipped)
		if len(files) == 0 {
			return nil, usageErrorf("no images found in %s", in)
		}
	} else if refPath != "" && sigma > 0 {
		return nil, usageErrorf("give --ref (a clean original) or --sigma (noise added to a clean photo), not both")
	}
	rng := rand.New(rand.NewSource(job.seed))
	var sumIn, sumOut imageops.Quality
	var sumAB, sumGrayAB float64
	measured := 0
	for _, path := range files {
		p, err := imageops.LoadPhoto(path)
		if err != nil {
			if single {
				return nil, usageError{err}
			}
			fmt.Fprintf(os.Stderr, "skipped %v\n", err)
			continue
		}
		ref := (*imageops.Photo)(nil)
		input := p
		switch {
		case cfg.Task == models.TaskColorize:
			if !p.Gray {
				ref, input = p, p.Grayscale()
			}
		case sigma > 0:
			ref, input = p, p.WithGaussianNoise(sigma, rng)
		case refPath != "":
			if ref, err = imageops.LoadPhoto(refPath); err != nil {
				return nil, usageError{err}
			}
		}
		var mask []float32
		if cfg.Task == models.TaskInpaint {
			if maskPath == "" || !single {
				return nil, usageErrorf("inpainting needs one photo and --mask MASK.png (white where to fill)")
			}
			if mask, err = loadMask(maskPath, p.Width, p.Height); err != nil {
				return nil, usageError{err}
			}
		}
		bar := newProgress(os.Stderr, filepath.Base(path))
		res, err := models.ApplyPhoto(ctx, ae, input, models.PhotoOptions{Strength: job.strength, Mask: mask, Ensemble: job.ensemble, Progress: func(done, total int) {
			bar.update(float64(done)/float64(total), fmt.Sprintf("%d/%d tiles", done, total))
			if done%8 == 0 {
				// The soft limit bounds the heap, but freed pages go back to
				// the OS only as the background scavenger gets to them:
				// handing them back here took a 12 Mpx photo's peak RSS from
				// about 800 to 600 MiB.
				debug.FreeOSMemory()
			}
		}})
		bar.finish()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		dst := out
		if !single {
			rel, err := filepath.Rel(in, path)
			if err != nil || strings.HasPrefix(rel, "..") {
				rel = filepath.Base(path)
			}
			dst = filepath.Join(out, strings.TrimSuffix(rel, filepath.Ext(rel))+".png")
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				return nil, err
			}
		}
		if err := imageops.SavePNG(dst, res.Image()); err != nil {
			return nil, err
		}
		if ref == nil {
			continue
		}
		qIn, err1 := input.Compare(ref)
		qOut, err2 := res.Compare(ref)
		if err := firstErr(err1, err2); err != nil {
			return nil, usageErrorf("%s: %v", path, err)
		}
		measured++
		sumIn.PSNR, sumIn.SSIM = sumIn.PSNR+qIn.PSNR, sumIn.SSIM+qIn.SSIM
		sumOut.PSNR, sumOut.SSIM = sumOut.PSNR+qOut.PSNR, sumOut.SSIM+qOut.SSIM
		line := fmt.Sprintf("%s: input PSNR %.2f dB, SSIM %.3f -> output PSNR %.2f dB, SSIM %.3f",
			filepath.Base(path), qIn.PSNR, qIn.SSIM, qOut.PSNR, qOut.SSIM)
		if cfg.Task == models.TaskColorize {
			ab, grayAB := abError(res, ref), abError(input, ref)
			sumAB, sumGrayAB = sumAB+ab, sumGrayAB+grayAB
			line += fmt.Sprintf("; a/b error %.2f (gray: %.2f)", ab, grayAB)
		}
		fmt.Fprintln(os.Stderr, line)
	}
	rep := map[string]any{"files": len(files)}
	if measured > 0 {
		m := float64(measured)
		rep["psnr_input"], rep["ssim_input"] = sumIn.PSNR/m, sumIn.SSIM/m
		rep["psnr"], rep["ssim"] = sumOut.PSNR/m, sumOut.SSIM/m
		if cfg.Task == models.TaskColorize {
			rep["ab_error"], rep["ab_error_gray"] = sumAB/m, sumGrayAB/m
		}
	}
	return rep, nil
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
