package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"latentstudio/imageops"
	"latentstudio/models"
)

// trainFlags are the flags of train (and, with fixed values, of demo).
type trainFlags struct {
	task, arch, data, out, loss, noise, layers, size, test, report string
	init, class, dilations, deepen, scales                         string
	given                                                          map[string]bool // the flags set on the command line
	codeAct                                                        string
	code, epochs, batch, patches, maxSteps, warmup                 int
	lr, val, maxMinutes, checkpointMinutes                         float64
	seed                                                           int64
	gray, cosine                                                   bool
}

func (f *trainFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.task, "task", models.TaskReconstruct, "reconstruct | denoise | colorize | inpaint (fills synthetic watermarks' masks; train with --patches on photos) | gan (a generator and a discriminator; see --preset)")
	fs.StringVar(&f.arch, "arch", models.ArchDense, "dense | conv | residual (a DnCNN-style denoiser for photos of any size)")
	fs.StringVar(&f.data, "data", "", "training data: a folder of images (subfolders are classes) or an IDX images file")
	fs.StringVar(&f.out, "out", "", "where to save the trained model (.lsm)")
	fs.StringVar(&f.layers, "layers", "", "encoder widths from the input inwards, e.g. 256,64 (dense units) or 16,32 (conv channels); the decoder mirrors them")
	fs.StringVar(&f.dilations, "dilations", "", "with --arch residual: the tap spacing of each 3x3 conv layer, the output layer included (one more than --layers), e.g. 1,2,3,4,4,3,2,1,1 to see 21 pixels around each pixel instead of 9 at the same cost")
	fs.IntVar(&f.code, "code", 32, "code (latent) size; 0 with --arch conv: no dense code layer, the code is the last feature map")
	fs.StringVar(&f.codeAct, "code-act", models.ActLinear, "activation of the code layer: linear | relu")
	fs.StringVar(&f.size, "size", "", "input size WxH or N (default: native for IDX, 64 for folders)")
	fs.BoolVar(&f.gray, "gray", false, "train on gray images (IDX data are always gray)")
	fs.StringVar(&f.loss, "loss", models.LossAuto, "auto | mse | bce (auto: BCE when inputs lie in [0,1], else MSE)")
	fs.StringVar(&f.noise, "noise", "gaussian:0.3", "noise for --task denoise: KIND:STRENGTH or KIND:LO-HI (drawn per image), several joined by +; kinds gaussian (sigma on [0,1], or on 0-255 above 1), poisson (photon peak), saltpepper (share); e.g. gaussian:0-55+poisson:5-60")
	fs.StringVar(&f.class, "class", "", "train only on the images of this class (e.g. one digit, for anomaly detection)")
	fs.StringVar(&f.init, "init", "", "start from this trained model's weights and config (train further, e.g. at a lower --lr); the model flags are then ignored")
	fs.StringVar(&f.deepen, "deepen", "", "with --init of a residual model: insert one identity-initialised 3x3 layer per given dilation in the middle of its stack (e.g. 2,4,8,4,2); the deeper model starts out computing exactly what the old one did")
	fs.IntVar(&f.patches, "patches", 0, "cut this many random --size patches (rotated and mirrored at random) from the photos in --data instead of resizing whole images")
	fs.StringVar(&f.scales, "scales", "", "with --patches: also cut from copies of each photo resized to these fractions of its size, e.g. 0.5 or 0.9,0.8,0.7 (more variety from few photos)")
	fs.IntVar(&f.epochs, "epochs", 10, "epochs")
	fs.IntVar(&f.batch, "batch", 64, "batch size")
	fs.Float64Var(&f.lr, "lr", 1e-3, "Adam learning rate")
	fs.IntVar(&f.warmup, "warmup", 0, "raise the learning rate linearly over this many first steps (spares a model trained further with --init the jolt of Adam's first steps)")
	fs.BoolVar(&f.cosine, "cosine", false, "lower the learning rate along half a cosine to 0 at the last step")
	fs.Int64Var(&f.seed, "seed", 1, "seed for weights, shuffling, noise and the validation split")
	fs.Float64Var(&f.val, "val", 0.1, "fraction of the data held out for validation")
	fs.StringVar(&f.test, "test", "", "optional test data, reported as test_loss")
	fs.StringVar(&f.report, "report", "", "write the final figures to this JSON file")
	fs.Float64Var(&f.maxMinutes, "max-minutes", 0, "stop training after this many minutes (0: no limit)")
	fs.IntVar(&f.maxSteps, "max-steps", 0, "stop training after this many steps (0: no limit); with the seed, this repeats a run that --max-minutes cut short")
	fs.Float64Var(&f.checkpointMinutes, "checkpoint-minutes", 0, "also save --out at every epoch end and at least this often while training (0: only at the end)")
}

func cmdTrain(args []string) error {
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	var f trainFlags
	f.register(fs)
	var g ganFlags
	g.register(fs)
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	f.given = map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { f.given[fl.Name] = true })
	if f.data == "" || f.out == "" {
		return usageErrorf("train needs --data and --out")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	opts, err := f.loadOptions()
	if err != nil {
		return err
	}
	var data *imageops.Dataset
	if f.patches > 0 {
		data, err = f.loadPatches(ctx, opts)
	} else {
		data, err = loadData(ctx, f.data, opts)
	}
	if err != nil {
		return err
	}
	if f.class != "" {
		if data, err = onlyClass(data, f.class); err != nil {
			return err
		}
	}
	if f.task == taskGAN {
		return trainGAN(ctx, f, g, data)
	}
	_, err = train(ctx, f, data)
	return err
}

// loadOptions turns --size and --gray into imageops options.
func (f *trainFlags) loadOptions() (imageops.Options, error) {
	opt := imageops.Options{Gray: f.gray}
	if f.size == "" {
		return opt, nil
	}
	w, h, ok := strings.Cut(strings.ToLower(f.size), "x")
	if !ok {
		h = w
	}
	var err1, err2 error
	opt.Width, err1 = strconv.Atoi(w)
	opt.Height, err2 = strconv.Atoi(h)
	if err1 != nil || err2 != nil || opt.Width < 1 || opt.Height < 1 {
		return opt, usageErrorf("--size %q: want WxH or N, e.g. 64x48 or 28", f.size)
	}
	return opt, nil
}

// loadData loads a dataset with a progress bar. IDX data are gray at their
// native size unless asked otherwise; folders of images default to 64x64.
func loadData(ctx context.Context, src string, opt imageops.Options) (*imageops.Dataset, error) {
	switch {
	case imageops.IsIDX(src):
		opt.Gray = true
	case opt.Width == 0:
		opt.Width, opt.Height = 64, 64
	}
	bar := newProgress(os.Stderr, "loading "+src)
	opt.Progress = func(done, total int) {
		bar.update(float64(done)/float64(max(total, 1)), fmt.Sprintf("%d/%d images", done, total))
	}
	d, err := imageops.Load(ctx, src, opt)
	bar.finish()
	if err != nil {
		return nil, usageError{err}
	}
	fmt.Fprintf(os.Stderr, "loaded %d images of %dx%dx%d from %s", d.Len(), d.Width, d.Height, d.Channels, src)
	if len(d.Classes) > 0 {
		fmt.Fprintf(os.Stderr, " in %d classes", len(d.Classes))
	}
	fmt.Fprintln(os.Stderr)
	reportSkipped(d.Skipped)
	return d, nil
}

func reportSkipped(skipped []imageops.Skipped) {
	if len(skipped) == 0 {
		return
	}
	fmt.Fprintf(os.Stderr, "skipped %d files:\n", len(skipped))
	for i, s := range skipped {
		if i == 20 {
			fmt.Fprintf(os.Stderr, "  ... and %d more\n", len(skipped)-20)
			break
		}
		fmt.Fprintf(os.Stderr, "  %s\n", s)
	}
}

func isDir(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.IsDir()
}

// onlyClass keeps the images of one class.
func onlyClass(d *imageops.Dataset, class string) (*imageops.Dataset, error) {
	var idx []int
	for i := 0; i < d.Len(); i++ {
		if d.Label(i) == class {
			idx = append(idx, i)
		}
	}
	if len(idx) == 0 {
		return nil, usageErrorf("--class %s: no images of that class (the classes are %v)", class, d.Classes)
	}
	fmt.Fprintf(os.Stderr, "training on the %d images of class %s\n", len(idx), class)
	return d.Subset(idx), nil
}

// loadPatches cuts --patches random patches of the --size (default 40)
// from the photos in --data, and from their copies at --scales.
func (f *trainFlags) loadPatches(ctx context.Context, opt imageops.Options) (*imageops.Dataset, error) {
	if !isDir(f.data) {
		return nil, usageErrorf("--patches needs --data to be a folder of photos, not %s", f.data)
	}
	if opt.Width == 0 {
		opt.Width, opt.Height = 40, 40
	}
	if opt.Width != opt.Height {
		return nil, usageErrorf("--patches needs a square --size, not %dx%d", opt.Width, opt.Height)
	}
	var scales []float64
	if f.scales != "" {
		for _, v := range strings.Split(f.scales, ",") {
			s, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil || !(s > 0 && s <= 1) {
				return nil, usageErrorf("--scales %q: want fractions in (0,1] joined by commas, e.g. 0.5 or 0.9,0.8,0.7", f.scales)
			}
			scales = append(scales, s)
		}
	}
	d, err := imageops.Patches(ctx, f.data, imageops.PatchOptions{N: f.patches, Size: opt.Width, Gray: opt.Gray, Scales: scales, Seed: f.seed})
	if err != nil {
		return nil, usageError{err}
	}
	fmt.Fprintf(os.Stderr, "cut %d patches of %dx%dx%d from the photos in %s\n", d.Len(), d.Width, d.Height, d.Channels, f.data)
	reportSkipped(d.Skipped)
	return d, nil
}

func parseLayers(s, arch string) ([]int, error) {
	if s == "" {
		switch arch {
		case models.ArchConv:
			return []int{16, 32}, nil
		case models.ArchResidual:
			return []int{32, 32, 32, 32, 32, 32}, nil
		}
		return []int{256}, nil
	}
	out, err := parseInts(s)
	if err != nil {
		return nil, usageErrorf("--layers %q: want comma-separated widths, e.g. 256,64", s)
	}
	return out, nil
}

// parseInts reads a comma-separated list of integers.
func parseInts(s string) ([]int, error) {
	var out []int
	for _, part := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(part))
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

// trainReport holds the figures --report writes; the keys are a contract.
type trainReport struct {
	Task             string   `json:"task"`
	Arch             string   `json:"arch"`
	Loss             string   `json:"loss"`
	Data             string   `json:"data"`
	NTrain           int      `json:"n_train"`
	NVal             int      `json:"n_val"`
	Epochs           int      `json:"epochs"`
	Steps            int      `json:"steps"`
	TrainLoss        float64  `json:"train_loss"`
	ValLoss          *float64 `json:"val_loss"`
	TestLoss         *float64 `json:"test_loss,omitempty"`
	Seconds          float64  `json:"seconds"`
	SamplesPerSecond float64  `json:"samples_per_second"`
	Params           int      `json:"params"`
	Stopped          bool     `json:"stopped"`
	Model            string   `json:"model"`
}

// train builds the model from the flags, trains it with a progress bar,
// saves it and writes the report.
func train(ctx context.Context, f trainFlags, data *imageops.Dataset) (*models.Autoencoder, error) {
	layers, err := parseLayers(f.layers, f.arch)
	if err != nil {
		return nil, err
	}
	var dilations, deepen []int
	if f.dilations != "" {
		if dilations, err = parseInts(f.dilations); err != nil {
			return nil, usageErrorf("--dilations %q: want comma-separated spacings, e.g. 1,2,3,2,1", f.dilations)
		}
	}
	if f.deepen != "" {
		if f.init == "" {
			return nil, usageErrorf("--deepen inserts layers into the model given with --init")
		}
		if deepen, err = parseInts(f.deepen); err != nil {
			return nil, usageErrorf("--deepen %q: want comma-separated dilations, e.g. 2,4,2", f.deepen)
		}
	}
	lo, hi := data.Range()
	loss, why, err := models.ResolveLoss(f.loss, lo, hi)
	if err != nil {
		return nil, usageError{err}
	}
	code := f.code
	if f.arch == models.ArchResidual { // it outputs an image, not a probability, and has no code
		loss, why, code = models.LossMSE, "a residual denoiser outputs the image itself", 0
	}
	if f.task == models.TaskInpaint && loss != models.LossMSE {
		loss, why = models.LossMSE, "inpainting weighs the masked pixels (x10) in a mean squared error"
	}
	cfg := models.Config{Task: f.task, Arch: f.arch, Width: data.Width, Height: data.Height, Channels: data.Channels,
		Layers: layers, Dilations: dilations, Code: code, CodeActivation: f.codeAct, Loss: loss, Seed: f.seed}
	var noise []models.NoiseSpec
	if f.task == models.TaskDenoise || f.given["noise"] {
		if noise, err = models.ParseNoise(f.noise); err != nil {
			return nil, usageErrorf("--noise: %v", err)
		}
	}
	if f.task == models.TaskDenoise {
		cfg.SetNoise(noise)
	}
	var ae *models.Autoencoder
	if f.init != "" {
		if ae, err = loadModel(f.init); err != nil {
			return nil, err
		}
		if f.given["noise"] { // train further on another noise mix
			if err := ae.SetNoise(noise); err != nil {
				return nil, usageErrorf("--noise with --init %s: %v", f.init, err)
			}
		}
		if deepen != nil {
			if ae, err = ae.Deepen(deepen); err != nil {
				return nil, usageErrorf("--deepen with --init %s: %v", f.init, err)
			}
		}
		if c := ae.Config(); c.FullyConvolutional() && c.Channels == data.Channels && (c.Width != data.Width || c.Height != data.Height) {
			// its weights fit any size: train it further on patches of another
			if ae, err = ae.AtSize(data.Width, data.Height); err != nil {
				return nil, usageErrorf("--init %s on %dx%d data: %v", f.init, data.Width, data.Height, err)
			}
		}
		cfg, why = ae.Config(), "as trained in "+f.init
		if cfg.Width != data.Width || cfg.Height != data.Height || cfg.Channels != data.Channels {
			return nil, usageErrorf("--init %s takes %dx%dx%d images; the data are %dx%dx%d",
				f.init, cfg.Width, cfg.Height, cfg.Channels, data.Width, data.Height, data.Channels)
		}
	} else if ae, err = models.NewAutoencoder(cfg); err != nil {
		return nil, usageError{err}
	}
	var test *imageops.Dataset
	if f.test != "" {
		opt := imageops.Options{Width: data.Width, Height: data.Height, Gray: data.Channels == 1}
		if test, err = loadData(ctx, f.test, opt); err != nil {
			return nil, err
		}
	}
	trainSet, valSet := data, (*imageops.Dataset)(nil)
	if f.val > 0 {
		trainSet, valSet = data.Split(f.val, f.seed)
	}
	ae.History.Data = f.data
	fmt.Fprintf(os.Stderr, "%s %s model %v -> code %d, %d parameters; loss %s (%s)\n",
		cfg.Task, cfg.Arch, cfg.Layers, cfg.CodeSize(), ae.ParamCount(), cfg.Loss, why)
	fmt.Fprintf(os.Stderr, "training on %d images, validating on %d\n", trainSet.Len(), valSet.Len())

	bar := newProgress(os.Stderr, "training")
	var last models.Event
	checkpoint := ""
	if f.checkpointMinutes > 0 {
		checkpoint = f.out
	}
	tr, err := models.NewTrainer(ae, trainSet, valSet, models.TrainOptions{
		CheckpointPath: checkpoint,
		Epochs:         f.epochs, Batch: f.batch, LR: f.lr, Seed: f.seed, Warmup: f.warmup, Cosine: f.cosine,
		MaxDuration:     time.Duration(f.maxMinutes * float64(time.Minute)),
		MaxSteps:        f.maxSteps,
		CheckpointEvery: time.Duration(f.checkpointMinutes * float64(time.Minute)),
		OnEvent: func(e models.Event) {
			switch e.Kind {
			case models.EventStep:
				bar.update(float64(e.Step)/float64(max(e.Steps, 1)), stepLine(e))
			case models.EventEpoch:
				bar.println(fmt.Sprintf("epoch %d/%d: train loss %.4f, validation loss %.4f, %.0f samples/s",
					e.Epoch, e.Epochs, e.TrainLoss, e.ValLoss, e.SamplesPerSecond))
			case models.EventCheckpoint:
				if e.Err != nil {
					bar.println("checkpoint not saved: " + e.Err.Error())
				}
			case models.EventDone:
				last = e
			}
		},
	})
	if err != nil {
		return nil, usageError{err}
	}
	runErr := tr.Run(ctx)
	bar.finish()
	if runErr != nil && ae.History.Steps == 0 {
		return nil, runErr
	}
	if err := ae.Save(f.out); err != nil {
		return nil, err
	}
	fmt.Fprintf(os.Stderr, "saved %s\n", f.out)
	rep := trainReport{Task: cfg.Task, Arch: cfg.Arch, Loss: cfg.Loss, Data: f.data, NTrain: trainSet.Len(), NVal: valSet.Len(),
		Epochs: ae.History.Epochs, Steps: ae.History.Steps, TrainLoss: ae.History.TrainLoss,
		Seconds: ae.History.Seconds, Params: ae.ParamCount(), Stopped: last.Stopped, Model: f.out}
	if ae.History.Seconds > 0 {
		rep.SamplesPerSecond = float64(ae.History.Samples) / ae.History.Seconds
	}
	if valSet.Len() > 0 {
		rep.ValLoss = finite(ae.History.ValLoss)
	}
	if test != nil {
		tl, err := models.EvaluateLoss(ctx, ae, test, f.seed+3)
		if err != nil {
			return nil, err
		}
		rep.TestLoss = finite(tl)
		fmt.Fprintf(os.Stderr, "test loss (%s) on %d images: %.4f\n", cfg.Loss, test.Len(), tl)
	}
	if f.report != "" {
		if err := writeJSON(f.report, rep); err != nil {
			return nil, err
		}
	}
	return ae, runErr
}

func stepLine(e models.Event) string {
	return fmt.Sprintf("epoch %d/%d step %d/%d loss %.4f %.0f samples/s %s left",
		e.Epoch, e.Epochs, e.Step, e.Steps, e.TrainLoss, e.SamplesPerSecond, clock(e.Remaining))
}

func clock(d time.Duration) string {
	s := int(d.Round(time.Second).Seconds())
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%02d:%02d", s/60, s%60)
}

// finite makes NaN and Inf JSON null.
func finite(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

func writeJSON(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}
