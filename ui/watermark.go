package ui

import (
	"context"
	"errors"
	"fmt"
	"image"
	"path/filepath"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latentstudio/imageops"
	"latentstudio/models"
)

// The Watermark tab's choices, as shown.
const (
	toolBrush   = "Brush"
	toolEraser  = "Eraser"
	zoomDouble  = "2:1"
	showMask    = "Paint mask"
	showCompare = "Before / after"
)

// watermarkTab is the "Watermark" tab: the user paints a mask over a
// watermark (or an object) in a photo, by hand or starting from a
// suggestion, and an inpainting model fills the masked pixels; the result
// is shown before/after and can be saved.
//
// Loading, suggesting and running happen off the UI goroutine and come
// back through Studio.post; work for a photo or model since replaced is
// dropped.
type watermarkTab struct {
	s    *Studio
	view fyne.CanvasObject

	// what the user chose
	photo     *imageops.Photo
	photoPath string
	img       *image.NRGBA // the photo, for display

	// derived
	result     *imageops.Photo
	resultMask []float32 // the mask the result was made with
	suggesting bool
	note       string // what just happened, shown instead of the advice
	noteImp    widget.Importance

	opener      *photoOpener
	picker      *modelPicker
	runner      *photoRunner
	painter     *MaskPainter
	paintScroll *container.Scroll
	compare     *CompareView
	cmpScroll   *container.Scroll
	empty       fyne.CanvasObject // the drop hint before any photo
	stage       *fyne.Container   // holds the hint, the painter or the compare view
	photoInfo   *widget.Label
	tool        *widget.RadioGroup
	radius      *widget.Slider
	radiusLabel *widget.Label
	undoBtn     *widget.Button
	redoBtn     *widget.Button
	clearBtn    *widget.Button
	suggestBtn  *widget.Button
	saveBtn     *widget.Button
	status      *widget.Label
	show        *widget.RadioGroup // the painter or the compare view
	zoom        *widget.RadioGroup
	maskRow     fyne.CanvasObject // the mask tools, hidden until a photo
	views       fyne.CanvasObject // show and zoom
}

func newWatermarkTab(s *Studio) *watermarkTab {
	t := &watermarkTab{s: s}
	t.painter = NewMaskPainter()
	t.painter.OnChanged = t.maskChanged
	t.paintScroll = container.NewScroll(t.painter)
	t.compare = NewCompareView()
	t.cmpScroll = container.NewScroll(t.compare)
	t.picker = newModelPicker(s, "Watermark", []string{models.TaskInpaint}, t.updateControls)
	t.opener = &photoOpener{s: s, say: t.setNote, shown: func() bool { return t.photo != nil }, opened: t.photoOpened, display: true}
	t.runner = newPhotoRunner(s, t.run)

	t.photoInfo = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	t.photoInfo.Truncation = fyne.TextTruncateEllipsis
	open := widget.NewButtonWithIcon("Open photo…", theme.FolderOpenIcon(), t.opener.choose)

	t.tool = newChoice([]string{toolBrush, toolEraser}, toolBrush, func(v string) { t.painter.SetErasing(v == toolEraser) })
	t.radius = widget.NewSlider(1, 60)
	t.radiusLabel = widget.NewLabel("")
	t.radius.OnChanged = func(v float64) {
		t.painter.SetRadius(float32(v))
		t.radiusLabel.SetText(fmt.Sprintf("%d px", int(v)))
	}
	t.radius.SetValue(12)
	t.undoBtn = widget.NewButtonWithIcon("Undo", theme.ContentUndoIcon(), t.painter.Undo)
	t.redoBtn = widget.NewButtonWithIcon("Redo", theme.ContentRedoIcon(), t.painter.Redo)
	t.clearBtn = widget.NewButtonWithIcon("Clear", theme.ContentClearIcon(), t.painter.Clear)
	t.suggestBtn = widget.NewButtonWithIcon("Suggest mask", theme.SearchIcon(), t.suggest)
	t.saveBtn = widget.NewButtonWithIcon("Save result…", theme.DocumentSaveIcon(), t.chooseSave)
	t.status = widget.NewLabel("")
	t.status.Wrapping = fyne.TextWrapWord

	t.show = newChoice([]string{showMask, showCompare}, showMask, func(string) { t.showView() })
	t.zoom = newChoice([]string{zoomFit, zoomNative, zoomDouble}, zoomFit, func(string) { t.applyZoom() })

	t.view = t.layout(open)
	t.picker.source.SetSelected(modelBuiltin) // loads the built-in inpainter
	t.updateControls()
	return t
}

func (t *watermarkTab) layout(open *widget.Button) fyne.CanvasObject {
	photoRow := container.NewBorder(nil, nil, open, container.NewHBox(boldLabel("Model"), t.picker.source, t.picker.changeBtn), t.photoInfo)
	size := container.NewGridWrap(fyne.NewSize(120, t.radius.MinSize().Height), t.radius)
	t.maskRow = container.NewVBox(
		container.NewHBox(boldLabel("Mask"), t.tool, widget.NewSeparator(), boldLabel("Size"), size, t.radiusLabel),
		container.NewHBox(t.undoBtn, t.redoBtn, t.clearBtn, widget.NewSeparator(), t.suggestBtn))
	t.views = container.NewHBox(t.show, widget.NewSeparator(), t.zoom)
	top := container.NewVBox(photoRow, t.picker.info, t.maskRow, t.runner.row(t.saveBtn), t.status, t.views)
	t.empty = dropHint("Paint over a watermark or an object, and an inpainting model fills it from its surroundings.",
		theme.DocumentCreateIcon(), t.opener.choose)
	t.stage = container.NewStack(t.empty)
	return container.NewBorder(top, nil, nil, nil, t.stage)
}

// setNote shows what just happened on the status line until the next
// change ("" goes back to advice).
func (t *watermarkTab) setNote(text string, imp widget.Importance) {
	t.note, t.noteImp = text, imp
	t.updateStatus()
}

// Status is the text of the tab's status line.
func (t *watermarkTab) Status() string { return t.status.Text }

// updateStatus says what to do next, or what just happened.
func (t *watermarkTab) updateStatus() {
	text, imp := t.note, t.noteImp
	if text == "" {
		text, imp = t.advice(), widget.MediumImportance
	}
	t.status.Importance = imp
	t.status.SetText(text)
	if t.view != nil {
		t.view.Refresh() // the line may have wrapped
	}
}

func (t *watermarkTab) advice() string {
	cover := t.painter.Coverage()
	switch {
	case t.photo == nil:
		return "Open or drop a photo with a watermark."
	case t.runner.busy():
		return fmt.Sprintf("Filling %s of the photo with %s…", percent(cover), t.picker.name)
	case cover == 0:
		return "Paint over the watermark with the brush (or press Suggest mask), then Run."
	case t.picker.usable() == nil:
		return fmt.Sprintf("The mask covers %s of the photo. Choose an inpaint model to run.", percent(cover))
	case t.result != nil && t.stale():
		return fmt.Sprintf("The mask (%s of the photo) changed since the last run: Run again.", percent(cover))
	case t.result != nil && t.show.Selected == showCompare:
		return "Drag the line to compare the photo with the result; Save result… keeps it."
	}
	return fmt.Sprintf("The mask covers %s of the photo: correct it with the brush or the eraser, then Run.", percent(cover))
}

func percent(f float64) string {
	if f > 0 && f < 0.001 {
		return "<0.1%"
	}
	return fmt.Sprintf("%.1f%%", 100*f)
}

// stale reports whether the mask changed since the result was made.
func (t *watermarkTab) stale() bool {
	m := t.painter.Mask()
	if len(m) != len(t.resultMask) {
		return true
	}
	for i, v := range m {
		if v != t.resultMask[i] {
			return true
		}
	}
	return false
}

// handleDrop opens the first dropped file as the photo.
func (t *watermarkTab) handleDrop(uris []fyne.URI) { t.opener.drop(uris) }

// photoOpened replaces the photo, its mask and result with one just
// opened.
func (t *watermarkTab) photoOpened(p *imageops.Photo, img *image.NRGBA, path string) {
	t.runner.stop()
	t.photo, t.photoPath, t.img = p, path, img
	t.result, t.resultMask = nil, nil
	t.suggesting = false
	t.photoInfo.SetText(fmt.Sprintf("%s · %d×%d", filepath.Base(path), p.Width, p.Height))
	t.painter.SetImage(img)
	t.compare.SetImages(img, nil, "", "")
	t.show.SetSelected(showMask)
	t.showView()
	t.note = ""
	t.updateControls()
}

// updateControls enables what can be used now.
func (t *watermarkTab) updateControls() {
	if t.view == nil {
		return // still building
	}
	has, busy := t.photo != nil, t.runner.busy()
	t.runner.update(has && t.picker.usable() != nil && t.painter.Coverage() > 0)
	setEnabled(t.saveBtn, t.result != nil)
	setEnabled(t.undoBtn, !busy && t.painter.CanUndo())
	setEnabled(t.redoBtn, !busy && t.painter.CanRedo())
	setEnabled(t.clearBtn, !busy && t.painter.Coverage() > 0)
	setEnabled(t.suggestBtn, has && !busy && !t.suggesting)
	showIf(t.maskRow, has)
	showIf(t.views, has)
	if t.result != nil {
		t.show.Enable()
	} else {
		t.show.Disable()
	}
	t.updateStatus()
}

// maskChanged follows every step of the painter.
func (t *watermarkTab) maskChanged() {
	t.note = ""
	t.updateControls()
}

// showView puts the painter or the compare view on the stage.
func (t *watermarkTab) showView() {
	o := t.empty
	zooms := []string{zoomFit, zoomNative, zoomDouble}
	switch {
	case t.photo == nil:
	case t.show.Selected == showCompare && t.result != nil:
		o = t.cmpScroll
		zooms = zooms[:2] // the compare view has no 2:1
	default:
		o = t.paintScroll
	}
	t.zoom.Options = zooms
	if t.zoom.Selected == zoomDouble && len(zooms) == 2 {
		t.zoom.Selected = zoomNative
	}
	t.zoom.Refresh()
	t.applyZoom()
	setStage(t.stage, o)
	t.updateStatus()
}

func (t *watermarkTab) applyZoom() {
	z := map[string]float32{zoomNative: 1, zoomDouble: 2}[t.zoom.Selected] // Fit: 0
	t.painter.SetZoom(z)
	t.compare.SetNative(z > 0)
	scrollToStart(t.paintScroll, t.cmpScroll)
}

// suggest detects a likely watermark in the background and makes it the
// mask, as one step the user can undo.
func (t *watermarkTab) suggest() {
	if t.photo == nil || t.suggesting {
		return
	}
	t.suggesting = true
	photo := t.photo
	t.setNote("Looking for a watermark…", widget.MediumImportance)
	t.updateControls()
	go func() {
		mask := imageops.SuggestMask(photo)
		t.s.post(func() {
			if photo != t.photo {
				return // another photo since
			}
			t.suggesting = false
			t.painter.SetMask(mask)
			t.updateControls()
			if c := t.painter.Coverage(); c == 0 {
				t.setNote("No watermark stands out: paint it with the brush.", widget.WarningImportance)
			} else {
				t.setNote(fmt.Sprintf("Suggested a mask covering %s: correct it with the brush or the eraser (Undo takes it back), then Run.", percent(c)), widget.MediumImportance)
			}
		})
	}()
}

// run fills the masked pixels with the model in the background, with
// progress and Cancel.
func (t *watermarkTab) run() {
	ae := t.picker.usable()
	if t.runner.busy() || t.photo == nil || ae == nil || t.painter.Coverage() == 0 {
		return
	}
	photo, mask := t.photo, slices.Clone(t.painter.Mask())
	var out *imageops.Photo
	var after *image.NRGBA
	t.runner.start(func(ctx context.Context, progress func(done, total int)) (err error) {
		out, err = models.ApplyPhoto(ctx, ae, photo, models.PhotoOptions{Mask: mask, Progress: progress})
		if err == nil {
			after = out.Image()
		}
		return err
	}, func(err error, took time.Duration) { t.finishRun(out, mask, after, err, took) })
	t.note = ""
	t.updateControls()
}

func (t *watermarkTab) finishRun(out *imageops.Photo, mask []float32, after *image.NRGBA, err error, took time.Duration) {
	switch {
	case errors.Is(err, context.Canceled):
		t.note, t.noteImp = "Cancelled; nothing was changed.", widget.MediumImportance
	case err != nil:
		t.note, t.noteImp = "Inpainting failed: "+err.Error(), widget.DangerImportance
	default:
		t.result, t.resultMask = out, mask
		// The photo as it is, watermark and all: the mask belongs to the painter.
		t.compare.SetImages(t.img, after, "before", "result")
		t.compare.SetSplit(0.5)
		t.show.Enable()
		t.show.SetSelected(showCompare)
		t.note, t.noteImp = fmt.Sprintf("Filled %s of %s in %s: drag the line to compare; Save result… keeps it.",
			percent(t.painter.Coverage()), filepath.Base(t.photoPath), formatDuration(took)), widget.SuccessImportance
	}
	t.updateControls()
}

// chooseSave asks where to save the result.
func (t *watermarkTab) chooseSave() {
	if t.result != nil {
		t.s.askSavePhoto(t.photoPath, "-clean", t.saveResult)
	}
}

// saveResult writes the result in the background: JPEG for a .jpg or
// .jpeg name, else PNG.
func (t *watermarkTab) saveResult(path string) {
	if t.result != nil {
		t.s.savePhoto(path, t.result, t.setNote)
	}
}
