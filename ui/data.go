package ui

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latentstudio/assets"
	"latentstudio/imageops"
)

// thumbCount is how many images the data panel shows.
const thumbCount = 24

// thumbIndices picks up to k images spread evenly over n, so that a folder
// sorted by class shows every class rather than k images of the first.
func thumbIndices(n, k int) []int {
	k = min(k, n)
	idx := make([]int, k)
	for i := range idx {
		idx[i] = i * n / k
	}
	return idx
}

// dataPanel shows what is loaded: a drop hint before anything is, a
// progress bar while loading, then a summary with thumbnails.
type dataPanel struct {
	s *Studio

	recent   *recentList     // folders loaded before, on the empty view
	box      *fyne.Container // holds one of the three views
	empty    fyne.CanvasObject
	loading  fyne.CanvasObject
	loaded   fyne.CanvasObject
	loadText *widget.Label
	loadBar  *widget.ProgressBar
	loadErr  *widget.Label

	name, info, classes *widget.Label
	thumbs              *fyne.Container
	earlyThumbs         *fyne.Container // the first images decoded, while loading
	prep                *fyne.Container // a file as new size/colour settings would load it
	prepImage           *canvas.Image
	prepText            *widget.Label
	prepGen             int // drops previews of settings since changed
	skipped             *fyne.Container
	skippedText         *widget.Label
	reload              *widget.Button
	source              func()           // reloads the current data
	opt                 imageops.Options // size and gray the data were loaded with
}

func newDataPanel(s *Studio) *dataPanel {
	d := &dataPanel{s: s}

	// Before any data: a big drop target.
	hint := widget.NewLabelWithStyle("Drop a folder of images here", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	hint.SizeName = theme.SizeNameHeadingText
	sub := widget.NewLabel("Subfolders become classes; MNIST IDX files work too.")
	sub.Alignment = fyne.TextAlignCenter
	sub.Wrapping = fyne.TextWrapWord
	icon := widget.NewIcon(theme.DownloadIcon())
	sample := widget.NewButtonWithIcon("Use the sample digits", theme.GridIcon(), s.LoadSample)
	folder := widget.NewButtonWithIcon("Choose folder…", theme.FolderOpenIcon(), d.chooseFolder)
	border := canvas.NewRectangle(color.Transparent)
	border.StrokeColor = theme.Color(theme.ColorNamePlaceHolder)
	border.StrokeWidth = 2
	border.CornerRadius = 2 * theme.InputRadiusSize()
	d.recent = newRecentList(s.LoadPath)
	d.empty = container.NewVBox(container.NewStack(border, container.NewPadded(container.NewVBox(
		container.NewCenter(container.NewGridWrap(fyne.NewSquareSize(48), icon)),
		hint,
		sub,
		container.NewCenter(container.NewHBox(sample, folder)),
	))), d.recent.box)

	// While loading.
	d.loadText = widget.NewLabel("")
	d.loadText.Truncation = fyne.TextTruncateEllipsis
	d.loadBar = widget.NewProgressBar()
	cancel := widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), s.cancelLoad)
	d.earlyThumbs = container.NewGridWithColumns(thumbCount / 2)
	d.loading = container.NewVBox(d.loadText, container.NewBorder(nil, nil, nil, cancel, d.loadBar), d.earlyThumbs)

	// Loaded: name with buttons to load something else, facts, thumbnails.
	d.name = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	d.name.Truncation = fyne.TextTruncateEllipsis
	d.info = widget.NewLabel("")
	d.classes = widget.NewLabel("")
	d.classes.Wrapping = fyne.TextWrapWord
	d.classes.SizeName = theme.SizeNameCaptionText
	d.thumbs = container.NewGridWithColumns(thumbCount / 2)
	d.skippedText = widget.NewLabel("")
	d.skippedText.Importance = widget.WarningImportance
	showList := widget.NewButton("Show list", d.showSkipped)
	showList.Importance = widget.LowImportance
	d.skipped = container.NewHBox(d.skippedText, showList)
	d.skipped.Hide()
	browse := widget.NewButtonWithIcon("Browse all…", theme.ViewFullScreenIcon(), d.browse)
	browse.Importance = widget.LowImportance
	other := container.NewHBox(
		widget.NewButtonWithIcon("Sample", theme.GridIcon(), s.LoadSample),
		widget.NewButtonWithIcon("Folder…", theme.FolderOpenIcon(), d.chooseFolder),
	)
	d.loaded = container.NewVBox(
		container.NewBorder(nil, nil, nil, other, d.name),
		d.info, d.classes, d.thumbs, container.NewHBox(browse, d.skipped))

	d.loadErr = widget.NewLabel("")
	d.loadErr.Wrapping = fyne.TextWrapWord
	d.loadErr.Importance = widget.DangerImportance
	d.loadErr.Hide()

	d.reload = widget.NewButtonWithIcon("Reload", theme.ViewRefreshIcon(), func() {
		if d.source != nil {
			d.source()
		}
	})
	d.reload.Hide()
	d.prepImage = canvas.NewImageFromImage(nil)
	d.prepImage.ScaleMode = canvas.ImageScalePixels
	d.prepImage.FillMode = canvas.ImageFillContain
	d.prepImage.SetMinSize(fyne.NewSquareSize(56))
	d.prepText = widget.NewLabel("")
	d.prepText.Wrapping = fyne.TextWrapWord
	d.prepText.SizeName = theme.SizeNameCaptionText
	d.prep = container.NewBorder(nil, nil, d.prepImage, nil, d.prepText)
	d.prep.Hide()
	d.box = container.NewStack(d.empty)
	return d
}

func (d *dataPanel) view() fyne.CanvasObject {
	f := d.s.form
	size := container.NewBorder(nil, nil, widget.NewLabel("Image size"), nil, f.Size)
	opts := container.NewBorder(nil, nil, nil, container.NewHBox(f.Gray, d.reload), size)
	val := container.NewBorder(nil, nil, widget.NewLabel("Held out for validation (%)"), nil, f.Val)
	return container.NewVBox(d.box, d.loadErr, opts, d.prep, val)
}

// markStale highlights Reload when the size or gray settings no longer
// match the loaded data.
func (d *dataPanel) markStale() {
	if d.source == nil {
		return
	}
	opt, err := d.s.form.loadOptions()
	imp := widget.MediumImportance
	if err == nil && (opt.Width != d.opt.Width || opt.Height != d.opt.Height || opt.Gray != d.opt.Gray) {
		imp = widget.HighImportance
	}
	if d.reload.Importance != imp {
		d.reload.Importance = imp
		d.reload.Refresh()
	}
	d.previewSettings(opt, imp == widget.HighImportance)
}

// previewSettings shows the first loaded file as the new size and colour
// settings would load it, before the user presses Reload; it decodes in
// the background.
func (d *dataPanel) previewSettings(opt imageops.Options, changed bool) {
	ds := d.s.ds
	if !changed || ds == nil || len(ds.SourceSizes) == 0 || opt.Width == 0 {
		d.prep.Hide()
		return
	}
	path, gen := ds.Files[0], d.prepGen+1
	d.prepGen = gen
	go func() {
		vals, err := imageops.LoadImage(path, opt.Width, opt.Height, opt.Gray)
		d.s.post(func() {
			if gen != d.prepGen || err != nil {
				return // settings changed again, or the file is gone
			}
			d.prepImage.Image = imageops.ToImage(vals, opt.Width, opt.Height, opt.Channels())
			d.prepImage.Refresh()
			d.prepText.SetText(fmt.Sprintf("%s at %d×%d %s; press Reload to apply", filepath.Base(path), opt.Width, opt.Height, map[bool]string{true: "gray", false: "RGB"}[opt.Gray]))
			d.prep.Show()
			d.s.relayout()
		})
	}()
}

func (d *dataPanel) show(o fyne.CanvasObject) {
	d.box.Objects = []fyne.CanvasObject{o}
	d.box.Refresh()
	d.s.relayout()
}

func (d *dataPanel) chooseFolder() {
	dlg := dialog.NewFolderOpen(func(dir fyne.ListableURI, err error) {
		if err != nil {
			dialog.ShowError(err, d.s.win)
			return
		}
		if dir != nil {
			d.s.LoadPath(dir.Path())
		}
	}, d.s.win)
	dlg.Resize(d.s.win.Canvas().Size().Subtract(fyne.NewSquareSize(80)))
	dlg.Show()
}

// browse opens every image of the dataset in a window of its own.
func (d *dataPanel) browse() {
	ds := d.s.ds
	if ds == nil {
		return
	}
	w := fyne.CurrentApp().NewWindow("Images · " + d.name.Text)
	w.SetContent(NewDatasetBrowser(ds))
	w.Resize(fyne.NewSize(900, 650))
	w.Show()
}

func (d *dataPanel) showSkipped() {
	ds := d.s.ds
	if ds == nil || len(ds.Skipped) == 0 {
		return
	}
	list := widget.NewList(
		func() int { return len(ds.Skipped) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			sk := ds.Skipped[i]
			o.(*widget.Label).SetText(filepath.Base(sk.Path) + ": " + sk.Reason)
		},
	)
	dlg := dialog.NewCustom(plural(len(ds.Skipped), "file skipped", "files skipped"), "Close", list, d.s.win)
	dlg.Resize(fyne.NewSize(640, 420))
	dlg.Show()
}

// setDataset fills the loaded view.
func (d *dataPanel) setDataset(name string, ds *imageops.Dataset, thumbs []image.Image) {
	d.name.SetText(name)
	kind := "RGB"
	if ds.Channels == 1 {
		kind = "gray"
	}
	counts := ds.ClassCounts()
	classes := len(ds.Classes)
	info := fmt.Sprintf("%s · %d×%d %s", plural(ds.Len(), "image", "images"), ds.Width, ds.Height, kind)
	if classes > 0 {
		info += " · " + plural(classes, "class", "classes")
	}
	if lo, hi, med, ok := ds.SizeStats(); ok && lo != hi {
		info += fmt.Sprintf("\nfiles from %d×%d to %d×%d, median %d×%d", lo.X, lo.Y, hi.X, hi.Y, med.X, med.Y)
	} else if ok {
		info += fmt.Sprintf("\nfiles all %d×%d", lo.X, lo.Y)
	}
	d.info.SetText(info)
	d.classes.SetText(classSummary(ds.Classes, counts))
	d.classes.Hidden = d.classes.Text == ""

	d.setThumbs(d.thumbs, thumbs)

	if n := len(ds.Skipped); n > 0 {
		d.skippedText.SetText(plural(n, "file skipped", "files skipped"))
		d.skipped.Show()
	} else {
		d.skipped.Hide()
	}
	d.reload.Show()
	d.show(d.loaded)
}

// setThumbs shows images as small pixel-scaled thumbnails in grid.
func (d *dataPanel) setThumbs(grid *fyne.Container, thumbs []image.Image) {
	objs := make([]fyne.CanvasObject, len(thumbs))
	for i, t := range thumbs {
		img := canvas.NewImageFromImage(t)
		img.ScaleMode = canvas.ImageScalePixels
		img.FillMode = canvas.ImageFillContain
		img.SetMinSize(fyne.NewSquareSize(26))
		objs[i] = img
	}
	grid.Objects = objs
	grid.Refresh()
}

// classSummary lists "name: count" for the first classes.
func classSummary(classes []string, counts map[string]int) string {
	const most = 16
	parts := make([]string, 0, min(len(classes), most)+1)
	for i, c := range classes {
		if i == most {
			parts = append(parts, fmt.Sprintf("… and %d more", len(classes)-most))
			break
		}
		parts = append(parts, fmt.Sprintf("%s: %s", c, formatInt(counts[c])))
	}
	if n := counts[""]; n > 0 && len(classes) > 0 {
		parts = append(parts, fmt.Sprintf("unlabelled: %s", formatInt(n)))
	}
	return strings.Join(parts, " · ")
}

// loadJob is one load in progress.
type loadJob struct {
	name        string
	cancel      context.CancelFunc
	done, total atomic.Int64
	finished    chan struct{}

	mu    sync.Mutex
	early []image.Image // the first images decoded, shown while loading
}

// addEarly keeps the first thumbCount images decoded (any goroutine).
func (j *loadJob) addEarly(values []float32, w, h, c int) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if len(j.early) < thumbCount {
		j.early = append(j.early, imageops.ToImage(values, w, h, c))
	}
}

func (j *loadJob) earlyImages() []image.Image {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.early[:len(j.early):len(j.early)]
}

// loaded is what a load hands back to the UI goroutine.
type loaded struct {
	opt    imageops.Options
	ds     *imageops.Dataset
	lo, hi float32
	thumbs []image.Image
	err    error
}

// HandleDrop loads the first dropped folder or file. The app registers it
// with Window.SetOnDropped (NewStudio does).
func (s *Studio) HandleDrop(_ fyne.Position, uris []fyne.URI) {
	var paths []string
	for _, u := range uris {
		if u.Scheme() != "file" {
			s.setStatus(fmt.Sprintf("Cannot load %s: only local files and folders can be dropped", u.String()), widget.DangerImportance)
			return
		}
		paths = append(paths, u.Path())
	}
	if len(paths) > 0 {
		s.LoadPaths(paths...)
	}
}

// LoadPath loads a folder of images (subfolders are classes), an IDX file
// or a folder holding IDX files, in the background.
func (s *Studio) LoadPath(path string) { s.LoadPaths(path) }

// LoadPaths loads several folders or IDX files as one dataset (classes of
// the same name merge), in the background.
func (s *Studio) LoadPaths(paths ...string) {
	names := make([]string, len(paths))
	for i, p := range paths {
		names[i] = filepath.Base(filepath.Clean(p))
	}
	name := strings.Join(names, " + ")
	s.startLoad(name, func() { s.LoadPaths(paths...) }, func(ctx context.Context, opt imageops.Options) (*imageops.Dataset, error) {
		var parts []*imageops.Dataset
		for _, path := range paths {
			ds, err := imageops.Load(ctx, path, opt)
			if err != nil {
				return nil, err
			}
			rememberFolder(path)
			parts = append(parts, ds)
		}
		if len(parts) == 1 {
			return parts[0], nil
		}
		return imageops.Merge(parts...)
	})
}

// LoadSample loads the embedded MNIST sample in the background.
func (s *Studio) LoadSample() {
	s.startLoad(assets.SampleName, s.LoadSample, func(_ context.Context, opt imageops.Options) (*imageops.Dataset, error) {
		images, labels := assets.SampleMNIST()
		return imageops.ReadIDX(images, labels, assets.SampleName, opt)
	})
}

func (s *Studio) cancelLoad() {
	if s.loading != nil {
		s.loading.cancel()
	}
}

func (s *Studio) startLoad(name string, again func(), load func(context.Context, imageops.Options) (*imageops.Dataset, error)) {
	if s.run != nil {
		// The status line is busy with progress: say it where it is seen.
		dialog.ShowInformation("Training in progress", "Stop the training before loading other images.", s.win)
		return
	}
	opt, err := s.form.loadOptions()
	if err != nil {
		s.data.loadErr.SetText(err.Error())
		s.data.loadErr.Show()
		s.relayout()
		return
	}
	if s.loading != nil {
		s.loading.cancel()
	}
	ctx, cancel := context.WithCancel(context.Background())
	job := &loadJob{name: name, cancel: cancel, finished: make(chan struct{})}
	s.loading = job
	opt.Progress = func(done, total int) {
		job.done.Store(int64(done))
		job.total.Store(int64(total))
	}
	if opt.Width > 0 { // at the source's own size the shape is known only at the end
		w, h, c := opt.Width, opt.Height, opt.Channels()
		opt.OnDecoded = func(v []float32) { job.addEarly(v, w, h, c) }
	}
	s.data.setThumbs(s.data.earlyThumbs, nil)
	s.data.loadErr.Hide()
	s.data.loadText.SetText("Loading " + name + "…")
	s.data.loadBar.SetValue(0)
	s.data.show(s.data.loading)
	s.setStatus("Loading "+name+"…", widget.MediumImportance)
	s.settingsChanged()

	go func() {
		t := time.NewTicker(tick)
		defer t.Stop()
		for {
			select {
			case <-job.finished:
				return
			case <-t.C:
				done, total := job.done.Load(), job.total.Load()
				early := job.earlyImages()
				s.post(func() {
					if s.loading == job && len(early) > len(s.data.earlyThumbs.Objects) {
						s.data.setThumbs(s.data.earlyThumbs, early)
					}
					if s.loading == job && total > 0 {
						s.data.loadBar.SetValue(float64(done) / float64(total))
						s.data.loadText.SetText(fmt.Sprintf("Loading %s… %s of %s files", name, formatInt(int(done)), formatInt(int(total))))
					}
				})
			}
		}
	}()
	go func() {
		res := loaded{opt: opt}
		func() {
			defer func() {
				if p := recover(); p != nil {
					res.err = fmt.Errorf("internal error: %v", p)
				}
			}()
			res.ds, res.err = load(ctx, opt)
			if res.err == nil && (res.ds == nil || res.ds.Len() == 0) {
				res.err = errors.New("no usable images found")
			}
			if res.err == nil {
				res.lo, res.hi = res.ds.Range()
				for _, i := range thumbIndices(res.ds.Len(), thumbCount) {
					res.thumbs = append(res.thumbs, imageops.ToImage(res.ds.Image(i), res.ds.Width, res.ds.Height, res.ds.Channels))
				}
			}
		}()
		close(job.finished)
		s.post(func() { s.finishLoad(job, again, res) })
	}()
}

func (s *Studio) finishLoad(job *loadJob, again func(), res loaded) {
	if s.loading != job {
		return // superseded by a newer load
	}
	s.loading = nil
	job.cancel()
	d := s.data
	if res.err != nil {
		back := d.empty
		if s.ds != nil {
			back = d.loaded
		}
		d.recent.refresh()
		d.show(back)
		msg := fmt.Sprintf("Could not load %s: %v", job.name, res.err)
		if errors.Is(res.err, context.Canceled) {
			msg = "Loading " + job.name + " was cancelled."
		}
		if res.ds != nil && len(res.ds.Skipped) > 0 {
			msg += fmt.Sprintf(" (%s, e.g. %s)", plural(len(res.ds.Skipped), "file skipped", "files skipped"), res.ds.Skipped[0])
		}
		d.loadErr.SetText(msg)
		d.loadErr.Show()
		s.relayout()
		s.setStatus(msg, widget.DangerImportance)
		s.settingsChanged()
		return
	}
	s.ds, s.dsLo, s.dsHi = res.ds, res.lo, res.hi
	d.source, d.opt = again, res.opt
	d.setDataset(job.name, res.ds, res.thumbs)
	msg := fmt.Sprintf("Loaded %s from %s.", plural(res.ds.Len(), "image", "images"), job.name)
	if n := len(res.ds.Skipped); n > 0 {
		msg += " " + plural(n, "file was", "files were") + " skipped."
	}
	s.setStatus(msg+" Set up the model and press Train.", widget.MediumImportance)
	s.settingsChanged()
	s.gan.refresh() // its data note and Train button
}
