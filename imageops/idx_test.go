package imageops

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// idxBytes builds an IDX file in memory.
func idxBytes(magic uint32, dims []uint32, data []byte) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, magic)
	binary.Write(&b, binary.BigEndian, dims)
	b.Write(data)
	return b.Bytes()
}

func gzipBytes(t testing.TB, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestSpeed)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// mnistTest returns the uncompressed MNIST test images.
func mnistTest(t *testing.T) []byte {
	t.Helper()
	path := filepath.Join(mnistDir, "t10k-images-idx3-ubyte.gz")
	needFile(t, path)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestLoadIDXMNIST(t *testing.T) {
	path := filepath.Join(mnistDir, "t10k-images-idx3-ubyte.gz")
	needFile(t, path)
	var calls, lastDone, lastTotal int
	ds, err := LoadIDX(context.Background(), path, Options{Gray: true, Progress: func(d, n int) { calls++; lastDone, lastTotal = d, n }})
	if err != nil {
		t.Fatal(err)
	}
	if ds.Len() != 10000 || ds.Width != 28 || ds.Height != 28 || ds.Channels != 1 {
		t.Fatalf("got %d images %dx%dx%d, want 10000 of 1x28x28", ds.Len(), ds.Channels, ds.Height, ds.Width)
	}
	if strings.Join(ds.Classes, "") != "0123456789" {
		t.Errorf("Classes = %v, want 0..9", ds.Classes)
	}
	// The published class counts of the MNIST test set.
	want := map[string]int{"0": 980, "1": 1135, "2": 1032, "3": 1010, "4": 982, "5": 892, "6": 958, "7": 1028, "8": 974, "9": 1009}
	for c, n := range ds.ClassCounts() {
		if want[c] != n {
			t.Errorf("class %q has %d images, want %d", c, n, want[c])
		}
	}
	if ds.Label(0) != "7" || ds.Label(1) != "2" || ds.Label(2) != "1" {
		t.Errorf("first labels %s %s %s, want 7 2 1", ds.Label(0), ds.Label(1), ds.Label(2))
	}
	if lo, hi := ds.Range(); lo != 0 || hi != 1 {
		t.Errorf("values in [%g,%g], want [0,1]", lo, hi)
	}
	// Digits are white on black: the border is dark, the middle has ink.
	img := ds.Image(0)
	var border, ink float32
	for i := range 28 {
		border += img[i] + img[27*28+i]
	}
	for _, v := range img {
		ink += v
	}
	if border != 0 || ink < 50 || ink > 400 {
		t.Errorf("image 0: border sum %g, total %g; want 0 and some ink", border, ink)
	}
	if ds.Files[17] != path+"#17" {
		t.Errorf("Files[17] = %q, want %q", ds.Files[17], path+"#17")
	}
	if calls == 0 || lastDone != 10000 || lastTotal != 10000 {
		t.Errorf("progress: %d calls, last %d/%d; want last 10000/10000", calls, lastDone, lastTotal)
	}
}

func TestLoadIDXResizeAndColour(t *testing.T) {
	path := filepath.Join(mnistDir, "t10k-images-idx3-ubyte.gz")
	needFile(t, path)
	ds, err := LoadIDX(context.Background(), path, Options{Width: 14, Height: 14, Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	if ds.Len() != 5 || ds.Width != 14 || ds.Channels != 3 || len(ds.Labels) != 5 {
		t.Fatalf("got %d images %dx%dx%d, %d labels; want 5 of 3x14x14", ds.Len(), ds.Channels, ds.Height, ds.Width, len(ds.Labels))
	}
	// Gray replicated to RGB, and the limit keeps only the labels it needs.
	plane := 14 * 14
	img := ds.Image(0)
	for i := range plane {
		if img[i] != img[plane+i] || img[i] != img[2*plane+i] {
			t.Fatalf("pixel %d differs between channels", i)
		}
	}
	if strings.Join(ds.Classes, ",") != "0,1,2,4,7" || ds.Label(0) != "7" || ds.Label(4) != "4" {
		t.Errorf("Classes = %v, labels %v; want the 5 distinct digits of 7 2 1 0 4", ds.Classes, ds.Labels)
	}
}

func TestLoadFolderOfIDX(t *testing.T) {
	needFile(t, filepath.Join(mnistDir, "train-images-idx3-ubyte.gz"))
	ds, err := Load(context.Background(), mnistDir, Options{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if ds.Len() != 100 || ds.Width != 28 || !strings.HasSuffix(ds.Files[0], "train-images-idx3-ubyte.gz#0") {
		t.Fatalf("got %d images %dx%d from %s, want 100 28x28 from the training file", ds.Len(), ds.Width, ds.Height, ds.Files[0])
	}
	if ds.Label(0) != "5" || ds.Label(1) != "0" { // MNIST's training set starts 5 0 4 1
		t.Errorf("first labels %s %s, want 5 0", ds.Label(0), ds.Label(1))
	}
}

func TestIDXErrors(t *testing.T) {
	dir := t.TempDir()
	raw := mnistTest(t)
	gz, err := os.ReadFile(filepath.Join(mnistDir, "t10k-images-idx3-ubyte.gz"))
	if err != nil {
		t.Fatal(err)
	}
	const header = 16
	trunc := raw[:header+1234*784+100]
	goodLabels := idxBytes(0x801, []uint32{3}, []byte{1, 2, 3})

	tests := []struct {
		name   string
		images []byte
		labels []byte   // written beside as ...-labels-idx1-ubyte when set
		want   []string // besides the name of the file at fault
	}{
		{"truncated", trunc, nil, []string{"truncated IDX file", "header declares 10000 images of 28x28 but only 1234 are present"}},
		{"truncated gzip", gzipBytes(t, trunc), nil, []string{"truncated IDX file", "but only 1234 are present"}},
		{"chopped gzip stream", gz[:len(gz)/3], nil, []string{"truncated IDX file", "header declares 10000 images of 28x28"}},
		{"a labels file", idxBytes(0x801, []uint32{3, 1, 1}, nil), nil, []string{"is not an IDX images file: magic number is 0x00000801, want 0x00000803 (an IDX labels file)"}},
		{"png as idx", pngHeaderOnly(8, 8), nil, []string{"magic number is 0x89504e47", "(a PNG image)"}},
		{"empty", nil, nil, []string{"too short to hold a header"}},
		{"huge rows", idxBytes(0x803, []uint32{1, 5000, 5}, nil), nil, []string{"implausible size: 1 images of 5000x5"}},
		{"huge count", idxBytes(0x803, []uint32{1 << 30, 28, 28}, nil), nil, []string{"implausible size"}},
		{"no images", idxBytes(0x803, []uint32{0, 28, 28}, nil), nil, []string{"declares no images"}},
		{"labels count", idxBytes(0x803, []uint32{2, 1, 1}, []byte{1, 2}), goodLabels, []string{"has 3 labels but", "has 2 images"}},
		{"labels magic", idxBytes(0x803, []uint32{3, 1, 1}, []byte{1, 2, 3}), idxBytes(0x803, []uint32{3}, nil), []string{"is not an IDX labels file"}},
		{"labels truncated", idxBytes(0x803, []uint32{3, 1, 1}, []byte{1, 2, 3}), goodLabels[:10], []string{"truncated IDX labels file", "declares 3 labels but only 2 are present"}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sub := filepath.Join(dir, string(rune('a'+i)))
			path := filepath.Join(sub, "x-images-idx3-ubyte")
			writeFile(t, path, tt.images)
			if tt.labels != nil {
				writeFile(t, filepath.Join(sub, "x-labels-idx1-ubyte"), tt.labels)
			}
			ds, err := LoadIDX(context.Background(), path, Options{})
			if err == nil {
				t.Fatalf("got %d images, want an error", ds.Len())
			}
			culprit := path
			if strings.HasPrefix(tt.name, "labels ") {
				culprit = filepath.Join(sub, "x-labels-idx1-ubyte")
			}
			for _, w := range append(tt.want, culprit) {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

// ReadIDX serves embedded data: readers, optional labels, gzip by content.
func TestReadIDX(t *testing.T) {
	pix := []byte{0, 255, 51, 102, 10, 20, 30, 40} // two 2x2 images
	images := idxBytes(0x803, []uint32{2, 2, 2}, pix)
	labels := idxBytes(0x801, []uint32{2}, []byte{9, 3})

	ds, err := ReadIDX(bytes.NewReader(gzipBytes(t, images)), bytes.NewReader(labels), "digits", Options{MinSide: 1, Gray: true})
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range pix {
		if want := float32(p) / 255; ds.Data[i] != want {
			t.Errorf("Data[%d] = %g, want %g", i, ds.Data[i], want)
		}
	}
	if strings.Join(ds.Classes, ",") != "3,9" || ds.Labels[0] != 1 || ds.Labels[1] != 0 {
		t.Errorf("Classes %v Labels %v, want [3 9] and [1 0]", ds.Classes, ds.Labels)
	}
	if ds.Files[1] != "digits#1" {
		t.Errorf("Files[1] = %q, want digits#1", ds.Files[1])
	}

	ds, err = ReadIDX(bytes.NewReader(images), nil, "digits", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if ds.Channels != 3 || len(ds.Data) != 2*3*4 || ds.Labels[0] != -1 || ds.Classes != nil {
		t.Errorf("without labels: %d channels, %d values, labels %v, classes %v", ds.Channels, len(ds.Data), ds.Labels, ds.Classes)
	}

	_, err = ReadIDX(bytes.NewReader(images[:20]), nil, "digits", Options{})
	if err == nil || !strings.Contains(err.Error(), "truncated IDX file digits: header declares 2 images of 2x2 but only 1 are present") {
		t.Errorf("truncated reader: err = %v", err)
	}
}

func TestLoadIDXCancel(t *testing.T) {
	path := filepath.Join(mnistDir, "t10k-images-idx3-ubyte.gz")
	needFile(t, path)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := LoadIDX(ctx, path, Options{}); err == nil || !strings.Contains(err.Error(), "context canceled") {
		t.Errorf("err = %v, want context canceled", err)
	}
}
