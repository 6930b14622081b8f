// Package ui is the Fyne front end of Latent Studio: the studio window's
// content and controller, and the custom widgets it uses (LossChart,
// PreviewGrid). It never imports fyne.io/fyne/v2/app (the only cgo part of
// Fyne): package main creates the window and passes it in, so the package
// tests run headless with CGO_ENABLED=0.
//
// Threading: every method of Studio and of the widgets runs on the UI
// goroutine. Loading and training run in goroutines that hand their results
// back through the post function given to NewStudio (fyne.Do in the app),
// at most about ten times a second.
package ui

import (
	"image/color"
	"os"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latentstudio/imageops"
	"latentstudio/models"
)

// previewRows is how many held-out images the preview shows.
const previewRows = 8

// tick is how often background work reports to the window.
const tick = 100 * time.Millisecond

// Studio is the content of the studio window and its controller: a data
// panel and the model form on the left, the loss chart and the preview on
// the right, a status line at the bottom.
type Studio struct {
	win  fyne.Window
	post func(func())

	form    *Form
	chart   *LossChart
	preview *PreviewGrid

	// status line
	status     *widget.Label
	progress   *widget.ProgressBar
	modelInfo  *widget.Label // parameters and the loss rule
	problem    *widget.Label // why the form cannot train
	trainBtn   *widget.Button
	moreBtn    *widget.Button // trains the last model further
	runs       int            // training runs started this session
	runName    string         // the current run's name on the chart
	pauseBtn   *widget.Button
	stopBtn    *widget.Button
	saveBtn    *widget.Button
	data       *dataPanel
	content    fyne.CanvasObject
	left       *container.Scroll // the left column, relaid out when it grows
	leftMin    fyne.Size
	ds         *imageops.Dataset
	dsLo, dsHi float32
	loading    *loadJob
	run        *trainRun
	trainer    *models.Trainer     // the last trainer, for saving
	opened     *models.Autoencoder // the last model opened from a file
	diagram    *LayerDiagram       // the planned model, drawn
	latent     *latentTab          // the latent-space explorer
	tabs       *container.AppTabs  // training | latent space | photo | anomaly | watermark | GAN
	photo      *photoTab           // denoise or colorize one photo
	photoItem  *container.TabItem  // its tab, to route drops
	anomaly    *anomalyTab         // scores images by reconstruction error
	anomalyTab *container.TabItem  // its tab
	wmark      *watermarkTab       // removes a watermark by inpainting
	wmarkItem  *container.TabItem  // its tab, to route drops
	gan        *ganTab             // trains a GAN on the loaded images
	ganItem    *container.TabItem  // its tab
	memory     *widget.Label       // its memory estimate
	paused     bool
	lastVal    float64
	bar        fyne.CanvasObject // the status bar
	barMin     fyne.Size
	onPreview  func(*models.Preview) // tests: called for every preview shown
}

// NewStudio builds the studio into w (it sets the window's content and its
// drop handler). post must run a function on the UI goroutine: fyne.Do in
// the application.
func NewStudio(w fyne.Window, post func(func())) *Studio {
	s := &Studio{win: w, post: post}
	s.chart = NewLossChart()
	s.preview = NewPreviewGrid()
	s.status = widget.NewLabel("Load images to begin: drop a folder on the window, or use the sample digits.")
	s.status.Wrapping = fyne.TextWrapWord // errors can be long
	s.progress = widget.NewProgressBar()
	s.progress.Hide()
	s.modelInfo = widget.NewLabel("")
	s.modelInfo.Wrapping = fyne.TextWrapWord
	s.modelInfo.SizeName = theme.SizeNameCaptionText
	s.problem = widget.NewLabel("")
	s.problem.Wrapping = fyne.TextWrapWord
	s.problem.Importance = widget.DangerImportance
	s.problem.Hide()

	s.trainBtn = widget.NewButtonWithIcon("Train", theme.MediaPlayIcon(), func() { s.startTraining(false) })
	s.trainBtn.Importance = widget.HighImportance
	s.moreBtn = widget.NewButtonWithIcon("Train more", theme.MediaFastForwardIcon(), func() { s.startTraining(true) })
	s.moreBtn.Disable()
	s.pauseBtn = widget.NewButtonWithIcon("Pause", theme.MediaPauseIcon(), s.togglePause)
	s.stopBtn = widget.NewButtonWithIcon("Stop", theme.MediaStopIcon(), s.stopTraining)
	s.saveBtn = widget.NewButtonWithIcon("Save model…", theme.DocumentSaveIcon(), s.saveModel)
	s.pauseBtn.Disable()
	s.stopBtn.Disable()
	s.saveBtn.Disable()

	s.diagram = NewLayerDiagram()
	s.memory = newMemoryLabel()
	s.form = newForm(s.settingsChanged)
	s.data = newDataPanel(s)
	s.content = s.layout()
	s.settingsChanged()

	w.SetContent(s.content)
	w.SetOnDropped(s.handleWindowDrop)
	s.installMenu() // File and Export (exportmenu.go)
	return s
}

// handleWindowDrop routes a drop on the window: a file dropped while the
// Photo or the Watermark tab is shown is the photo to work on; anything
// else (folders, or any drop on the other tabs) loads training data as
// HandleDrop does.
func (s *Studio) handleWindowDrop(pos fyne.Position, uris []fyne.URI) {
	var drop func([]fyne.URI)
	switch s.tabs.Selected() {
	case s.photoItem:
		drop = s.photo.handleDrop
	case s.wmarkItem:
		drop = s.wmark.handleDrop
	}
	if drop != nil && len(uris) > 0 {
		if fi, err := os.Stat(uris[0].Path()); uris[0].Scheme() != "file" || err != nil || !fi.IsDir() {
			drop(uris)
			return
		}
	}
	s.HandleDrop(pos, uris)
}

// Form gives access to the settings widgets.
func (s *Studio) Form() *Form { return s.form }

// Chart is the loss chart.
func (s *Studio) Chart() *LossChart { return s.chart }

// Preview is the preview grid.
func (s *Studio) Preview() *PreviewGrid { return s.preview }

// Dataset is the loaded dataset, nil before the first load.
func (s *Studio) Dataset() *imageops.Dataset { return s.ds }

// Status is the text of the status line.
func (s *Studio) Status() string { return s.status.Text }

// Problem is why the settings cannot train, or "" when they can.
func (s *Studio) Problem() string {
	if s.problem.Hidden {
		return ""
	}
	return s.problem.Text
}

// Busy reports whether a load or a training run is in progress.
func (s *Studio) Busy() bool { return s.loading != nil || s.run != nil }

// TrainButton, PauseButton and StopButton are the training controls.
func (s *Studio) TrainButton() *widget.Button { return s.trainBtn }

// MoreButton trains the last model further, continuing its curves.
func (s *Studio) MoreButton() *widget.Button { return s.moreBtn }

// PauseButton pauses and resumes training; its text says which it does.
func (s *Studio) PauseButton() *widget.Button { return s.pauseBtn }

// StopButton stops training, keeping the weights learnt so far.
func (s *Studio) StopButton() *widget.Button { return s.stopBtn }

func (s *Studio) setStatus(text string, imp widget.Importance) {
	s.status.Importance = imp
	s.status.SetText(text)
	if s.bar != nil {
		if m := s.bar.MinSize(); m.Height != s.barMin.Height {
			s.barMin = m
			s.content.Refresh() // the status line gained or lost a line
		}
	}
}

// statusFunc shows a line of text on a status line: the studio's
// (Studio.setStatus) or a tab's.
type statusFunc func(text string, imp widget.Importance)

// inBackground runs work off the UI goroutine, then shows on status what
// failed (failed followed by the error) or done's message (done runs on
// the UI goroutine).
func (s *Studio) inBackground(status statusFunc, work func() error, failed string, done func() string) {
	go func() {
		err := work()
		s.post(func() {
			if err != nil {
				status(failed+err.Error(), widget.DangerImportance)
				return
			}
			status(done(), widget.SuccessImportance)
		})
	}()
}

func (s *Studio) layout() fyne.CanvasObject {
	modelBox := container.NewVBox(
		s.form.view(),
		s.modelInfo,
		s.problem,
	)
	var open *widget.Button
	open = widget.NewButtonWithIcon("Open model…", theme.FolderOpenIcon(), func() { s.openMenu(open) })
	open.Importance = widget.LowImportance
	s.saveBtn.Importance = widget.LowImportance
	buttons := container.NewHBox(s.trainBtn, s.moreBtn, s.pauseBtn, s.stopBtn)
	left := container.NewVBox(
		section("Data", s.data.view()),
		sectionWithTools("Model", modelBox, open, s.saveBtn),
		buttons,
		s.diagram,
		s.memory,
	)
	s.left = container.NewVScroll(container.NewPadded(left))

	training := container.NewVSplit(panel(container.NewBorder(nil, NewChartControls(s.chart), nil, nil, s.chart)), panel(s.preview))
	training.Offset = 0.48
	s.latent = newLatentTab(s)
	latentItem := container.NewTabItemWithIcon("Latent space", theme.ZoomInIcon(), panel(s.latent.view))
	s.photo = newPhotoTab(s)
	s.photoItem = container.NewTabItemWithIcon("Photo", theme.MediaPhotoIcon(), panel(s.photo.view))
	s.anomaly = newAnomalyTab(s)
	s.anomalyTab = container.NewTabItemWithIcon("Anomaly", theme.WarningIcon(), panel(s.anomaly.view))
	s.wmark = newWatermarkTab(s)
	s.wmarkItem = container.NewTabItemWithIcon("Watermark", theme.DocumentCreateIcon(), panel(s.wmark.view))
	s.gan = newGANTab(s)
	s.ganItem = container.NewTabItemWithIcon("GAN", theme.GridIcon(), panel(s.gan.view))
	s.tabs = container.NewAppTabs(container.NewTabItemWithIcon("Training", theme.MediaPlayIcon(), training), latentItem, s.photoItem, s.anomalyTab, s.wmarkItem, s.ganItem)
	s.tabs.OnSelected = func(it *container.TabItem) {
		switch it {
		case latentItem:
			s.latent.refresh()
		case s.anomalyTab:
			s.anomaly.refresh()
		case s.ganItem:
			s.gan.refresh() // the data may have changed
		}
	}
	right := s.tabs

	split := container.NewHSplit(s.left, right)
	split.Offset = 0.36

	progress := container.NewCenter(container.NewGridWrap(fyne.NewSize(220, s.progress.MinSize().Height), s.progress))
	s.bar = container.NewVBox(widget.NewSeparator(), container.NewBorder(nil, nil, nil, progress, s.status))
	s.barMin = s.bar.MinSize()
	return container.NewBorder(nil, s.bar, nil, nil, split)
}

// relayout lays the left column out again when its content changed size
// (a view swapped, a message shown or hidden). The GL driver would notice
// on its next frame; doing it here keeps every driver, including the test
// driver used for captures, right.
func (s *Studio) relayout() {
	if s.left == nil {
		return
	}
	if m := s.left.Content.MinSize(); m != s.leftMin {
		s.leftMin = m
		s.left.Refresh()
	}
}

// section is a titled block of the left column.
func section(title string, content fyne.CanvasObject) fyne.CanvasObject {
	return sectionWithTools(title, content)
}

// sectionWithTools is a section whose title row ends with a few buttons.
func sectionWithTools(title string, content fyne.CanvasObject, tools ...fyne.CanvasObject) fyne.CanvasObject {
	h := widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	h.SizeName = theme.SizeNameSubHeadingText
	head := fyne.CanvasObject(h)
	if len(tools) > 0 {
		head = container.NewBorder(nil, nil, h, container.NewHBox(tools...))
	}
	return container.NewVBox(head, content, widget.NewSeparator())
}

// panel puts a widget on a slightly raised background with rounded corners.
func panel(o fyne.CanvasObject) fyne.CanvasObject {
	bg := canvas.NewRectangle(color.Transparent)
	bg.CornerRadius = theme.InputRadiusSize()
	bg.FillColor = theme.Color(theme.ColorNameHeaderBackground)
	return container.NewPadded(container.NewStack(bg, o))
}
