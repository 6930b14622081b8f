package ui

import (
	"fmt"
	"image"
	"image/color"
	"math"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"latentstudio/imageops"
	"latentstudio/models"
)

// latentMaxPoints caps the images the explorer encodes and plots.
const latentMaxPoints = 2000

// latentGridSide is the number of rows and columns of the decoded grid.
const latentGridSide = 8

// latentPalette colours the first ten classes (then cycles); unlabelled
// points are latentGrey.
var latentPalette = [10]color.NRGBA{
	{0x1f, 0x77, 0xb4, 0xff}, // blue
	{0xff, 0x7f, 0x0e, 0xff}, // orange
	{0x2c, 0xa0, 0x2c, 0xff}, // green
	{0xd6, 0x27, 0x28, 0xff}, // red
	{0x94, 0x67, 0xbd, 0xff}, // purple
	{0x8c, 0x56, 0x4b, 0xff}, // brown
	{0xe3, 0x77, 0xc2, 0xff}, // pink
	{0xbc, 0xbd, 0x22, 0xff}, // olive
	{0x17, 0xbe, 0xcf, 0xff}, // cyan
	{0xff, 0xd7, 0x00, 0xff}, // yellow
}

var latentGrey = color.NRGBA{0x99, 0x99, 0x99, 0xff}

// latentColor is the colour of class label l (-1: unlabelled).
func latentColor(l int) color.NRGBA {
	if l < 0 {
		return latentGrey
	}
	return latentPalette[l%len(latentPalette)]
}

// latentModel is what the explorer needs of a model: *models.Autoencoder.
type latentModel interface {
	Config() models.Config
	Forward(x []float32, n int) (*models.Output, error)
}

// latentDecoder is the decoder entry point the decoded grid needs.
type latentDecoder interface {
	Decode(codes []float32, n int) ([]float32, error)
}

// latentNoDecoder is shown instead of the grid for a model without Decode.
const latentNoDecoder = "decoding needs a model with a decoder entry point"

// LatentExplorer shows where a model puts images in its latent space: a
// scatter plot of the codes of up to 2,000 images (the codes themselves for
// a 2-value code, else their first two principal components) coloured by
// class, the image under a tapped point beside its reconstruction, and an
// 8×8 grid of images decoded from codes spread over the plotted plane.
//
// Encoding, PCA and decoding run in a goroutine; results come back through
// the post function given to NewLatentExplorer (fyne.Do in the app). Like
// every widget it must otherwise be used on the UI goroutine only.
type LatentExplorer struct {
	widget.BaseWidget

	post func(func())
	gen  int // bumped by SetData: results of older runs are dropped

	status string // shown when there is nothing to plot, or above the grid

	// The plotted data, set together when a run finishes.
	w, h, c  int
	xy       []float64   // n×2 plane coordinates
	labels   []int       // class per point, -1 unknown
	classes  []string    // class names
	images   [][]float32 // the images plotted (copies)
	recons   [][]float32 // their reconstructions
	xLabel   string
	yLabel   string
	pca      bool     // the plane is PC1 × PC2
	legend   []string // class names present, in class order
	legendC  []color.NRGBA
	minX     float64 // plotted range, padded
	maxX     float64
	minY     float64
	maxY     float64
	selected int

	grid    image.Image // the decoded grid, nil while not ready
	gridMsg string      // why there is no grid, or that it is coming

	psnr  float64 // mean PSNR (dB) of the plotted images' reconstructions
	psnrN int     // images it is the mean of (0: none)

	// OnShown, if set, is called on the UI goroutine when a run's results
	// are shown (or failed), e.g. to report the PSNR.
	OnShown func()

	// plot rectangle of the last layout, in widget coordinates
	plotPos  fyne.Position
	plotSize fyne.Size

	// Live decoding: sliders on the leading axes and A→B interpolation.
	dec      latentDecoder // nil: no decoding
	k        int           // code size
	codes    []float32     // n×k codes of the points plotted
	sPCA     *models.PCA   // the sliders move along its components; nil: raw code values
	sMean    []float64     // mean code (k values)
	nSliders int           // sliders in use (≤ 4)
	syncing  bool          // sliders are being set programmatically

	sliders     [latentSliders]*widget.Slider
	sliderImg   *canvas.Image // the image decoded from the sliders' code
	sliderCode  []float32     // the code sliderImg was decoded from
	sliderSeq   int           // requests made
	sliderShown int           // the request sliderImg shows
	sliderWork  latentWorker

	aIdx, bIdx int // points set as A and B, -1 unset
	setA, setB *widget.Button
	interp     []image.Image // latentInterpSteps images from A to B, nil while none
	interpImgs [latentInterpSteps]*canvas.Image
	interpSeq  int
	interpWork latentWorker
}

// latentSliders is the most component sliders shown.
const latentSliders = 4

// latentInterpSteps is the number of images of the A→B interpolation strip.
const latentInterpSteps = 8

// latentWorker runs functions one at a time in a goroutine, keeping only
// the latest one requested while one runs: stale requests are skipped.
type latentWorker struct {
	mu   sync.Mutex
	next func()
	busy bool
}

// do schedules f, replacing any scheduled function not yet started.
func (w *latentWorker) do(f func()) {
	w.mu.Lock()
	w.next = f
	if w.busy {
		w.mu.Unlock()
		return
	}
	w.busy = true
	w.mu.Unlock()
	go func() {
		for {
			w.mu.Lock()
			f := w.next
			w.next = nil
			if f == nil {
				w.busy = false
				w.mu.Unlock()
				return
			}
			w.mu.Unlock()
			f()
		}
	}()
}

var _ fyne.Tappable = (*LatentExplorer)(nil)

// NewLatentExplorer returns an empty explorer. post must run a function on
// the UI goroutine (fyne.Do in the app).
func NewLatentExplorer(post func(func())) *LatentExplorer {
	e := &LatentExplorer{post: post, selected: -1, aIdx: -1, bIdx: -1,
		status: "Train or open a model to explore its latent space"}
	for i := range e.sliders {
		s := widget.NewSlider(-1, 1)
		s.Step = 0 // continuous
		s.Value = 0
		s.OnChanged = func(float64) { e.requestSliderDecode() }
		e.sliders[i] = s
	}
	e.sliderImg = canvas.NewImageFromImage(nil)
	for i := range e.interpImgs {
		e.interpImgs[i] = canvas.NewImageFromImage(nil)
	}
	for _, img := range append([]*canvas.Image{e.sliderImg}, e.interpImgs[:]...) {
		img.ScaleMode = canvas.ImageScalePixels
		img.FillMode = canvas.ImageFillContain
	}
	e.setA = widget.NewButton("Set A", e.SetA)
	e.setB = widget.NewButton("Set B", e.SetB)
	e.ExtendBaseWidget(e)
	return e
}

// latentResult is what the background run hands back for the plot.
type latentResult struct {
	w, h, c        int
	xy             []float64
	labels         []int
	classes        []string
	images, recons [][]float32
	xLabel, yLabel string
	pca            bool // xy are principal components
	codes          []float32
	k              int
	sPCA           *models.PCA // for the sliders when k > 4
	psnr           float64     // mean PSNR of the reconstructions (dB)
	psnrN          int         // images in that mean
	err            error
}

// SetData encodes up to 2,000 images of ds (evenly spread over it) with ae
// in the background and then shows them. ae should be a snapshot nobody
// trains any more. A nil ae or ds clears the explorer.
func (e *LatentExplorer) SetData(ae *models.Autoencoder, ds *imageops.Dataset) {
	if ae == nil {
		e.setData(nil, ds)
		return
	}
	e.setData(ae, ds)
}

func (e *LatentExplorer) setData(m latentModel, ds *imageops.Dataset) {
	e.gen++
	gen := e.gen
	e.clear()
	switch {
	case m == nil || ds == nil || ds.Len() == 0:
		e.status = "Train or open a model, and load data, to explore its latent space"
		e.Refresh()
		return
	}
	cfg := m.Config()
	if ds.Width != cfg.Width || ds.Height != cfg.Height || ds.Channels != cfg.Channels {
		e.status = fmt.Sprintf("The data are %dx%dx%d but the model takes %dx%dx%d",
			ds.Width, ds.Height, ds.Channels, cfg.Width, cfg.Height, cfg.Channels)
		e.Refresh()
		return
	}
	n := min(ds.Len(), latentMaxPoints)
	e.status = fmt.Sprintf("Encoding %d images…", n)
	e.gridMsg = ""
	e.Refresh()
	dec, canDecode := m.(latentDecoder)
	go func() {
		res, pca := latentEncode(m, ds, n)
		e.post(func() {
			if gen == e.gen {
				if canDecode {
					e.dec = dec
				}
				e.show(res, canDecode)
			}
		})
		if res.err != nil || !canDecode {
			return
		}
		grid, err := latentDecodeGrid(dec, cfg, res.xy, pca)
		e.post(func() {
			if gen != e.gen {
				return
			}
			if err != nil {
				e.gridMsg = "decoding failed: " + err.Error()
			} else {
				e.grid, e.gridMsg = grid, ""
			}
			e.Refresh()
		})
	}()
}

func (e *LatentExplorer) clear() {
	e.xy, e.labels, e.classes, e.images, e.recons = nil, nil, nil, nil, nil
	e.legend, e.legendC = nil, nil
	e.xLabel, e.yLabel, e.pca = "", "", false
	e.selected = -1
	e.grid, e.gridMsg = nil, ""
	e.psnr, e.psnrN = 0, 0
	e.dec, e.k, e.codes, e.sPCA, e.sMean, e.nSliders = nil, 0, nil, nil, nil, 0
	e.sliderImg.Image, e.sliderCode = nil, nil
	e.aIdx, e.bIdx, e.interp = -1, -1, nil
	for _, img := range e.interpImgs {
		img.Image = nil
	}
}

// latentEncode runs (off the UI goroutine) n images of ds, evenly spread,
// through m and maps their codes to the plane. It also returns the PCA
// used, if any.
func latentEncode(m latentModel, ds *imageops.Dataset, n int) (*latentResult, *models.PCA) {
	size := ds.Size()
	res := &latentResult{w: ds.Width, h: ds.Height, c: ds.Channels, classes: ds.Classes}
	x := make([]float32, 0, n*size)
	res.labels = make([]int, n)
	total := ds.Len()
	for i := 0; i < n; i++ {
		j := i * total / n
		x = append(x, ds.Image(j)...)
		res.labels[i] = -1
		if j < len(ds.Labels) && ds.Labels[j] >= 0 && ds.Labels[j] < len(ds.Classes) {
			res.labels[i] = ds.Labels[j]
		}
	}
	out, err := m.Forward(x, n)
	if err != nil {
		res.err = err
		return res, nil
	}
	res.images = make([][]float32, n)
	res.recons = make([][]float32, n)
	for i := range n {
		res.images[i] = x[i*size : (i+1)*size : (i+1)*size]
		res.recons[i] = out.Recon[i*size : (i+1)*size : (i+1)*size]
	}
	res.psnr, res.psnrN = latentPSNR(res.images, res.recons)
	k := m.Config().CodeSize()
	res.codes, res.k = out.Code, k
	res.xy = make([]float64, 2*n)
	switch {
	case k == 2:
		for i, v := range out.Code {
			res.xy[i] = float64(v)
		}
		res.xLabel, res.yLabel = "z1", "z2"
		return res, nil
	case k == 1:
		for i, v := range out.Code {
			res.xy[2*i] = float64(v)
		}
		res.xLabel, res.yLabel = "z1", "(none: 1-value code)"
		return res, nil
	}
	// Up to 4 components: PC1 × PC2 for the plane, all for the sliders.
	nc := min(k, latentSliders)
	pca, err := models.FitPCA(out.Code, n, k, nc)
	if err != nil {
		res.err = err
		return res, nil
	}
	proj := pca.Project(out.Code, n)
	for i := range n {
		res.xy[2*i], res.xy[2*i+1] = proj[i*nc], proj[i*nc+1]
	}
	res.pca = true
	if k > latentSliders {
		res.sPCA = pca
	}
	// Explained variance as a share of the total variance of the codes.
	var all float64
	for _, v := range latentVariances(out.Code, n, k) {
		all += v
	}
	share := func(v float64) string {
		if all <= 0 {
			return "0"
		}
		return fmt.Sprintf("%.0f", 100*v/all)
	}
	res.xLabel = fmt.Sprintf("PC1 (%s%% var)", share(pca.Variance[0]))
	res.yLabel = fmt.Sprintf("PC2 (%s%% var)", share(pca.Variance[1]))
	return res, pca
}

// latentVariances returns the sample variance of each of the k columns.
func latentVariances(codes []float32, n, k int) []float64 {
	mean := make([]float64, k)
	for i, v := range codes {
		mean[i%k] += float64(v)
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	out := make([]float64, k)
	for i, v := range codes {
		d := float64(v) - mean[i%k]
		out[i%k] += d * d
	}
	for j := range out {
		out[j] /= float64(n - 1)
	}
	return out
}

// latentDecodeGrid decodes an 8×8 grid of codes spread over the plotted
// plane (off the UI goroutine): over the range of the 2-D codes, or over
// ±2 standard deviations of PC1 × PC2 around the mean code. Row 0 is the
// top of the plane (largest y), as in the plot.
func latentDecodeGrid(dec latentDecoder, cfg models.Config, xy []float64, pca *models.PCA) (image.Image, error) {
	const g = latentGridSide
	k := cfg.CodeSize()
	var x0, x1, y0, y1 float64
	if pca != nil {
		sx, sy := math.Sqrt(pca.Variance[0]), math.Sqrt(pca.Variance[1])
		x0, x1, y0, y1 = -2*sx, 2*sx, -2*sy, 2*sy
	} else {
		x0, x1, y0, y1 = latentRange(xy)
	}
	codes := make([]float32, 0, g*g*k)
	for r := 0; r < g; r++ {
		y := y1 - (y1-y0)*float64(r)/float64(g-1)
		for c := 0; c < g; c++ {
			x := x0 + (x1-x0)*float64(c)/float64(g-1)
			switch {
			case pca != nil:
				codes = append(codes, pca.Reconstruct([]float64{x, y})...)
			case k == 1:
				codes = append(codes, float32(x))
			default:
				codes = append(codes, float32(x), float32(y))
			}
		}
	}
	out, err := dec.Decode(codes, g*g)
	if err != nil {
		return nil, err
	}
	size := cfg.InputSize()
	rows := make([][]image.Image, g)
	for r := range rows {
		rows[r] = make([]image.Image, g)
		for c := range rows[r] {
			i := r*g + c
			rows[r][c] = imageops.ToImage(out[i*size:(i+1)*size], cfg.Width, cfg.Height, cfg.Channels)
		}
	}
	// Transparent gaps let the theme's background show between the cells.
	return imageops.Montage(rows, 0, 1, nil), nil
}

// latentRange is the range of the x and y values of xy (n×2).
func latentRange(xy []float64) (x0, x1, y0, y1 float64) {
	x0, y0 = math.Inf(1), math.Inf(1)
	x1, y1 = math.Inf(-1), math.Inf(-1)
	for i := 0; i+1 < len(xy); i += 2 {
		x, y := xy[i], xy[i+1]
		if math.IsNaN(x) || math.IsNaN(y) || math.IsInf(x, 0) || math.IsInf(y, 0) {
			continue
		}
		x0, x1 = min(x0, x), max(x1, x)
		y0, y1 = min(y0, y), max(y1, y)
	}
	if x0 > x1 { // no finite point
		return -1, 1, -1, 1
	}
	return x0, x1, y0, y1
}

// latentPSNR is the mean PSNR (data range 1) of the reconstructions
// against the images, over the pairs it can be computed for, and how many
// those are.
func latentPSNR(images, recons [][]float32) (float64, int) {
	sum, n := 0.0, 0
	for i := range images {
		v, err := imageops.PSNR(images[i], recons[i], 1)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		sum += v
		n++
	}
	if n == 0 {
		return 0, 0
	}
	return sum / float64(n), n
}

// PSNR is the mean PSNR in dB of the plotted images' reconstructions and
// the number of images it is the mean of (0 while there is none).
func (e *LatentExplorer) PSNR() (mean float64, n int) { return e.psnr, e.psnrN }

// show takes a finished run's results (on the UI goroutine).
func (e *LatentExplorer) show(res *latentResult, canDecode bool) {
	if e.OnShown != nil {
		defer e.OnShown()
	}
	if res.err != nil {
		e.status = "Could not encode the images: " + res.err.Error()
		e.Refresh()
		return
	}
	e.psnr, e.psnrN = res.psnr, res.psnrN
	e.status = ""
	e.w, e.h, e.c = res.w, res.h, res.c
	e.xy, e.labels, e.classes = res.xy, res.labels, res.classes
	e.images, e.recons = res.images, res.recons
	e.xLabel, e.yLabel, e.pca = res.xLabel, res.yLabel, res.pca
	x0, x1, y0, y1 := latentRange(e.xy)
	padX, padY := 0.05*(x1-x0), 0.05*(y1-y0)
	if padX == 0 {
		padX = 1
	}
	if padY == 0 {
		padY = 1
	}
	e.minX, e.maxX, e.minY, e.maxY = x0-padX, x1+padX, y0-padY, y1+padY
	present := map[int]bool{}
	unlabelled := false
	for _, l := range e.labels {
		if l < 0 {
			unlabelled = true
		} else {
			present[l] = true
		}
	}
	e.legend, e.legendC = nil, nil
	for l, name := range e.classes {
		if present[l] {
			e.legend = append(e.legend, name)
			e.legendC = append(e.legendC, latentColor(l))
		}
	}
	if unlabelled {
		e.legend = append(e.legend, "unlabelled")
		e.legendC = append(e.legendC, latentGrey)
	}
	e.selected = -1
	if canDecode {
		e.gridMsg = "decoding a grid over the plane…"
	} else {
		e.gridMsg = latentNoDecoder
	}
	e.k, e.codes, e.sPCA = res.k, res.codes, res.sPCA
	e.setupSliders()
	e.Refresh()
}

// setupSliders sets the sliders' ranges from the codes and puts them at
// the mean code, then decodes it (on the UI goroutine).
func (e *LatentExplorer) setupSliders() {
	n, k := e.Points(), e.k
	e.sMean = make([]float64, k)
	lo, hi := make([]float64, k), make([]float64, k)
	for j := range k {
		lo[j], hi[j] = math.Inf(1), math.Inf(-1)
	}
	for i, v := range e.codes {
		j := i % k
		e.sMean[j] += float64(v)
		lo[j], hi[j] = min(lo[j], float64(v)), max(hi[j], float64(v))
	}
	for j := range e.sMean {
		e.sMean[j] /= float64(max(n, 1))
	}
	e.nSliders = 0
	if e.dec == nil || n == 0 {
		return
	}
	e.nSliders = min(k, latentSliders)
	e.syncing = true
	for i := 0; i < e.nSliders; i++ {
		var a, b, v float64
		if e.sPCA != nil {
			sd := math.Sqrt(e.sPCA.Variance[i])
			if sd == 0 || math.IsNaN(sd) {
				sd = 0.5
			}
			a, b, v = -2*sd, 2*sd, 0
		} else {
			a, b, v = lo[i], hi[i], e.sMean[i]
			if !(b > a) {
				a, b = v-1, v+1
			}
		}
		s := e.sliders[i]
		s.Min, s.Max = a, b
		s.Value = v
		s.Refresh()
	}
	e.syncing = false
	e.requestSliderDecode()
}

// sliderNames are the axes the sliders move along.
func (e *LatentExplorer) sliderName(i int) string {
	if e.sPCA != nil {
		return fmt.Sprintf("PC%d", i+1)
	}
	return fmt.Sprintf("z%d", i+1)
}

// sliderCodeNow is the code the sliders point at: the mean plus Σ c_i·PC_i,
// or the raw code with the dimensions without a slider at their mean.
func (e *LatentExplorer) sliderCodeNow() []float32 {
	vals := make([]float64, e.nSliders)
	for i := range vals {
		vals[i] = e.sliders[i].Value
	}
	if e.sPCA != nil {
		return e.sPCA.Reconstruct(vals)
	}
	code := make([]float32, e.k)
	for j := range code {
		if j < len(vals) {
			code[j] = float32(vals[j])
		} else {
			code[j] = float32(e.sMean[j])
		}
	}
	return code
}

// requestSliderDecode decodes the sliders' code in the background; only
// the latest request is computed when several pile up.
func (e *LatentExplorer) requestSliderDecode() {
	if e.dec == nil || e.syncing || e.nSliders == 0 {
		return
	}
	code := e.sliderCodeNow()
	e.sliderSeq++
	seq, gen, dec := e.sliderSeq, e.gen, e.dec
	w, h, c := e.w, e.h, e.c
	e.sliderWork.do(func() {
		out, err := dec.Decode(code, 1)
		var img image.Image
		if err == nil {
			img = imageops.ToImage(out, w, h, c)
		}
		e.post(func() {
			if gen != e.gen || seq <= e.sliderShown || err != nil {
				return
			}
			e.sliderShown = seq
			first := e.sliderImg.Image == nil
			e.sliderImg.Image, e.sliderCode = img, code
			if first {
				e.Refresh()
			} else {
				e.sliderImg.Refresh()
			}
		})
	})
}

// syncSliders moves the sliders to point i's coordinates along their axes.
func (e *LatentExplorer) syncSliders(i int) {
	if e.nSliders == 0 || i < 0 || (i+1)*e.k > len(e.codes) {
		return
	}
	code := e.codes[i*e.k : (i+1)*e.k]
	var vals []float64
	if e.sPCA != nil {
		vals = e.sPCA.Project(code, 1)
	} else {
		for _, v := range code {
			vals = append(vals, float64(v))
		}
	}
	e.syncing = true
	for j := 0; j < e.nSliders; j++ {
		e.sliders[j].SetValue(vals[j])
	}
	e.syncing = false
	e.requestSliderDecode()
}

// Sliders are the component sliders in use (z1… or PC1…, up to 4).
func (e *LatentExplorer) Sliders() []*widget.Slider {
	return append([]*widget.Slider(nil), e.sliders[:e.nSliders]...)
}

// SliderImage is the image decoded from the sliders' code, nil while none.
func (e *LatentExplorer) SliderImage() image.Image { return e.sliderImg.Image }

// SliderCode is the code SliderImage was decoded from.
func (e *LatentExplorer) SliderCode() []float32 { return append([]float32(nil), e.sliderCode...) }

// Code returns point i's code (k values).
func (e *LatentExplorer) Code(i int) []float32 {
	if i < 0 || (i+1)*e.k > len(e.codes) {
		return nil
	}
	return append([]float32(nil), e.codes[i*e.k:(i+1)*e.k]...)
}

// SetA makes the selected point the start of the interpolation.
func (e *LatentExplorer) SetA() { e.setEnd(&e.aIdx) }

// SetB makes the selected point the end of the interpolation.
func (e *LatentExplorer) SetB() { e.setEnd(&e.bIdx) }

// Ends are the points set as A and B (-1: unset).
func (e *LatentExplorer) Ends() (a, b int) { return e.aIdx, e.bIdx }

func (e *LatentExplorer) setEnd(end *int) {
	if e.selected < 0 || e.dec == nil {
		return
	}
	*end = e.selected
	e.Refresh()
	if e.aIdx < 0 || e.bIdx < 0 {
		return
	}
	k := e.k
	a, b := e.Code(e.aIdx), e.Code(e.bIdx)
	codes := make([]float32, 0, latentInterpSteps*k)
	for s := range latentInterpSteps {
		t := float32(s) / float32(latentInterpSteps-1)
		for j := range k {
			codes = append(codes, a[j]+t*(b[j]-a[j]))
		}
	}
	e.interpSeq++
	seq, gen, dec := e.interpSeq, e.gen, e.dec
	w, h, c := e.w, e.h, e.c
	e.interpWork.do(func() {
		out, err := dec.Decode(codes, latentInterpSteps)
		if err != nil {
			return
		}
		size := w * h * c
		imgs := make([]image.Image, latentInterpSteps)
		for s := range imgs {
			imgs[s] = imageops.ToImage(out[s*size:(s+1)*size], w, h, c)
		}
		e.post(func() {
			if gen != e.gen || seq != e.interpSeq {
				return
			}
			e.interp = imgs
			for s, img := range e.interpImgs {
				img.Image = imgs[s]
			}
			e.Refresh()
		})
	})
}

// Interpolation is the strip decoded from A's code to B's, nil while none.
func (e *LatentExplorer) Interpolation() []image.Image {
	return append([]image.Image(nil), e.interp...)
}

// Points is the number of points plotted.
func (e *LatentExplorer) Points() int { return len(e.xy) / 2 }

// Selected is the index of the selected point, or -1.
func (e *LatentExplorer) Selected() int { return e.selected }

// Select selects point i (-1: none) and shows its image and reconstruction.
func (e *LatentExplorer) Select(i int) {
	if i < -1 || i >= e.Points() {
		i = -1
	}
	if e.selected == i {
		return
	}
	e.selected = i
	e.syncSliders(i)
	e.Refresh()
}

// Legend returns the names of the classes plotted ("unlabelled" last when
// some points have no class).
func (e *LatentExplorer) Legend() []string { return append([]string(nil), e.legend...) }

// Axes returns the axis titles: "z1", "z2" for 2-value codes, else
// "PC1 (xx% var)", "PC2 (yy% var)".
func (e *LatentExplorer) Axes() (x, y string) { return e.xLabel, e.yLabel }

// Status is the message shown instead of the plot ("" when plotted).
func (e *LatentExplorer) Status() string { return e.status }

// GridMessage says why the decoded grid is not shown ("" when it is).
func (e *LatentExplorer) GridMessage() string { return e.gridMsg }

// Grid is the decoded grid image, or nil while there is none.
func (e *LatentExplorer) Grid() image.Image { return e.grid }

// PointPosition is where point i is drawn, in widget coordinates, as of
// the last layout.
func (e *LatentExplorer) PointPosition(i int) fyne.Position {
	fx, fy := e.frac(i)
	return fyne.NewPos(e.plotPos.X+float32(fx)*e.plotSize.Width, e.plotPos.Y+float32(fy)*e.plotSize.Height)
}

// frac is where point i lies in the plot, 0..1 from the left and the top.
func (e *LatentExplorer) frac(i int) (fx, fy float64) {
	x, y := e.xy[2*i], e.xy[2*i+1]
	return (x - e.minX) / (e.maxX - e.minX), (e.maxY - y) / (e.maxY - e.minY)
}

// Tapped selects the point nearest the tap, if one is drawn within a few
// units of it.
func (e *LatentExplorer) Tapped(ev *fyne.PointEvent) {
	n := e.Points()
	if n == 0 || e.plotSize.Width <= 0 || e.plotSize.Height <= 0 {
		return
	}
	const reach = 12 // units: generous, points are small
	best, bestD := -1, float32(reach*reach)
	for i := 0; i < n; i++ {
		p := e.PointPosition(i)
		dx, dy := p.X-ev.Position.X, p.Y-ev.Position.Y
		if d := dx*dx + dy*dy; d < bestD || (best < 0 && d == bestD) {
			best, bestD = i, d
		}
	}
	if best >= 0 {
		e.Select(best)
	}
}

// CreateRenderer implements fyne.Widget.
func (e *LatentExplorer) CreateRenderer() fyne.WidgetRenderer {
	r := &latentRenderer{e: e,
		frame:    canvas.NewRectangle(color.Transparent),
		status:   canvas.NewText("", color.Black),
		xTitle:   canvas.NewText("", color.Black),
		yTitle:   canvas.NewText("", color.Black),
		selTitle: canvas.NewText("", color.Black),
		origCap:  canvas.NewText("original", color.Black),
		reconCap: canvas.NewText("reconstruction", color.Black),
		gridCap:  canvas.NewText("", color.Black),
		orig:     canvas.NewImageFromImage(nil),
		recon:    canvas.NewImageFromImage(nil),
		grid:     canvas.NewImageFromImage(nil),
		gridMsg:  widget.NewLabel(""),
	}
	r.raster = canvas.NewRaster(r.draw)
	for _, img := range []*canvas.Image{r.orig, r.recon, r.grid} {
		img.ScaleMode = canvas.ImageScalePixels
		img.FillMode = canvas.ImageFillContain
	}
	r.gridMsg.Wrapping = fyne.TextWrapWord
	r.sliderCap = canvas.NewText("", color.Black)
	r.interpCap = canvas.NewText("", color.Black)
	for i := range r.sliderNames {
		r.sliderNames[i] = canvas.NewText("", color.Black)
	}
	for i := range r.ticks {
		r.ticks[i] = canvas.NewText("", color.Black)
	}
	r.Refresh()
	return r
}

type latentRenderer struct {
	e *LatentExplorer

	frame  *canvas.Rectangle
	raster *canvas.Raster
	status *canvas.Text
	xTitle *canvas.Text
	yTitle *canvas.Text
	ticks  [4]*canvas.Text // x min, x max, y min, y max

	legendSw  []*canvas.Rectangle
	legendTxt []*canvas.Text

	selTitle, origCap, reconCap, gridCap *canvas.Text
	orig, recon, grid                    *canvas.Image
	gridMsg                              *widget.Label

	sliderCap, interpCap *canvas.Text
	sliderNames          [latentSliders]*canvas.Text

	objects []fyne.CanvasObject

	// colours read from the theme at the last Refresh, for draw
	fg, bg color.NRGBA
}

func (r *latentRenderer) Destroy() {}

func (r *latentRenderer) Objects() []fyne.CanvasObject { return r.objects }

func (r *latentRenderer) MinSize() fyne.Size { return fyne.NewSize(520, 360) }

func (r *latentRenderer) Refresh() {
	e := r.e
	th := e.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	fg := th.Color(theme.ColorNameForeground, v)
	muted := th.Color(theme.ColorNamePlaceHolder, v)
	r.fg = color.NRGBAModel.Convert(fg).(color.NRGBA)
	r.bg = color.NRGBAModel.Convert(th.Color(theme.ColorNameInputBackground, v)).(color.NRGBA)
	text := th.Size(theme.SizeNameText)
	small := th.Size(theme.SizeNameCaptionText)

	r.frame.FillColor = th.Color(theme.ColorNameInputBackground, v)
	r.frame.StrokeColor = th.Color(theme.ColorNameSeparator, v)
	r.frame.StrokeWidth = 1

	has := e.Points() > 0
	r.status.Text, r.status.Color, r.status.TextSize = e.status, muted, text
	r.status.Hidden = e.status == ""
	r.xTitle.Text, r.xTitle.Color, r.xTitle.TextSize = e.xLabel, fg, small
	r.yTitle.Text, r.yTitle.Color, r.yTitle.TextSize = e.yLabel, fg, small
	r.xTitle.Hidden, r.yTitle.Hidden = !has, !has
	vals := [4]float64{e.minX, e.maxX, e.minY, e.maxY}
	for i, t := range r.ticks {
		t.Text, t.Color, t.TextSize, t.Hidden = latentTick(vals[i]), muted, small, !has
	}

	// Legend: one swatch and name per class present.
	for len(r.legendSw) < len(e.legend) {
		r.legendSw = append(r.legendSw, canvas.NewRectangle(color.Transparent))
		r.legendTxt = append(r.legendTxt, canvas.NewText("", color.Black))
	}
	r.legendSw, r.legendTxt = r.legendSw[:len(e.legend)], r.legendTxt[:len(e.legend)]
	for i, name := range e.legend {
		r.legendSw[i].FillColor = e.legendC[i]
		r.legendSw[i].CornerRadius = 2
		r.legendTxt[i].Text, r.legendTxt[i].Color, r.legendTxt[i].TextSize = name, fg, small
	}

	// The selected point's image and reconstruction.
	sel := e.selected
	showSel := has && sel >= 0
	r.orig.Hidden, r.recon.Hidden, r.origCap.Hidden, r.reconCap.Hidden = !showSel, !showSel, !showSel, !showSel
	r.selTitle.TextSize, r.selTitle.Color, r.selTitle.TextStyle = text, fg, fyne.TextStyle{Bold: true}
	r.selTitle.Hidden = !has
	if showSel {
		name := "unlabelled"
		if l := e.labels[sel]; l >= 0 && l < len(e.classes) {
			name = e.classes[l]
		}
		r.selTitle.Text = fmt.Sprintf("Point %d (%s)", sel, name)
		r.orig.Image = imageops.ToImage(e.images[sel], e.w, e.h, e.c)
		r.recon.Image = imageops.ToImage(e.recons[sel], e.w, e.h, e.c)
	} else {
		r.selTitle.Text = "Tap a point to see its image"
		r.orig.Image, r.recon.Image = nil, nil
	}
	for _, c := range []*canvas.Text{r.origCap, r.reconCap} {
		c.Color, c.TextSize = muted, small
	}

	// The decoded grid, or why there is none.
	switch {
	case e.grid == nil:
		r.gridCap.Text = "Decoded grid"
	case e.pca && e.nSliders > 0: // a narrower caption beside the sliders
		r.gridCap.Text = "Decoded grid: PC1 × PC2, ±2 std"
	case e.pca:
		r.gridCap.Text = "Decoded: mean ± 2 std along PC1 × PC2"
	default:
		r.gridCap.Text = "Decoded from a grid over the plane"
	}
	r.gridCap.Color, r.gridCap.TextSize, r.gridCap.TextStyle = fg, text, fyne.TextStyle{Bold: true}
	r.gridCap.Hidden = !has
	r.grid.Image = e.grid
	r.grid.Hidden = !has || e.grid == nil
	r.gridMsg.SetText(e.gridMsg)
	if !has || e.gridMsg == "" {
		r.gridMsg.Hide()
	} else {
		r.gridMsg.Show()
	}

	r.frame.Hidden, r.raster.Hidden = !has, !has

	// Live decoding: sliders, their image, and the A→B strip.
	live := has && e.dec != nil && e.nSliders > 0
	r.sliderCap.Hidden = !live
	if live {
		names := e.sliderName(0)
		if e.nSliders > 1 {
			names += "…" + e.sliderName(e.nSliders-1)
		}
		if e.sPCA != nil {
			r.sliderCap.Text = "Decode live: " + names + " (±2 std)"
		} else {
			r.sliderCap.Text = "Decode live: " + names
		}
	}
	r.sliderCap.Color, r.sliderCap.TextSize, r.sliderCap.TextStyle = fg, text, fyne.TextStyle{Bold: true}
	for i, s := range e.sliders {
		on := live && i < e.nSliders
		s.Hidden = !on
		r.sliderNames[i].Hidden = !on
		r.sliderNames[i].Text, r.sliderNames[i].Color, r.sliderNames[i].TextSize = e.sliderName(i), muted, small
	}
	e.sliderImg.Hidden = !live || e.sliderImg.Image == nil
	r.interpCap.Hidden = !live
	r.interpCap.Text = "A → B: " + latentEnd(e.aIdx) + " → " + latentEnd(e.bIdx)
	r.interpCap.Color, r.interpCap.TextSize = fg, small
	for _, b := range []*widget.Button{e.setA, e.setB} {
		b.Hidden = !live
		if showSel {
			b.Enable()
		} else {
			b.Disable()
		}
	}
	for _, img := range e.interpImgs {
		img.Hidden = !live || img.Image == nil
	}

	objs := []fyne.CanvasObject{r.frame, r.raster, r.status, r.xTitle, r.yTitle}
	for _, t := range r.ticks {
		objs = append(objs, t)
	}
	for i := range r.legendSw {
		objs = append(objs, r.legendSw[i], r.legendTxt[i])
	}
	objs = append(objs, r.selTitle, r.origCap, r.reconCap, r.orig, r.recon, r.gridCap, r.grid, r.gridMsg)
	objs = append(objs, r.sliderCap, e.sliderImg, r.interpCap, e.setA, e.setB)
	for i := range e.sliders {
		objs = append(objs, r.sliderNames[i], e.sliders[i])
	}
	for _, img := range e.interpImgs {
		objs = append(objs, img)
	}
	r.objects = objs

	r.Layout(e.Size())
	for _, o := range objs {
		if o != r.gridMsg {
			o.Refresh()
		}
	}
}

// latentEnd names an interpolation end.
func latentEnd(i int) string {
	if i < 0 {
		return "–"
	}
	return fmt.Sprintf("point %d", i)
}

// latentTick formats an axis end value compactly.
func latentTick(v float64) string { return fmt.Sprintf("%.3g", v) }

func (r *latentRenderer) Layout(size fyne.Size) {
	e := r.e
	th := e.Theme()
	pad := th.Size(theme.SizeNamePadding)
	text := th.Size(theme.SizeNameText)

	r.status.Move(fyne.NewPos(pad, pad))
	r.status.Resize(r.status.MinSize())

	// Right panel: selection on top, decoded grid below.
	rw := min(max(size.Width*0.36, 200), size.Width*0.5)
	rx := size.Width - rw
	y := pad
	if !r.status.Hidden {
		y += r.status.MinSize().Height + pad
	}
	top := y
	r.selTitle.Move(fyne.NewPos(rx, y))
	r.selTitle.Resize(r.selTitle.MinSize())
	y += r.selTitle.MinSize().Height + pad
	capH := r.origCap.MinSize().Height
	r.origCap.Move(fyne.NewPos(rx, y))
	r.origCap.Resize(r.origCap.MinSize())
	live := !r.sliderCap.Hidden
	side := min((rw-pad)/2, max(size.Height*0.28, 60))
	if live {
		side = min((rw-pad)/2, max(size.Height*0.16, 60))
	}
	r.reconCap.Move(fyne.NewPos(rx+side+pad, y))
	r.reconCap.Resize(r.reconCap.MinSize())
	y += capH
	r.orig.Move(fyne.NewPos(rx, y))
	r.orig.Resize(fyne.NewSquareSize(side))
	r.recon.Move(fyne.NewPos(rx+side+pad, y))
	r.recon.Resize(fyne.NewSquareSize(side))
	y += side + 2*pad
	r.gridCap.Move(fyne.NewPos(rx, y))
	r.gridCap.Resize(r.gridCap.MinSize())
	y += r.gridCap.MinSize().Height + pad
	// Below the grid: the sliders beside their image, then the A→B strip.
	rowH := float32(30)
	btn := r.e.setA.MinSize()
	stripSide := (rw - float32(latentInterpSteps-1)*2) / latentInterpSteps
	var reserved float32
	if live {
		reserved = 2*pad + r.sliderCap.MinSize().Height + pad + latentSliders*rowH + 2*pad + btn.Height + pad + stripSide
	}
	g := max(min(rw, size.Height-y-pad-reserved), 0)
	r.grid.Move(fyne.NewPos(rx, y))
	r.grid.Resize(fyne.NewSquareSize(g))
	r.gridMsg.Move(fyne.NewPos(rx-2*pad, y-2*pad)) // the label pads its text
	r.gridMsg.Resize(fyne.NewSize(rw+2*pad, r.gridMsg.MinSize().Height))
	if live {
		y += max(g, r.gridMsg.MinSize().Height-2*pad) + 2*pad
		y = min(y, size.Height-pad-reserved+2*pad)
		r.sliderCap.Move(fyne.NewPos(rx, y))
		r.sliderCap.Resize(r.sliderCap.MinSize())
		y += r.sliderCap.MinSize().Height + pad
		imgSide := min(latentSliders*rowH, rw*0.4)
		r.e.sliderImg.Move(fyne.NewPos(rx, y))
		r.e.sliderImg.Resize(fyne.NewSquareSize(imgSide))
		nameW := float32(0)
		for _, t := range r.sliderNames {
			nameW = max(nameW, t.MinSize().Width)
		}
		sx := rx + imgSide + pad
		for i, s := range r.e.sliders {
			t := r.sliderNames[i]
			ts := t.MinSize()
			t.Move(fyne.NewPos(sx, y+float32(i)*rowH+(rowH-ts.Height)/2))
			t.Resize(ts)
			s.Move(fyne.NewPos(sx+nameW, y+float32(i)*rowH))
			s.Resize(fyne.NewSize(max(rx+rw-sx-nameW, 0), rowH))
		}
		y += latentSliders*rowH + 2*pad
		bw := max(btn.Width, r.e.setB.MinSize().Width)
		r.e.setB.Move(fyne.NewPos(rx+rw-bw, y))
		r.e.setB.Resize(fyne.NewSize(bw, btn.Height))
		r.e.setA.Move(fyne.NewPos(rx+rw-2*bw-pad, y))
		r.e.setA.Resize(fyne.NewSize(bw, btn.Height))
		ic := r.interpCap.MinSize()
		r.interpCap.Move(fyne.NewPos(rx, y+(btn.Height-ic.Height)/2))
		r.interpCap.Resize(ic)
		y += btn.Height + pad
		for i, img := range r.e.interpImgs {
			img.Move(fyne.NewPos(rx+float32(i)*(stripSide+2), y))
			img.Resize(fyne.NewSquareSize(stripSide))
		}
	}

	// Legend, right of the plot.
	lw := float32(0)
	for _, t := range r.legendTxt {
		lw = max(lw, t.MinSize().Width)
	}
	sw := text * 0.7
	if len(r.legendTxt) > 0 {
		lw += sw + pad
	}
	lx := rx - 2*pad - lw
	ly := top
	for i, t := range r.legendTxt {
		h := t.MinSize().Height
		r.legendSw[i].Move(fyne.NewPos(lx, ly+(h-sw)/2))
		r.legendSw[i].Resize(fyne.NewSquareSize(sw))
		t.Move(fyne.NewPos(lx+sw+pad, ly))
		t.Resize(t.MinSize())
		ly += h
	}

	// Plot: y title above it, tick values at its ends, x title below.
	tickW := max(r.ticks[2].MinSize().Width, r.ticks[3].MinSize().Width)
	tickH := r.ticks[0].MinSize().Height
	x0 := pad + tickW + pad
	y0 := top + r.yTitle.MinSize().Height + pad
	x1 := lx - 2*pad
	y1 := size.Height - pad - r.xTitle.MinSize().Height - tickH
	pw, ph := max(x1-x0, 0), max(y1-y0, 0)
	e.plotPos, e.plotSize = fyne.NewPos(x0, y0), fyne.NewSize(pw, ph)
	r.frame.Move(e.plotPos)
	r.frame.Resize(e.plotSize)
	r.raster.Move(e.plotPos)
	r.raster.Resize(e.plotSize)

	r.yTitle.Move(fyne.NewPos(x0, top))
	r.yTitle.Resize(r.yTitle.MinSize())
	xt := r.xTitle.MinSize()
	r.xTitle.Move(fyne.NewPos(x0+(pw-xt.Width)/2, y1+tickH))
	r.xTitle.Resize(xt)
	for i, t := range r.ticks {
		s := t.MinSize()
		t.Resize(s)
		switch i {
		case 0: // x min
			t.Move(fyne.NewPos(x0, y1))
		case 1: // x max
			t.Move(fyne.NewPos(x0+pw-s.Width, y1))
		case 2: // y min
			t.Move(fyne.NewPos(x0-pad-s.Width, y1-s.Height))
		case 3: // y max
			t.Move(fyne.NewPos(x0-pad-s.Width, y0))
		}
	}
}

// draw renders the points into a w×h pixel image (the Raster generator).
func (r *latentRenderer) draw(w, h int) image.Image {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	e := r.e
	n := e.Points()
	if n == 0 || w <= 0 || h <= 0 {
		return img
	}
	scale := float64(1)
	if e.plotSize.Width > 0 {
		scale = float64(w) / float64(e.plotSize.Width)
	}
	rad := 2.5 * scale
	for i := 0; i < n; i++ {
		if i == e.selected {
			continue
		}
		fx, fy := e.frac(i)
		latentDisc(img, fx*float64(w), fy*float64(h), rad, latentColor(e.labels[i]), 0.85)
	}
	if s := e.selected; s >= 0 && s < n {
		fx, fy := e.frac(s)
		cx, cy := fx*float64(w), fy*float64(h)
		latentDisc(img, cx, cy, 6*scale, r.fg, 1)
		latentDisc(img, cx, cy, 4.5*scale, r.bg, 1)
		latentDisc(img, cx, cy, 3.5*scale, latentColor(e.labels[s]), 1)
	}
	return img
}

// latentDisc blends a filled, anti-aliased disc of radius rad at (cx, cy)
// into img with the given opacity.
func latentDisc(img *image.NRGBA, cx, cy, rad float64, c color.NRGBA, alpha float64) {
	b := img.Bounds()
	xa, xb := max(int(math.Floor(cx-rad-1)), b.Min.X), min(int(math.Ceil(cx+rad+1)), b.Max.X-1)
	ya, yb := max(int(math.Floor(cy-rad-1)), b.Min.Y), min(int(math.Ceil(cy+rad+1)), b.Max.Y-1)
	for y := ya; y <= yb; y++ {
		for x := xa; x <= xb; x++ {
			dx, dy := float64(x)+0.5-cx, float64(y)+0.5-cy
			cov := rad + 0.5 - math.Sqrt(dx*dx+dy*dy)
			if cov <= 0 {
				continue
			}
			a := min(cov, 1) * alpha * float64(c.A) / 255
			p := img.Pix[img.PixOffset(x, y):]
			// "over" compositing on non-premultiplied pixels
			da := float64(p[3]) / 255
			oa := a + da*(1-a)
			if oa <= 0 {
				continue
			}
			mix := func(s, d uint8) uint8 {
				return uint8((float64(s)*a + float64(d)*da*(1-a)) / oa)
			}
			p[0], p[1], p[2] = mix(c.R, p[0]), mix(c.G, p[1]), mix(c.B, p[2])
			p[3] = uint8(oa*255 + 0.5)
		}
	}
}
