package ui

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latentstudio/assets"
	"latentstudio/imageops"
	"latentstudio/models"
)

// The Photo tab's choices, as shown.
const (
	jobDenoise     = "Denoise"
	jobColorize    = "Colorize"
	modelBuiltin   = "Built-in"
	modelFile      = "Model file…"
	viewSlider     = "Slider"
	viewSideBySide = "Side by side"
	zoomFit        = "Fit"
	zoomNative     = "1:1"
)

// noiseSeed makes "add noise" give the same noisy copy of a photo every
// time, so runs with other settings compare like with like.
const noiseSeed = 1

// photoImageExts are the files the photo dialogs offer.
var photoImageExts = []string{".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp"}

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
	s    *Studio
	view fyne.CanvasObject

	// what the user chose
	photo     *imageops.Photo
	photoPath string
	userRef   *imageops.Photo // a clean original opened with Reference…
	refPath   string
	model     *models.Autoencoder // loaded, whatever its task
	modelName string              // "the built-in denoiser" or the file's name, as in a sentence
	modelPath string              // the model file, when not built in

	// derived
	gen        int // the input's generation
	input      *prepared
	full       *imageops.Photo // the model's output at full strength
	result     *imageops.Photo
	resultQ    *imageops.Quality // of result against the reference, when there is one
	blendGen   int
	loadGen    int // drops photos opened since superseded
	refGen     int
	modelGen   int
	running    *photoRun
	runTiles   int
	compare    *CompareView
	scroll     *container.Scroll
	empty      fyne.CanvasObject // the drop hint before any photo
	stage      *fyne.Container   // holds the hint or the compare view
	photoInfo  *widget.Label
	refInfo    *widget.Label
	message    *widget.Label
	job        *widget.RadioGroup
	source     *widget.Select
	changeBtn  *widget.Button
	modelInfo  *widget.Label
	strength   *widget.Slider
	strLabel   *widget.Label
	noise      *widget.Check
	sigma      *widget.Select
	denoiseRow fyne.CanvasObject // strength and "add noise"
	colorNote  *widget.Label
	runBtn     *widget.Button
	cancelBtn  *widget.Button
	saveBtn    *widget.Button
	progress   *widget.ProgressBar
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

// photoRun is one model run in progress.
type photoRun struct {
	gen    int
	cancel context.CancelFunc
}

func newPhotoTab(s *Studio) *photoTab {
	t := &photoTab{s: s}
	t.compare = NewCompareView()
	t.scroll = container.NewScroll(t.compare)

	t.photoInfo = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	t.photoInfo.Truncation = fyne.TextTruncateEllipsis
	t.refInfo = widget.NewLabel("")
	t.refInfo.SizeName = theme.SizeNameCaptionText
	t.refInfo.Truncation = fyne.TextTruncateEllipsis
	t.refInfo.Hide()
	t.message = widget.NewLabel("")
	t.message.Wrapping = fyne.TextWrapWord
	t.message.Hide()

	open := widget.NewButtonWithIcon("Open photo…", theme.FolderOpenIcon(), t.choosePhoto)
	ref := widget.NewButtonWithIcon("Reference…", theme.MediaPhotoIcon(), t.chooseReference)
	ref.Importance = widget.LowImportance

	t.job = widget.NewRadioGroup([]string{jobDenoise, jobColorize}, func(string) { t.jobChanged() })
	t.job.Horizontal = true
	t.job.Required = true
	t.source = widget.NewSelect([]string{modelBuiltin, modelFile}, t.sourceChanged)
	t.changeBtn = widget.NewButton("Change…", t.chooseModel)
	t.changeBtn.Importance = widget.LowImportance
	t.changeBtn.Hide()
	t.modelInfo = widget.NewLabel("")
	t.modelInfo.Wrapping = fyne.TextWrapWord
	t.modelInfo.SizeName = theme.SizeNameCaptionText

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
	t.colorNote = widget.NewLabel("A colour photo is turned gray first; the original is the reference.")
	t.colorNote.SizeName = theme.SizeNameCaptionText
	t.colorNote.Wrapping = fyne.TextWrapWord

	t.runBtn = widget.NewButtonWithIcon("Run", theme.MediaPlayIcon(), t.run)
	t.runBtn.Importance = widget.HighImportance
	t.cancelBtn = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), t.cancel)
	t.cancelBtn.Disable()
	t.saveBtn = widget.NewButtonWithIcon("Save result…", theme.DocumentSaveIcon(), t.chooseSave)
	t.saveBtn.Disable()
	t.progress = widget.NewProgressBar()
	t.progress.TextFormatter = func() string {
		if t.runTiles == 0 {
			return ""
		}
		return fmt.Sprintf("%d / %d tiles", int(math.Round(t.progress.Value*float64(t.runTiles))), t.runTiles)
	}
	t.progress.Hide()

	t.metrics = widget.NewLabel("")
	t.metrics.Wrapping = fyne.TextWrapWord
	t.viewMode = widget.NewRadioGroup([]string{viewSlider, viewSideBySide}, func(v string) {
		t.compare.SetSideBySide(v == viewSideBySide)
		t.scroll.Refresh()
	})
	t.viewMode.Horizontal, t.viewMode.Required = true, true
	t.viewMode.Selected = viewSlider
	t.zoom = widget.NewRadioGroup([]string{zoomFit, zoomNative}, func(v string) {
		t.compare.SetNative(v == zoomNative)
		t.scroll.Offset = fyne.Position{}
		t.scroll.Refresh()
	})
	t.zoom.Horizontal, t.zoom.Required = true, true
	t.zoom.Selected = zoomFit

	t.job.Selected = jobDenoise
	t.view = t.layout(open, ref)
	t.source.SetSelected(modelBuiltin) // loads the built-in denoiser
	t.updateControls()
	return t
}

func (t *photoTab) layout(open, ref *widget.Button) fyne.CanvasObject {
	label := func(s string) *widget.Label {
		return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	photoRow := container.NewBorder(nil, nil, container.NewHBox(open, ref), nil, t.photoInfo)
	jobRow := container.NewHBox(label("Job"), t.job, widget.NewSeparator(), label("Model"), t.source, t.changeBtn)
	noiseRow := container.NewHBox(t.noise, container.NewGridWrap(fyne.NewSize(80, t.sigma.MinSize().Height), t.sigma))
	t.denoiseRow = container.NewBorder(nil, nil, label("Strength"), container.NewHBox(t.strLabel, widget.NewSeparator(), noiseRow), t.strength)
	runRow := container.NewBorder(nil, nil, container.NewHBox(t.runBtn, t.cancelBtn), t.saveBtn, t.progress)
	t.views = container.NewHBox(t.viewMode, widget.NewSeparator(), t.zoom)
	t.views.Hide() // until there is a photo
	top := container.NewVBox(photoRow, t.refInfo, jobRow, t.modelInfo, t.denoiseRow, t.colorNote, runRow,
		container.NewBorder(nil, nil, nil, t.views, t.message))

	// Before a photo: a drop target like the data panel's.
	hint := widget.NewLabelWithStyle("Drop a photo here", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	hint.SizeName = theme.SizeNameHeadingText
	sub := widget.NewLabel("Denoise or colorize it with the built-in models or one you trained, then compare before and after.")
	sub.Alignment = fyne.TextAlignCenter
	sub.Wrapping = fyne.TextWrapWord
	border := canvas.NewRectangle(color.Transparent)
	border.StrokeColor = theme.Color(theme.ColorNamePlaceHolder)
	border.StrokeWidth = 2
	border.CornerRadius = 2 * theme.InputRadiusSize()
	openBig := widget.NewButtonWithIcon("Open photo…", theme.FolderOpenIcon(), t.choosePhoto)
	t.empty = container.NewStack(border, container.NewCenter(container.NewVBox(
		container.NewCenter(container.NewGridWrap(fyne.NewSquareSize(48), widget.NewIcon(theme.MediaPhotoIcon()))),
		hint, sub, container.NewCenter(openBig))))
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
func (t *photoTab) handleDrop(uris []fyne.URI) {
	if len(uris) == 0 {
		return
	}
	u := uris[0]
	if u.Scheme() != "file" {
		t.setMessage("Cannot open "+u.String()+": only local files can be dropped.", widget.DangerImportance)
		return
	}
	t.openPhoto(u.Path())
}

func (t *photoTab) choosePhoto() {
	t.openDialog(photoImageExts, t.openPhoto)
}

func (t *photoTab) chooseReference() {
	if t.photo == nil {
		t.setMessage("Open a photo first; the reference is its clean original.", widget.WarningImportance)
		return
	}
	t.openDialog(photoImageExts, t.openReference)
}

func (t *photoTab) chooseModel() {
	t.openDialog([]string{models.FileExt}, t.useModelFile)
}

// openDialog asks for a file with one of exts and passes its path to open.
func (t *photoTab) openDialog(exts []string, open func(string)) {
	win := t.s.win
	dlg := dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
		if err != nil {
			dialog.ShowError(err, win)
			return
		}
		if rc == nil {
			return // cancelled
		}
		path := rc.URI().Path()
		_ = rc.Close()
		open(path)
	}, win)
	dlg.SetFilter(storage.NewExtensionFileFilter(exts))
	dlg.Resize(win.Canvas().Size().Subtract(fyne.NewSquareSize(80)))
	dlg.Show()
}

// openPhoto reads a photo in the background; on success it replaces the
// current one, on failure the current one stays and the message says why.
func (t *photoTab) openPhoto(path string) {
	t.loadGen++
	gen, name := t.loadGen, filepath.Base(path)
	t.setMessage("Opening "+name+"…", widget.MediumImportance)
	go func() {
		p, err := readPhoto(path)
		t.s.post(func() {
			if gen != t.loadGen {
				return
			}
			if err != nil {
				msg := fmt.Sprintf("Could not open %s: %s.", name, strings.TrimSuffix(err.Error(), "."))
				if t.photo != nil {
					msg += " The photo shown is unchanged."
				}
				t.setMessage(msg, widget.DangerImportance)
				return
			}
			t.photo, t.photoPath = p, path
			t.userRef, t.refPath = nil, "" // a reference belongs to one photo
			kind := "colour"
			if p.Gray {
				kind = "gray"
			}
			t.photoInfo.SetText(fmt.Sprintf("%s · %d×%d %s", name, p.Width, p.Height, kind))
			t.setMessage("", widget.MediumImportance)
			t.prepare()
		})
	}()
}

// readPhoto loads a photo, with errors that name no path (the message
// names the file).
func readPhoto(path string) (*imageops.Photo, error) {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return nil, errors.New("it is a folder; drop or open one image file")
	}
	p, err := imageops.LoadPhoto(path)
	if err != nil {
		if inner := errors.Unwrap(err); inner != nil && strings.HasPrefix(err.Error(), path+": ") {
			err = inner
		}
		return nil, err
	}
	return p, nil
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
	if t.source == nil {
		return // still building
	}
	if t.source.Selected == modelBuiltin {
		t.loadBuiltin()
	} else {
		t.showModel()
	}
	t.prepare()
}

func (t *photoTab) sourceChanged(v string) {
	if v == modelBuiltin {
		t.changeBtn.Hide()
		t.loadBuiltin()
		return
	}
	t.changeBtn.Show()
	t.modelGen++ // a built-in model still loading is no longer wanted
	t.model, t.modelName, t.modelPath = nil, "", ""
	t.showModel()
	t.chooseModel()
}

// loadBuiltin loads the built-in model for the job.
func (t *photoTab) loadBuiltin() {
	name := "denoiser"
	ref := assets.BuiltinPrefix + "denoise"
	if !t.denoising() {
		name, ref = "colorizer", assets.BuiltinPrefix+"colorize"
	}
	t.loadModel(ref, "the built-in "+name, "")
}

// useModelFile loads a model file (a trained .lsm) for the job.
func (t *photoTab) useModelFile(path string) {
	if t.source.Selected != modelFile {
		t.source.Selected = modelFile // without OnChanged: it would ask for a file
		t.source.Refresh()
		t.changeBtn.Show()
	}
	t.loadModel(path, filepath.Base(path), path)
}

func (t *photoTab) loadModel(ref, name, path string) {
	t.modelGen++
	gen := t.modelGen
	t.model, t.modelName, t.modelPath = nil, name, path
	t.modelInfo.Importance = widget.MediumImportance
	t.modelInfo.SetText("Loading " + name + "…")
	t.updateControls()
	go func() {
		ae, err := assets.LoadModel(ref)
		t.s.post(func() {
			if gen != t.modelGen {
				return
			}
			if err != nil {
				t.modelInfo.Importance = widget.DangerImportance
				t.modelInfo.SetText(fmt.Sprintf("Could not load %s: %v. Choose a model file instead.", name, strings.TrimSuffix(err.Error(), ".")))
				t.updateControls()
				return
			}
			t.model = ae
			t.showModel()
		})
	}()
}

// modelProblem says why the loaded model cannot do the job, or "".
func (t *photoTab) modelProblem() string {
	if t.model == nil {
		return ""
	}
	task := t.model.Config().Task
	want, other := models.TaskDenoise, jobColorize
	if !t.denoising() {
		want, other = models.TaskColorize, jobDenoise
	}
	switch {
	case task == want:
		return ""
	case task == models.TaskDenoise || task == models.TaskColorize:
		return fmt.Sprintf("%s is a %s model, not a %s one: choose the %s job to use it.", sentenceStart(t.modelName), task, want, other)
	}
	return fmt.Sprintf("%s is a %s model: the Photo tab needs a denoise or colorize model.", sentenceStart(t.modelName), task)
}

// showModel says what the loaded model is, or why it does not fit the job.
func (t *photoTab) showModel() {
	switch {
	case t.source.Selected == modelFile && t.modelPath == "":
		t.modelInfo.Importance = widget.MediumImportance
		t.modelInfo.SetText("Choose a model file (.lsm) trained for " + strings.ToLower(t.job.Selected) + ".")
	case t.model == nil:
		// loading, or it failed: the label says so already
	case t.modelProblem() != "":
		t.modelInfo.Importance = widget.DangerImportance
		t.modelInfo.SetText(t.modelProblem())
	default:
		c := t.model.Config()
		t.modelInfo.Importance = widget.MediumImportance
		t.modelInfo.SetText(fmt.Sprintf("%s is a %s %s model with %s and %s parameters.",
			sentenceStart(t.modelName), c.Task, c.Arch, plural(len(c.Layers), "layer", "layers"), formatInt(t.model.ParamCount())))
	}
	t.updateControls()
}

// sentenceStart capitalizes "the" at the start of a model's name; file
// names stay as they are.
func sentenceStart(name string) string {
	if rest, ok := strings.CutPrefix(name, "the "); ok {
		return "The " + rest
	}
	return name
}

// usable is the model when it can do the job.
func (t *photoTab) usable() *models.Autoencoder {
	if t.model == nil || t.modelProblem() != "" {
		return nil
	}
	return t.model
}

// updateControls enables what can be used now and shows the settings of
// the job.
func (t *photoTab) updateControls() {
	if t.runBtn == nil {
		return
	}
	busy := t.running != nil
	setEnabled(t.runBtn, !busy && t.input != nil && t.input.err == nil && t.usable() != nil)
	setEnabled(t.cancelBtn, busy)
	setEnabled(t.saveBtn, t.result != nil)
	showIf(t.denoiseRow, t.denoising())
	showIf(t.colorNote, !t.denoising())
	if t.userRef != nil {
		t.refInfo.SetText("Reference: " + filepath.Base(t.refPath))
		t.refInfo.Show()
	} else {
		t.refInfo.Hide()
	}
	if t.view != nil {
		t.view.Refresh() // lays out again the rows shown or hidden
	}
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
	if t.running != nil {
		t.running.cancel()
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
	t.showStage(t.scroll)
	t.views.Show()
	if in.err != nil {
		t.setMessage("Cannot measure against the reference: "+in.err.Error(), widget.DangerImportance)
	}
	t.showMetrics()
	t.updateControls()
}

func (t *photoTab) showStage(o fyne.CanvasObject) {
	if len(t.stage.Objects) == 1 && t.stage.Objects[0] == o {
		return
	}
	t.stage.Objects = []fyne.CanvasObject{o}
	t.stage.Refresh()
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
	ae := t.usable()
	if t.running != nil || t.input == nil || t.input.err != nil || ae == nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	job := &photoRun{gen: t.gen, cancel: cancel}
	t.running = job
	in := t.input
	strength := t.strength.Value
	t.runTiles = 0
	t.progress.SetValue(0)
	t.progress.Show()
	verb := "Denoising"
	if !in.denoise {
		verb = "Colorizing"
	}
	name := filepath.Base(t.photoPath)
	t.setMessage(fmt.Sprintf("%s %s with %s…", verb, name, t.modelName), widget.MediumImportance)
	t.updateControls()
	start := time.Now()
	go func() {
		var last time.Time
		progress := func(done, total int) {
			if now := time.Now(); now.Sub(last) >= tick || done == total {
				last = now
				t.s.post(func() {
					if t.running == job {
						t.runTiles = total
						t.progress.SetValue(float64(done) / float64(total))
					}
				})
			}
		}
		var full *imageops.Photo
		var res blended
		err := func() (err error) {
			defer func() {
				if p := recover(); p != nil {
					err = fmt.Errorf("internal error: %v", p)
				}
			}()
			full, err = models.ApplyPhoto(ctx, ae, in.photo, models.PhotoOptions{Progress: progress})
			if err == nil {
				res = blend(in, full, strength)
			}
			return err
		}()
		took := time.Since(start)
		t.s.post(func() { t.finishRun(job, in, full, res, err, verb, took) })
	}()
}

func (t *photoTab) cancel() {
	if t.running != nil {
		t.running.cancel()
		t.cancelBtn.Disable()
	}
}

func (t *photoTab) finishRun(job *photoRun, in *prepared, full *imageops.Photo, res blended, err error, verb string, took time.Duration) {
	if t.running != job {
		return
	}
	t.running = nil
	job.cancel()
	t.progress.Hide()
	defer t.updateControls()
	if job.gen != t.gen {
		return // the photo or the settings changed: the run was for an older input
	}
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
	if t.result == nil {
		return
	}
	base := strings.TrimSuffix(filepath.Base(t.photoPath), filepath.Ext(t.photoPath))
	t.s.askSavePath(base+"-"+t.input.resultName+".png", ".png", filepath.Dir(t.photoPath), t.saveResult)
}

// saveResult writes the result as a PNG in the background.
func (t *photoTab) saveResult(path string) {
	res := t.result
	if res == nil {
		return
	}
	go func() {
		err := imageops.SavePNG(path, res.Image())
		t.s.post(func() {
			if err != nil {
				t.setMessage("Could not save: "+err.Error(), widget.DangerImportance)
				return
			}
			t.setMessage("Saved "+path, widget.SuccessImportance)
		})
	}()
}
