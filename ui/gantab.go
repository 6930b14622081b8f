package ui

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"math"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latentstudio/imageops"
	"latentstudio/models"
)

// The GAN tab's fixed numbers.
const (
	ganSamples     = 64 // fixed-noise samples per grid (8×8)
	ganStrip       = 8  // real and generated images in the strip, interpolation steps
	ganSampleEvery = 50 // generator steps between grids
	ganGenSeed     = 1  // noise of Generate to folder, as `latentstudio generate` defaults to
	// Collapse meter readings below these are "low diversity" and "collapsing".
	healthyMeter  = 0.5
	collapseMeter = 0.2
)

// ganSensitivity is the note on the knobs a GAN run is sensitive to.
const ganSensitivity = "Sensitive knobs: the learning rate and Adam's beta1 (2e-4 and 0.5 work), k (discriminator steps per " +
	"generator step) and the real label (0.9 smooths it). A discriminator much stronger than the generator starves it: " +
	"D(G(z)) sinks to 0 and the samples stop improving."

// ganTab is the "GAN" tab: it trains a generative adversarial network on
// the loaded images and shows it learning (losses, D's outputs, a fixed-noise
// sample grid with a slider back through the run, real beside generated
// images, the collapse meter and warnings), interpolates between two
// samples, saves and opens GAN files and generates images to a folder.
//
// The run works in goroutines that report through Studio.post once a tick;
// everything else runs on the UI goroutine.
type ganTab struct {
	s    *Studio
	view fyne.CanvasObject

	preset                                                       *widget.Select
	arch                                                         *widget.RadioGroup
	about                                                        *widget.Label // the preset's description
	latent, gLayers, dLayers, k, smooth, lr, batch, epochs, mins *widget.Entry
	data                                                         *widget.Label

	trainBtn, pauseBtn, stopBtn, moreBtn, saveBtn, openBtn, genBtn *widget.Button
	genN                                                           *widget.Entry

	losses, probs *LossChart
	grid          *ganGrid
	strip         *canvas.Image // real images beside generated ones
	interp        *canvas.Image
	interpNote    *widget.Label
	between       []image.Image // the interpolation shown
	meter         *widget.ProgressBar
	meterNote     *widget.Label
	warnings      *widget.Label
	quality       *widget.Label // the built-in classifier's figures
	qualityBtn    *widget.Button
	measuring     bool
	lasting       []string // this run's NaN recoveries and checkpoint errors: warnings that stay
	warned        []string // the trainer's warnings at the last grid
	progress      *widget.ProgressBar
	status        *widget.Label
	health        fyne.CanvasObject // the meter, warnings and status under the live view
	healthMin     fyne.Size
	body          *fyne.Container // the live view over health

	run    *ganRun
	paused bool
	gan    *models.GAN // the last run's result or the GAN opened: what Continue, Save and Generate use
	real   [][]float32 // the strip's real images
}

func newGANTab(s *Studio) *ganTab {
	t := &ganTab{s: s}
	var names []string
	for _, p := range models.GANPresets() {
		names = append(names, p.Name)
	}
	t.about = caption("")
	for _, e := range []**widget.Entry{&t.latent, &t.gLayers, &t.dLayers, &t.k, &t.smooth, &t.lr, &t.batch, &t.epochs, &t.mins} {
		*e = widget.NewEntry()
	}
	t.mins.SetText("10")
	t.arch = newChoice([]string{models.GANArchMLP, models.GANArchDCGAN}, models.GANArchMLP, t.archChanged)
	t.preset = widget.NewSelect(names, t.presetChanged)
	t.preset.SetSelected(names[0])
	t.data = widget.NewLabel("")
	t.data.Wrapping = fyne.TextWrapWord

	t.trainBtn = widget.NewButtonWithIcon("Train", theme.MediaPlayIcon(), func() { t.start(false) })
	t.trainBtn.Importance = widget.HighImportance
	t.pauseBtn = widget.NewButtonWithIcon("Pause", theme.MediaPauseIcon(), t.togglePause)
	t.stopBtn = widget.NewButtonWithIcon("Stop", theme.MediaStopIcon(), t.stop)
	t.moreBtn = widget.NewButtonWithIcon("Continue", theme.MediaFastForwardIcon(), func() { t.start(true) })
	t.saveBtn = widget.NewButtonWithIcon("Save GAN…", theme.DocumentSaveIcon(), func() { t.s.askSavePath("gan.lsm", models.FileExt, "", t.saveTo) })
	t.openBtn = widget.NewButtonWithIcon("Open GAN…", theme.FolderOpenIcon(), func() { t.s.askOpenPath([]string{models.FileExt}, t.open) })
	t.genN = widget.NewEntry()
	t.genN.SetText("64")
	t.genBtn = widget.NewButtonWithIcon("Generate to folder…", theme.DownloadIcon(),
		func() { t.chooseFolder(func(dir string) { t.generateTo(dir, t.setStatus) }) })

	t.losses = NewNamedChart(ChartNames{Title: fmt.Sprintf("Losses (%d-step means)", ganBlock), Line: "L_D", Points: "L_G", Short: "L_G",
		Empty: "L_D and L_G appear here"})
	t.probs = NewNamedChart(ChartNames{Title: "Discriminator outputs", Line: "D(x)", Points: "D(G(z))", Short: "D(G(z))",
		Empty: "Mean D(x) and D(G(z)) appear here"})
	t.grid = newGANGrid()
	t.grid.OnShown = t.showStrip
	t.grid.OnPicked = t.interpolate
	t.strip = pixelImage(2)
	t.interp = pixelImage(1)
	t.interpNote = caption("Tap two samples of the grid to interpolate between them.")
	t.meter = widget.NewProgressBar()
	t.meter.TextFormatter = func() string { return fmt.Sprintf("%.2f", t.meter.Value) }
	t.meterNote = widget.NewLabel("—")
	t.meterNote.Wrapping = fyne.TextWrapWord
	t.warnings = widget.NewLabel("")
	t.warnings.Wrapping = fyne.TextWrapWord
	t.warnings.Importance = widget.WarningImportance
	t.warnings.Hide()
	t.quality = caption("Measure scores the current GAN's samples with the built-in digit classifier.")
	t.qualityBtn = widget.NewButtonWithIcon("Measure", theme.SearchIcon(), t.measureQuality)
	t.progress = widget.NewProgressBar()
	t.status = widget.NewLabel("")
	t.status.Wrapping = fyne.TextWrapWord

	t.view = t.layout()
	t.refresh()
	return t
}

// caption is a small wrapping label for notes.
func caption(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.SizeName = theme.SizeNameCaptionText
	l.Wrapping = fyne.TextWrapWord
	return l
}

// pixelImage shows rows of ganStrip small images, pixel-scaled.
func pixelImage(rows int) *canvas.Image {
	img := canvas.NewImageFromImage(nil)
	img.ScaleMode = canvas.ImageScalePixels
	img.FillMode = canvas.ImageFillContain
	img.SetMinSize(fyne.NewSize(ganStrip*30, float32(rows)*30))
	return img
}

// ganSetupWidth is the width of the setup column.
const ganSetupWidth = 250

func (t *ganTab) layout() fyne.CanvasObject {
	form := container.New(layout.NewFormLayout())
	for _, f := range []struct {
		name string
		e    *widget.Entry
	}{{"z size", t.latent}, {"G layers", t.gLayers}, {"D layers", t.dLayers}, {"k (D steps)", t.k}, {"Real label", t.smooth},
		{"Learning rate", t.lr}, {"Batch", t.batch}, {"Epochs", t.epochs}, {"Max minutes", t.mins}} {
		form.Add(widget.NewLabel(f.name))
		form.Add(f.e)
	}
	setup := container.NewVBox(
		boldLabel("Setup"), t.data,
		container.NewBorder(nil, nil, widget.NewLabel("Preset"), nil, t.preset), t.about, t.arch,
		form, caption(ganSensitivity),
	)
	// The column keeps its width, and the run's buttons stay in view below
	// the settings, which scroll when the window is low.
	column := container.NewBorder(nil,
		container.NewGridWithColumns(2, t.trainBtn, t.pauseBtn, t.stopBtn, t.moreBtn, t.openBtn, t.saveBtn), nil, nil,
		container.NewVScroll(container.NewGridWrap(fyne.NewSize(ganSetupWidth, setup.MinSize().Height), setup)))

	charts := container.NewHSplit(panel(t.losses), panel(t.probs))
	side := container.NewVBox(
		caption("Real images (top) and generated ones (bottom)"), t.strip,
		t.interpNote, t.interp,
	)
	generate := container.NewHBox(widget.NewLabel("N"), container.NewGridWrap(fyne.NewSize(72, t.genN.MinSize().Height), t.genN), t.genBtn)
	samples := container.NewBorder(container.NewBorder(nil, nil, boldLabel("Samples from fixed noise"), generate),
		container.NewBorder(nil, nil, t.grid.at, nil, t.grid.slider),
		nil, nil, container.NewGridWithColumns(2, t.grid, container.NewVScroll(side)))
	live := container.NewVSplit(charts, panel(samples))
	live.Offset = 0.38
	t.health = container.NewVBox(
		container.NewBorder(nil, nil, container.NewHBox(boldLabel("Collapse meter"),
			container.NewGridWrap(fyne.NewSize(120, t.meter.MinSize().Height), t.meter)), nil, t.meterNote),
		t.warnings,
		container.NewBorder(nil, nil, container.NewHBox(boldLabel("Quality"), t.qualityBtn), nil, t.quality),
		container.NewBorder(nil, nil, nil, container.NewGridWrap(fyne.NewSize(120, t.progress.MinSize().Height), t.progress), t.status),
	)
	t.healthMin = t.health.MinSize()
	t.body = container.NewBorder(nil, t.health, nil, nil, live)
	return container.NewBorder(nil, nil, column, nil, t.body)
}

// relayout lays the live view out again when the lines under it grew or
// shrank (warnings shown or hidden, texts wrapping anew), as
// Studio.relayout does for the left column.
func (t *ganTab) relayout() {
	if m := t.health.MinSize(); m != t.healthMin {
		t.healthMin = m
		t.body.Refresh()
	}
}

// presetChanged fills the settings from the preset.
func (t *ganTab) presetChanged(name string) {
	p, err := models.GANPresetNamed(name)
	if err != nil {
		return
	}
	c, o := p.Config, p.Options
	t.about.SetText(p.About)
	t.arch.SetSelected(c.Arch)
	t.latent.SetText(fmt.Sprint(c.Latent))
	t.gLayers.SetText(joinInts(c.GLayers))
	t.dLayers.SetText(joinInts(c.DLayers))
	t.k.SetText(fmt.Sprint(o.K))
	t.smooth.SetText(fmt.Sprint(o.Smooth))
	t.lr.SetText(fmt.Sprint(o.LR))
	t.batch.SetText(fmt.Sprint(o.Batch))
	t.epochs.SetText(fmt.Sprint(o.Epochs))
}

// archChanged switches to the first preset of that architecture, since the
// layer widths mean different things for each.
func (t *ganTab) archChanged(arch string) {
	for _, p := range models.GANPresets() {
		if p.Config.Arch == arch {
			t.preset.SetSelected(p.Name)
			return
		}
	}
}

func joinInts(v []int) string { return strings.Trim(strings.ReplaceAll(fmt.Sprint(v), " ", ","), "[]") }

// settings reads the setup into a config and options for ds.
func (t *ganTab) settings(ds *imageops.Dataset) (models.GANConfig, models.GANTrainOptions, error) {
	p, err := models.GANPresetNamed(t.preset.Selected)
	if err != nil {
		return models.GANConfig{}, models.GANTrainOptions{}, err
	}
	c, o := p.Config, p.Options
	c.Arch, c.Width, c.Height, c.Channels, c.Seed = t.arch.Selected, ds.Width, ds.Height, ds.Channels, 1
	var mins float64
	for _, step := range []func() error{
		func() (err error) { c.Latent, err = parseInt("z", t.latent.Text, 1, models.MaxWidth); return },
		func() (err error) { c.GLayers, err = parseLayers(t.gLayers.Text); return },
		func() (err error) { c.DLayers, err = parseLayers(t.dLayers.Text); return },
		func() (err error) { o.K, err = parseInt("k", t.k.Text, 1, 10); return },
		func() (err error) { o.Smooth, err = parseFloat("Real label", t.smooth.Text); return },
		func() (err error) { o.LR, err = parseFloat("Learning rate", t.lr.Text); return },
		func() (err error) { o.Batch, err = parseInt("Batch", t.batch.Text, 1, 4096); return },
		func() (err error) { o.Epochs, err = parseInt("Epochs", t.epochs.Text, 1, 10000); return },
		func() (err error) { mins, err = parseFloat("Max minutes", t.mins.Text); return },
	} {
		if err := step(); err != nil {
			return c, o, err
		}
	}
	o.Seed, o.SampleN, o.SampleEvery = c.Seed, ganSamples, ganSampleEvery
	o.MaxDuration = time.Duration(max(mins, 0) * float64(time.Minute))
	return c, o, c.Validate()
}

// fixedNoise is the noise of m's sample grids: the trainer's, since the
// tab trains with the config's seed.
func fixedNoise(m *models.GAN) []float32 { return m.Noise(ganSamples, m.Config().Seed+1) }

// refresh says what the GAN would train on; the studio calls it when the
// tab is selected.
func (t *ganTab) refresh() {
	if ds := t.s.ds; ds == nil {
		t.data.Importance = widget.WarningImportance
		t.data.SetText("No images loaded: load some in the Data panel on the left (the sample digits work well).")
	} else {
		kind := "colour"
		if ds.Channels == 1 {
			kind = "gray"
		}
		t.data.Importance = widget.MediumImportance
		t.data.SetText(fmt.Sprintf("Trains on the %s loaded (%d×%d, %s).", plural(ds.Len(), "image", "images"), ds.Width, ds.Height, kind))
	}
	t.updateControls()
}

func (t *ganTab) updateControls() {
	idle := t.run == nil
	setEnabled(t.trainBtn, idle && t.s.ds != nil)
	setEnabled(t.moreBtn, idle && t.s.ds != nil && t.gan != nil)
	setEnabled(t.pauseBtn, !idle)
	setEnabled(t.stopBtn, !idle)
	setEnabled(t.openBtn, idle)
	setEnabled(t.saveBtn, t.current() != nil)
	setEnabled(t.genBtn, t.current() != nil)
	setEnabled(t.qualityBtn, t.current() != nil && !t.measuring)
	for _, w := range []fyne.Disableable{t.preset, t.arch, t.latent, t.gLayers, t.dLayers, t.k, t.smooth, t.lr, t.batch, t.epochs, t.mins} {
		setEnabled(w, idle)
	}
}

// current is the GAN to save, sample and interpolate with: a snapshot of
// the run's when one trains (safe to use beside it).
func (t *ganTab) current() *models.GAN {
	if t.run != nil {
		return t.run.trainer.Snapshot()
	}
	return t.gan
}

func (t *ganTab) setStatus(text string, imp widget.Importance) {
	t.status.Importance = imp
	t.status.SetText(text)
	t.relayout()
}

// start trains a new GAN from the setup, or (more) the current one further
// with the setup's training options, continuing its curves and grids.
func (t *ganTab) start(more bool) {
	ds := t.s.ds
	t.refresh()
	if t.run != nil || ds == nil {
		return
	}
	cfg, opt, err := t.settings(ds)
	if err != nil {
		t.setStatus(capitalize(err.Error()).Error(), widget.DangerImportance)
		return
	}
	var m *models.GAN
	if more {
		m = t.gan.Clone()
		opt.Seed = m.Config().Seed // the same fixed noise: the grids go on
	} else if m, err = models.NewGAN(cfg); err != nil {
		t.setStatus(capitalize(err.Error()).Error(), widget.DangerImportance)
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	run := &ganRun{cancel: cancel, ended: make(chan error, 1), offset: m.History.Steps}
	opt.OnEvent = run.onEvent
	if dir, err := checkpointDir(); err == nil {
		// Saved at every epoch end and every few minutes: a crash loses little.
		opt.CheckpointPath = filepath.Join(dir, fmt.Sprintf("gan-%s.lsm", time.Now().Format("20060102-150405")))
	}
	if run.trainer, err = models.NewGANTrainer(m, ds, opt); err != nil {
		cancel()
		t.setStatus("Could not start training: "+err.Error(), widget.DangerImportance)
		return
	}
	if !more {
		t.losses.Reset()
		t.probs.Reset()
		t.grid.reset()
		t.clearInterpolation()
		t.meter.SetValue(0)
		t.meterNote.SetText("—")
	}
	t.real = t.real[:0]
	for i := range ganStrip {
		t.real = append(t.real, ds.Image(i*ds.Len()/ganStrip))
	}
	t.lasting, t.warned = nil, nil
	t.showWarnings()
	t.run, t.paused = run, false
	t.setPauseButton()
	t.progress.SetValue(0)
	t.updateControls()
	pg, pd := m.ParamCount()
	c := m.Config()
	t.setStatus(fmt.Sprintf("Building a %s GAN: z %d, generator %v (%s parameters), discriminator %v (%s)…",
		c.Arch, c.Latent, c.GLayers, formatInt(pg), c.DLayers, formatInt(pd)), widget.MediumImportance)
	go run.work(ctx)
	go run.pump(t.s.post, func(b ganBatch, final bool) { t.apply(run, b, final) })
}

// apply shows a batch of the run's events; it runs on the UI goroutine.
func (t *ganTab) apply(run *ganRun, b ganBatch, final bool) {
	if t.run != run {
		return
	}
	t.losses.AddPoints(SeriesTrain, b.lossD)
	t.losses.AddPoints(SeriesVal, b.lossG)
	t.probs.AddPoints(SeriesTrain, b.dReal)
	t.probs.AddPoints(SeriesVal, b.dFake)
	for _, p := range b.previews {
		t.grid.add(p.samples)
		if p.health != nil {
			t.showHealth(*p.health)
		}
	}
	t.lasting = append(t.lasting, b.restores...)
	if b.checkpointErr != nil {
		t.lasting = append(t.lasting, "Checkpoint not saved: "+b.checkpointErr.Error())
	}
	t.showWarnings()
	if b.last != nil && !t.paused {
		t.showProgress(*b.last)
	}
	if b.paused != nil && t.paused {
		t.setStatus(fmt.Sprintf("Paused at step %s. Press Resume to go on.", formatInt(b.paused.Step+run.offset)), widget.WarningImportance)
	}
	if final {
		t.finish(run, b.done, b.err)
	}
}

func (t *ganTab) showProgress(e models.GANEvent) {
	parts := []string{
		fmt.Sprintf("Epoch %d/%d", max(e.Epoch, 1), e.Epochs),
		fmt.Sprintf("step %s/%s", formatInt(e.Step), formatInt(e.Steps)),
	}
	if e.SamplesPerSecond > 0 {
		parts = append(parts, formatInt(int(math.Round(e.SamplesPerSecond)))+" samples/s")
	}
	if e.Remaining > 0 {
		parts = append(parts, formatDuration(e.Remaining)+" left")
	}
	if s := e.Stats; s != (models.GANStats{}) {
		parts = append(parts, fmt.Sprintf("L_D %.3f · L_G %.3f · D(x) %.2f · D(G(z)) %.2f", s.LossD, s.LossG, s.DReal, s.DFake))
	}
	t.setStatus(strings.Join(parts, " · "), widget.MediumImportance)
	if e.Steps > 0 {
		t.progress.SetValue(float64(e.Step) / float64(e.Steps))
	}
}

// showHealth shows the collapse meter and keeps the trainer's warnings.
func (t *ganTab) showHealth(h models.GANHealth) {
	c := h.Collapse
	if finite(c.Meter) {
		t.meter.SetValue(c.Meter)
		word := "healthy"
		switch {
		case c.Meter < collapseMeter:
			word = "collapsing"
		case c.Meter < healthyMeter:
			word = "low diversity"
		}
		t.meterNote.SetText(fmt.Sprintf("%s · diversity %.2f, coverage %.2f of real images'", word, c.Diversity, c.Coverage))
	}
	t.warned = h.Warnings
}

// showWarnings shows the lasting warnings, then the trainer's current ones.
func (t *ganTab) showWarnings() {
	lines := append(append([]string(nil), t.lasting...), t.warned...)
	t.warnings.SetText("⚠ " + strings.Join(lines, "\n⚠ "))
	showIf(t.warnings, len(lines) > 0)
	t.relayout()
}

func (t *ganTab) finish(run *ganRun, done *models.GANEvent, err error) {
	t.run, t.paused = nil, false
	t.gan = run.trainer.Snapshot()
	t.setPauseButton()
	t.updateControls()
	switch {
	case err != nil:
		t.setStatus("Training stopped: "+strings.TrimPrefix(err.Error(), models.ErrDiverged.Error()+": "), widget.DangerImportance)
	case done != nil:
		what, imp := fmt.Sprintf("Finished %s", plural(done.Epochs, "epoch", "epochs")), widget.SuccessImportance
		if done.Stopped {
			what, imp = fmt.Sprintf("Stopped at step %s/%s", formatInt(done.Step), formatInt(done.Steps)), widget.MediumImportance
		}
		h := t.gan.History
		t.setStatus(fmt.Sprintf("%s in %s · L_D %.3f · L_G %.3f · D(x) %.2f · D(G(z)) %.2f. Save it, continue, or generate images.",
			what, formatDuration(done.Elapsed), h.LossD, h.LossG, h.DReal, h.DFake), imp)
	}
}

func (t *ganTab) togglePause() {
	if t.run == nil {
		return
	}
	if t.paused {
		t.run.trainer.Resume()
		t.setStatus("Resuming…", widget.MediumImportance)
	} else {
		t.run.trainer.Pause()
		t.setStatus("Pausing…", widget.WarningImportance)
	}
	t.paused = !t.paused
	t.setPauseButton()
}

func (t *ganTab) setPauseButton() {
	if t.paused {
		t.pauseBtn.SetText("Resume")
		t.pauseBtn.SetIcon(theme.MediaPlayIcon())
		return
	}
	t.pauseBtn.SetText("Pause")
	t.pauseBtn.SetIcon(theme.MediaPauseIcon())
}

// stop ends the run before its next step; finish then resets the buttons.
func (t *ganTab) stop() {
	if t.run != nil {
		t.run.cancel()
		t.stopBtn.Disable()
		t.setStatus("Stopping…", widget.WarningImportance)
	}
}

// showStrip shows the real images beside the first generated ones of the
// grid shown.
func (t *ganTab) showStrip() {
	p := t.grid.preview()
	if p == nil {
		t.strip.Image = nil
		t.strip.Refresh()
		return
	}
	real := t.real
	if len(real) > 0 && len(real[0]) != len(p.Output[0]) {
		real = nil // the data changed size since
	}
	t.strip.Image = sampleMosaic(append(append([][]float32(nil), real...), p.Output[:min(ganStrip, len(p.Output))]...), p, ganStrip)
	t.strip.Refresh()
}

// interpolate shows ganStrip images from sample a's noise to sample b's,
// made by the current GAN in the background.
func (t *ganTab) interpolate(a, b int) {
	m := t.current()
	if m == nil {
		return
	}
	step := m.History.Steps
	if p := t.grid.newest(); t.run != nil && p != nil {
		step = p.Step // a run's snapshot is as of its newest grid; its history is written at the end
	}
	t.interpNote.SetText(fmt.Sprintf("From sample %d to sample %d: generating…", a+1, b+1))
	go func() {
		z, k := fixedNoise(m), m.Config().Latent
		za, zb := z[a*k:(a+1)*k], z[b*k:(b+1)*k]
		path := make([]float32, 0, ganStrip*k)
		for i := range ganStrip {
			f := float32(i) / (ganStrip - 1)
			for j := range k {
				path = append(path, (1-f)*za[j]+f*zb[j])
			}
		}
		imgs, err := m.Generate(path, ganStrip)
		t.s.post(func() {
			if err != nil {
				t.interpNote.SetText("Could not interpolate: " + err.Error())
				return
			}
			c, size := m.Config(), m.Config().ImageSize()
			var row [][]float32
			t.between = nil
			for i := range ganStrip {
				row = append(row, imgs[i*size:(i+1)*size])
				t.between = append(t.between, imageops.ToImage(row[i], c.Width, c.Height, c.Channels))
			}
			t.interp.Image = imageops.Montage([][]image.Image{t.between}, 0, ganCellGap, color.Gray{0x30})
			t.interp.Refresh()
			t.interpNote.SetText(fmt.Sprintf("From sample %d to sample %d, by the GAN at step %s. Tap two more to start again.",
				a+1, b+1, formatInt(step)))
		})
	}()
}

func (t *ganTab) clearInterpolation() {
	t.between = nil
	t.interp.Image = nil
	t.interp.Refresh()
	t.interpNote.SetText("Tap two samples of the grid to interpolate between them.")
}

// saveTo writes the current GAN to path in the background.
func (t *ganTab) saveTo(path string) {
	if m := t.current(); m != nil {
		t.setStatus("Saving the GAN…", widget.MediumImportance)
		t.s.inBackground(t.setStatus, func() error { return m.Save(path) }, "Could not save the GAN: ",
			func() string { return "Saved the GAN to " + path })
	}
}

// open loads a GAN file in the background; it becomes the current GAN and
// its samples are shown.
func (t *ganTab) open(path string) {
	t.openWith(filepath.Base(path), func() (*models.GAN, error) { return models.LoadGAN(path) })
}

// show makes m, already loaded from the file called name, the current GAN
// as open does.
func (t *ganTab) show(name string, m *models.GAN) {
	t.openWith(name, func() (*models.GAN, error) { return m, nil })
}

// openWith loads a GAN with load and draws its samples in the background,
// then makes it the current GAN, named name in the status line.
func (t *ganTab) openWith(name string, load func() (*models.GAN, error)) {
	t.setStatus("Opening "+name+"…", widget.MediumImportance)
	var m *models.GAN
	var p *models.Preview
	t.s.inBackground(t.setStatus, func() (err error) {
		if m, err = load(); err == nil {
			p, err = samplesOf(m)
		}
		return err
	}, "Could not open the GAN: ", func() string {
		if t.run != nil {
			return "Opened " + name + " but a GAN is training: open it again after the run."
		}
		t.gan = m
		c, h := m.Config(), m.History
		t.arch.SetSelected(c.Arch) // the setup describes it; Continue keeps its config anyway
		t.latent.SetText(fmt.Sprint(c.Latent))
		t.gLayers.SetText(joinInts(c.GLayers))
		t.dLayers.SetText(joinInts(c.DLayers))
		t.losses.Reset()
		t.probs.Reset()
		t.grid.reset()
		t.clearInterpolation()
		t.grid.add(p)
		t.updateControls()
		return fmt.Sprintf("Opened %s: %s GAN, z %d, %d×%d×%d images, trained %s steps. Continue trains it further on the loaded images.",
			name, c.Arch, c.Latent, c.Width, c.Height, c.Channels, formatInt(h.Steps))
	})
}

// samplesOf is the sample grid of m, as its training showed it.
func samplesOf(m *models.GAN) (*models.Preview, error) {
	imgs, err := m.Generate(fixedNoise(m), ganSamples)
	if err != nil {
		return nil, err
	}
	c := m.Config()
	p := &models.Preview{Step: m.History.Steps, Width: c.Width, Height: c.Height, Channels: c.Channels}
	for i := range ganSamples {
		p.Output = append(p.Output, imgs[i*c.ImageSize():(i+1)*c.ImageSize()])
	}
	return p, nil
}

// chooseFolder asks for a folder and hands it to then.
func (t *ganTab) chooseFolder(then func(dir string)) {
	dlg := dialog.NewFolderOpen(func(dir fyne.ListableURI, err error) {
		if err == nil && dir != nil {
			then(dir.Path())
		}
	}, t.s.win)
	dlg.Resize(t.s.win.Canvas().Size().Subtract(fyne.NewSquareSize(80)))
	dlg.Show()
}

// generateTo writes the number of images the N field asks for, made by
// the current GAN, to dir as PNGs in the background, and reports on
// status (the tab's status line, or the studio's for the Export menu).
func (t *ganTab) generateTo(dir string, status statusFunc) {
	m := t.current()
	if m == nil {
		status("No images to generate: train or open a GAN in the GAN tab first.", widget.WarningImportance)
		return
	}
	n, err := parseInt("N", t.genN.Text, 1, 100000)
	if err != nil {
		status("The GAN tab's "+capitalize(err.Error()).Error(), widget.DangerImportance)
		return
	}
	status(fmt.Sprintf("Generating %s…", plural(n, "image", "images")), widget.MediumImportance)
	t.s.inBackground(status, func() error { return writeSamples(m, dir, n) }, "Could not generate: ",
		func() string { return fmt.Sprintf("Wrote %s to %s", plural(n, "image", "images"), dir) })
}

// writeSamples writes n images of m to dir as sample-0001.png and so on,
// named and seeded as `latentstudio generate` does.
func writeSamples(m *models.GAN, dir string, n int) error {
	imgs, err := m.Sample(n, ganGenSeed)
	if err != nil {
		return err
	}
	return m.SaveSamples(dir, imgs)
}
