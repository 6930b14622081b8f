package ui

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"latentstudio/assets"
	"latentstudio/imageops"
)

// poster stands in for fyne.Do: background goroutines queue functions and
// the test goroutine runs them, so widgets are only touched by the test
// goroutine (as they are only by the UI goroutine in the app).
type poster struct {
	mu sync.Mutex
	q  []func()
}

func (p *poster) post(f func()) {
	p.mu.Lock()
	p.q = append(p.q, f)
	p.mu.Unlock()
}

// run runs what has been posted so far and reports how many functions ran.
func (p *poster) run() int {
	p.mu.Lock()
	q := p.q
	p.q = nil
	p.mu.Unlock()
	for _, f := range q {
		f()
	}
	return len(q)
}

// until runs posted functions until cond holds, failing after timeout.
func (p *poster) until(t *testing.T, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		p.run()
		if cond() {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// newTestStudio opens a studio in a test window of the documented size.
func newTestStudio(t *testing.T) (*Studio, fyne.Window, *poster) {
	t.Helper()
	test.NewTempApp(t)
	t.Setenv("XDG_CACHE_HOME", t.TempDir()) // checkpoints go to the cache
	w := test.NewTempWindow(t, nil)
	p := &poster{}
	s := NewStudio(w, p.post)
	w.Resize(fyne.NewSize(1200, 760))
	t.Cleanup(func() {
		// Leave no training behind for the next test.
		if s.run != nil {
			s.stopTraining()
			p.until(t, "the training to stop at cleanup", 30*time.Second, func() bool { return !s.Busy() })
		}
	})
	return s, w, p
}

// visibleTexts collects the text of every visible canvas.Text under o, as
// drawn (wrapped labels give one string per line).
func visibleTexts(o fyne.CanvasObject) []string {
	var out []string
	visitVisible(o, func(o fyne.CanvasObject) {
		if x, ok := o.(*canvas.Text); ok {
			out = append(out, x.Text)
		}
	})
	return out
}

// visitVisible calls fn for o and every visible object inside it, looking
// into widgets through their renderers.
func visitVisible(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	if o == nil || !o.Visible() {
		return
	}
	fn(o)
	switch x := o.(type) {
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(x).Objects() {
			visitVisible(c, fn)
		}
	case *fyne.Container:
		for _, c := range x.Objects {
			visitVisible(c, fn)
		}
	}
}

func containsText(texts []string, want string) bool {
	for _, t := range texts {
		if strings.Contains(t, want) {
			return true
		}
	}
	return false
}

// visibleImages counts the visible canvas.Images under o that hold an image.
func visibleImages(o fyne.CanvasObject) int {
	n := 0
	visitVisible(o, func(o fyne.CanvasObject) {
		if x, ok := o.(*canvas.Image); ok && x.Image != nil {
			n++
		}
	})
	return n
}

// countColor counts the pixels of img within 2 levels of c per channel.
func countColor(img image.Image, c color.Color) int {
	want := color.NRGBAModel.Convert(c).(color.NRGBA)
	near := func(a, b uint8) bool { return a-b <= 2 || b-a <= 2 }
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			got := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
			if near(got.R, want.R) && near(got.G, want.G) && near(got.B, want.B) {
				n++
			}
		}
	}
	return n
}

var sample struct {
	once sync.Once
	ds   *imageops.Dataset
	err  error
}

// sampleDigits decodes the embedded MNIST sample (once: tests only read it).
func sampleDigits(t *testing.T) *imageops.Dataset {
	t.Helper()
	sample.once.Do(func() {
		images, labels := assets.SampleMNIST()
		sample.ds, sample.err = imageops.ReadIDX(images, labels, assets.SampleName, imageops.Options{Gray: true})
	})
	if sample.err != nil {
		t.Fatalf("reading the embedded sample: %v", sample.err)
	}
	return sample.ds
}

// pngPool lets one png.Encoder reuse its buffers: a fresh zlib writer per
// file makes writing a thousand PNGs ten times slower under -race.
type pngPool struct{ b *png.EncoderBuffer }

func (p *pngPool) Get() *png.EncoderBuffer  { return p.b }
func (p *pngPool) Put(b *png.EncoderBuffer) { p.b = b }

// writeDigitFolder writes perClass real digit PNGs of each wanted digit
// into dir/<name>/, plus a text file and a corrupt PNG that the loader
// must skip, and returns dir.
func writeDigitFolder(t *testing.T, perClass int, digits map[int]string) string {
	t.Helper()
	ds := sampleDigits(t)
	dir := filepath.Join(t.TempDir(), "digits")
	written := map[int]int{}
	enc := &png.Encoder{CompressionLevel: png.BestSpeed, BufferPool: &pngPool{}}
	for i := 0; i < ds.Len(); i++ {
		d := ds.Labels[i]
		name, ok := digits[d]
		if !ok || written[d] >= perClass {
			continue
		}
		sub := filepath.Join(dir, name)
		if err := os.MkdirAll(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		img := imageops.ToImage(ds.Image(i), ds.Width, ds.Height, ds.Channels)
		f, err := os.Create(filepath.Join(sub, fmt.Sprintf("%04d.png", i)))
		if err != nil {
			t.Fatal(err)
		}
		if err := enc.Encode(f, img); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		written[d]++
	}
	for d := range digits {
		if written[d] != perClass {
			t.Fatalf("the sample has only %d images of digit %d", written[d], d)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not an image"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, digits[firstKey(digits)], "broken.png"), []byte("\x89PNG but not really"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func firstKey(m map[int]string) int {
	k := -1
	for d := range m {
		if k < 0 || d < k {
			k = d
		}
	}
	return k
}

// savePNG writes img to path (creating the folder).
func savePNG(t *testing.T, path string, img image.Image) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
}

// trainOnSample loads the sample digits and trains a dense model of the
// given hidden width and code size for some epochs in the studio.
func trainOnSample(t *testing.T, s *Studio, p *poster, layers, code, epochs string) {
	t.Helper()
	s.LoadSample()
	p.until(t, "the sample to load", 30*time.Second, func() bool { return !s.Busy() })
	s.form.Layers.SetText(layers)
	s.form.Code.SetText(code)
	s.form.Epochs.SetText(epochs)
	s.form.LR.SetText("0.002")
	test.Tap(s.TrainButton())
	p.until(t, "training to finish", 60*time.Second, func() bool { return !s.Busy() })
}
