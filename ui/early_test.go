package ui

import (
	"context"
	"os"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"

	"latentstudio/imageops"
)

// TestFirstImagesShowWhileLoading: images the loader reports as decoded
// appear in the loading view before the load has finished.
func TestFirstImagesShowWhileLoading(t *testing.T) {
	s, w, p := newTestStudio(t)
	release := make(chan struct{})
	s.startLoad("slow folder", nil, func(ctx context.Context, opt imageops.Options) (*imageops.Dataset, error) {
		ds := sampleDigits(t)
		for i := 0; i < 5; i++ {
			opt.OnDecoded(ds.Image(i))
		}
		select { // a long load: the test decides when it ends
		case <-release:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		return ds, nil
	})
	p.until(t, "the first thumbnails", 5*time.Second, func() bool { return len(s.data.earlyThumbs.Objects) == 5 })
	if !s.Busy() || visibleImages(s.data.earlyThumbs) != 5 {
		t.Fatalf("busy %v, %d thumbnails visible while loading", s.Busy(), visibleImages(s.data.earlyThumbs))
	}
	capture(t, w, "studio-loading.png")
	close(release)
	p.until(t, "the load to finish", 10*time.Second, func() bool { return !s.Busy() })
	if s.Dataset() == nil {
		t.Fatal("no dataset after the load")
	}
}

// TestBigFolderFirstThumbnails measures, on a real folder named by
// LATENTSTUDIO_BIG_FOLDER (e.g. 60,000 MNIST PNGs), how long the first
// thumbnails take to appear and how long the whole load takes.
func TestBigFolderFirstThumbnails(t *testing.T) {
	dir := os.Getenv("LATENTSTUDIO_BIG_FOLDER")
	if dir == "" {
		t.Skip("set LATENTSTUDIO_BIG_FOLDER to a large image folder")
	}
	s, _, p := newTestStudio(t)
	start := time.Now()
	s.LoadPath(dir)
	p.until(t, "the first thumbnails", 30*time.Second, func() bool { return len(s.data.earlyThumbs.Objects) > 0 })
	first := time.Since(start)
	p.until(t, "the load to finish", 5*time.Minute, func() bool { return !s.Busy() })
	t.Logf("%s images: first thumbnails after %v, loaded after %v", formatInt(s.Dataset().Len()), first, time.Since(start))
	if first > 2*time.Second {
		t.Errorf("first thumbnails took %v", first)
	}
}

// TestDropSeveralFolders: two folders dropped together load as one dataset
// whose classes are the union.
func TestDropSeveralFolders(t *testing.T) {
	s, w, p := newTestStudio(t)
	a := writeDigitFolder(t, 10, map[int]string{1: "one"})
	b := writeDigitFolder(t, 10, map[int]string{7: "seven"})
	s.HandleDrop(fyne.NewPos(10, 10), []fyne.URI{storage.NewFileURI(a), storage.NewFileURI(b)})
	p.until(t, "both folders to load", 30*time.Second, func() bool { return !s.Busy() })
	ds := s.Dataset()
	if ds == nil || ds.Len() != 20 || len(ds.Classes) != 2 || len(ds.Skipped) != 4 {
		t.Fatalf("dataset %v; status %q", ds, s.Status())
	}
	if !containsText(visibleTexts(w.Content()), "digits + digits") {
		t.Errorf("the data panel does not name both folders: %v", visibleTexts(w.Content()))
	}
}

// TestSourceSizesShown: the data panel says how large the files were
// before they were resized.
func TestSourceSizesShown(t *testing.T) {
	s, w, p := newTestStudio(t)
	dir := writeDigitFolder(t, 5, map[int]string{1: "one"})
	s.LoadPath(dir)
	p.until(t, "the folder to load", 30*time.Second, func() bool { return !s.Busy() })
	if !containsText(visibleTexts(w.Content()), "files all 28×28") {
		t.Errorf("no source size line: %v", visibleTexts(w.Content()))
	}
}

// TestPreprocessingPreview: changing the image size shows a loaded file as
// the new setting would load it, before Reload; undoing the change hides it.
func TestPreprocessingPreview(t *testing.T) {
	s, w, p := newTestStudio(t)
	dir := writeDigitFolder(t, 5, map[int]string{1: "one"})
	s.LoadPath(dir)
	p.until(t, "the folder to load", 30*time.Second, func() bool { return !s.Busy() })
	d := s.data
	if d.prep.Visible() {
		t.Fatal("a preview shows before any change")
	}
	s.form.Size.SetText("14")
	p.until(t, "the preview", 10*time.Second, func() bool { return d.prep.Visible() })
	if b := d.prepImage.Image.Bounds(); b.Dx() != 14 || b.Dy() != 14 {
		t.Errorf("preview is %v", b)
	}
	if !containsText(visibleTexts(w.Content()), "at 14×14 gray; press Reload") {
		t.Errorf("preview caption missing: %v", visibleTexts(d.prep))
	}
	s.form.Size.SetText("28")
	p.run()
	if d.prep.Visible() {
		t.Error("the preview stays after undoing the change")
	}
}
