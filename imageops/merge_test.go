package imageops

import (
	"context"
	"fmt"
	"image"
	"path/filepath"
	"testing"
)

func TestMerge(t *testing.T) {
	a := &Dataset{Width: 1, Height: 1, Channels: 1, Data: []float32{0.1, 0.2}, Labels: []int{0, 1},
		Classes: []string{"dogs", "cats"}, Files: []string{"a/1", "a/2"}, Skipped: []Skipped{{"a/x", "bad"}}}
	b := &Dataset{Width: 1, Height: 1, Channels: 1, Data: []float32{0.3, 0.4}, Labels: []int{0, -1},
		Classes: []string{"birds"}, Files: []string{"b/1", "b/2"}}
	m, err := Merge(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if m.Len() != 4 || len(m.Classes) != 3 || m.Classes[0] != "birds" || len(m.Skipped) != 1 {
		t.Fatalf("merged %d images, classes %v, skipped %v", m.Len(), m.Classes, m.Skipped)
	}
	for i, want := range []string{"dogs", "cats", "birds", ""} {
		if m.Label(i) != want || m.Image(i)[0] != []float32{0.1, 0.2, 0.3, 0.4}[i] {
			t.Errorf("image %d: class %q value %v", i, m.Label(i), m.Image(i)[0])
		}
	}
	c := &Dataset{Width: 2, Height: 1, Channels: 1, Data: []float32{0, 0}}
	if _, err := Merge(a, c); err == nil {
		t.Error("merged images of different sizes")
	}
}

func TestSourceSizeStats(t *testing.T) {
	dir := t.TempDir()
	for i, sz := range []image.Point{{40, 30}, {10, 80}, {20, 20}} {
		if err := SavePNG(filepath.Join(dir, fmt.Sprintf("%d.png", i)), image.NewGray(image.Rectangle{Max: sz})); err != nil {
			t.Fatal(err)
		}
	}
	d, err := Load(context.Background(), dir, Options{Width: 8, Height: 8, Gray: true})
	if err != nil {
		t.Fatal(err)
	}
	lo, hi, med, ok := d.SizeStats()
	if !ok || lo != image.Pt(10, 20) || hi != image.Pt(40, 80) || med != image.Pt(10, 80) {
		t.Fatalf("stats %v %v %v %v from %v", lo, hi, med, ok, d.SourceSizes)
	}
	if _, _, _, ok := (&Dataset{}).SizeStats(); ok {
		t.Error("stats without sizes")
	}
}
