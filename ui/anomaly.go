package ui

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latentstudio/imageops"
	"latentstudio/models"
)

// The Anomaly tab's choices, as shown.
const (
	metricMSE  = "MSE"
	metricSSIM = "1-SSIM"
	noClass    = "(none)"
)

// anomalyTop is how many of the highest-scoring images the grid shows.
const anomalyTop = 60

// defaultPercentile places the default threshold among the normal scores.
const defaultPercentile = 95

// anomalyTab is the "Anomaly" tab: every loaded image scored by how badly
// the current model reconstructs it, as a histogram with a threshold the
// user drags, the AUROC when normal and anomalous images are known, the
// highest scores with their error heatmaps, and a CSV export of the images
// above the threshold.
//
// Scoring runs in a goroutine and hands its result back through
// Studio.post; gen drops results of a run that was cancelled or replaced.
type anomalyTab struct {
	s    *Studio
	view fyne.CanvasObject

	res     *anomalyResult
	gen     int
	running context.CancelFunc
	groups  []int // per image: groupUnknown, groupNormal or groupAnomalous

	note      *widget.Label
	message   *widget.Label
	scoreBtn  *widget.Button
	cancelBtn *widget.Button
	exportBtn *widget.Button
	metric    *widget.RadioGroup
	normal    *widget.Select
	hist      *ScoreHistogram
	legend    *fyne.Container
	auroc     *widget.Label
	summary   *widget.Label
	grid      *fyne.Container
	scroll    *container.Scroll
	cards     []*anomalyCard
}

// anomalyResult is one scoring of a dataset by a model.
type anomalyResult struct {
	ds     *imageops.Dataset
	steps  int // the model's training steps, to name it
	scores *models.AnomalyScores
	order  map[string][]int // image indices by score, highest first, per metric
	tiles  map[int]anomalyTile
	took   time.Duration
}

// anomalyTile is an image and its reconstruction-error heatmap.
type anomalyTile struct {
	img, heat *image.NRGBA
}

// anomalyCard is one image of the grid.
type anomalyCard struct {
	index  int
	border *canvas.Rectangle
	label  *widget.Label
	box    fyne.CanvasObject
}

func newAnomalyTab(s *Studio) *anomalyTab {
	t := &anomalyTab{s: s}
	t.note = widget.NewLabel("")
	t.note.Wrapping = fyne.TextWrapWord
	t.message = widget.NewLabel("")
	t.message.Wrapping = fyne.TextWrapWord
	t.message.Hide()
	t.scoreBtn = widget.NewButtonWithIcon("Score", theme.MediaPlayIcon(), t.score)
	t.scoreBtn.Importance = widget.HighImportance
	t.cancelBtn = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), t.cancel)
	t.cancelBtn.Disable()
	t.exportBtn = widget.NewButtonWithIcon("Export flagged…", theme.DocumentSaveIcon(), t.chooseExport)
	t.exportBtn.Disable()
	t.metric = widget.NewRadioGroup([]string{metricMSE, metricSSIM}, func(string) { t.metricChanged() })
	t.metric.Horizontal, t.metric.Required = true, true
	t.metric.Selected = metricMSE
	t.normal = widget.NewSelect([]string{noClass}, func(string) { t.normalChanged() })
	t.normal.Selected = noClass
	t.hist = NewScoreHistogram()
	t.hist.XLabel = "score (MSE)"
	t.hist.OnChanged = func(float64) { t.thresholdChanged() }
	t.auroc = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	t.auroc.Hide()
	t.summary = widget.NewLabel("")
	t.summary.Wrapping = fyne.TextWrapWord
	t.grid = container.NewGridWrap(fyne.NewSize(2*64+3*theme.Padding(), 64+theme.Padding()+28))
	t.scroll = container.NewVScroll(t.grid)
	t.legend = container.NewHBox()

	bold := func(s string) *widget.Label {
		return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	normalBox := container.NewGridWrap(fyne.NewSize(140, t.normal.MinSize().Height), t.normal)
	controls := container.NewHBox(t.scoreBtn, t.cancelBtn, widget.NewSeparator(),
		bold("Score"), t.metric, widget.NewSeparator(), bold("Normal class"), normalBox)
	top := container.NewVBox(
		container.NewBorder(nil, nil, nil, t.exportBtn, controls),
		t.note, t.message)
	stats := container.NewVBox(container.NewBorder(nil, nil, t.auroc, t.legend), t.summary)
	upper := container.NewBorder(nil, stats, nil, nil, t.hist)
	split := container.NewVSplit(upper, t.scroll)
	split.Offset = 0.42
	t.view = container.NewBorder(top, nil, nil, nil, split)
	t.refresh()
	return t
}

// setMessage shows a line under the controls (hidden when text is "").
func (t *anomalyTab) setMessage(text string, imp widget.Importance) {
	t.message.Importance = imp
	t.message.SetText(text)
	t.message.Hidden = text == ""
	t.view.Refresh()
}

// Message is the text of the tab's message line.
func (t *anomalyTab) Message() string {
	if t.message.Hidden {
		return ""
	}
	return t.message.Text
}

// modelProblem says why the current model cannot score the loaded
// images, or "".
func (t *anomalyTab) modelProblem(ae *models.Autoencoder) string {
	s := t.s
	switch {
	case ae == nil:
		return "Train a model, or open one, to score the images by how badly it reconstructs them."
	case s.ds == nil:
		return "Load images to score them."
	}
	c := ae.Config()
	if c.CodeSize() == 0 || c.Task == models.TaskColorize {
		return fmt.Sprintf("A %s %s model cannot score images: anomaly scores need an autoencoder with a code (its reconstruction error is the score). Train a dense or conv autoencoder.", c.Task, c.Arch)
	}
	if c.Width != s.ds.Width || c.Height != s.ds.Height || c.Channels != s.ds.Channels {
		return fmt.Sprintf("The model takes %d×%d×%d images but these are %d×%d×%d; load them at the model's size (or train a model on them).",
			c.Width, c.Height, c.Channels, s.ds.Width, s.ds.Height, s.ds.Channels)
	}
	return ""
}

// refresh brings the tab up to date with the studio's model and data: it
// runs when the tab is selected.
func (t *anomalyTab) refresh() {
	s := t.s
	t.updateClasses()
	if t.running != nil {
		return
	}
	ae := s.currentModel()
	problem := t.modelProblem(ae)
	switch {
	case problem != "":
		t.note.SetText(problem)
	case t.res != nil && t.res.ds != s.ds:
		t.note.SetText("Other images were loaded since the scores below: press Score to score them.")
	case t.res != nil && t.res.steps != ae.History.Steps:
		t.note.SetText(fmt.Sprintf("The model has trained further (step %s) since these scores (step %s): press Score to update them.",
			formatInt(ae.History.Steps), formatInt(t.res.steps)))
	case t.res != nil:
		t.note.SetText(fmt.Sprintf("Scores of %s by the model at step %s.", plural(t.res.ds.Len(), "image", "images"), formatInt(t.res.steps)))
	default:
		t.note.SetText(fmt.Sprintf("Press Score to score the %s by how badly the model (step %s) reconstructs them.",
			plural(s.ds.Len(), "loaded image", "loaded images"), formatInt(ae.History.Steps)))
	}
	t.updateControls()
}

func (t *anomalyTab) updateControls() {
	busy := t.running != nil
	setEnabled(t.scoreBtn, !busy && t.modelProblem(t.s.currentModel()) == "")
	setEnabled(t.cancelBtn, busy)
	setEnabled(t.exportBtn, t.res != nil && t.flaggedCount() > 0)
	t.view.Refresh()
}

// updateClasses offers the loaded data's classes as the normal class,
// keeping the choice when it still exists.
func (t *anomalyTab) updateClasses() {
	ds := t.s.ds
	if t.res != nil {
		ds = t.res.ds // the classes of the images scored
	}
	opts := []string{noClass}
	if ds != nil {
		opts = append(opts, ds.Classes...)
	}
	if slices.Equal(opts, t.normal.Options) {
		return
	}
	t.normal.Options = opts
	sel := defaultNormalClass(ds)
	if slices.Contains(opts, t.normal.Selected) && t.normal.Selected != noClass {
		sel = t.normal.Selected
	}
	t.normal.Selected = sel // without OnChanged: the caller updates
	t.normal.Refresh()
	t.regroup()
}

// defaultNormalClass is "normal" for data with normal and anomaly
// classes, else the largest class (the model is trained on all the loaded
// images, so mostly on it), or noClass without classes.
func defaultNormalClass(ds *imageops.Dataset) string {
	if ds == nil || len(ds.Classes) < 2 {
		return noClass
	}
	if slices.Contains(ds.Classes, "normal") {
		return "normal"
	}
	counts := ds.ClassCounts()
	best := noClass
	for _, c := range ds.Classes {
		if best == noClass || counts[c] > counts[best] {
			best = c
		}
	}
	return best
}

// score scores the loaded images with the current model in the
// background.
func (t *anomalyTab) score() {
	s := t.s
	ae := s.currentModel()
	if t.running != nil {
		return
	}
	if p := t.modelProblem(ae); p != "" {
		t.note.SetText(p)
		t.setMessage(p, widget.DangerImportance)
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.gen++
	gen, ds := t.gen, s.ds
	t.running = cancel
	t.setMessage(fmt.Sprintf("Scoring %s…", plural(ds.Len(), "image", "images")), widget.MediumImportance)
	t.updateControls()
	start := time.Now()
	go func() {
		res, err := scoreAll(ctx, ae, ds)
		if res != nil {
			res.took = time.Since(start)
		}
		s.post(func() { t.finish(gen, res, err) })
	}()
}

func (t *anomalyTab) cancel() {
	if t.running != nil {
		t.running()
		t.cancelBtn.Disable()
	}
}

func (t *anomalyTab) finish(gen int, res *anomalyResult, err error) {
	if gen != t.gen {
		return
	}
	t.running()
	t.running = nil
	switch {
	case errors.Is(err, context.Canceled):
		t.setMessage("Cancelled; the scores shown are unchanged.", widget.MediumImportance)
	case err != nil:
		t.setMessage("Scoring failed: "+err.Error(), widget.DangerImportance)
	default:
		t.res = res
		t.setMessage(fmt.Sprintf("Scored %s in %s.", plural(res.ds.Len(), "image", "images"), formatDuration(res.took)), widget.SuccessImportance)
		t.updateClasses()
		t.regroup()
		t.showScores(true)
	}
	t.refresh()
}

// scoreAll scores every image and prepares the heatmaps of the highest
// scores of each metric. Any goroutine.
func scoreAll(ctx context.Context, ae *models.Autoencoder, ds *imageops.Dataset) (res *anomalyResult, err error) {
	defer func() {
		if p := recover(); p != nil {
			res, err = nil, fmt.Errorf("internal error: %v", p)
		}
	}()
	sc, err := models.ScoreImages(ctx, ae, ds)
	if err != nil {
		return nil, err
	}
	res = &anomalyResult{ds: ds, steps: ae.History.Steps, scores: sc, order: map[string][]int{}, tiles: map[int]anomalyTile{}}
	var top []int
	for _, m := range []string{metricMSE, metricSSIM} {
		o := byScore(res.values(m))
		res.order[m] = o
		for _, i := range o[:min(anomalyTop, len(o))] {
			if !slices.Contains(top, i) {
				top = append(top, i)
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	sub := ds.Subset(top)
	recon, err := ae.Reconstruct(sub.Data, len(top))
	if err != nil {
		return nil, err
	}
	size := ds.Size()
	errs := make([][]float64, len(top))
	maxErr := 0.0
	for k := range top {
		a, b := sub.Image(k), recon[k*size:(k+1)*size]
		errs[k] = pixelErrors(a, b, ds.Width*ds.Height, ds.Channels)
		for _, e := range errs[k] {
			maxErr = math.Max(maxErr, e)
		}
	}
	for k, i := range top {
		res.tiles[i] = anomalyTile{
			img:  imageops.ToImage(sub.Image(k), ds.Width, ds.Height, ds.Channels),
			heat: heatmap(errs[k], ds.Width, ds.Height, maxErr),
		}
	}
	return res, nil
}

// byScore orders indices by value, highest first.
func byScore(v []float64) []int {
	idx := make([]int, len(v))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case v[a] > v[b]:
			return -1
		case v[a] < v[b]:
			return 1
		}
		return 0
	})
	return idx
}

// pixelErrors is the squared error of each pixel, averaged over the
// channels (values laid out C×H×W).
func pixelErrors(a, b []float32, pixels, channels int) []float64 {
	out := make([]float64, pixels)
	for c := 0; c < channels; c++ {
		for p := 0; p < pixels; p++ {
			e := float64(a[c*pixels+p] - b[c*pixels+p])
			out[p] += e * e / float64(channels)
		}
	}
	return out
}

// heatmap colours squared errors on a black–purple–orange–yellow ramp
// (like matplotlib's inferno), on a square-root scale up to maxErr so that
// the tiles compare with each other and small errors still show.
func heatmap(errs []float64, w, h int, maxErr float64) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for p, e := range errs {
		f := 0.0
		if maxErr > 0 {
			f = math.Sqrt(e / maxErr)
		}
		c := heatRamp(f)
		img.Pix[4*p], img.Pix[4*p+1], img.Pix[4*p+2], img.Pix[4*p+3] = c.R, c.G, c.B, 0xff
	}
	return img
}

// rampStops approximate matplotlib's inferno colour map.
var rampStops = []color.NRGBA{
	{0, 0, 4, 255}, {40, 11, 84, 255}, {101, 21, 110, 255}, {159, 42, 99, 255},
	{212, 72, 66, 255}, {245, 125, 21, 255}, {250, 193, 39, 255}, {252, 255, 164, 255},
}

// heatRamp maps f in [0,1] to a colour.
func heatRamp(f float64) color.NRGBA {
	f = math.Min(1, math.Max(0, f)) * float64(len(rampStops)-1)
	i := min(int(f), len(rampStops)-2)
	u := f - float64(i)
	a, b := rampStops[i], rampStops[i+1]
	mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x) + u*(float64(y)-float64(x)))) }
	return color.NRGBA{mix(a.R, b.R), mix(a.G, b.G), mix(a.B, b.B), 255}
}

// values are the scores of a metric.
func (r *anomalyResult) values(metric string) []float64 {
	if metric == metricSSIM {
		return r.scores.SSIM
	}
	return r.scores.MSE
}

// scores are the current metric's scores, nil before scoring.
func (t *anomalyTab) scores() []float64 {
	if t.res == nil {
		return nil
	}
	return t.res.values(t.metric.Selected)
}

// regroup marks each scored image normal, anomalous or unknown by the
// normal class.
func (t *anomalyTab) regroup() {
	t.groups = nil
	if t.res == nil || t.normal.Selected == noClass {
		return
	}
	ds := t.res.ds
	t.groups = make([]int, ds.Len())
	for i := range t.groups {
		switch l := ds.Label(i); {
		case l == "":
			t.groups[i] = groupUnknown
		case l == t.normal.Selected:
			t.groups[i] = groupNormal
		default:
			t.groups[i] = groupAnomalous
		}
	}
}

// labelled reports whether both normal and anomalous images are known.
func (t *anomalyTab) labelled() bool {
	var n, a bool
	for _, g := range t.groups {
		n = n || g == groupNormal
		a = a || g == groupAnomalous
	}
	return n && a
}

func (t *anomalyTab) metricChanged() {
	if t.hist == nil {
		return
	}
	t.hist.XLabel = "score (" + t.metric.Selected + ")"
	t.showScores(true)
}

func (t *anomalyTab) normalChanged() {
	if t.hist == nil {
		return
	}
	t.regroup()
	t.showScores(true)
}

// defaultThreshold is the 95th percentile of the normal images' scores,
// or of all scores when normal is not known.
func (t *anomalyTab) defaultThreshold() float64 {
	v := t.scores()
	var normal []float64
	for i, g := range t.groups {
		if g == groupNormal {
			normal = append(normal, v[i])
		}
	}
	if len(normal) == 0 {
		normal = v
	}
	return models.Percentile(normal, defaultPercentile)
}

// showScores redraws the histogram and the grid for the current metric
// and normal class, the threshold set to its default when reset.
func (t *anomalyTab) showScores(reset bool) {
	v := t.scores()
	if v == nil {
		t.hist.SetData(nil, nil)
		return
	}
	t.hist.SetData(v, t.groups)
	if reset {
		t.hist.SetThreshold(t.defaultThreshold())
	}
	t.showLegend()
	if t.labelled() {
		anom := make([]bool, len(t.groups))
		var sm, ss []float64
		var am []bool
		for i, g := range t.groups {
			anom[i] = g == groupAnomalous
			if g != groupUnknown {
				sm = append(sm, t.res.scores.MSE[i])
				ss = append(ss, t.res.scores.SSIM[i])
				am = append(am, g == groupAnomalous)
			}
		}
		t.auroc.SetText(fmt.Sprintf("AUROC  MSE %.3f · 1-SSIM %.3f", models.AUROC(sm, am), models.AUROC(ss, am)))
		t.auroc.Show()
	} else {
		t.auroc.Hide()
	}
	t.buildGrid()
	t.thresholdChanged()
}

// AUROC is the current metric's AUROC over the labelled images, NaN when
// normal and anomalous are not both known.
func (t *anomalyTab) AUROC() float64 {
	if t.res == nil || !t.labelled() {
		return math.NaN()
	}
	v := t.scores()
	var sc []float64
	var an []bool
	for i, g := range t.groups {
		if g != groupUnknown {
			sc = append(sc, v[i])
			an = append(an, g == groupAnomalous)
		}
	}
	return models.AUROC(sc, an)
}

func (t *anomalyTab) showLegend() {
	t.legend.Objects = nil
	if t.labelled() {
		for _, g := range []int{groupNormal, groupAnomalous} {
			name := "normal (" + t.normal.Selected + ")"
			if g == groupAnomalous {
				name = "anomalous (other classes)"
			}
			sw := canvas.NewRectangle(groupColors[g])
			sw.SetMinSize(fyne.NewSquareSize(12))
			l := widget.NewLabel(name)
			l.SizeName = theme.SizeNameCaptionText
			t.legend.Add(container.NewCenter(sw))
			t.legend.Add(l)
		}
	}
	t.legend.Refresh()
}

// flagged are the indices of the images above the threshold, highest
// score first.
func (t *anomalyTab) flagged() []int {
	if t.res == nil {
		return nil
	}
	v, th := t.scores(), t.hist.Threshold()
	var out []int
	for _, i := range t.res.order[t.metric.Selected] {
		if v[i] <= th {
			break
		}
		out = append(out, i)
	}
	return out
}

func (t *anomalyTab) flaggedCount() int { return len(t.flagged()) }

// thresholdChanged updates the counts above the threshold and the marks
// on the grid.
func (t *anomalyTab) thresholdChanged() {
	if t.res == nil {
		return
	}
	v, th := t.scores(), t.hist.Threshold()
	var above, n [3]int
	for i, x := range v {
		g := groupUnknown
		if t.groups != nil {
			g = t.groups[i]
		}
		n[g]++
		if x > th {
			above[g]++
		}
	}
	total := above[0] + above[1] + above[2]
	pct := func(a, b int) string {
		switch {
		case b == 0 || a == 0:
			return "0%"
		case 100*a < b:
			return "<1%"
		}
		return fmt.Sprintf("%.0f%%", 100*float64(a)/float64(b))
	}
	text := fmt.Sprintf("Threshold %s: %s of %s flagged.", formatScore(th), formatInt(total), plural(len(v), "image", "images"))
	if t.labelled() {
		text = fmt.Sprintf("Threshold %s: %s flagged — %s of %s anomalous (%s recall), %s of %s normal (%s false alarms).",
			formatScore(th), formatInt(total), formatInt(above[groupAnomalous]), formatInt(n[groupAnomalous]), pct(above[groupAnomalous], n[groupAnomalous]),
			formatInt(above[groupNormal]), formatInt(n[groupNormal]), pct(above[groupNormal], n[groupNormal]))
	}
	if d := t.defaultThreshold(); th == d {
		which := "all scores"
		if t.groups != nil && n[groupNormal] > 0 {
			which = "the normal images' scores"
		}
		text += fmt.Sprintf(" (The default: the %dth percentile of %s. Drag the red line to move it.)", defaultPercentile, which)
	}
	t.summary.SetText(text)
	for _, c := range t.cards {
		t.markCard(c, v[c.index] > th)
	}
	setEnabled(t.exportBtn, total > 0 && t.running == nil)
}

// buildGrid shows the highest-scoring images of the current metric.
func (t *anomalyTab) buildGrid() {
	t.cards = nil
	t.grid.Objects = nil
	if t.res == nil {
		t.grid.Refresh()
		return
	}
	v := t.scores()
	ds := t.res.ds
	order := t.res.order[t.metric.Selected]
	for _, i := range order[:min(anomalyTop, len(order))] {
		tile := t.res.tiles[i]
		img := canvas.NewImageFromImage(tile.img)
		heat := canvas.NewImageFromImage(tile.heat)
		for _, im := range []*canvas.Image{img, heat} {
			im.ScaleMode = canvas.ImageScalePixels
			im.FillMode = canvas.ImageFillContain
			im.SetMinSize(fyne.NewSquareSize(64))
		}
		text := formatScore(v[i])
		if l := ds.Label(i); l != "" {
			text += " · " + l
		}
		label := widget.NewLabel(text)
		label.SizeName = theme.SizeNameCaptionText
		label.Alignment = fyne.TextAlignCenter
		label.Truncation = fyne.TextTruncateEllipsis
		border := canvas.NewRectangle(color.Transparent)
		border.StrokeWidth = 2
		border.CornerRadius = theme.InputRadiusSize()
		c := &anomalyCard{index: i, border: border, label: label}
		c.box = container.NewStack(border, container.NewBorder(nil, label, nil, nil, container.NewGridWithColumns(2, img, heat)))
		t.cards = append(t.cards, c)
		t.grid.Add(c.box)
	}
	t.grid.Refresh()
	t.scroll.ScrollToTop()
}

// markCard outlines a flagged image in the error colour.
func (t *anomalyTab) markCard(c *anomalyCard, flagged bool) {
	if flagged {
		c.border.StrokeColor = theme.Color(theme.ColorNameError)
		c.label.Importance = widget.DangerImportance
	} else {
		c.border.StrokeColor = color.Transparent
		c.label.Importance = widget.MediumImportance
	}
	c.border.Refresh()
	c.label.Refresh()
}

// chooseExport asks where to write the flagged images' CSV.
func (t *anomalyTab) chooseExport() {
	if t.flaggedCount() == 0 {
		return
	}
	t.s.askSavePath("flagged.csv", ".csv", "", t.exportTo)
}

// exportTo writes the flagged images' CSV and says so on the message line.
func (t *anomalyTab) exportTo(path string) {
	n, err := t.ExportFlagged(path)
	if err != nil {
		t.setMessage("Could not export: "+err.Error(), widget.DangerImportance)
		return
	}
	t.setMessage(fmt.Sprintf("Wrote %s to %s.", plural(n, "flagged image", "flagged images"), filepath.Base(path)), widget.SuccessImportance)
}

// ExportFlagged writes a CSV (file, class, mse, ssim_score) of the images
// above the threshold, highest score first, and returns how many rows it
// wrote under the header. A few thousand short lines: quick enough for
// the UI goroutine.
func (t *anomalyTab) ExportFlagged(path string) (int, error) {
	if t.res == nil {
		return 0, errors.New("nothing scored yet")
	}
	rows := [][]string{{"file", "class", "mse", "ssim_score"}}
	ds := t.res.ds
	for _, i := range t.flagged() {
		file := fmt.Sprintf("#%d", i)
		if i < len(ds.Files) {
			file = ds.Files[i]
		}
		rows = append(rows, []string{file, ds.Label(i),
			strconv.FormatFloat(t.res.scores.MSE[i], 'g', 6, 64),
			strconv.FormatFloat(t.res.scores.SSIM[i], 'g', 6, 64)})
	}
	var b strings.Builder
	w := csv.NewWriter(&b)
	if err := w.WriteAll(rows); err != nil {
		return 0, err
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		return 0, err
	}
	return len(rows) - 1, nil
}
