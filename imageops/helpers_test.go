package imageops

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// Shared public data sets, relative to this package's folder.
const (
	mnistDir  = "../../shared/data/mnist"
	photosDir = "../../shared/data/photos"
)

func needFile(t testing.TB, path string) {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		t.Skipf("shared test data not available: %v", err)
	}
}

func writeFile(t testing.TB, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// pngEncoder reuses its compressor: allocating one per image makes writing
// thousands of test files take seconds under -race. (A sync.Pool would not
// do: in race mode it drops items on purpose.)
var pngEncoder = png.Encoder{BufferPool: &pngBuffer{}, CompressionLevel: png.BestSpeed}

type pngBuffer struct {
	mu  sync.Mutex
	buf *png.EncoderBuffer
}

func (p *pngBuffer) Get() *png.EncoderBuffer {
	p.mu.Lock()
	defer p.mu.Unlock()
	b := p.buf
	p.buf = nil
	return b
}

func (p *pngBuffer) Put(b *png.EncoderBuffer) {
	p.mu.Lock()
	p.buf = b
	p.mu.Unlock()
}

func encodePNG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := pngEncoder.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func writePNG(t testing.TB, path string, img image.Image) {
	t.Helper()
	writeFile(t, path, encodePNG(t, img))
}

func uniform(w, h int, c color.Color) *image.NRGBA {
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			m.Set(x, y, c)
		}
	}
	return m
}

// pngHeaderOnly is a well-formed PNG that declares w×h RGBA pixels but holds
// no image data: only a header can be read from it.
func pngHeaderOnly(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		binary.Write(&b, binary.BigEndian, uint32(len(data)))
		crc := crc32.NewIEEE()
		crc.Write([]byte(typ))
		crc.Write(data)
		b.WriteString(typ)
		b.Write(data)
		binary.Write(&b, binary.BigEndian, crc.Sum32())
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 6 // 8-bit RGBA
	chunk("IHDR", ihdr)
	chunk("IEND", nil)
	return b.Bytes()
}

// near reports whether got is within tol of want.
func near(got, want, tol float64) bool { return math.Abs(got-want) <= tol }

// pixel returns the channel values of pixel (x,y) of image i.
func pixel(ds *Dataset, i, x, y int) []float64 {
	v := ds.Image(i)
	plane := ds.Width * ds.Height
	out := make([]float64, ds.Channels)
	for c := range out {
		out[c] = float64(v[c*plane+y*ds.Width+x])
	}
	return out
}

func nearAll(got, want []float64, tol float64) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if !near(got[i], want[i], tol) {
			return false
		}
	}
	return true
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}
