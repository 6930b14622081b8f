package imageops

import (
	"bufio"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"path/filepath"
	"strings"

	// Decoders for every extension in imageExts.
	_ "image/gif"
	_ "image/jpeg"
	_ "image/png"

	_ "golang.org/x/image/bmp"
	_ "golang.org/x/image/tiff"
	_ "golang.org/x/image/webp"
)

// imageExts are the file extensions Load treats as images (lower case).
var imageExts = map[string]bool{
	".png": true, ".jpg": true, ".jpeg": true, ".gif": true,
	".bmp": true, ".tif": true, ".tiff": true, ".webp": true,
}

func isImageName(name string) bool {
	return imageExts[strings.ToLower(filepath.Ext(name))]
}

// skipError is a per-file problem: the file is listed in Dataset.Skipped and
// loading goes on.
type skipError struct{ reason string }

func (e *skipError) Error() string { return e.reason }

func skipf(format string, args ...any) error {
	return &skipError{fmt.Sprintf(format, args...)}
}

// decoder decodes files one at a time, reusing its read buffer. Each worker
// goroutine owns one.
type decoder struct {
	br        *bufio.Reader
	maxPixels int
	minSide   int
}

func newDecoder(opt Options) *decoder {
	return &decoder{br: bufio.NewReaderSize(nil, 32<<10), maxPixels: opt.MaxPixels, minSide: opt.MinSide}
}

// config reads only the header of an image file and checks its declared
// size, so a file claiming 100000x100000 pixels costs a few bytes of reading.
func (d *decoder) config(f *os.File) (image.Config, error) {
	d.br.Reset(f)
	cfg, format, err := image.DecodeConfig(d.br)
	if err != nil {
		return cfg, decodeSkip(err, format)
	}
	if cfg.Width < d.minSide || cfg.Height < d.minSide {
		return cfg, skipf("too small (%dx%d; need at least %dx%d)", cfg.Width, cfg.Height, d.minSide, d.minSide)
	}
	if int64(cfg.Width)*int64(cfg.Height) > int64(d.maxPixels) {
		return cfg, skipf("too large (%dx%d; limit is %d pixels)", cfg.Width, cfg.Height, d.maxPixels)
	}
	return cfg, nil
}

// decode reads the whole image; call it after config on the same file.
func (d *decoder) decode(f *os.File) (img image.Image, err error) {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, skipf("cannot read: %v", err)
	}
	d.br.Reset(f)
	// A decoder bug on a hostile file must not take the application down.
	defer func() {
		if r := recover(); r != nil {
			img, err = nil, skipf("cannot decode: decoder panicked: %v", r)
		}
	}()
	img, format, err := image.Decode(d.br)
	if err != nil {
		return nil, decodeSkip(err, format)
	}
	if format == "jpeg" { // cameras store the rotation in EXIF
		if _, err := f.Seek(0, io.SeekStart); err == nil {
			img = orient(img, jpegOrientation(f))
		}
	}
	return img, nil
}

// decodeSkip words a decoder error as a skip reason, naming the format when
// the decoder did not (flate and EOF errors come without it).
func decodeSkip(err error, format string) error {
	if errors.Is(err, image.ErrFormat) {
		return skipf("cannot decode: unknown image format (content is not PNG, JPEG, GIF, BMP, TIFF or WebP)")
	}
	msg := err.Error()
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		msg = "file is truncated (" + msg + ")"
	}
	if format != "" && !strings.HasPrefix(msg, format+":") {
		msg = format + ": " + msg
	}
	return skipf("cannot decode: %s", msg)
}
