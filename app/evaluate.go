package main

import (
	"context"
	"flag"
	"fmt"
	"image"
	"image/color"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"latentstudio/imageops"
	"latentstudio/models"
)

// denoiseRow is how each method did on one photo with added noise.
type denoiseRow struct {
	Photo        string           `json:"photo"`
	Noisy        imageops.Quality `json:"noisy"`
	Blur         imageops.Quality `json:"blur"`
	BlurSigma    float64          `json:"blur_sigma"`
	Median       imageops.Quality `json:"median"`
	MedianRadius int              `json:"median_radius"`
	Model        imageops.Quality `json:"model"`
}

// colorizeRow is how a colorizer did on the gray version of one photo.
type colorizeRow struct {
	Photo       string           `json:"photo"`
	ABError     float64          `json:"ab_error"`      // RMSE of a and b against the original
	ABErrorGray float64          `json:"ab_error_gray"` // the same for the gray photo (a = b = 0)
	Model       imageops.Quality `json:"model"`
	Gray        imageops.Quality `json:"gray"`
}

// inpaintRow is how each fill did inside a synthetic text mark's mask.
type inpaintRow struct {
	Photo     string  `json:"photo"`
	MaskShare float64 `json:"mask_share"` // of the photo's pixels
	Marked    float64 `json:"marked_psnr"`
	Mean      float64 `json:"border_mean_psnr"`
	Diffusion float64 `json:"diffusion_psnr"`
	Model     float64 `json:"model_psnr"`
}

// evaluateInpaint draws a text watermark on each photo and measures the
// PSNR inside its mask of the marked photo, the two classical fills and
// the model's fill.
func evaluateInpaint(ctx context.Context, ae *models.Autoencoder, paths []string, seed int64, opt models.PhotoOptions, show func(...*imageops.Photo)) ([]inpaintRow, error) {
	var rows []inpaintRow
	for i, path := range paths {
		clean, err := imageops.LoadPhoto(path)
		if err != nil {
			return nil, err
		}
		w, h := clean.Width, clean.Height
		marked := append([]float32(nil), clean.RGB...)
		mask, err := imageops.AddWatermark(marked, w, h, 3, imageops.MarkText, rand.New(rand.NewSource(seed+int64(i))))
		if err != nil {
			return nil, err
		}
		if clean.Gray { // keep a gray photo gray: the mark in its luma
			n := w * h
			for j := 0; j < n; j++ {
				y := (marked[j] + marked[n+j] + marked[2*n+j]) / 3
				marked[j], marked[n+j], marked[2*n+j] = y, y, y
			}
		}
		markedPhoto := clean.WithRGB(marked)
		markedPhoto.Gray = clean.Gray
		mean, err := imageops.FillBorderMean(marked, w, h, 3, mask)
		if err != nil {
			return nil, err
		}
		diffusion, err := imageops.DiffusionInpaint(marked, w, h, 3, mask, 2000)
		if err != nil {
			return nil, err
		}
		out, err := models.ApplyPhoto(ctx, ae, markedPhoto, models.PhotoOptions{Mask: mask, Ensemble: opt.Ensemble})
		if err != nil {
			return nil, err
		}
		row := inpaintRow{Photo: filepath.Base(path), MaskShare: share(mask),
			Marked: maskedPSNR(marked, clean, mask), Mean: maskedPSNR(mean, clean, mask),
			Diffusion: maskedPSNR(diffusion, clean, mask), Model: maskedPSNR(out.RGB, clean, mask)}
		rows = append(rows, row)
		if show != nil {
			show(markedPhoto, clean.WithRGB(diffusion), out, clean)
		}
	}
	return rows, nil
}

// maskedPSNR is the PSNR (data range 1) of planes against the reference
// photo over the masked pixels, in its planes (one when gray).
func maskedPSNR(planes []float32, ref *imageops.Photo, mask []float32) float64 {
	n := ref.Width * ref.Height
	c := 3
	if ref.Gray {
		c = 1
	}
	var sum float64
	count := 0
	for i, m := range mask {
		if m <= 0.5 {
			continue
		}
		for ch := 0; ch < c; ch++ {
			e := float64(planes[ch*n+i] - ref.RGB[ch*n+i])
			sum += e * e
			count++
		}
	}
	return 10 * math.Log10(float64(count)/sum)
}

func share(mask []float32) float64 {
	k := 0
	for _, m := range mask {
		if m > 0.5 {
			k++
		}
	}
	return float64(k) / float64(len(mask))
}

// blurSigmas and medianRadii are the settings the classical baselines are
// tried with; each photo gets its best one (an oracle choice, which flatters
// the baselines).
var (
	blurSigmas  = []float64{0.5, 0.75, 1, 1.25, 1.5, 1.75, 2, 2.5, 3}
	medianRadii = []int{1, 2, 3}
)

// evaluateDenoise adds Gaussian noise of sigma (on [0,1]) to each photo and
// compares the model with the best Gaussian blur and the best median filter.
// show, when not nil, receives each photo's noisy, best classical, model
// and clean versions (for montages).
func evaluateDenoise(ctx context.Context, ae *models.Autoencoder, paths []string, sigma float64, seed int64, opt models.PhotoOptions, show func(...*imageops.Photo)) ([]denoiseRow, error) {
	var rows []denoiseRow
	for i, path := range paths {
		clean, err := imageops.LoadPhoto(path)
		if err != nil {
			return nil, err
		}
		noisy := clean.WithGaussianNoise(sigma, rand.New(rand.NewSource(seed+int64(i))))
		w, h, gray := clean.Width, clean.Height, clean.Gray
		row := denoiseRow{Photo: filepath.Base(path)}
		if row.Noisy, err = noisy.Compare(clean); err != nil {
			return nil, err
		}
		out, err := models.ApplyPhoto(ctx, ae, noisy, opt)
		if err != nil {
			return nil, err
		}
		if row.Model, err = out.Compare(clean); err != nil {
			return nil, err
		}
		c := 3
		if gray {
			c = 1
		}
		planes := noisy.RGB[:c*w*h]
		var bestBlur, bestMedian []float32
		for _, s := range blurSigmas {
			blurred := imageops.GaussianBlur(planes, w, h, c, s)
			q, err := imageops.ComparePlanes(blurred, clean.RGB, w, h, gray)
			if err != nil {
				return nil, err
			}
			if q.PSNR > row.Blur.PSNR {
				row.Blur, row.BlurSigma, bestBlur = q, s, blurred
			}
		}
		for _, r := range medianRadii {
			filtered := imageops.MedianFilter(planes, w, h, c, r)
			q, err := imageops.ComparePlanes(filtered, clean.RGB, w, h, gray)
			if err != nil {
				return nil, err
			}
			if q.PSNR > row.Median.PSNR {
				row.Median, row.MedianRadius, bestMedian = q, r, filtered
			}
		}
		rows = append(rows, row)
		if show != nil {
			classical := bestBlur
			if row.Median.PSNR > row.Blur.PSNR {
				classical = bestMedian
			}
			show(noisy, withPlanes(clean, classical, c), out, clean)
		}
	}
	return rows, nil
}

// evaluateColorize turns each colour photo gray and compares the model's
// colours with the original's, against leaving the photo gray.
// show, when not nil, receives each photo's gray, colorized and original
// versions.
func evaluateColorize(ctx context.Context, ae *models.Autoencoder, paths []string, opt models.PhotoOptions, show func(...*imageops.Photo)) ([]colorizeRow, error) {
	var rows []colorizeRow
	for _, path := range paths {
		orig, err := imageops.LoadPhoto(path)
		if err != nil {
			return nil, err
		}
		if orig.Gray {
			continue // nothing to compare colours with
		}
		gray := orig.Grayscale()
		out, err := models.ApplyPhoto(ctx, ae, gray, opt)
		if err != nil {
			return nil, err
		}
		row := colorizeRow{Photo: filepath.Base(path), ABError: abError(out, orig), ABErrorGray: abError(gray, orig)}
		if row.Model, err = out.Compare(orig); err != nil {
			return nil, err
		}
		if row.Gray, err = gray.Compare(orig); err != nil {
			return nil, err
		}
		rows = append(rows, row)
		if show != nil {
			show(gray, out, orig)
		}
	}
	return rows, nil
}

// cmdEvaluate measures a photo model on photos it was not trained on.
func cmdEvaluate(args []string) error {
	fs := flag.NewFlagSet("evaluate", flag.ContinueOnError)
	modelPath := fs.String("model", "", "a denoise or colorize model (.lsm), or builtin:denoise / builtin:colorize")
	sigma := fs.Float64("sigma", 25, "Gaussian noise added for denoisers, on 0-255 (or [0,1] when at most 1)")
	seed := fs.Int64("seed", 1, "seed for the noise")
	report := fs.String("report", "", "write the per-photo figures to this JSON file")
	ensemble := fs.Bool("ensemble", false, "average the model over the 8 rotations and mirrorings of each tile (8 times slower)")
	montage := fs.String("montage", "", "write a PNG with a 1:1 crop of each photo per row: noisy, best classical filter, model, clean (denoise) or gray, model, original (colorize)")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if fs.NArg() == 0 {
		return usageErrorf("evaluate needs photos or folders of photos after the flags")
	}
	ae, err := loadModel(*modelPath)
	if err != nil {
		return err
	}
	var paths []string
	for _, arg := range fs.Args() {
		if !isDir(arg) {
			paths = append(paths, arg)
			continue
		}
		found, skipped, err := imageops.ListImages(context.Background(), arg)
		if err != nil {
			return usageError{err}
		}
		reportSkipped(skipped)
		paths = append(paths, found...)
	}
	if len(paths) == 0 {
		return usageErrorf("no images found in %s", strings.Join(fs.Args(), ", "))
	}
	ctx := context.Background()
	opt := models.PhotoOptions{Ensemble: *ensemble}
	var crops [][]image.Image
	show := func(versions ...*imageops.Photo) {
		var row []image.Image
		for _, p := range versions {
			row = append(row, centreCrop(p.Image(), montageCell))
		}
		crops = append(crops, row)
	}
	if *montage == "" {
		show = nil
	}
	defer func() {
		if len(crops) > 0 {
			if err := imageops.SavePNG(*montage, imageops.Montage(crops, montageCell, 4, color.White)); err != nil {
				fmt.Fprintln(os.Stderr, err)
			}
		}
	}()
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	defer tw.Flush()
	switch ae.Config().Task {
	case models.TaskDenoise:
		s := *sigma
		if s > 1 {
			s /= 255
		}
		rows, err := evaluateDenoise(ctx, ae, paths, s, *seed, opt, show)
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "photo\tnoisy dB\tSSIM\tbest blur dB\tSSIM\tbest median dB\tSSIM\tmodel dB\tSSIM\tgain dB\tover blur\tover median\t\n")
		for _, r := range rows {
			fmt.Fprintf(tw, "%s\t%.2f\t%.3f\t%.2f (σ%.2g)\t%.3f\t%.2f (r%d)\t%.3f\t%.2f\t%.3f\t%+.2f\t%+.2f\t%+.2f\t\n",
				r.Photo, r.Noisy.PSNR, r.Noisy.SSIM, r.Blur.PSNR, r.BlurSigma, r.Blur.SSIM, r.Median.PSNR, r.MedianRadius,
				r.Median.SSIM, r.Model.PSNR, r.Model.SSIM, r.Model.PSNR-r.Noisy.PSNR, r.Model.PSNR-r.Blur.PSNR, r.Model.PSNR-r.Median.PSNR)
		}
		if *report != "" {
			return writeJSON(*report, map[string]any{"task": "denoise", "sigma": s * 255, "photos": rows})
		}
	case models.TaskColorize:
		rows, err := evaluateColorize(ctx, ae, paths, opt, show)
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "photo\ta/b error\tgray a/b error\tmodel dB\tSSIM\tgray dB\tSSIM\t\n")
		for _, r := range rows {
			fmt.Fprintf(tw, "%s\t%.2f\t%.2f\t%.2f\t%.3f\t%.2f\t%.3f\t\n", r.Photo, r.ABError, r.ABErrorGray, r.Model.PSNR, r.Model.SSIM, r.Gray.PSNR, r.Gray.SSIM)
		}
		if *report != "" {
			return writeJSON(*report, map[string]any{"task": "colorize", "photos": rows})
		}
	case models.TaskInpaint:
		rows, err := evaluateInpaint(ctx, ae, paths, *seed, opt, show)
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "photo\tmask %%\tmarked dB\tborder mean dB\tdiffusion dB\tmodel dB\tover diffusion\t\n")
		for _, r := range rows {
			fmt.Fprintf(tw, "%s\t%.1f\t%.2f\t%.2f\t%.2f\t%.2f\t%+.2f\t\n", r.Photo, 100*r.MaskShare, r.Marked, r.Mean, r.Diffusion,
				r.Model, r.Model-r.Diffusion)
		}
		if *report != "" {
			return writeJSON(*report, map[string]any{"task": "inpaint", "photos": rows})
		}
	default:
		return usageErrorf("evaluate measures denoise, colorize and inpaint models; this one is for %s", ae.Config().Task)
	}
	return nil
}

// montageCell is the side of the 1:1 crops in evaluate's montage.
const montageCell = 224

// centreCrop is the middle side×side of img (all of it when smaller).
func centreCrop(img *image.NRGBA, side int) image.Image {
	b := img.Bounds()
	w, h := min(side, b.Dx()), min(side, b.Dy())
	x0, y0 := b.Min.X+(b.Dx()-w)/2, b.Min.Y+(b.Dy()-h)/2
	return img.SubImage(image.Rect(x0, y0, x0+w, y0+h))
}

// withPlanes is p with c planes of values (one plane stands for all three).
func withPlanes(p *imageops.Photo, planes []float32, c int) *imageops.Photo {
	if c == 3 {
		return p.WithRGB(planes)
	}
	return p.WithGray(planes)
}
