package imageops

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"testing"
)

// jpegWithOrientation encodes img as a JPEG carrying an EXIF block (big- or
// little-endian) with the given orientation.
func jpegWithOrientation(t *testing.T, img image.Image, o uint16, bo binary.ByteOrder) []byte {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 100}); err != nil {
		t.Fatal(err)
	}
	tiff := make([]byte, 8+2+12+4)
	if bo == binary.LittleEndian {
		copy(tiff, "II")
	} else {
		copy(tiff, "MM")
	}
	bo.PutUint16(tiff[2:], 42)
	bo.PutUint32(tiff[4:], 8)
	bo.PutUint16(tiff[8:], 1)       // one entry
	bo.PutUint16(tiff[10:], 0x0112) // Orientation
	bo.PutUint16(tiff[12:], 3)      // SHORT
	bo.PutUint32(tiff[14:], 1)
	bo.PutUint16(tiff[18:], o)
	seg := append([]byte("Exif\x00\x00"), tiff...)
	app1 := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(app1[2:], uint16(len(seg)+2))
	jpg := buf.Bytes()
	return append(append(append([]byte{}, jpg[:2]...), append(app1, seg...)...), jpg[2:]...)
}

func TestJPEGOrientationIsRespected(t *testing.T) {
	// 16x8: left half black, right half white.
	src := image.NewGray(image.Rect(0, 0, 16, 8))
	for y := 0; y < 8; y++ {
		for x := 8; x < 16; x++ {
			src.SetGray(x, y, color.Gray{255})
		}
	}
	dir := t.TempDir()
	for _, c := range []struct {
		o          uint16
		bo         binary.ByteOrder
		w, h       int
		topIsBlack bool // for rotations: is the top row dark?
	}{
		{1, binary.BigEndian, 16, 8, false},
		{6, binary.BigEndian, 8, 16, true},     // 90° clockwise: the left (black) half goes to the top
		{8, binary.LittleEndian, 8, 16, false}, // 90° counter-clockwise: the right (white) half goes to the top
	} {
		path := filepath.Join(dir, "o.jpg")
		if err := os.WriteFile(path, jpegWithOrientation(t, src, c.o, c.bo), 0o644); err != nil {
			t.Fatal(err)
		}
		f, _ := os.Open(path)
		if o := jpegOrientation(f); o != int(c.o) {
			t.Errorf("orientation read as %d, want %d", o, c.o)
		}
		f.Close()
		img, err := decodePath(newDecoder(Options{MaxPixels: DefaultMaxPixels, MinSide: 1}), path)
		if err != nil {
			t.Fatal(err)
		}
		if b := img.Bounds(); b.Dx() != c.w || b.Dy() != c.h {
			t.Errorf("orientation %d: decoded %dx%d, want %dx%d", c.o, b.Dx(), b.Dy(), c.w, c.h)
			continue
		}
		if c.o == 1 {
			continue
		}
		r, _, _, _ := img.At(c.w/2, 1).RGBA()
		if dark := r < 0x4000; dark != c.topIsBlack {
			t.Errorf("orientation %d: top row dark %v, want %v", c.o, dark, c.topIsBlack)
		}
	}
}
