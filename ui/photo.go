package ui

import (
	"context"
	"errors"
	"fmt"
	"image"
	"math"
	"math/rand"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latentstudio/imageops"
	"latentstudio/models"
)

// The Photo tab's choices, as shown.
const (
	jobDenoise     = "Denoise"
	jobColorize    = "Colorize"
	viewSlider     = "Slider"
	viewSideBySide = "Side by side"
	zoomFit        = "Fit"
	zoomNative     = "1:1"
)

// noiseSeed makes "add noise" give the same noisy copy of a photo every
// time, so runs with other settings compare like with like.
const noiseSeed = 1

// photoTab is the "Photo" tab: one photo denoised or colorized by a
// built-in or trained model, shown before/after with quality figures when
// a clean reference is known.
//
// The photo goes through three stages, each computed off the UI goroutine
// and handed back through Studio.post: the input (the photo, a noisy copy
// of it, or its gray version) with its reference; the model's full output
// for that input; the result (the output blended with the input by the
// strength) with its metrics. gen numbers the input: work done for an
// older input is dropped when it comes back.
type photoTab struct {
	s      *Studio
	view   fyne.CanvasObject
	picker *modelPicker
	opener *photoOpener
	runner *photoRunner

	// what the user chose
	photo     *imageops.Photo
	photoPath string
	userRef   *imageops.Photo // a clean original opened with Reference…
	refPath   string

	// derived
	gen        int // the input's generation
	input      *prepared
	full       *imageops.Photo // the model's output at full strength
	result     *imageops.Photo
	resultQ    *imageops.Quality // of result against the reference, when there is one
	blendGen   int
	refGen     int
	compare    *CompareView
	scroll     *container.Scroll
	empty      fyne.CanvasObject // the drop hint before any photo
	stage      *fyne.Container   // holds the hint or the compare view
	photoInfo  *widget.Label
	refInfo    *widget.Label
	message    *widget.Label
	job        *widget.RadioGroup
	strength   *widget.Slider
	strLabel   *widget.Label
	noise      *widget.Check
	sigma      *widget.Select
	ensemble   *widget.Check     // average the model over 8 turned views
	denoiseRow fyne.CanvasObject // strength and "add noise"
	colorNote  *widget.Label
	saveBtn    *widget.Button
	metrics    *widget.Label
	viewMode   *widget.RadioGroup
	zoom       *widget.RadioGroup
	views      *fyne.Container // viewMode and zoom
}

// prepared is the input of a run and what is known about it.
type prepared struct {
	photo      *imageops.Photo   // what the model sees
	ref        *imageops.Photo   // the clean original, or nil
	img        *image.NRGBA      // photo, for display
	name       string            // of the input on the compare view: "noisy σ25"
	q          *imageops.Quality // of the input against ref
	err        error
	denoise    bool
	resultName string // "denoised" or "colorized"
}

func newPhotoTab(s *Studio) *photoTab {
	t := &photoTab{s: s}
	t.compare = NewCompareView()
	t.scroll = container.NewScroll(t.compare)
	t.picker = newModelPicker(s, "Photo", []string{models.TaskDenoise, models.TaskColorize}, t.updateControls)
	t.opener = &photoOpener{s: s, say: t.setMessage, shown: func() bool { return t.photo != nil }, opened: t.photoOpened}
	t.runner = newPhotoRunner(s, t.run)

	t.photoInfo = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	t.photoInfo.Truncation = fyne.TextTruncateEllipsis
	t.refInfo = widget.NewLabel("")
	t.refInfo.SizeName = theme.SizeNameCaptionText
	t.refInfo.Truncation = fyne.TextTruncateEllipsis
	t.refInfo.Hide()
	t.message = widget.NewLabel("")
	t.message.Wrapping = fyne.TextWrapWord
	t.message.Hide()

	open := widget.NewButtonWithIcon("Open photo…", theme.FolderOpenIcon(), t.opener.choose)
	ref := widget.NewButtonWithIcon("Reference…", theme.MediaPhotoIcon(), t.chooseReference)
	ref.Importance = widget.LowImportance

	t.job = newChoice([]string{jobDenoise, jobColorize}, jobDenoise, func(string) { t.jobChanged() })

	t.strength = widget.NewSlider(0.1, 1)
	t.strength.Step = 0.05
	t.strength.Value = 1
	t.strLabel = widget.NewLabel("100%")
	t.strength.OnChanged = func(v float64) { t.strLabel.SetText(fmt.Sprintf("%d%%", int(math.Round(v*100)))) }
	t.strength.OnChangeEnded = func(float64) { t.reblend() }
	t.noise = widget.NewCheck("Try: add noise σ", func(bool) { t.prepare() })
	t.sigma = widget.NewSelect([]string{"10", "15", "25", "35", "50"}, func(string) {
		if t.noise.Checked {
			t.prepare()
		}
	})
	t.sigma.Selected = "25"
	// Applies to the next run; the result shown stays what it was.
	t.ensemble = widget.NewCheck("8 views (8× slower)", nil)
	t.colorNote = widget.NewLabel("A colour photo is turned gray first; the original is the reference.")
	t.colorNote.SizeName = theme.SizeNameCaptionText
	t.colorNote.Wrapping = fyne.TextWrapWord

	t.saveBtn = widget.NewButtonWithIcon("Save result…", theme.DocumentSaveIcon(), t.chooseSave)
	t.saveBtn.Disable()

	t.metrics = widget.NewLabel("")
	t.metrics.Wrapping = fyne.TextWrapWord
	t.viewMode = newChoice([]string{viewSlider, viewSideBySide}, viewSlider, func(v string) {
		t.compare.SetSideBySide(v == viewSideBySide)
		t.scroll.Refresh()
	})
	t.zoom = newChoice([]string{zoomFit, zoomNative}, zoomFit, func(v string) {
		t.compare.SetNative(v == zoomNative)
		scrollToStart(t.scroll)
	})

	t.view = t.layout(open, ref)
	t.picker.source.SetSelected(modelBuiltin) // loads the built-in denoiser
	t.updateControls()
	return t
}

func (t *photoTab) layout(open, ref *widget.Button) fyne.CanvasObject {
	photoRow := container.NewBorder(nil, nil, container.NewHBox(open, ref), nil, t.photoInfo)
	jobRow := container.NewHBox(boldLabel("Job"), t.job, widget.NewSeparator(), boldLabel("Model"), t.picker.source, t.picker.changeBtn)
	noiseRow := container.NewHBox(t.noise, container.NewGridWrap(fyne.NewSize(80, t.sigma.MinSize().Height), t.sigma))
	t.denoiseRow = container.NewBorder(nil, nil, boldLabel("Strength"),
		container.NewHBox(t.strLabel, widget.NewSeparator(), t.ensemble, widget.NewSeparator(), noiseRow), t.strength)
	t.views = container.NewHBox(t.viewMode, widget.NewSeparator(), t.zoom)
	t.views.Hide() // until there is a photo
	top := container.NewVBox(photoRow, t.refInfo, jobRow, t.picker.info, t.denoiseRow, t.colorNote, t.runner.row(t.saveBtn),
		container.NewBorder(nil, nil, nil, t.views, t.message))
	t.empty = dropHint("Denoise or colorize it with the built-in models or one you trained, then compare before and after.",
		theme.MediaPhotoIcon(), t.opener.choose)
	t.stage = container.NewStack(t.empty)
	return container.NewBorder(top, t.metrics, nil, nil, t.stage)
}

// setMessage shows a line under the controls (hidden when text is "").
func (t *photoTab) setMessage(text string, imp widget.Importance) {
	t.message.Importance = imp
	t.message.SetText(text)
	t.message.Hidden = text == ""
	if t.view != nil {
		t.view.Refresh() // the line may have appeared, gone or wrapped
	}
}

// Message is the text of the tab's message line.
func (t *photoTab) Message() string {
	if t.message.Hidden {
		return ""
	}
	return t.message.Text
}

// handleDrop opens the first dropped file as the photo.
func (t *photoTab) handleDrop(uris []fyne.URI) { t.opener.drop(uris) }

func (t *photoTab) chooseReference() {
	if t.photo == nil {
		t.setMessage("Open a photo first; the reference is its clean original.", widget.WarningImportance)
		return
	}
	t.s.askOpenPath(photoImageExts, t.openReference)
}

// photoOpened replaces the photo with one just opened.
func (t *photoTab) photoOpened(p *imageops.Photo, _ *image.NRGBA, path string) {
	t.photo, t.photoPath = p, path
	t.userRef, t.refPath = nil, "" // a reference belongs to one photo
	kind := "colour"
	if p.Gray {
		kind = "gray"
	}
	t.photoInfo.SetText(fmt.Sprintf("%s · %d×%d %s", filepath.Base(path), p.Width, p.Height, kind))
	t.setMessage("", widget.MediumImportance)
	t.prepare()
}

// openReference reads a clean original of the photo, for the metrics.
func (t *photoTab) openReference(path string) {
	t.refGen++
	gen, name := t.refGen, filepath.Base(path)
	go func() {
		p, err := readPhoto(path)
		t.s.post(func() {
			if gen != t.refGen || t.photo == nil {
				return
			}
			switch {
			case err != nil:
				t.setMessage(fmt.Sprintf("Could not open the reference %s: %s.", name, strings.TrimSuffix(err.Error(), ".")), widget.DangerImportance)
			case p.Width != t.photo.Width || p.Height != t.photo.Height:
				t.setMessage(fmt.Sprintf("The reference %s is %d×%d but the photo is %d×%d; it is not used.",
					name, p.Width, p.Height, t.photo.Width, t.photo.Height), widget.DangerImportance)
			default:
				t.userRef, t.refPath = p, path
				t.setMessage("", widget.MediumImportance)
				t.prepare()
			}
		})
	}()
}

// denoising reports whether the job is Denoise (else Colorize).
func (t *photoTab) denoising() bool { return t.job.Selected != jobColorize }

func (t *photoTab) jobChanged() {
	if t.picker == nil {
		return // still building
	}
	task := models.TaskDenoise
	if !t.denoising() {
		task = models.TaskColorize
	}
	t.picker.setTask(task)
	t.prepare()
}

// updateControls enables what can be used now and shows the settings of
// the job.
func (t *photoTab) updateControls() {
	if t.view == nil {
		return // still building
	}
	t.runner.update(t.input != nil && t.input.err == nil && t.picker.usable() != nil)
	setEnabled(t.saveBtn, t.result != nil)
	showIf(t.denoiseRow, t.denoising())
	showIf(t.colorNote, !t.denoising())
	if t.userRef != nil {
		t.refInfo.SetText("Reference: " + filepath.Base(t.refPath))
		t.refInfo.Show()
	} else {
		t.refInfo.Hide()
	}
	t.view.Refresh() // lays out again the rows shown or hidden
}

func showIf(o fyne.CanvasObject, on bool) {
	if on {
		o.Show()
	} else {
		o.Hide()
	}
}

func setEnabled(w fyne.Disableable, on bool) {
	if on {
		w.Enable()
	} else {
		w.Disable()
	}
}

// prepare makes the input for the current photo and settings in the
// background; the result and the model's output are dropped.
func (t *photoTab) prepare() {
	if t.compare == nil || t.noise == nil {
		return // still building
	}
	t.gen++
	gen := t.gen
	if t.runner.busy() {
		t.runner.cancel()
		t.setMessage("The run was stopped: the photo or the settings changed. Press Run again.", widget.WarningImportance)
	}
	t.input, t.full, t.result, t.resultQ = nil, nil, nil, nil
	t.updateControls()
	if t.photo == nil {
		return
	}
	photo, userRef := t.photo, t.userRef
	denoise, noisy := t.denoising(), t.noise.Checked
	sigma, _ := strconv.Atoi(t.sigma.Selected)
	go func() {
		in := prepareInput(photo, userRef, denoise, noisy, sigma)
		t.s.post(func() {
			if gen != t.gen {
				return
			}
			t.input = in
			t.showInput()
		})
	}()
}

// prepareInput is the model's input for a photo: for Denoise the photo or,
// to try the model, a noisy copy with the photo as reference; for Colorize
// the photo made gray, the colour photo being the reference. Any goroutine.
func prepareInput(photo, userRef *imageops.Photo, denoise, noisy bool, sigma int) *prepared {
	in := &prepared{photo: photo, ref: userRef, name: "input", denoise: denoise, resultName: "denoised"}
	switch {
	case denoise && noisy:
		in.photo, in.ref = photo.WithGaussianNoise(float64(sigma)/255, rand.New(rand.NewSource(noiseSeed))), photo
		in.name = fmt.Sprintf("noisy σ%d", sigma)
	case !denoise:
		in.resultName = "colorized"
		in.name = "gray"
		if !photo.Gray {
			in.photo, in.ref = photo.Grayscale(), photo
		}
	}
	in.img = in.photo.Image()
	if in.ref != nil {
		q, err := in.photo.Compare(in.ref)
		if err != nil {
			in.err = err
		} else {
			in.q = &q
		}
	}
	return in
}

// showInput shows the prepared input alone, and its metrics.
func (t *photoTab) showInput() {
	in := t.input
	t.compare.SetImages(in.img, nil, in.name, "")
	setStage(t.stage, t.scroll)
	t.views.Show()
	if in.err != nil {
		t.setMessage("Cannot measure against the reference: "+in.err.Error(), widget.DangerImportance)
	}
	t.showMetrics()
	t.updateControls()
}

// showMetrics writes the PSNR and SSIM of the input and the result against
// the reference, when there is one.
func (t *photoTab) showMetrics() {
	in := t.input
	switch {
	case in == nil:
		t.metrics.SetText("")
	case in.q == nil && in.denoise:
		t.metrics.SetText("No reference to measure against: tick “add noise” to try the model on a clean photo, or open the photo's clean original with Reference…")
	case in.q == nil:
		t.metrics.SetText("The photo is gray already: open its colour original with Reference… to measure the result.")
	case t.resultQ == nil:
		t.metrics.SetText(fmt.Sprintf("PSNR / SSIM against the %s: %s %s. Press Run to compare.", refName(in), in.name, qualityText(in.q)))
	default:
		t.metrics.SetText(fmt.Sprintf("PSNR / SSIM against the %s: %s %s → %s %s", refName(in), in.name, qualityText(in.q), in.resultName, qualityText(t.resultQ)))
	}
}

func refName(in *prepared) string {
	if !in.denoise {
		return "colour original"
	}
	return "clean photo"
}

// qualityText gives PSNR and SSIM the way the metrics line shows them.
func qualityText(q *imageops.Quality) string {
	p := "∞ dB"
	if !math.IsInf(q.PSNR, 1) {
		p = fmt.Sprintf("%.1f dB", q.PSNR)
	}
	return fmt.Sprintf("%s / %.2f", p, q.SSIM)
}

// run applies the model to the input in the background, with progress
// and Cancel.
func (t *photoTab) run() {
	ae := t.picker.usable()
	if t.runner.busy() || t.input == nil || t.input.err != nil || ae == nil {
		return
	}
	gen, in, strength := t.gen, t.input, t.strength.Value
	// The mean over the 8 rotations and mirrorings of each tile: a little
	// cleaner (about +0.2 dB on the held-out photos), 8 times the work.
	ensemble := in.denoise && t.ensemble.Checked
	verb := "Denoising"
	if !in.denoise {
		verb = "Colorizing"
	}
	var full *imageops.Photo
	var res blended
	t.runner.start(func(ctx context.Context, progress func(done, total int)) (err error) {
		full, err = models.ApplyPhoto(ctx, ae, in.photo, models.PhotoOptions{Ensemble: ensemble, Progress: progress})
		if err == nil {
			res = blend(in, full, strength)
		}
		return err
	}, func(err error, took time.Duration) {
		defer t.updateControls()
		if gen != t.gen {
			return // the photo or the settings changed: the run was for an older input
		}
		t.finishRun(full, res, err, verb, took)
	})
	t.setMessage(fmt.Sprintf("%s %s with %s…", verb, filepath.Base(t.photoPath), t.picker.name), widget.MediumImportance)
	t.updateControls()
}

func (t *photoTab) finishRun(full *imageops.Photo, res blended, err error, verb string, took time.Duration) {
	switch {
	case errors.Is(err, context.Canceled):
		t.setMessage("Cancelled; nothing was changed.", widget.MediumImportance)
		return
	case err != nil:
		t.setMessage(fmt.Sprintf("%s failed: %v", verb, err), widget.DangerImportance)
		return
	}
	t.full = full
	t.showResult(res)
	if res.strength != t.strength.Value {
		t.reblend() // the slider moved during the run
	}
	t.setMessage(fmt.Sprintf("%s %s took %s.", verb, filepath.Base(t.photoPath), formatDuration(took)), widget.SuccessImportance)
}

// blended is a result at one strength, ready to show.
type blended struct {
	photo    *imageops.Photo
	img      *image.NRGBA
	q        *imageops.Quality
	strength float64
}

// blend mixes the model's full output with the input by strength (as
// models.PhotoOptions.Strength does), so the Strength slider can change
// the result without running the model again, and measures it. Any
// goroutine.
func blend(in *prepared, full *imageops.Photo, strength float64) blended {
	out := full
	if in.denoise && strength > 0 && strength < 1 {
		out = in.photo.Toward(full, strength)
	}
	res := blended{photo: out, img: out.Image(), strength: strength}
	if in.ref != nil {
		if q, err := out.Compare(in.ref); err == nil {
			res.q = &q
		}
	}
	return res
}

// showResult puts a result on the compare view.
func (t *photoTab) showResult(res blended) {
	t.result, t.resultQ = res.photo, res.q
	t.compare.SetImages(t.input.img, res.img, t.input.name, t.input.resultName)
	t.showMetrics()
	t.updateControls()
}

// reblend applies a new strength to the model's output in the background.
func (t *photoTab) reblend() {
	if t.full == nil || t.input == nil || !t.input.denoise {
		return
	}
	t.blendGen++
	gen, in, full, strength := t.blendGen, t.input, t.full, t.strength.Value
	go func() {
		res := blend(in, full, strength)
		t.s.post(func() {
			if gen == t.blendGen && in == t.input && full == t.full {
				t.showResult(res)
			}
		})
	}()
}

// chooseSave asks where to save the result.
func (t *photoTab) chooseSave() {
	if t.result != nil {
		t.s.askSavePhoto(t.photoPath, "-"+t.input.resultName, t.saveResult)
	}
}

// saveResult writes the result in the background.
func (t *photoTab) saveResult(path string) {
	if t.result != nil {
		t.s.savePhoto(path, t.result, t.setMessage)
	}
}
