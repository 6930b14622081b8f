package ui

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"latentstudio/imageops"
	"latentstudio/models"
)

// Form holds the model and training settings. Its widgets are exported so
// the application or a test can preset them; read them on the UI goroutine.
type Form struct {
	Task   *widget.Select // reconstruct | denoise
	Noise  *widget.Entry  // noise sigma for denoise, on the [0,1] scale
	Arch   *widget.Select // dense | conv
	Layers *widget.Entry  // hidden widths from the input inwards: "256" or "32,64"
	Code   *widget.Entry  // code (latent) size
	Loss   *widget.Select // auto | mse | bce
	Epochs *widget.Entry
	Batch  *widget.Entry
	LR     *widget.Entry // learning rate
	Seed   *widget.Entry // weights, shuffling and the train/validation split

	// Size and Gray decide how images are loaded: the side (or WxH) photos
	// are resized to, and whether they are converted to gray.
	Size *widget.Entry
	Gray *widget.Check
	// Val is the share of the images held out for validation, in percent.
	Val *widget.Entry

	changed func()
}

// Defaults of a fresh form.
const (
	defaultNoise  = "0.3"
	defaultLayers = "256"
	defaultCode   = "16"
	defaultEpochs = "5"
	defaultBatch  = "64"
	defaultLR     = "0.001"
	defaultSeed   = "1"
	defaultSize   = "28"
	defaultVal    = "10"
)

func newForm(changed func()) *Form {
	f := &Form{changed: changed}
	entry := func(text, hint string) *widget.Entry {
		e := widget.NewEntry()
		e.SetText(text)
		e.SetPlaceHolder(hint)
		e.OnChanged = func(string) { f.notify() }
		return e
	}
	f.Task = widget.NewSelect([]string{models.TaskReconstruct, models.TaskDenoise}, func(string) {
		f.syncNoise()
		f.notify()
	})
	f.Task.SetSelected(models.TaskReconstruct)
	f.Noise = entry(defaultNoise, "0.3")
	f.Arch = widget.NewSelect([]string{models.ArchDense, models.ArchConv}, func(string) { f.notify() })
	f.Arch.SetSelected(models.ArchDense)
	f.Layers = entry(defaultLayers, "256 or 32,64")
	f.Code = entry(defaultCode, "16")
	f.Loss = widget.NewSelect([]string{models.LossAuto, models.LossMSE, models.LossBCE}, func(string) { f.notify() })
	f.Loss.SetSelected(models.LossAuto)
	f.Epochs = entry(defaultEpochs, "5")
	f.Batch = entry(defaultBatch, "64")
	f.LR = entry(defaultLR, "0.001")
	f.Seed = entry(defaultSeed, "1")
	f.Size = entry(defaultSize, "28 or 64x48")
	f.Val = entry(defaultVal, "10")
	f.Gray = widget.NewCheck("Gray", func(bool) { f.notify() })
	f.Gray.SetChecked(true) // digits and quick experiments; untick for colour photos
	f.syncNoise()
	return f
}

func (f *Form) notify() {
	if f.changed != nil {
		f.changed()
	}
}

func (f *Form) syncNoise() {
	if f.Noise == nil {
		return
	}
	if f.Task.Selected == models.TaskDenoise {
		f.Noise.Enable()
	} else {
		f.Noise.Disable()
	}
}

// view lays the model settings out in two aligned columns.
func (f *Form) view() fyne.CanvasObject {
	left := container.New(layout.NewFormLayout(),
		widget.NewLabel("Task"), f.Task,
		widget.NewLabel("Arch"), f.Arch,
		widget.NewLabel("Layers"), f.Layers,
		widget.NewLabel("Code"), f.Code,
		widget.NewLabel("Loss"), f.Loss,
	)
	right := container.New(layout.NewFormLayout(),
		widget.NewLabel("Noise σ"), f.Noise,
		widget.NewLabel("Epochs"), f.Epochs,
		widget.NewLabel("Batch"), f.Batch,
		widget.NewLabel("Rate"), f.LR,
		widget.NewLabel("Seed"), f.Seed,
	)
	return container.NewGridWithColumns(2, left, right)
}

// SetEnabled enables or disables every field (they are locked while a
// model trains).
func (f *Form) SetEnabled(on bool) {
	for _, w := range []fyne.Disableable{f.Task, f.Arch, f.Layers, f.Code, f.Loss, f.Epochs, f.Batch, f.LR, f.Seed, f.Val} {
		if on {
			w.Enable()
		} else {
			w.Disable()
		}
	}
	if on {
		f.syncNoise()
	} else {
		f.Noise.Disable()
	}
}

// plan is what a press of Train would start.
type plan struct {
	cfg         models.Config
	opts        models.TrainOptions // without OnEvent
	valFraction float64             // share held out for validation
	lossWhy     string
}

// plan reads the form for training on ds, whose values lie in lo..hi. The
// error explains the first field that is wrong, in words for the user.
func (f *Form) plan(ds *imageops.Dataset, lo, hi float32) (plan, error) {
	var p plan
	if ds == nil || ds.Len() == 0 {
		return p, errors.New("load some images first")
	}
	if ds.Len() < 2 {
		return p, errors.New("training needs at least two images (one is held out for validation)")
	}
	layers, err := parseLayers(f.Layers.Text)
	if err != nil {
		return p, err
	}
	minCode := 1
	if f.Arch.Selected == models.ArchConv {
		minCode = 0 // no dense code layer: the last feature map is the code
	}
	code, err := parseInt("Code size", f.Code.Text, minCode, models.MaxWidth)
	if err != nil {
		return p, err
	}
	epochs, err := parseInt("Epochs", f.Epochs.Text, 1, 100_000)
	if err != nil {
		return p, err
	}
	batch, err := parseInt("Batch", f.Batch.Text, 1, 1<<16)
	if err != nil {
		return p, err
	}
	lr, err := parseFloat("Learning rate", f.LR.Text)
	if err != nil {
		return p, err
	}
	if !(lr > 0 && lr < 10) {
		return p, fmt.Errorf("Learning rate %g is outside (0, 10); try 0.001", lr)
	}
	val, err := parseInt("Validation %", f.Val.Text, 1, 50)
	if err != nil {
		return p, err
	}
	p.valFraction = float64(val) / 100
	seed, err := strconv.ParseInt(strings.TrimSpace(f.Seed.Text), 10, 64)
	if err != nil {
		return p, fmt.Errorf("Seed %q is not a whole number", f.Seed.Text)
	}
	noise := 0.0
	if f.Task.Selected == models.TaskDenoise {
		if noise, err = parseFloat("Noise σ", f.Noise.Text); err != nil {
			return p, err
		}
	}
	loss, why, err := models.ResolveLoss(f.Loss.Selected, lo, hi)
	if err != nil {
		return p, fmt.Errorf("Loss: %v", err)
	}
	p.lossWhy = why
	p.cfg = models.Config{
		Task: f.Task.Selected, Arch: f.Arch.Selected,
		Width: ds.Width, Height: ds.Height, Channels: ds.Channels,
		Layers: layers, Code: code, Loss: loss, NoiseSigma: noise, Seed: seed,
	}
	if err := p.cfg.Validate(); err != nil {
		return p, capitalize(err.Error())
	}
	p.opts = models.TrainOptions{
		Epochs: epochs, Batch: batch, LR: lr, Seed: seed,
		PreviewN: previewRows, PreviewEvery: 500 * time.Millisecond,
	}
	return p, nil
}

// loadOptions reads the image size and gray settings used when loading.
func (f *Form) loadOptions() (imageops.Options, error) {
	opt := imageops.Options{Gray: f.Gray.Checked}
	w, h, err := parseSize(f.Size.Text)
	if err != nil {
		return opt, err
	}
	opt.Width, opt.Height = w, h
	return opt, nil
}

// parseSize reads "28", "64x48" or "" (keep the source's size).
func parseSize(s string) (w, h int, err error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return 0, 0, nil
	}
	ws, hs, two := strings.Cut(s, "x")
	if !two {
		hs = ws
	}
	if w, err = parseInt("Image size", ws, 1, models.MaxSide); err != nil {
		return 0, 0, fmt.Errorf("Image size %q: want a side like 28 or a size like 64x48", s)
	}
	if h, err = parseInt("Image size", hs, 1, models.MaxSide); err != nil {
		return 0, 0, fmt.Errorf("Image size %q: want a side like 28 or a size like 64x48", s)
	}
	return w, h, nil
}

// parseLayers reads "256", "32,64" or "32 64"; empty means no hidden layer.
func parseLayers(s string) ([]int, error) {
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == ';' })
	layers := make([]int, 0, len(fields))
	for _, fld := range fields {
		n, err := strconv.Atoi(fld)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("Layers %q: want widths like 256 or 32,64 (whole numbers, comma separated)", strings.TrimSpace(s))
		}
		layers = append(layers, n)
	}
	return layers, nil
}

func parseInt(name, s string, lo, hi int) (int, error) {
	s = strings.TrimSpace(s)
	n, err := strconv.Atoi(strings.ReplaceAll(s, "_", ""))
	if err != nil {
		if s == "" {
			return 0, fmt.Errorf("%s is empty", name)
		}
		return 0, fmt.Errorf("%s %q is not a whole number", name, s)
	}
	if n < lo || n > hi {
		return 0, fmt.Errorf("%s %d is outside %s..%s", name, n, formatInt(lo), formatInt(hi))
	}
	return n, nil
}

func parseFloat(name, s string) (float64, error) {
	s = strings.TrimSpace(s)
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		if s == "" {
			return 0, fmt.Errorf("%s is empty", name)
		}
		return 0, fmt.Errorf("%s %q is not a number", name, s)
	}
	return v, nil
}

// capitalize turns a lower-case library message into a sentence start.
func capitalize(s string) error {
	if s == "" {
		return errors.New("invalid settings")
	}
	return errors.New(strings.ToUpper(s[:1]) + s[1:])
}
