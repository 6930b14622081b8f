package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/color"
	"math"
	"os"
	"time"

	"latentstudio/assets"
	"latentstudio/imageops"
	"latentstudio/models"
)

// taskGAN is the train task that trains a GAN instead of an autoencoder.
const taskGAN = "gan"

// ganFlags are the flags train takes for --task gan beside its own.
type ganFlags struct {
	preset, dLayers, output, samples string
	latent, k, sampleEvery           int
	smooth                           float64
	batchNorm                        bool
}

func (g *ganFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&g.preset, "preset", "", "--task gan: start from these settings (mlp-mnist, dcgan-mnist; default: the --arch's); explicit flags override them")
	fs.IntVar(&g.latent, "latent", 0, "--task gan: size of the noise z (preset: 64)")
	fs.StringVar(&g.dLayers, "d-layers", "", "--task gan: discriminator widths from the image inwards (--layers are the generator's, from z outwards)")
	fs.IntVar(&g.k, "k", 0, "--task gan: discriminator steps per generator step (preset: 1)")
	fs.Float64Var(&g.smooth, "smooth", 0, "--task gan: label of real images, e.g. 0.9 for one-sided label smoothing; 1: none (preset: 0.9)")
	fs.StringVar(&g.output, "output", "", "--task gan: generator output, tanh (data mapped to [-1,1]) or sigmoid (preset: tanh)")
	fs.BoolVar(&g.batchNorm, "batchnorm", false, "--task gan: BatchNorm in the dcgan generator (preset: on for dcgan)")
	fs.StringVar(&g.samples, "samples", "", "--task gan: write the fixed-noise sample grid to this PNG as training goes")
	fs.IntVar(&g.sampleEvery, "sample-every", 500, "--task gan: generator steps between sample grids and health lines")
}

// ganReport holds the figures train --task gan --report writes.
type ganReport struct {
	Task             string   `json:"task"`
	Arch             string   `json:"arch"`
	Preset           string   `json:"preset"`
	Data             string   `json:"data"`
	NTrain           int      `json:"n_train"`
	Epochs           int      `json:"epochs"`
	Steps            int      `json:"steps"`
	LossD            float64  `json:"loss_d"`
	LossG            float64  `json:"loss_g"`
	DReal            float64  `json:"d_real"`
	DFake            float64  `json:"d_fake"`
	Collapse         *float64 `json:"collapse_meter"`
	Warnings         []string `json:"warnings"`
	Restores         int      `json:"restores"`
	Seconds          float64  `json:"seconds"`
	SamplesPerSecond float64  `json:"samples_per_second"`
	ParamsG          int      `json:"params_g"`
	ParamsD          int      `json:"params_d"`
	Stopped          bool     `json:"stopped"`
	Model            string   `json:"model"`
	// Quality: our MNIST classifier on 1,000 samples, for GANs of its image size.
	Quality *ganQuality `json:"quality,omitempty"`
}

// ganQuality is what the built-in classifier says of a GAN's samples.
type ganQuality struct {
	Classes         int      `json:"classes_present"`
	MaxShare        float64  `json:"max_share"`
	MeanConfidence  float64  `json:"mean_confidence"`
	FrechetDistance *float64 `json:"frechet_distance"` // to as many training images
}

// ganSettings are the preset named by the flags (or the --arch's) with the
// flags the user set applied over it.
func ganSettings(f trainFlags, g ganFlags, data *imageops.Dataset) (string, models.GANConfig, models.GANTrainOptions, error) {
	set := f.given
	name := g.preset
	if name == "" {
		arch := models.GANArchMLP
		if set["arch"] {
			arch = f.arch
		}
		name = arch + "-mnist"
	}
	p, err := models.GANPresetNamed(name)
	if err != nil {
		return "", models.GANConfig{}, models.GANTrainOptions{}, usageError{err}
	}
	cfg, opt := p.Config, p.Options
	cfg.Width, cfg.Height, cfg.Channels, cfg.Seed = data.Width, data.Height, data.Channels, f.seed
	if set["arch"] {
		cfg.Arch = f.arch
	}
	if set["layers"] {
		if cfg.GLayers, err = parseLayers(f.layers, cfg.Arch); err != nil {
			return "", cfg, opt, err
		}
	}
	if set["d-layers"] {
		if cfg.DLayers, err = parseLayers(g.dLayers, cfg.Arch); err != nil {
			return "", cfg, opt, err
		}
	}
	if set["latent"] {
		cfg.Latent = g.latent
	}
	if set["output"] {
		cfg.Output = g.output
	}
	if set["batchnorm"] {
		cfg.BatchNorm = g.batchNorm
	}
	for flagName, apply := range map[string]func(){
		"epochs": func() { opt.Epochs = f.epochs },
		"batch":  func() { opt.Batch = f.batch },
		"lr":     func() { opt.LR = f.lr },
		"k":      func() { opt.K = g.k },
		"smooth": func() { opt.Smooth = g.smooth },
	} {
		if set[flagName] {
			apply()
		}
	}
	opt.Seed, opt.MaxSteps, opt.SampleEvery = f.seed, f.maxSteps, g.sampleEvery
	opt.MaxDuration = time.Duration(f.maxMinutes * float64(time.Minute))
	if f.checkpointMinutes > 0 {
		opt.CheckpointPath, opt.CheckpointEvery = f.out, time.Duration(f.checkpointMinutes*float64(time.Minute))
	}
	return name, cfg, opt, nil
}

// trainGAN is train --task gan: it trains a GAN (a new one from the preset
// and flags, or --init's) with a progress bar and health lines, saves it
// and writes the report.
func trainGAN(ctx context.Context, f trainFlags, g ganFlags, data *imageops.Dataset) error {
	preset, cfg, opt, err := ganSettings(f, g, data)
	if err != nil {
		return err
	}
	var m *models.GAN
	if f.init != "" {
		if m, err = loadGAN(f.init); err != nil {
			return err
		}
		cfg, preset = m.Config(), "as trained in "+f.init
		if cfg.Width != data.Width || cfg.Height != data.Height || cfg.Channels != data.Channels {
			return usageErrorf("--init %s makes %dx%dx%d images; the data are %dx%dx%d",
				f.init, cfg.Width, cfg.Height, cfg.Channels, data.Width, data.Height, data.Channels)
		}
	} else if m, err = models.NewGAN(cfg); err != nil {
		return usageError{err}
	}
	m.History.Data = f.data
	pg, pd := m.ParamCount()
	fmt.Fprintf(os.Stderr, "%s GAN (%s): z %d, generator %v (%d parameters), discriminator %v (%d), %s output\n",
		cfg.Arch, preset, cfg.Latent, cfg.GLayers, pg, cfg.DLayers, pd, cfg.Output)
	fmt.Fprintf(os.Stderr, "training on %d images: batch %d, k %d, lr %g, beta1 %g, real label %g\n",
		data.Len(), opt.Batch, max(opt.K, 1), opt.LR, opt.Beta1, opt.Smooth)

	bar := newProgress(os.Stderr, "training")
	var last models.GANEvent
	var health *models.GANHealth
	opt.OnEvent = func(e models.GANEvent) {
		switch e.Kind {
		case models.EventStep:
			bar.update(float64(e.Step)/float64(max(e.Steps, 1)), fmt.Sprintf("step %d/%d L_D %.3f L_G %.3f D(x) %.2f D(G(z)) %.2f %.0f samples/s %s left",
				e.Step, e.Steps, e.Stats.LossD, e.Stats.LossG, e.Stats.DReal, e.Stats.DFake, e.SamplesPerSecond, clock(e.Remaining)))
		case models.EventEpoch:
			bar.println(fmt.Sprintf("epoch %d/%d: L_D %.3f, L_G %.3f, D(x) %.3f, D(G(z)) %.3f, %.0f samples/s",
				e.Epoch, e.Epochs, e.Stats.LossD, e.Stats.LossG, e.Stats.DReal, e.Stats.DFake, e.SamplesPerSecond))
		case models.EventPreview:
			health = e.Health
			c := e.Health.Collapse
			bar.println(fmt.Sprintf("step %d: collapse meter %.2f (diversity %.2f, coverage %.2f)", e.Step, c.Meter, c.Diversity, c.Coverage))
			for _, w := range e.Health.Warnings {
				bar.println("  warning: " + w)
			}
			if g.samples != "" {
				if err := imageops.SavePNG(g.samples, sampleGrid(e.Samples.Output, cfg)); err != nil {
					bar.println("samples not saved: " + err.Error())
				}
			}
		case models.EventRestored:
			bar.println("NaN protection: " + e.Err.Error())
		case models.EventCheckpoint:
			if e.Err != nil {
				bar.println("checkpoint not saved: " + e.Err.Error())
			}
		case models.EventDone:
			last = e
		}
	}
	tr, err := models.NewGANTrainer(m, data, opt)
	if err != nil {
		return usageError{err}
	}
	runErr := tr.Run(ctx)
	bar.finish()
	if runErr != nil && m.History.Steps == 0 {
		return runErr
	}
	if err := m.Save(f.out); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "saved %s\n", f.out)
	quality, err := assessGAN(m, data)
	if err != nil {
		return err
	}
	if f.report != "" {
		h := m.History
		rep := ganReport{Task: taskGAN, Arch: cfg.Arch, Preset: preset, Data: f.data, NTrain: data.Len(), Epochs: h.Epochs, Steps: h.Steps,
			LossD: h.LossD, LossG: h.LossG, DReal: h.DReal, DFake: h.DFake, Restores: h.Restores, Seconds: h.Seconds,
			ParamsG: pg, ParamsD: pd, Stopped: last.Stopped, Model: f.out, Warnings: []string{}}
		if h.Seconds > 0 {
			rep.SamplesPerSecond = float64(h.Samples) / h.Seconds
		}
		if health != nil {
			rep.Collapse, rep.Warnings = finite(health.Collapse.Meter), append(rep.Warnings, health.Warnings...)
		}
		rep.Quality = quality
		if err := writeJSON(f.report, rep); err != nil {
			return err
		}
	}
	return runErr
}

func loadGAN(path string) (*models.GAN, error) { return loadRef(path, assets.LoadGAN) }

// sampleGrid lays images (in [0,1]) out in a square-ish grid, each shown
// at least 56 pixels wide.
func sampleGrid(imgs [][]float32, cfg models.GANConfig) *image.NRGBA {
	cols := int(math.Ceil(math.Sqrt(float64(len(imgs)))))
	var rows [][]image.Image
	for i, img := range imgs {
		if i%cols == 0 {
			rows = append(rows, nil)
		}
		rows[len(rows)-1] = append(rows[len(rows)-1], imageops.ToImage(img, cfg.Width, cfg.Height, cfg.Channels))
	}
	cell := max(cfg.Width, cfg.Height)
	cell *= max(1, 56/cell)
	return imageops.Montage(rows, cell, 2, color.White)
}

// cmdGenerate writes images a trained GAN makes from random noise.
func cmdGenerate(args []string) error {
	fs := flag.NewFlagSet("generate", flag.ContinueOnError)
	modelPath := fs.String("model", "", "trained GAN (.lsm from train --task gan)")
	n := fs.Int("n", 64, "number of images")
	out := fs.String("out", "", "folder for the PNGs")
	seed := fs.Int64("seed", 1, "seed of the noise: the same seed gives the same images")
	grid := fs.String("grid", "", "also write all the images as one grid PNG here")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if *out == "" && *grid == "" {
		return usageErrorf("generate needs --out or --grid")
	}
	if *n < 1 || *n > 100000 {
		return usageErrorf("--n %d: want 1..100000", *n)
	}
	m, err := loadGAN(*modelPath)
	if err != nil {
		return err
	}
	cfg := m.Config()
	imgs, err := m.Sample(*n, *seed)
	if err != nil {
		return err
	}
	size := cfg.ImageSize()
	var all [][]float32
	for i := 0; i < *n; i++ {
		all = append(all, imgs[i*size:(i+1)*size])
	}
	if *out != "" {
		if err := m.SaveSamples(*out, imgs); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "wrote %d images to %s\n", *n, *out)
	}
	if *grid != "" {
		if err := imageops.SavePNG(*grid, sampleGrid(all, cfg)); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "wrote %s\n", *grid)
	}
	return nil
}

// assessGAN scores 1,000 samples of a GAN with the built-in classifier
// against 1,000 training images, and prints the figures; it does nothing
// for GANs of another image size than the classifier's.
func assessGAN(m *models.GAN, data *imageops.Dataset) (*ganQuality, error) {
	c, err := assets.LoadClassifier(assets.DefaultClassifier)
	if err != nil {
		return nil, err
	}
	const n = 1000
	q, err := models.AssessGAN(c, m, n, 1, data.Sample(n, 1).Data)
	if errors.Is(err, models.ErrClassifierSize) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	fmt.Println("quality by the built-in MNIST digit classifier (its classes mean something for digits only):")
	printQuality(fmt.Sprintf("the GAN (seed 1), against %d training images,", q.NReal), q,
		q.Present == len(q.Classes) && q.MaxShare <= acceptMaxShare && q.MeanConfidence >= acceptConfidence)
	return &ganQuality{Classes: q.Present, MaxShare: q.MaxShare, MeanConfidence: q.MeanConfidence, FrechetDistance: finite(q.FrechetDistance)}, nil
}
