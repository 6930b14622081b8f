package ui

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latentstudio/assets"
	"latentstudio/imageops"
	"latentstudio/models"
)

// The pieces the tabs that work on one photo (Photo, Watermark) share:
// choosing the model, opening the photo, running the model with progress
// and Cancel, and saving the result.

// The model sources, as shown.
const (
	modelBuiltin = "Built-in"
	modelFile    = "Model file…"
)

// photoImageExts are the files the photo dialogs offer.
var photoImageExts = []string{".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp"}

// builtinNames are the built-in photo models by task, as in a sentence;
// each is assets.BuiltinPrefix + its task.
var builtinNames = map[string]string{
	models.TaskDenoise:  "the built-in denoiser",
	models.TaskColorize: "the built-in colorizer",
	models.TaskInpaint:  "the built-in inpainter",
}

// modelPicker chooses a tab's model: the built-in one for the wanted task
// or a model file, loaded in the background. Its label says what the
// model is or why it does not fit.
type modelPicker struct {
	s        *Studio
	tab      string   // the tab's name, for messages
	tasks    []string // what the tab can do
	task     string   // what it wants now
	onChange func()   // after the model or its fit changed

	model *models.Autoencoder // loaded, whatever its task
	name  string              // "the built-in denoiser" or the file's name, as in a sentence
	path  string              // the model file, when not built in
	gen   int                 // drops models loaded since superseded

	source    *widget.Select
	changeBtn *widget.Button
	info      *widget.Label
}

// newModelPicker makes a picker wanting tasks[0]; selecting modelBuiltin
// in its source loads the first model.
func newModelPicker(s *Studio, tab string, tasks []string, onChange func()) *modelPicker {
	p := &modelPicker{s: s, tab: tab, tasks: tasks, task: tasks[0], onChange: onChange}
	p.source = widget.NewSelect([]string{modelBuiltin, modelFile}, p.sourceChanged)
	p.changeBtn = widget.NewButton("Change…", p.choose)
	p.changeBtn.Importance = widget.LowImportance
	p.changeBtn.Hide()
	p.info = widget.NewLabel("")
	p.info.Wrapping = fyne.TextWrapWord
	p.info.SizeName = theme.SizeNameCaptionText
	return p
}

// setTask changes the wanted task; a built-in model gives way to the
// task's.
func (p *modelPicker) setTask(task string) {
	p.task = task
	if p.source.Selected == modelBuiltin {
		p.loadBuiltin()
	} else {
		p.show()
	}
}

func (p *modelPicker) sourceChanged(v string) {
	if v == modelBuiltin {
		p.changeBtn.Hide()
		p.loadBuiltin()
		return
	}
	p.changeBtn.Show()
	p.gen++ // a built-in model still loading is no longer wanted
	p.model, p.name, p.path = nil, "", ""
	p.show()
	p.choose()
}

func (p *modelPicker) choose() { p.s.askOpenPath([]string{models.FileExt}, p.useFile) }

func (p *modelPicker) loadBuiltin() {
	p.load(assets.BuiltinPrefix+p.task, builtinNames[p.task], "")
}

// useFile loads a model file (a trained .lsm).
func (p *modelPicker) useFile(path string) {
	if p.source.Selected != modelFile {
		p.source.Selected = modelFile // without OnChanged: it would ask for a file
		p.source.Refresh()
		p.changeBtn.Show()
	}
	p.load(path, filepath.Base(path), path)
}

func (p *modelPicker) load(ref, name, path string) {
	p.gen++
	gen := p.gen
	p.model, p.name, p.path = nil, name, path
	p.setInfo("Loading "+name+"…", widget.MediumImportance)
	p.onChange()
	go func() {
		ae, err := assets.LoadModel(ref)
		p.s.post(func() {
			if gen != p.gen {
				return
			}
			if err != nil {
				p.setInfo(fmt.Sprintf("Could not load %s: %v. Choose a model file instead.", name, strings.TrimSuffix(err.Error(), ".")), widget.DangerImportance)
				p.onChange()
				return
			}
			p.model = ae
			p.show()
		})
	}()
}

func (p *modelPicker) setInfo(text string, imp widget.Importance) {
	p.info.Importance = imp
	p.info.SetText(text)
}

// problem says why the loaded model cannot do the task, or "".
func (p *modelPicker) problem() string {
	if p.model == nil {
		return ""
	}
	task := p.model.Config().Task
	switch {
	case task == p.task:
		return ""
	case slices.Contains(p.tasks, task):
		// The Photo tab's jobs are named after their tasks.
		job := strings.ToUpper(task[:1]) + task[1:]
		return fmt.Sprintf("%s is a %s model, not a %s one: choose the %s job to use it.", sentenceStart(p.name), task, p.task, job)
	}
	return fmt.Sprintf("%s is %s model: the %s tab needs %s model.", sentenceStart(p.name), withArticle(task), p.tab, withArticle(strings.Join(p.tasks, " or ")))
}

// show says what the loaded model is, or why it does not fit the task.
func (p *modelPicker) show() {
	switch {
	case p.source.Selected == modelFile && p.path == "":
		p.setInfo("Choose a model file (.lsm) trained for "+p.task+".", widget.MediumImportance)
	case p.model == nil:
		// loading, or it failed: the label says so already
	case p.problem() != "":
		p.setInfo(p.problem(), widget.DangerImportance)
	default:
		c := p.model.Config()
		p.setInfo(fmt.Sprintf("%s is %s %s model with %s and %s parameters.", sentenceStart(p.name), withArticle(c.Task), c.Arch,
			plural(len(c.Layers), "layer", "layers"), formatInt(p.model.ParamCount())), widget.MediumImportance)
	}
	p.onChange()
}

// usable is the model when it can do the task.
func (p *modelPicker) usable() *models.Autoencoder {
	if p.problem() != "" {
		return nil
	}
	return p.model
}

// sentenceStart capitalizes "the" at the start of a model's name; file
// names stay as they are.
func sentenceStart(name string) string {
	if rest, ok := strings.CutPrefix(name, "the "); ok {
		return "The " + rest
	}
	return name
}

// withArticle puts "a" or "an" before a task's name.
func withArticle(s string) string {
	if s != "" && strings.ContainsRune("aeiou", rune(s[0])) {
		return "an " + s
	}
	return "a " + s
}

// photoOpener opens a tab's photo from a dialog or a drop, reading it in
// the background; a failure leaves the tab's photo as it was.
type photoOpener struct {
	s       *Studio
	say     func(text string, imp widget.Importance) // the tab's message line
	shown   func() bool                              // whether the tab has a photo
	opened  func(p *imageops.Photo, img *image.NRGBA, path string)
	display bool // also make img (else nil), off the UI goroutine
	gen     int  // drops photos opened since superseded
}

func (o *photoOpener) choose() { o.s.askOpenPath(photoImageExts, o.open) }

// drop opens the first dropped file.
func (o *photoOpener) drop(uris []fyne.URI) {
	if len(uris) == 0 {
		return
	}
	u := uris[0]
	if u.Scheme() != "file" {
		o.say("Cannot open "+u.String()+": only local files can be dropped.", widget.DangerImportance)
		return
	}
	o.open(u.Path())
}

func (o *photoOpener) open(path string) {
	o.gen++
	gen, name := o.gen, filepath.Base(path)
	o.say("Opening "+name+"…", widget.MediumImportance)
	go func() {
		p, err := readPhoto(path)
		var img *image.NRGBA
		if err == nil && o.display {
			img = p.Image()
		}
		o.s.post(func() {
			if gen != o.gen {
				return
			}
			if err != nil {
				msg := fmt.Sprintf("Could not open %s: %s.", name, strings.TrimSuffix(err.Error(), "."))
				if o.shown() {
					msg += " The photo shown is unchanged."
				}
				o.say(msg, widget.DangerImportance)
				return
			}
			o.opened(p, img, path)
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

// photoRunner runs a model over a photo in the background, with Run,
// Cancel and a progress bar counting tiles.
type photoRunner struct {
	s         *Studio
	runBtn    *widget.Button
	cancelBtn *widget.Button
	progress  *widget.ProgressBar
	tiles     int       // of the run, once known
	running   *photoRun // nil when idle
}

// photoRun is one run in progress.
type photoRun struct {
	cancel context.CancelFunc
}

func newPhotoRunner(s *Studio, run func()) *photoRunner {
	r := &photoRunner{s: s}
	r.runBtn = widget.NewButtonWithIcon("Run", theme.MediaPlayIcon(), run)
	r.runBtn.Importance = widget.HighImportance
	r.cancelBtn = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), r.cancel)
	r.cancelBtn.Disable()
	r.progress = widget.NewProgressBar()
	r.progress.TextFormatter = func() string {
		if r.tiles == 0 {
			return ""
		}
		return fmt.Sprintf("%d / %d tiles", int(math.Round(r.progress.Value*float64(r.tiles))), r.tiles)
	}
	r.progress.Hide()
	return r
}

// row lays out Run, Cancel, the progress bar and right of it save.
func (r *photoRunner) row(save fyne.CanvasObject) fyne.CanvasObject {
	return container.NewBorder(nil, nil, container.NewHBox(r.runBtn, r.cancelBtn), save, r.progress)
}

func (r *photoRunner) busy() bool { return r.running != nil }

// update enables Run when idle and ready, Cancel while running.
func (r *photoRunner) update(ready bool) {
	setEnabled(r.runBtn, !r.busy() && ready)
	setEnabled(r.cancelBtn, r.busy())
}

// start runs work in the background (a panic in it is an error) and hands
// its outcome to done on the UI goroutine, unless stopped since.
func (r *photoRunner) start(work func(ctx context.Context, progress func(done, total int)) error, done func(err error, took time.Duration)) {
	ctx, cancel := context.WithCancel(context.Background())
	job := &photoRun{cancel: cancel}
	r.running = job
	r.tiles = 0
	r.progress.SetValue(0)
	r.progress.Show()
	start := time.Now()
	go func() {
		var last time.Time
		progress := func(done, total int) {
			if now := time.Now(); now.Sub(last) >= tick || done == total {
				last = now
				r.s.post(func() {
					if r.running == job {
						r.tiles = total
						r.progress.SetValue(float64(done) / float64(total))
					}
				})
			}
		}
		err := func() (err error) {
			defer func() {
				if p := recover(); p != nil {
					err = fmt.Errorf("internal error: %v", p)
				}
			}()
			return work(ctx, progress)
		}()
		took := time.Since(start)
		r.s.post(func() {
			if r.running != job {
				return // stopped
			}
			r.running = nil
			job.cancel()
			r.progress.Hide()
			done(err, took)
		})
	}()
}

// cancel asks the run to stop; done then gets context.Canceled.
func (r *photoRunner) cancel() {
	if r.running != nil {
		r.running.cancel()
		r.cancelBtn.Disable()
	}
}

// stop cancels the run and forgets it: done is not called.
func (r *photoRunner) stop() {
	if r.running != nil {
		r.running.cancel()
		r.running = nil
		r.progress.Hide()
	}
}

// savePhoto writes p in the background (see saveImage) and says how it
// went.
func (s *Studio) savePhoto(path string, p *imageops.Photo, say func(string, widget.Importance)) {
	go func() {
		err := saveImage(path, p.Image())
		s.post(func() {
			if err != nil {
				say("Could not save: "+err.Error(), widget.DangerImportance)
				return
			}
			say("Saved "+path, widget.SuccessImportance)
		})
	}()
}

// saveImage writes img atomically as JPEG (quality 95) when path ends in
// .jpg or .jpeg, else as PNG.
func saveImage(path string, img image.Image) error {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".jpg", ".jpeg":
		return imageops.SaveJPEG(path, img, 95)
	}
	return imageops.SavePNG(path, img)
}

// boldLabel names a row of controls.
func boldLabel(s string) *widget.Label {
	return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

// newChoice is a horizontal radio group that always has a choice.
func newChoice(options []string, selected string, changed func(string)) *widget.RadioGroup {
	r := widget.NewRadioGroup(options, changed)
	r.Horizontal, r.Required = true, true
	r.Selected = selected
	return r
}

// dropHint is what a photo tab shows before a photo: a drop target like
// the data panel's, saying what the tab does.
func dropHint(what string, icon fyne.Resource, open func()) fyne.CanvasObject {
	hint := widget.NewLabelWithStyle("Drop a photo here", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	hint.SizeName = theme.SizeNameHeadingText
	sub := widget.NewLabel(what)
	sub.Alignment = fyne.TextAlignCenter
	sub.Wrapping = fyne.TextWrapWord
	border := canvas.NewRectangle(color.Transparent)
	border.StrokeColor = theme.Color(theme.ColorNamePlaceHolder)
	border.StrokeWidth = 2
	border.CornerRadius = 2 * theme.InputRadiusSize()
	openBig := widget.NewButtonWithIcon("Open photo…", theme.FolderOpenIcon(), open)
	return container.NewStack(border, container.NewCenter(container.NewVBox(
		container.NewCenter(container.NewGridWrap(fyne.NewSquareSize(48), widget.NewIcon(icon))),
		hint, sub, container.NewCenter(openBig))))
}

// setStage shows o alone in stage.
func setStage(stage *fyne.Container, o fyne.CanvasObject) {
	if len(stage.Objects) == 1 && stage.Objects[0] == o {
		return
	}
	stage.Objects = []fyne.CanvasObject{o}
	stage.Refresh()
}

// scrollToStart puts scrolls back at the top left after a zoom change.
func scrollToStart(scrolls ...*container.Scroll) {
	for _, sc := range scrolls {
		sc.Offset = fyne.Position{}
		sc.Refresh()
	}
}
