package imageops

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
)

// badInputFolder writes a folder mixing good images of awkward kinds with
// every sort of bad file, and returns it.
func badInputFolder(t *testing.T) string {
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, filepath.FromSlash(name)) }

	// Good images, 8x8 unless said otherwise.
	writePNG(t, p("cats/a.png"), uniform(8, 8, color.NRGBA{200, 100, 50, 255}))
	g16 := image.NewGray16(image.Rect(0, 0, 8, 8))
	for i := range 64 {
		g16.SetGray16(i%8, i/8, color.Gray16{Y: uint16(i * 1000)})
	}
	writePNG(t, p("cats/gray16.png"), g16)
	rgb64 := image.NewRGBA64(image.Rect(0, 0, 8, 8))
	for i := range 64 {
		rgb64.SetRGBA64(i%8, i/8, color.RGBA64{0xffff, 0x4000, 0, 0xffff})
	}
	writePNG(t, p("dogs/rgb64.png"), rgb64)
	cmyk, err := os.ReadFile("testdata/cmyk.jpg") // 32x32, see testdata/README.md
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, p("dogs/cmyk.jpg"), cmyk)
	alpha := image.NewNRGBA(image.Rect(0, 0, 8, 8)) // left half transparent, right half opaque black
	for y := range 8 {
		for x := 4; x < 8; x++ {
			alpha.Set(x, y, color.NRGBA{0, 0, 0, 255})
		}
	}
	writePNG(t, p("dogs/alpha.png"), alpha)
	writePNG(t, p("root.png"), uniform(8, 8, color.NRGBA{0, 0, 255, 255}))

	// Hidden files and folders are ignored without a word.
	writePNG(t, p(".hidden.png"), uniform(8, 8, color.White))
	writePNG(t, p(".cache/x.png"), uniform(8, 8, color.White))

	// Bad files.
	writeFile(t, p("README.txt"), []byte("some notes"))
	writeFile(t, p("cats/notes.md"), []byte("# notes"))
	corrupt := encodePNG(t, uniform(8, 8, color.NRGBA{1, 2, 3, 255}))
	i := bytes.Index(corrupt, []byte("IDAT"))
	copy(corrupt[i+6:], "garbage")
	writeFile(t, p("corrupt.png"), corrupt)
	good := encodePNG(t, uniform(8, 8, color.NRGBA{1, 2, 3, 255}))
	writeFile(t, p("chopped.png"), good[:len(good)-20])
	badCRC := bytes.Clone(good)
	badCRC[29] ^= 0xff // last byte of the IHDR checksum
	writeFile(t, p("badcrc.png"), badCRC)
	var jpg bytes.Buffer
	if err := jpeg.Encode(&jpg, uniform(16, 16, color.White), nil); err != nil {
		t.Fatal(err)
	}
	writeFile(t, p("dogs/chopped.jpg"), jpg.Bytes()[:jpg.Len()*2/3])
	writeFile(t, p("notjpeg.jpg"), []byte("this is text, not a JPEG"))
	writeFile(t, p("empty.png"), nil)
	writePNG(t, p("tiny.png"), uniform(1, 1, color.Black))
	writeFile(t, p("huge.png"), pngHeaderOnly(100000, 100000))
	return dir
}

func TestLoadBadInputs(t *testing.T) {
	dir := badInputFolder(t)
	ds, err := Load(context.Background(), dir, Options{Width: 8, Height: 8})
	if err != nil {
		t.Fatal(err)
	}

	rel := func(paths []string) []string {
		out := make([]string, len(paths))
		for i, p := range paths {
			r, _ := filepath.Rel(dir, p)
			out[i] = filepath.ToSlash(r)
		}
		return out
	}
	wantFiles := []string{"cats/a.png", "cats/gray16.png", "dogs/alpha.png", "dogs/cmyk.jpg", "dogs/rgb64.png", "root.png"}
	if got := rel(ds.Files); strings.Join(got, ",") != strings.Join(wantFiles, ",") {
		t.Fatalf("Files = %v, want %v", got, wantFiles)
	}
	if ds.Len() != 6 || ds.Width != 8 || ds.Height != 8 || ds.Channels != 3 {
		t.Fatalf("got %d images %dx%dx%d, want 6 of 3x8x8", ds.Len(), ds.Channels, ds.Height, ds.Width)
	}
	if strings.Join(ds.Classes, ",") != "cats,dogs" {
		t.Errorf("Classes = %v, want [cats dogs]", ds.Classes)
	}
	if want := []int{0, 0, 1, 1, 1, -1}; !equalInts(ds.Labels, want) {
		t.Errorf("Labels = %v, want %v", ds.Labels, want)
	}

	// Every bad file is listed once, in path order, with its reason.
	wantSkipped := []struct{ path, reason string }{
		{"README.txt", "not an image (extension .txt)"},
		{"badcrc.png", "cannot decode: png: invalid format: invalid checksum"},
		{"cats/notes.md", "not an image (extension .md)"},
		{"chopped.png", "cannot decode: png: invalid format: unexpected EOF"},
		{"corrupt.png", "cannot decode: png: flate: corrupt input"},
		{"dogs/chopped.jpg", "cannot decode: jpeg: file is truncated (unexpected EOF)"},
		{"empty.png", "empty file"},
		{"huge.png", "too large (100000x100000; limit is 40000000 pixels)"},
		{"notjpeg.jpg", "cannot decode: unknown image format"},
		{"tiny.png", "too small (1x1; need at least 4x4)"},
	}
	if len(ds.Skipped) != len(wantSkipped) {
		t.Fatalf("Skipped = %v, want %d entries", ds.Skipped, len(wantSkipped))
	}
	for i, w := range wantSkipped {
		s := ds.Skipped[i]
		if r := rel([]string{s.Path})[0]; r != w.path || !strings.HasPrefix(s.Reason, w.reason) {
			t.Errorf("Skipped[%d] = %s: %q, want %s: %q...", i, r, s.Reason, w.path, w.reason)
		}
	}

	const tol = 1.0 / 255
	check := func(name string, i, x, y int, want []float64, tol float64) {
		t.Helper()
		if got := pixel(ds, i, x, y); !nearAll(got, want, tol) {
			t.Errorf("%s pixel (%d,%d) = %.3f, want %.3f", name, x, y, got, want)
		}
	}
	check("a.png", 0, 3, 3, []float64{200.0 / 255, 100.0 / 255, 50.0 / 255}, tol)
	for _, xy := range [][2]int{{0, 0}, {5, 2}, {7, 7}} {
		v := float64(xy[0]+8*xy[1]) * 1000 / 65535
		check("gray16.png", 1, xy[0], xy[1], []float64{v, v, v}, tol)
	}
	check("alpha.png transparent", 2, 1, 4, []float64{1, 1, 1}, 0) // over white
	check("alpha.png opaque", 2, 6, 4, []float64{0, 0, 0}, 0)
	// The CMYK JPEG is lossy and downscaled 4x: allow some slack.
	check("cmyk.jpg red", 3, 0, 0, []float64{1, 0, 0}, 0.08)
	check("cmyk.jpg blue", 3, 7, 0, []float64{0, 0, 1}, 0.08)
	check("cmyk.jpg white", 3, 3, 7, []float64{1, 1, 1}, 0.08)
	check("rgb64.png", 4, 2, 5, []float64{1, 0.25, 0}, tol)
	check("root.png", 5, 0, 0, []float64{0, 0, 1}, 0)
	if lo, hi := ds.Range(); lo < 0 || hi > 1 {
		t.Errorf("values in [%g,%g], want within [0,1]", lo, hi)
	}
}

func TestLoadBadInputsGray(t *testing.T) {
	dir := badInputFolder(t)
	ds, err := Load(context.Background(), dir, Options{Width: 8, Height: 8, Gray: true})
	if err != nil {
		t.Fatal(err)
	}
	if ds.Len() != 6 || ds.Channels != 1 || len(ds.Data) != 6*64 {
		t.Fatalf("got %d images with %d channels (%d values), want 6 gray 8x8", ds.Len(), ds.Channels, len(ds.Data))
	}
	tests := []struct {
		name string
		i    int
		x, y int
		want float64
		tol  float64
	}{
		{"a.png", 0, 0, 0, (0.299*200 + 0.587*100 + 0.114*50) / 255, 1e-5},
		{"gray16.png", 1, 5, 2, 21000.0 / 65535, 1.0 / 255},
		{"alpha.png transparent", 2, 0, 0, 1, 1e-6},
		{"cmyk.jpg red", 3, 0, 0, 0.299, 0.05},
		{"cmyk.jpg white", 3, 0, 7, 1, 0.05},
		{"rgb64.png", 4, 0, 0, 0.299 + 0.587*0.25, 1.0 / 255},
		{"root.png", 5, 0, 0, 0.114, 1e-5},
	}
	for _, tt := range tests {
		if got := pixel(ds, tt.i, tt.x, tt.y)[0]; !near(got, tt.want, tt.tol) {
			t.Errorf("%s: gray = %.4f, want %.4f", tt.name, got, tt.want)
		}
	}
}

// A header claiming 10^10 pixels must be refused from the header alone.
func TestHugeDeclaredSizeRefusedBeforeDecoding(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "huge.png"), pngHeaderOnly(100000, 100000))
	writePNG(t, filepath.Join(dir, "ok.png"), uniform(8, 8, color.White))

	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	ds, err := Load(context.Background(), dir, Options{Width: 8, Height: 8, Workers: 1})
	elapsed := time.Since(start)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if ds.Len() != 1 || len(ds.Skipped) != 1 || !strings.HasPrefix(ds.Skipped[0].Reason, "too large (100000x100000") {
		t.Fatalf("loaded %d, skipped %v; want 1 loaded and huge.png too large", ds.Len(), ds.Skipped)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8<<20 {
		t.Errorf("allocated %d MB to refuse a huge image", alloc>>20)
	}
	if elapsed > 2*time.Second {
		t.Errorf("took %v to refuse a huge image", elapsed)
	}

	// The limit is configurable and applies to real, decodable images.
	ds, err = Load(context.Background(), dir, Options{Width: 8, Height: 8, MaxPixels: 63})
	if err == nil || !strings.Contains(err.Error(), "too large (8x8; limit is 63 pixels)") {
		t.Errorf("with MaxPixels 63: err = %v, want no images, ok.png too large", err)
	}
}

func TestLoadFormats(t *testing.T) {
	dir := t.TempDir()
	src := uniform(6, 6, color.NRGBA{40, 160, 220, 255})
	enc := map[string]func(*bytes.Buffer) error{
		"a.bmp":  func(b *bytes.Buffer) error { return bmp.Encode(b, src) },
		"b.tiff": func(b *bytes.Buffer) error { return tiff.Encode(b, src, nil) },
		"c.GIF":  func(b *bytes.Buffer) error { return gif.Encode(b, src, nil) },
		"d.JPEG": func(b *bytes.Buffer) error { return jpeg.Encode(b, src, &jpeg.Options{Quality: 100}) },
	}
	for name, f := range enc {
		var b bytes.Buffer
		if err := f(&b); err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(dir, name), b.Bytes())
	}
	webp, err := os.ReadFile("testdata/azure8x8.webp")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "e.webp"), webp)

	ds, err := Load(context.Background(), dir, Options{Width: 4, Height: 4})
	if err != nil {
		t.Fatal(err)
	}
	if ds.Len() != 5 || len(ds.Skipped) != 0 || len(ds.Classes) != 0 {
		t.Fatalf("loaded %d (%v), skipped %v, classes %v; want 5, none, none", ds.Len(), ds.Files, ds.Skipped, ds.Classes)
	}
	want := []float64{40.0 / 255, 160.0 / 255, 220.0 / 255}
	for i := range 4 { // GIF quantises to its palette, JPEG is lossy
		if got := pixel(ds, i, 2, 2); !nearAll(got, want, 0.05) {
			t.Errorf("%s: pixel = %.3f, want %.3f", filepath.Base(ds.Files[i]), got, want)
		}
	}
	if got := pixel(ds, 4, 1, 1); !nearAll(got, []float64{0, 128.0 / 255, 1}, 1e-6) {
		t.Errorf("webp pixel = %.3f, want [0 0.502 1]", got)
	}
	for _, l := range ds.Labels {
		if l != -1 {
			t.Fatalf("Labels = %v, want all -1 without subfolders", ds.Labels)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	empty := t.TempDir()
	onlyBad := t.TempDir()
	writeFile(t, filepath.Join(onlyBad, "a.txt"), []byte("x"))
	writeFile(t, filepath.Join(onlyBad, "b.png"), nil)
	writeFile(t, filepath.Join(onlyBad, "sub", "c.csv"), []byte("1,2"))
	writeFile(t, filepath.Join(onlyBad, "sub", "d.csv"), []byte("1,2"))
	writeFile(t, filepath.Join(onlyBad, ".hidden.png"), encodePNG(t, uniform(8, 8, color.White)))
	mixed := t.TempDir()
	writePNG(t, filepath.Join(mixed, "a.png"), uniform(8, 8, color.White))
	writePNG(t, filepath.Join(mixed, "b.png"), uniform(9, 8, color.White))
	single := filepath.Join(mixed, "a.png")
	missing := filepath.Join(empty, "nope")

	tests := []struct {
		name string
		src  string
		opt  Options
		want []string // substrings of the error
	}{
		{"missing", missing, Options{}, []string{"image source " + missing + " does not exist"}},
		{"empty folder", empty, Options{}, []string{"no images found in " + empty}},
		{"only bad files", onlyBad, Options{}, []string{
			"no images found in " + onlyBad, "4 files skipped", "a.txt: not an image (extension .txt)", "b.png: empty file", "and 1 more"}},
		{"mixed native sizes", mixed, Options{}, []string{"different sizes", "a.png is 8x8", "b.png is 9x8", "choose a target width and height"}},
		{"single image", single, Options{}, []string{single + " is a single image"}},
		{"bad size", mixed, Options{Width: 8}, []string{"invalid target size 8x0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds, err := Load(context.Background(), tt.src, tt.opt)
			if err == nil {
				t.Fatalf("got %d images, want an error", ds.Len())
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}

	var nie *NoImagesError
	if _, err := Load(context.Background(), onlyBad, Options{}); !errors.As(err, &nie) || len(nie.Skipped) != 4 {
		t.Errorf("err = %v, want a *NoImagesError listing 4 files", err)
	}
}

func TestLoadNativeSizeAndLimit(t *testing.T) {
	dir := t.TempDir()
	// b.png is bad, so a limit of 3 must reach past it to d.png.
	for i, name := range []string{"a.png", "c.png", "d.png", "e.png"} {
		writePNG(t, filepath.Join(dir, name), uniform(5, 7, color.Gray{uint8(50 * (i + 1))}))
	}
	writeFile(t, filepath.Join(dir, "b.png"), nil)
	ds, err := Load(context.Background(), dir, Options{Gray: true, Limit: 3, Workers: 4})
	if err != nil {
		t.Fatal(err)
	}
	if ds.Width != 5 || ds.Height != 7 || ds.Len() != 3 {
		t.Fatalf("got %d images of %dx%d, want 3 of 5x7", ds.Len(), ds.Width, ds.Height)
	}
	for i, want := range []float64{50, 100, 150} {
		if got := pixel(ds, i, 4, 6)[0]; !near(got, want/255, 1e-6) {
			t.Errorf("image %d (%s) = %.3f, want %.3f", i, filepath.Base(ds.Files[i]), got, want/255)
		}
	}
	if len(ds.Skipped) != 1 || filepath.Base(ds.Skipped[0].Path) != "b.png" {
		t.Errorf("Skipped = %v, want just b.png", ds.Skipped)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
