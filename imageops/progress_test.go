package imageops

import (
	"context"
	"errors"
	"fmt"
	"image"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// manyPNGs writes n 8x8 gray PNGs into classes "a" (first half) and "b";
// image i has i%256 in its first pixel and i/256 in its second, so the
// order of a loaded dataset can be checked.
func manyPNGs(tb testing.TB, n int) string {
	dir := tb.TempDir()
	for i := range n {
		g := image.NewGray(image.Rect(0, 0, 8, 8))
		g.Pix[0], g.Pix[1] = uint8(i%256), uint8(i/256)
		for j := 2; j < 64; j++ {
			g.Pix[j] = uint8(j * 4)
		}
		class := "a"
		if i >= n/2 {
			class = "b"
		}
		writePNG(tb, filepath.Join(dir, class, fmt.Sprintf("img%05d.png", i)), g)
	}
	return dir
}

// progressLog records calls without a lock: Load promises they never
// overlap, and the race detector (go test -race) catches it if they do.
type progressLog struct{ calls [][2]int }

func (p *progressLog) record(done, total int) { p.calls = append(p.calls, [2]int{done, total}) }

func TestLoadProgressOrderCancel(t *testing.T) {
	const n = 2000
	dir := manyPNGs(t, n)

	var log progressLog
	start := time.Now()
	ds, err := Load(context.Background(), dir, Options{Gray: true, Progress: log.record})
	elapsed := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	if ds.Len() != n || len(ds.Skipped) != 0 {
		t.Fatalf("loaded %d, skipped %d; want %d and 0", ds.Len(), len(ds.Skipped), n)
	}
	for i := range n {
		v := ds.Image(i)
		if got := int(v[0]*255+0.5) + 256*int(v[1]*255+0.5); got != i {
			t.Fatalf("image %d (%s) holds the pixels of image %d", i, ds.Files[i], got)
		}
	}
	if counts := ds.ClassCounts(); counts["a"] != n/2 || counts["b"] != n/2 {
		t.Errorf("class counts %v, want %d each", counts, n/2)
	}

	last := log.calls[len(log.calls)-1]
	if last != [2]int{n, n} {
		t.Errorf("last progress call %v, want [%d %d]", last, n, n)
	}
	for i := 1; i < len(log.calls); i++ {
		if log.calls[i][0] < log.calls[i-1][0] {
			t.Errorf("progress went back: %v", log.calls)
			break
		}
	}
	// At most one call per 50 ms, plus the final one (and some slack).
	if max := int(elapsed/progressInterval) + 2; len(log.calls) > max {
		t.Errorf("%d progress calls in %v, want at most %d", len(log.calls), elapsed, max)
	}

	// A second load with another worker count gives the same dataset.
	again, err := Load(context.Background(), dir, Options{Gray: true, Workers: 3})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(again.Files, ds.Files) || !slices.Equal(again.Data, ds.Data) || !slices.Equal(again.Labels, ds.Labels) {
		t.Error("two loads of the same folder differ")
	}

	// Cancelled before starting.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Load(ctx, dir, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("pre-cancelled: err = %v, want context.Canceled", err)
	}

	// Cancelled in the middle: from the first progress report that is not
	// the final one. One worker makes the load last well past 50 ms.
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	var final [2]int
	_, err = Load(ctx, dir, Options{Workers: 1, Width: 16, Height: 16, Progress: func(done, total int) {
		final = [2]int{done, total}
		if done < total {
			cancel()
		}
	}})
	if final[0] == n {
		t.Skipf("the load finished before the first progress report (%v); cannot test cancelling", elapsed)
	}
	if !errors.Is(err, context.Canceled) || err.Error() != "loading "+dir+": context canceled" {
		t.Errorf("err = %v, want context canceled naming the folder", err)
	}
	if final[0] >= n {
		t.Errorf("load went on to %d of %d after cancel", final[0], n)
	}
}

func BenchmarkLoadFolder(b *testing.B) {
	dir := manyPNGs(b, 2000)
	b.ResetTimer()
	for b.Loop() {
		ds, err := Load(context.Background(), dir, Options{Width: 16, Height: 16})
		if err != nil || ds.Len() != 2000 {
			b.Fatal(ds, err)
		}
	}
}
