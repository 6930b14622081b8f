package main

import (
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"image"
	"image/color"
	"math/rand"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"latentstudio/assets"
	"latentstudio/imageops"
	"latentstudio/models"
)

func loadModel(path string) (*models.Autoencoder, error) { return loadRef(path, assets.LoadModel) }

// loadRef opens the model --model names (a file or a built-in) with load;
// a missing or unusable model is a usage error.
func loadRef[T any](ref string, load func(string) (T, error)) (T, error) {
	var zero T
	if ref == "" {
		return zero, usageErrorf("--model is required")
	}
	m, err := load(ref)
	if err != nil {
		return zero, usageError{err}
	}
	return m, nil
}

// modelOptions loads data the way the model expects it.
func modelOptions(cfg models.Config) imageops.Options {
	return imageops.Options{Width: cfg.Width, Height: cfg.Height, Gray: cfg.Channels == 1}
}

func cmdApply(args []string) error {
	fs := flag.NewFlagSet("apply", flag.ContinueOnError)
	modelPath := fs.String("model", "", "trained model (.lsm), or builtin:denoise or builtin:colorize")
	in := fs.String("in", "", "an image or a folder of images")
	out := fs.String("out", "", "output image (when --in is an image) or folder")
	sigma := fs.Float64("sigma", 0, "add Gaussian noise of this sigma (on [0,1], or 0-255 when above 1) before applying, to see denoising at work")
	seed := fs.Int64("seed", 1, "seed for --sigma noise")
	ref := fs.String("ref", "", "a clean original of the --in photo: report PSNR and SSIM against it")
	mask := fs.String("mask", "", "inpainting: a mask image of the photo's size, white where to fill")
	strength := fs.Float64("strength", 1, "denoising strength: the share of the model's change kept, 0..1")
	ensemble := fs.Bool("ensemble", false, "photo models: average over the 8 rotations and mirrorings of each tile (a little cleaner, 8 times slower)")
	report := fs.String("report", "", "write files and seconds (and psnr/ssim with a reference) to this JSON file")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if *in == "" || *out == "" {
		return usageErrorf("apply needs --in and --out")
	}
	if !(*strength > 0 && *strength <= 1) {
		return usageErrorf("--strength must lie in (0,1], not %g", *strength)
	}
	ae, err := loadModel(*modelPath)
	if err != nil {
		return err
	}
	start := time.Now()
	cfg := ae.Config()
	if photoModel(cfg) {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
		defer stop()
		s := *sigma
		if s > 1 {
			s /= 255
		}
		rep, err := applyPhotos(ctx, ae, photoJob{in: *in, out: *out, ref: *ref, mask: *mask, sigma: s, seed: *seed, strength: *strength, ensemble: *ensemble})
		if err != nil {
			return err
		}
		rep["seconds"] = time.Since(start).Seconds()
		noun := "photos"
		if rep["files"] == 1 {
			noun = "photo"
		}
		fmt.Fprintf(os.Stderr, "wrote %d %s to %s in %.1fs\n", rep["files"], noun, *out, rep["seconds"])
		if *report != "" {
			return writeJSON(*report, rep)
		}
		return nil
	}
	if *ref != "" || *mask != "" || *strength != 1 {
		return usageErrorf("--ref, --mask and --strength are for photo models (denoise with --arch residual, colorize, inpaint); this is a %s %s model", cfg.Task, cfg.Arch)
	}
	var data *imageops.Dataset
	single := !isDir(*in)
	if single {
		vals, err := imageops.LoadImage(*in, cfg.Width, cfg.Height, cfg.Channels == 1)
		if err != nil {
			return usageError{err}
		}
		data = &imageops.Dataset{Width: cfg.Width, Height: cfg.Height, Channels: cfg.Channels, Data: vals, Files: []string{*in}}
	} else if data, err = loadData(context.Background(), *in, modelOptions(cfg)); err != nil {
		return err
	}
	input := data.Data
	if *sigma > 0 {
		s := *sigma
		if s > 1 {
			s /= 255
		}
		input = make([]float32, len(data.Data))
		imageops.AddGaussianNoise(input, data.Data, s, rand.New(rand.NewSource(*seed)))
	}
	recon, err := ae.Reconstruct(input, data.Len())
	if err != nil {
		return err
	}
	size := data.Size()
	for i := 0; i < data.Len(); i++ {
		dst := *out
		if !single {
			rel, err := filepath.Rel(*in, data.Files[i])
			if err != nil || strings.HasPrefix(rel, "..") {
				rel = fmt.Sprintf("%06d", i)
			}
			dst = filepath.Join(*out, strings.TrimSuffix(rel, filepath.Ext(rel))+".png")
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				return err
			}
		}
		img := imageops.ToImage(recon[i*size:(i+1)*size], cfg.Width, cfg.Height, cfg.Channels)
		if err := imageops.SavePNG(dst, img); err != nil {
			return err
		}
	}
	secs := time.Since(start).Seconds()
	fmt.Fprintf(os.Stderr, "wrote %d images to %s in %.1fs\n", data.Len(), *out, secs)
	if *report != "" {
		return writeJSON(*report, map[string]any{"files": data.Len(), "seconds": secs, "skipped": len(data.Skipped)})
	}
	return nil
}

func cmdEncode(args []string) error {
	fs := flag.NewFlagSet("encode", flag.ContinueOnError)
	modelPath := fs.String("model", "", "trained model (.lsm), or builtin:denoise or builtin:colorize")
	src := fs.String("data", "", "a folder of images or an IDX images file")
	out := fs.String("out", "", "CSV file to write: file, class, then one column per code value")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if *src == "" || *out == "" {
		return usageErrorf("encode needs --data and --out")
	}
	ae, err := loadModel(*modelPath)
	if err != nil {
		return err
	}
	k := ae.Config().CodeSize()
	if k == 0 || ae.Config().Task == models.TaskColorize {
		return usageErrorf("encode needs an autoencoder with a code; %s is a %s %s model", *modelPath, ae.Config().Task, ae.Config().Arch)
	}
	data, err := loadData(context.Background(), *src, modelOptions(ae.Config()))
	if err != nil {
		return err
	}
	codes, err := ae.Encode(data.Data, data.Len())
	if err != nil {
		return err
	}
	f, err := os.Create(*out)
	if err != nil {
		return err
	}
	defer f.Close()
	w := csv.NewWriter(f)
	header := []string{"file", "class"}
	for j := 1; j <= k; j++ {
		header = append(header, "z"+strconv.Itoa(j))
	}
	w.Write(header)
	row := make([]string, 0, k+2)
	for i := 0; i < data.Len(); i++ {
		row = append(row[:0], data.Files[i], data.Label(i))
		for _, v := range codes[i*k : (i+1)*k] {
			row = append(row, strconv.FormatFloat(float64(v), 'g', 7, 32))
		}
		w.Write(row)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "wrote %d codes of size %d to %s\n", data.Len(), k, *out)
	return nil
}

// cmdDemo trains a small model on the embedded sample and writes a preview
// montage, the model and a report: proof that everything works, in seconds.
func cmdDemo(args []string) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	out := fs.String("out", "latentstudio-demo", "folder for the demo's model, preview and report")
	epochs := fs.Int("epochs", 8, "epochs")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	images, labels := assets.SampleMNIST()
	data, err := imageops.ReadIDX(images, labels, assets.SampleName, imageops.Options{Gray: true})
	if err != nil {
		return err
	}
	f := trainFlags{task: models.TaskReconstruct, arch: models.ArchDense, layers: "256", code: 16, loss: models.LossAuto,
		epochs: *epochs, batch: 64, lr: 2e-3, seed: 1, val: 0.1, data: assets.SampleName,
		out: filepath.Join(*out, "demo.lsm"), report: filepath.Join(*out, "report.json")}
	ae, err := train(ctx, f, data)
	if err != nil {
		return err
	}
	// Preview: the first 10 validation-split images, original over reconstruction.
	_, val := data.Split(f.val, f.seed)
	n := min(10, val.Len())
	recon, err := ae.Reconstruct(val.Data[:n*val.Size()], n)
	if err != nil {
		return err
	}
	rows := make([][]image.Image, 2)
	for i := 0; i < n; i++ {
		rows[0] = append(rows[0], imageops.ToImage(val.Image(i), val.Width, val.Height, val.Channels))
		rows[1] = append(rows[1], imageops.ToImage(recon[i*val.Size():(i+1)*val.Size()], val.Width, val.Height, val.Channels))
	}
	preview := filepath.Join(*out, "preview.png")
	if err := imageops.SavePNG(preview, imageops.Montage(rows, 56, 4, color.White)); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "wrote %s (top: validation digits, bottom: reconstructions)\n", preview)
	return nil
}
