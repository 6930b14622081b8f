package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"os"
	"strings"

	"latentstudio/assets"
	"latentstudio/imageops"
	"latentstudio/models"
)

// cmdQualityTools runs classify-train or quality.
func cmdQualityTools(cmd string, args []string) error {
	if cmd == "classify-train" {
		return cmdClassifyTrain(args)
	}
	return cmdQuality(args)
}

// cmdClassifyTrain trains an image classifier (the GAN quality measures'
// judge) on labelled data and reports its test accuracy.
func cmdClassifyTrain(args []string) error {
	fs := flag.NewFlagSet("classify-train", flag.ContinueOnError)
	src := fs.String("data", "", "labelled training images: an IDX images file with its labels beside it, or a folder with one subfolder per class")
	test := fs.String("test", "", "labelled test images, scored after each epoch")
	out := fs.String("out", "", "where to save the classifier (.lsm)")
	arch := fs.String("arch", models.ArchConv, "dense | conv (stride-2 3x3 convolutions)")
	layers := fs.String("layers", "16,32,64", "hidden widths: conv channels or dense units")
	feature := fs.Int("feature", 64, "units of the feature layer before the logits (what the Frechet distance compares)")
	side := fs.Int("size", 28, "images are resized to size x size")
	epochs := fs.Int("epochs", 6, "epochs")
	batch := fs.Int("batch", 64, "batch size")
	lr := fs.Float64("lr", 2e-3, "Adam learning rate, falling linearly to a tenth")
	seed := fs.Int64("seed", 1, "seed for weights and shuffling")
	report := fs.String("report", "", "write the final figures to this JSON file")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if *src == "" || *out == "" {
		return usageErrorf("classify-train needs --data and --out")
	}
	hidden, err := parseLayers(*layers, *arch)
	if err != nil {
		return err
	}
	ctx := context.Background()
	opt := imageops.Options{Width: *side, Height: *side, Gray: true}
	data, err := loadData(ctx, *src, opt)
	if err != nil {
		return err
	}
	cfg := models.ClassifierConfig{Arch: *arch, Width: *side, Height: *side, Channels: 1, Layers: hidden,
		Feature: *feature, Classes: data.Classes, Seed: *seed}
	c, err := models.NewClassifier(cfg)
	if err != nil {
		return usageError{err}
	}
	topt := models.ClassifierTrainOptions{Epochs: *epochs, Batch: *batch, LR: *lr, Seed: *seed,
		OnEpoch: func(e models.ClassifierEpoch) {
			line := fmt.Sprintf("epoch %d/%d: loss %.4f", e.Epoch, e.Epochs, e.Loss)
			if !math.IsNaN(e.TestAccuracy) {
				line += fmt.Sprintf(", test accuracy %.4f", e.TestAccuracy)
			}
			fmt.Fprintf(os.Stderr, "%s (%s)\n", line, clock(e.Elapsed))
		}}
	if *test != "" {
		if topt.Test, err = loadData(ctx, *test, opt); err != nil {
			return err
		}
	}
	c.History.Data, c.History.Test = *src, *test
	if err := models.TrainClassifier(ctx, c, data, topt); err != nil {
		return usageError{err}
	}
	if err := c.Save(*out); err != nil {
		return err
	}
	h := c.History
	fmt.Printf("saved %s: %d parameters, %d epochs in %.1fs", *out, c.ParamCount(), h.Epochs, h.Seconds)
	if h.TestN > 0 {
		fmt.Printf(", test accuracy %.4f on %d images", h.TestAccuracy, h.TestN)
	}
	fmt.Println()
	if *report != "" {
		return writeJSON(*report, map[string]any{"arch": cfg.Arch, "layers": cfg.Layers, "feature": cfg.Feature,
			"params": c.ParamCount(), "epochs": h.Epochs, "seconds": h.Seconds, "train_loss": h.TrainLoss,
			"test_n": h.TestN, "test_accuracy": h.TestAccuracy, "model": *out})
	}
	return nil
}

// The acceptance of issue 7: of the generated digits, all classes present,
// none above a quarter, and a mean top-class confidence of at least 0.8.
const (
	acceptMaxShare   = 0.25
	acceptConfidence = 0.8
)

// cmdQuality scores a GAN's samples (or a folder of images) with a
// classifier: the share of each class, how confidently they are
// recognised and, against real images, the Frechet distance of features.
func cmdQuality(args []string) error {
	fs := flag.NewFlagSet("quality", flag.ContinueOnError)
	ganPath := fs.String("model", "", "a trained GAN (.lsm) whose samples to score")
	images := fs.String("images", "", "score these images instead: a folder of images or an IDX file (n of them, drawn at random)")
	ref := fs.String("classifier", assets.DefaultClassifier, "the classifier (.lsm from classify-train, or "+assets.DefaultClassifier+")")
	n := fs.Int("n", 1000, "number of images to score")
	seed := fs.Int64("seed", 1, "seed of the GAN's noise")
	real := fs.String("real", "", "real images (folder or IDX) for the Frechet distance: n of them, drawn at random")
	report := fs.String("report", "", "write the figures to this JSON file")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if (*ganPath == "") == (*images == "") {
		return usageErrorf("quality needs --model or --images (one of them)")
	}
	if *n < 2 || *n > 100000 {
		return usageErrorf("--n %d: want 2..100000", *n)
	}
	c, err := assets.LoadClassifier(*ref)
	if err != nil {
		return usageError{err}
	}
	cfg := c.Config()
	ctx := context.Background()
	opt := imageops.Options{Width: cfg.Width, Height: cfg.Height, Gray: cfg.Channels == 1}
	var m *models.GAN // the GAN to sample, or else
	var x []float32   // the images to score
	source := *images
	if *ganPath != "" {
		if m, err = loadGAN(*ganPath); err != nil {
			return err
		}
		source = fmt.Sprintf("%s (seed %d)", *ganPath, *seed)
	} else {
		d, err := loadData(ctx, *images, opt)
		if err != nil {
			return err
		}
		x = d.Sample(*n, 1).Data
	}
	var realData []float32
	if *real != "" {
		d, err := loadData(ctx, *real, opt)
		if err != nil {
			return err
		}
		realData = d.Sample(*n, 1).Data
	}
	var q models.ImageQuality
	if m != nil {
		q, err = models.AssessGAN(c, m, *n, *seed, realData)
	} else {
		q, err = models.AssessImages(c, x, realData)
	}
	if err != nil {
		return usageError{err}
	}
	pass := q.Present == len(q.Classes) && q.MaxShare <= acceptMaxShare && q.MeanConfidence >= acceptConfidence
	printQuality(source, q, pass)
	if *report == "" {
		return nil
	}
	shares := map[string]float64{}
	for i, name := range q.Classes {
		shares[name] = q.Shares[i]
	}
	return writeJSON(*report, map[string]any{"source": source, "classifier": *ref, "n": q.N, "shares": shares,
		"classes_present": q.Present, "classes": len(q.Classes), "max_share": q.MaxShare,
		"mean_confidence": q.MeanConfidence, "frechet_distance": finite(q.FrechetDistance), "real": *real,
		"n_real": q.NReal, "acceptance": pass})
}

func printQuality(source string, q models.ImageQuality, pass bool) {
	fmt.Printf("%d images from %s\n", q.N, source)
	var parts []string
	for i, name := range q.Classes {
		parts = append(parts, fmt.Sprintf("%s %.1f%%", name, 100*q.Shares[i]))
	}
	fmt.Printf("class shares: %s\n", strings.Join(parts, ", "))
	fmt.Printf("classes present %d of %d, largest share %.1f%%, mean top-class confidence %.3f\n",
		q.Present, len(q.Classes), 100*q.MaxShare, q.MeanConfidence)
	if !math.IsNaN(q.FrechetDistance) {
		fmt.Printf("Frechet distance to %d real images (classifier features): %.3f\n", q.NReal, q.FrechetDistance)
	}
	verdict := "FAIL"
	if pass {
		verdict = "pass"
	}
	fmt.Printf("acceptance (all classes, none above %.0f%%, confidence at least %.1f): %s\n", 100*acceptMaxShare, acceptConfidence, verdict)
}
