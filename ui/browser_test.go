package ui

import (
	"fmt"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"latentstudio/imageops"
)

// bigDataset makes n 28×28 gray images whose first pixel encodes the index,
// in 10 classes, without touching the disk.
func bigDataset(n int) *imageops.Dataset {
	ds := &imageops.Dataset{Width: 28, Height: 28, Channels: 1, Data: make([]float32, n*784),
		Labels: make([]int, n), Files: make([]string, n)}
	for c := 0; c < 10; c++ {
		ds.Classes = append(ds.Classes, fmt.Sprint(c))
	}
	for i := 0; i < n; i++ {
		ds.Data[i*784] = float32(i%256) / 255
		ds.Labels[i] = i % 10
		ds.Files[i] = fmt.Sprintf("img%05d.png", i)
	}
	return ds
}

func TestDatasetBrowserHandles60000Images(t *testing.T) {
	test.NewTempApp(t)
	ds := bigDataset(60000)
	start := time.Now()
	b := NewDatasetBrowser(ds)
	w := test.NewWindow(b)
	defer w.Close()
	w.Resize(fyne.NewSize(800, 600))
	first := time.Since(start)
	t.Logf("browser over 60,000 images built and laid out in %v", first)
	if first > 2*time.Second {
		t.Errorf("first view took %v", first)
	}
	if b.Shown() != 60000 || !containsText(visibleTexts(w.Content()), "60,000 images of 60,000") {
		t.Fatalf("shows %d; texts %v", b.Shown(), visibleTexts(w.Content()))
	}
	// Only the visible cells exist: far fewer images than the dataset.
	if n := visibleImages(w.Content()); n == 0 || n > 500 {
		t.Errorf("%d image cells exist for 60,000 images", n)
	}
	// The last image's thumbnail carries its index in its first pixel.
	last := b.Thumbnail(59999)
	if r, _, _, _ := last.At(0, 0).RGBA(); r>>8 != 59999%256 {
		t.Errorf("thumbnail of image 59999 starts with %d", r>>8)
	}
	b.Grid().ScrollToBottom()
	b.Grid().Select(59999)
	if !containsText(visibleTexts(w.Content()), "img59999.png") {
		t.Errorf("selecting the last image does not name it: %v", visibleTexts(w.Content()))
	}

	b.SetClass("7")
	if b.Shown() != 6000 || b.ds.Label(b.shown[0]) != "7" {
		t.Errorf("class 7 shows %d images, first of class %q", b.Shown(), b.ds.Label(b.shown[0]))
	}
}

func TestDatasetBrowserOnTheSample(t *testing.T) {
	s, w, p := newTestStudio(t)
	s.LoadSample()
	p.until(t, "the sample to load", 30*time.Second, func() bool { return !s.Busy() })
	findButton(t, w.Content(), "Browse all…")
	b := NewDatasetBrowser(s.Dataset())
	bw := test.NewWindow(b)
	defer bw.Close()
	bw.Resize(fyne.NewSize(900, 600))
	b.Grid().Select(3)
	if !containsText(visibleTexts(bw.Content()), "image 4 of 4,000") {
		t.Errorf("selection caption missing: %v", visibleTexts(bw.Content()))
	}
	capture(t, bw, "browser.png")
}
