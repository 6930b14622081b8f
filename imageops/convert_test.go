package imageops

import (
	"context"
	"image"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"testing"
)

func TestFromImageResize(t *testing.T) {
	// 20x10: red quarter, green half, blue quarter.
	stripes := image.NewNRGBA(image.Rect(0, 0, 20, 10))
	for y := range 10 {
		for x := range 20 {
			c := color.NRGBA{0, 255, 0, 255}
			if x < 5 {
				c = color.NRGBA{255, 0, 0, 255}
			} else if x >= 15 {
				c = color.NRGBA{0, 0, 255, 255}
			}
			stripes.Set(x, y, c)
		}
	}
	t.Run("crop when the aspect ratio differs", func(t *testing.T) {
		v := FromImage(stripes, 10, 10, false)
		// A centre crop keeps only the green middle; squashing would not.
		for i := range 100 {
			if r, g, b := v[i], v[100+i], v[200+i]; r > 0.02 || g < 0.98 || b > 0.02 {
				t.Fatalf("pixel %d = (%.2f,%.2f,%.2f), want green", i, r, g, b)
			}
		}
	})
	t.Run("plain resize when it matches", func(t *testing.T) {
		v := FromImage(stripes, 4, 2, false) // 5 source pixels per target pixel
		want := [][3]float32{{1, 0, 0}, {0, 1, 0}, {0, 1, 0}, {0, 0, 1}}
		for x, w := range want {
			got := [3]float32{v[x], v[8+x], v[16+x]}
			for c := range 3 {
				if math.Abs(float64(got[c]-w[c])) > 0.15 {
					t.Errorf("x=%d: got %.2f, want %.2f", x, got, w)
					break
				}
			}
		}
	})
	t.Run("native size", func(t *testing.T) {
		if v := FromImage(stripes, 0, 0, true); len(v) != 200 || !near(float64(v[0]), 0.299, 1e-6) || !near(float64(v[199]), 0.114, 1e-6) {
			t.Errorf("len %d, first %.4f, last %.4f; want 200, 0.299 (red), 0.114 (blue)", len(v), v[0], v[199])
		}
	})
	t.Run("sub-image with an offset", func(t *testing.T) {
		sub := stripes.SubImage(image.Rect(15, 2, 19, 6))
		v := FromImage(sub, 0, 0, false)
		if len(v) != 48 || v[0] != 0 || v[32] != 1 {
			t.Errorf("len %d, r %.2f b %.2f; want 48 blue values", len(v), v[0], v[32])
		}
	})
}

func TestFromImageGrayAndAlpha(t *testing.T) {
	tests := []struct {
		name string
		c    color.Color
		want float64
	}{
		{"red", color.NRGBA{255, 0, 0, 255}, 0.299},
		{"green", color.NRGBA{0, 255, 0, 255}, 0.587},
		{"blue", color.NRGBA{0, 0, 255, 255}, 0.114},
		{"white", color.White, 1},
		{"transparent black is white", color.NRGBA{0, 0, 0, 0}, 1},
		{"half transparent black", color.NRGBA{0, 0, 0, 128}, 1 - 128.0/255},
		{"gray16", color.Gray16{0x4000}, 0x40 / 255.0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := FromImage(uniform(4, 4, tt.c), 4, 4, true)
			if len(v) != 16 || !near(float64(v[5]), tt.want, 1e-6) {
				t.Errorf("gray = %.4f (len %d), want %.4f", v[5], len(v), tt.want)
			}
		})
	}
}

func TestToImage(t *testing.T) {
	gray := ToImage([]float32{0, 0.5, 1, -3, 7, float32(math.NaN())}, 3, 2, 1)
	want := []uint8{0, 128, 255, 0, 255, 0}
	for i, w := range want {
		if p := gray.Pix[4*i : 4*i+4]; p[0] != w || p[1] != w || p[2] != w || p[3] != 255 {
			t.Errorf("gray pixel %d = %v, want %d opaque", i, p, w)
		}
	}
	// Planes R, G, B of a 2x1 image.
	rgb := ToImage([]float32{1, 0, 0.2, 0.4, 0, 1}, 2, 1, 3)
	if got := rgb.NRGBAAt(0, 0); got != (color.NRGBA{255, 51, 0, 255}) {
		t.Errorf("rgb pixel 0 = %v, want {255 51 0 255}", got)
	}
	if got := rgb.NRGBAAt(1, 0); got != (color.NRGBA{0, 102, 255, 255}) {
		t.Errorf("rgb pixel 1 = %v, want {0 102 255 255}", got)
	}
	defer func() {
		if recover() == nil {
			t.Error("ToImage with too few values did not panic")
		}
	}()
	ToImage(make([]float32, 5), 2, 1, 3)
}

// A real photograph loads at 64x64 RGB, and values survive a trip through
// ToImage and FromImage.
func TestPhoto(t *testing.T) {
	chelsea := filepath.Join(photosDir, "chelsea.png")
	needFile(t, chelsea)
	dir := t.TempDir()
	for _, name := range []string{"chelsea.png", "coffee.png", "rocket.jpg"} {
		data, err := os.ReadFile(filepath.Join(photosDir, name))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(dir, name), data)
	}
	ds, err := Load(context.Background(), dir, Options{Width: 64, Height: 64})
	if err != nil {
		t.Fatal(err)
	}
	if ds.Len() != 3 || ds.Channels != 3 || ds.Width != 64 || ds.Height != 64 || len(ds.Skipped) != 0 {
		t.Fatalf("got %d images %dx%dx%d, skipped %v; want 3 of 3x64x64", ds.Len(), ds.Channels, ds.Height, ds.Width, ds.Skipped)
	}
	// Chelsea is a ginger cat: more red than blue on average, and not flat.
	var mean [3]float64
	img := ds.Image(0)
	for c := range 3 {
		for _, v := range img[c*4096 : (c+1)*4096] {
			mean[c] += float64(v) / 4096
		}
	}
	if mean[0] < mean[2]+0.1 || mean[0] > 0.9 || mean[2] < 0.05 {
		t.Errorf("chelsea mean RGB = %.2f, want a reddish photo", mean)
	}
	lo, hi := ds.Range()
	if lo < 0 || hi > 1 || hi-lo < 0.5 {
		t.Errorf("values in [%g,%g], want a wide range within [0,1]", lo, hi)
	}

	// Load and FromImage resize the same way.
	f, err := os.Open(chelsea)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	src, _, err := image.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	direct := FromImage(src, 64, 64, false)
	for i := range direct {
		if direct[i] != img[i] {
			t.Fatalf("value %d: FromImage %g, Load %g", i, direct[i], img[i])
		}
	}

	// Round trip at native size.
	b := src.Bounds()
	v := FromImage(src, 0, 0, false)
	back := ToImage(v, b.Dx(), b.Dy(), 3)
	for y := 0; y < b.Dy(); y += 7 {
		for x := 0; x < b.Dx(); x += 5 {
			r0, g0, b0, _ := src.At(b.Min.X+x, b.Min.Y+y).RGBA()
			r1, g1, b1, _ := back.At(x, y).RGBA()
			if r0>>8 != r1>>8 || g0>>8 != g1>>8 || b0>>8 != b1>>8 {
				t.Fatalf("pixel (%d,%d): %v became %v", x, y, src.At(x, y), back.At(x, y))
			}
		}
	}
	v2 := FromImage(back, 0, 0, false)
	for i := range v {
		if math.Abs(float64(v2[i]-v[i])) > 1.0/255 {
			t.Fatalf("value %d: %g became %g", i, v[i], v2[i])
		}
	}
}
