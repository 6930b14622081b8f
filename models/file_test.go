package models

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"latentstudio/imageops"
)

func testModel(t testing.TB, arch string) *Autoencoder {
	t.Helper()
	cfg := Config{Task: TaskReconstruct, Arch: arch, Width: 8, Height: 8, Channels: 1, Layers: []int{4}, Code: 3, Loss: LossBCE, Seed: 5}
	ae, err := NewAutoencoder(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return ae
}

func TestSaveLoadGivesIdenticalOutputs(t *testing.T) {
	for _, arch := range []string{ArchDense, ArchConv} {
		ae := testModel(t, arch)
		ae.History = History{Epochs: 3, Steps: 30, TrainLoss: 0.25, ValLoss: 0.26, Data: "digits"}
		path := filepath.Join(t.TempDir(), "m.lsm")
		before := time.Now().UTC().Truncate(time.Second)
		if err := ae.Save(path); err != nil {
			t.Fatal(err)
		}
		back, err := Load(path)
		if err != nil {
			t.Fatal(err)
		}
		if back.History != ae.History {
			t.Errorf("%s: history %+v, want %+v", arch, back.History, ae.History)
		}
		x := v1Input(3 * 64)
		a, _ := ae.Forward(x, 3)
		b, err := back.Forward(x, 3)
		if err != nil {
			t.Fatal(err)
		}
		for i := range a.Recon {
			if a.Recon[i] != b.Recon[i] {
				t.Fatalf("%s: output %d differs after reload: %v vs %v", arch, i, a.Recon[i], b.Recon[i])
			}
		}
		for i := range a.Code {
			if a.Code[i] != b.Code[i] {
				t.Fatalf("%s: code %d differs after reload", arch, i)
			}
		}
		if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o644 {
			t.Errorf("saved model mode %v, %v; want 0644", st.Mode(), err)
		}
		// No temporary files are left beside the model.
		entries, _ := os.ReadDir(filepath.Dir(path))
		if len(entries) != 1 {
			t.Errorf("save left %d files in its folder", len(entries))
		}
		// Save writes the current version, with its meta.
		info, err := InspectFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if info.Version != FileVersion || info.Kind != kindAutoencoder || info.Params != ae.cfg.ParamCount() || info.Meta == nil ||
			info.Meta.App != FileApp || info.Meta.Params != info.Params {
			t.Errorf("%s: file info %+v (meta %+v)", arch, info, info.Meta)
		}
		if created, err := time.Parse(time.RFC3339, info.Meta.Created); err != nil || created.Before(before) || created.After(time.Now().Add(time.Second)) {
			t.Errorf("%s: meta.created %q (%v)", arch, info.Meta.Created, err)
		}
	}
}

// TestSaveReplacesAtomically: saving over a model replaces it whole, and a
// save that cannot finish leaves the old file as it was.
func TestSaveReplacesAtomically(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.lsm")
	ae := testModel(t, ArchDense)
	if err := ae.Save(path); err != nil {
		t.Fatal(err)
	}
	old, _ := os.ReadFile(path)
	// A save into a missing folder fails before touching anything.
	if err := ae.Save(filepath.Join(dir, "nope", "m.lsm")); err == nil {
		t.Error("saved into a missing folder")
	}
	// A write that fails half way leaves the old file and no temporary.
	err := imageops.WriteAtomic(path, func(w io.Writer) error {
		w.Write([]byte("half a model"))
		return os.ErrClosed
	})
	if err == nil {
		t.Fatal("a failed write reported success")
	}
	if now, _ := os.ReadFile(path); !bytes.Equal(now, old) {
		t.Error("a failed save changed the model file")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("a failed save left %d files in its folder", len(entries))
	}
}

// golden is what a model computed from v1Input when its testdata file was
// written.
type golden struct {
	Out  []float32 `json:"out"`
	Code []float32 `json:"code,omitempty"`
}

func readGolden(t *testing.T, name string) golden {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var g golden
	if err := json.Unmarshal(raw, &g); err != nil {
		t.Fatal(err)
	}
	return g
}

func v1Input(n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(i%17) / 16
	}
	return x
}

// sameFloats compares outputs to golden values, allowing for the last bits
// a different BLAS may change.
func sameFloats(t *testing.T, what string, got, want []float32) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		if d := math.Abs(float64(got[i] - want[i])); d > 1e-5 {
			t.Fatalf("%s: value %d is %v, was %v", what, i, got[i], want[i])
		}
	}
}

// TestLoadsVersion1Files: files of version 1 (no meta), written by the
// code before version 2, load and compute what they computed then; saved
// again they become version 2 and still do.
func TestLoadsVersion1Files(t *testing.T) {
	x := v1Input(3 * 64)
	check := func(path, want string) {
		t.Helper()
		info, err := InspectFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if want == "v1" && (info.Version != 1 || info.Meta != nil) || want == "v2" && (info.Version != 2 || info.Meta == nil) {
			t.Errorf("%s: version %d, meta %+v; want %s", path, info.Version, info.Meta, want)
		}
	}
	resave := func(path string, save func(string) error) string {
		t.Helper()
		check(path, "v1")
		out := filepath.Join(t.TempDir(), filepath.Base(path))
		if err := save(out); err != nil {
			t.Fatal(err)
		}
		check(out, "v2")
		return out
	}

	g := readGolden(t, "v1-autoencoder.golden.json")
	path := "testdata/v1-autoencoder.lsm"
	for range 2 {
		ae, err := Load(path)
		if err != nil {
			t.Fatal(err)
		}
		want := History{Data: "digits", Epochs: 3, Steps: 30, Samples: 300, Seconds: 1.5, TrainLoss: 0.25, ValLoss: 0.26}
		if ae.History != want {
			t.Errorf("history %+v, want %+v", ae.History, want)
		}
		out, err := ae.Forward(x, 3)
		if err != nil {
			t.Fatal(err)
		}
		sameFloats(t, path+" reconstruction", out.Recon, g.Out)
		sameFloats(t, path+" code", out.Code, g.Code)
		if strings.HasPrefix(path, "testdata") {
			path = resave(path, ae.Save)
		}
	}

	g = readGolden(t, "v1-gan.golden.json")
	path = "testdata/v1-gan.lsm"
	for range 2 {
		m, err := LoadGAN(path)
		if err != nil {
			t.Fatal(err)
		}
		img, err := m.Generate(m.Noise(3, 9), 3)
		if err != nil || m.History.Steps != 42 {
			t.Fatalf("%s: %v, history %+v", path, err, m.History)
		}
		sameFloats(t, path+" images", img, g.Out)
		if strings.HasPrefix(path, "testdata") {
			path = resave(path, m.Save)
		}
	}

	g = readGolden(t, "v1-classifier.golden.json")
	path = "testdata/v1-classifier.lsm"
	for range 2 {
		c, err := LoadClassifier(path)
		if err != nil {
			t.Fatal(err)
		}
		p, f, err := c.Classify(x, 3)
		if err != nil || c.History.Epochs != 2 {
			t.Fatalf("%s: %v, history %+v", path, err, c.History)
		}
		sameFloats(t, path+" probabilities", p, g.Out)
		sameFloats(t, path+" features", f, g.Code)
		if strings.HasPrefix(path, "testdata") {
			path = resave(path, c.Save)
		}
	}
}

// TestShippedModelsLoad: every model file under assets loads through the
// reader of its kind.
func TestShippedModelsLoad(t *testing.T) {
	n := 0
	err := filepath.WalkDir("../assets", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) != FileExt {
			return err
		}
		n++
		info, err := InspectFile(path)
		if err != nil {
			return err
		}
		switch info.Kind {
		case kindAutoencoder:
			_, err = Load(path)
		case kindGAN:
			_, err = LoadGAN(path)
		case kindClassifier:
			_, err = LoadClassifier(path)
		default:
			t.Errorf("%s: kind %q", path, info.Kind)
		}
		t.Logf("%s: %s v%d, %d weights", path, info.Kind, info.Version, info.Params)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 5 {
		t.Errorf("found %d shipped models; want at least 5", n)
	}
}

// zipOf builds an archive from name/content pairs.
func zipOf(t testing.TB, files ...string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i+1 < len(files); i += 2 {
		w, err := zw.Create(files[i])
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(files[i+1]))
	}
	zw.Close()
	return buf.Bytes()
}

// rawEntry is an archive entry written as is: data is the entry's stored
// bytes (compressed already for deflate), the header's fields say what
// they say, true or not.
type rawEntry struct {
	fh   zip.FileHeader
	data []byte
}

// rawZip builds an archive of raw entries.
func rawZip(t testing.TB, entries ...rawEntry) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		fh := e.fh
		w, err := zw.CreateRaw(&fh)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(e.data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func deflate(data []byte) []byte {
	var buf bytes.Buffer
	fw, _ := flate.NewWriter(&buf, flate.BestCompression)
	fw.Write(data)
	fw.Close()
	return buf.Bytes()
}

// deflated is an entry holding data, deflated, its header honest unless
// the caller changes it.
func deflated(name string, data []byte) rawEntry {
	c := deflate(data)
	return rawEntry{zip.FileHeader{Name: name, Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(data),
		CompressedSize64: uint64(len(c)), UncompressedSize64: uint64(len(data))}, c}
}

// goodParts saves a small dense autoencoder and gives the file and its two
// entries' contents.
func goodParts(t testing.TB) (file []byte, header string, weights []byte) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "good.lsm")
	if err := testModel(t, ArchDense).Save(path); err != nil {
		t.Fatal(err)
	}
	file, _ = os.ReadFile(path)
	zr, err := zip.NewReader(bytes.NewReader(file), int64(len(file)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		rc, _ := f.Open()
		var b bytes.Buffer
		b.ReadFrom(rc)
		if f.Name == headerEntry {
			header = b.String()
		} else {
			weights = b.Bytes()
		}
	}
	return file, header, weights
}

// editHeader decodes a header, lets edit change it and encodes it again.
func editHeader(t testing.TB, header string, edit func(h map[string]any)) string {
	var h map[string]any
	if err := json.Unmarshal([]byte(header), &h); err != nil {
		t.Fatal(err)
	}
	edit(h)
	b, err := json.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// withTensors replaces the header's tensor list and makes meta.params
// agree with it, so that only the list is wrong.
func withTensors(h map[string]any, list []tensorInfo) {
	h["tensors"] = list
	total := 0
	for _, ti := range list {
		n := 1
		for _, d := range ti.Shape {
			n *= d
		}
		total += n
	}
	h["meta"].(map[string]any)["params"] = total
}

func headerTensors(t testing.TB, header string) []tensorInfo {
	var h struct{ Tensors []tensorInfo }
	if err := json.Unmarshal([]byte(header), &h); err != nil {
		t.Fatal(err)
	}
	return h.Tensors
}

type badFile struct {
	name, want string
	data       []byte
}

// badFiles are hand-made bad model files, each with the words its error
// must contain.
func badFiles(t testing.TB) []badFile {
	good, header, weights := goodParts(t)
	tensors := headerTensors(t, header)
	nWeights := len(weights) / 4
	needs := func(n int) string {
		return "weights.bin holds " + itoa(n) + " bytes; " + itoa(nWeights) + " weights need " + itoa(len(weights))
	}
	edited := func(edit func(h map[string]any)) []byte {
		return zipOf(t, headerEntry, editHeader(t, header, edit), weightsEntry, string(weights))
	}
	tensorsEdited := func(edit func(list []tensorInfo) []tensorInfo) []byte {
		list := edit(append([]tensorInfo(nil), tensors...))
		return edited(func(h map[string]any) { withTensors(h, list) })
	}
	withWeight := func(i int, v float32) []byte {
		w := bytes.Clone(weights)
		binary.LittleEndian.PutUint32(w[4*i:], math.Float32bits(v))
		return zipOf(t, headerEntry, header, weightsEntry, string(w))
	}
	h, w := deflated(headerEntry, []byte(header)), deflated(weightsEntry, weights)
	// The local header of the weights entry, spoiled.
	badLocal := bytes.Clone(good)
	second := bytes.Index(badLocal[4:], []byte(fileMagic)) + 4
	copy(badLocal[second:], "XXXX")

	cases := []badFile{
		{"empty file", "the file is empty", nil},
		{"wrong magic", `wrong magic "hell"`, []byte("hello, I am not a model")},
		{"gzip", `wrong magic "\x1f\x8b\b\x00"`, deflatedGzip(weights)},
		{"zip magic, then garbage", "truncated, or not a zip archive", append([]byte(fileMagic), bytes.Repeat([]byte("garbage "), 40)...)},
		{"truncated to 2 bytes", `wrong magic "PK"`, good[:2]},
		{"truncated to 30 bytes", "truncated, or not a zip archive", good[:30]},
		{"truncated to half", "truncated, or not a zip archive", good[:len(good)/2]},
		{"truncated by 30 bytes", "truncated, or not a zip archive", good[:len(good)-30]},
		{"truncated by 1 byte", "truncated, or not a zip archive", good[:len(good)-1]},
		{"no weights", "weights.bin is missing", zipOf(t, headerEntry, header)},
		{"no header", "model.json is missing", zipOf(t, weightsEntry, string(weights))},
		{"extra entry", `unexpected entry "notes.txt"`, zipOf(t, headerEntry, header, weightsEntry, string(weights), "notes.txt", "hi")},
		{"folder entry", `unexpected entry "model/"`, zipOf(t, "model/", "", headerEntry, header, weightsEntry, string(weights))},
		{"dot-dot name", `entry "../model.json" contains ".." (path traversal refused)`, zipOf(t, "../model.json", header, weightsEntry, string(weights))},
		{"deep dot-dot name", `entry "../../etc/passwd" contains ".." (path traversal refused)`, zipOf(t, headerEntry, header, weightsEntry, string(weights), "../../etc/passwd", "x")},
		{"absolute name", `entry "/etc/passwd" has an absolute path (path traversal refused)`, zipOf(t, "/etc/passwd", "x", headerEntry, header, weightsEntry, string(weights))},
		{"backslash name", `entry "a\\b" contains a backslash (path traversal refused)`, zipOf(t, headerEntry, header, weightsEntry, string(weights), `a\b`, "x")},
		{"drive letter name", `entry "C:model.json" has a drive letter (path traversal refused)`, zipOf(t, headerEntry, header, weightsEntry, string(weights), "C:model.json", "x")},
		{"duplicate entry", `entry "model.json" appears twice`, zipOf(t, headerEntry, header, headerEntry, header, weightsEntry, string(weights))},
		{"wrong format", `format "other-tool" is not "latentstudio-model"`, edited(func(h map[string]any) { h["format"] = "other-tool" })},
		{"no format", `format "" is not "latentstudio-model"`, zipOf(t, headerEntry, "{}", weightsEntry, string(weights))},
		{"future version", "format version 99 is not supported (this build reads versions 1 to 2)", edited(func(h map[string]any) { h["version"] = 99 })},
		{"version 0", "format version 0 is not supported", edited(func(h map[string]any) { h["version"] = 0 })},
		{"wrong kind", `model kind "gan" is not supported here (want "autoencoder")`, edited(func(h map[string]any) { h["kind"] = "gan" })},
		{"bad json", "model.json: unexpected end of JSON input", zipOf(t, headerEntry, "{", weightsEntry, string(weights))},
		{"json of the wrong type", "model.json: json: cannot unmarshal string", edited(func(h map[string]any) { h["version"] = "2" })},
		{"huge header", "model.json is 2097152 bytes, more than the 1048576 allowed", zipOf(t, headerEntry, strings.Repeat(" ", 2<<20), weightsEntry, string(weights))},
		{"header zip bomb", "model.json claims to inflate", zipOf(t, headerEntry, strings.Repeat(" ", maxHeader), weightsEntry, string(weights))},
		{"no meta", "model.json has no meta (required from version 2)", edited(func(h map[string]any) { delete(h, "meta") })},
		{"meta of another app", `meta.app "other" is not "latentstudio"`, edited(func(h map[string]any) { h["meta"].(map[string]any)["app"] = "other" })},
		{"meta with a bad time", `meta.created "yesterday" is not an RFC 3339 time`, edited(func(h map[string]any) { h["meta"].(map[string]any)["created"] = "yesterday" })},
		{"meta miscounting", "meta.params is 7 but the tensor list holds " + itoa(nWeights) + " weights", edited(func(h map[string]any) { h["meta"].(map[string]any)["params"] = 7 })},
		{"invalid config", "config: layer 1 has 4000000000 units", edited(func(h map[string]any) { h["config"].(map[string]any)["layers"] = []int{4000000000} })},
		{"huge shape", `tensor 0 ("enc1.w") has shape [4000000000 4000000000]: more than the 200000000 values allowed`,
			tensorsEdited(func(l []tensorInfo) []tensorInfo { l[0].Shape = []int{4000000000, 4000000000}; return l })},
		{"huge total", "the tensor list holds more than the 200000000 values allowed", tensorsEdited(func(l []tensorInfo) []tensorInfo {
			for i := range l {
				l[i].Shape = []int{10000, 10000}
			}
			return l
		})},
		{"negative dimension", `tensor 1 ("enc1.b") has shape [-1 4]: dimensions must be positive`,
			tensorsEdited(func(l []tensorInfo) []tensorInfo { l[1].Shape = []int{-1, 4}; return l })},
		{"five dimensions", `tensor 0 ("enc1.w") has 5 dimensions; want 1 to 4`,
			tensorsEdited(func(l []tensorInfo) []tensorInfo { l[0].Shape = []int{1, 1, 1, 64, 4}; return l })},
		{"too many tensors", "file lists 2000 tensors, more than the 1024 allowed", tensorsEdited(func([]tensorInfo) []tensorInfo {
			return make([]tensorInfo, 2000)
		})},
		{"tensor missing", "file lists " + itoa(len(tensors)-1) + " tensors; the config's architecture has " + itoa(len(tensors)),
			tensorsEdited(func(l []tensorInfo) []tensorInfo { return l[:len(l)-1] })},
		{"tensor of another shape", "tensor 0 is enc1.w[64 5]; the config needs enc1.w[64 4]",
			tensorsEdited(func(l []tensorInfo) []tensorInfo { l[0].Shape = []int{64, 5}; return l })},
		{"tensor of another name", "tensor 1 is bias[1 4]; the config needs enc1.b[1 4]",
			tensorsEdited(func(l []tensorInfo) []tensorInfo { l[1].Name = "bias"; return l })},
		{"weights too short", needs(4), zipOf(t, headerEntry, header, weightsEntry, "abcd")},
		{"weights empty", needs(0), zipOf(t, headerEntry, header, weightsEntry, "")},
		{"weights too long", needs(len(weights) + 4), zipOf(t, headerEntry, header, weightsEntry, string(weights)+"abcd")},
		{"weights shorter than declared", "weights.bin is shorter than declared (truncated file?)", rawZip(t, h, func() rawEntry {
			e := deflated(weightsEntry, weights[:len(weights)/2])
			e.fh.UncompressedSize64 = uint64(len(weights))
			return e
		}())},
		{"weights longer than declared", "weights.bin is larger than declared", rawZip(t, h, func() rawEntry {
			e := deflated(weightsEntry, append(bytes.Clone(weights), 1, 2, 3, 4))
			e.fh.UncompressedSize64 = uint64(len(weights))
			return e
		}())},
		{"bad checksum", "weights.bin fails its checksum (corrupt file)", rawZip(t, h, func() rawEntry {
			e := deflated(weightsEntry, weights)
			e.fh.CRC32++
			return e
		}())},
		{"corrupt deflate data", "weights.bin: flate: corrupt input", rawZip(t, h, func() rawEntry {
			e := deflated(weightsEntry, weights)
			e.data = bytes.Repeat([]byte{0xff}, len(e.data))
			return e
		}())},
		{"zip bomb (declared)", "weights.bin claims to inflate", rawZip(t, h, func() rawEntry {
			e := deflated(weightsEntry, weights)
			e.fh.UncompressedSize64 = 1 << 40
			return e
		}())},
		{"zip bomb (real)", "more than 8x plus 64 KiB: refused as a zip bomb", rawZip(t, h, deflated(weightsEntry, make([]byte, 4<<20)))},
		{"entry past the end", "model.json declares 100000 bytes at offset", rawZip(t, func() rawEntry {
			h := h
			h.fh.CompressedSize64 = 100000
			return h
		}(), w)},
		{"bad local header", "weights.bin: bad local header", badLocal},
		{"unknown compression", "weights.bin uses compression method 12", rawZip(t, h, func() rawEntry {
			e := w
			e.fh.Method = 12
			return e
		}())},
		{"encrypted", "weights.bin is encrypted", rawZip(t, h, func() rawEntry {
			e := w
			e.fh.Flags |= 1
			return e
		}())},
		{"stored sizes disagree", "weights.bin is stored uncompressed but declares", rawZip(t, h, rawEntry{zip.FileHeader{Name: weightsEntry, Method: zip.Store,
			CRC32: crc32.ChecksumIEEE(weights), CompressedSize64: uint64(len(weights)), UncompressedSize64: uint64(len(weights)) * 2}, weights})},
		{"NaN weight", "tensor enc1.w holds a non-finite weight (NaN at index 5)", withWeight(5, float32(math.NaN()))},
		{"infinite weight", "tensor dec2.b holds a non-finite weight (+Inf at index 63)", withWeight(nWeights-1, float32(math.Inf(1)))},
	}
	return cases
}

func itoa(n int) string { return strconv.Itoa(n) }

// deflatedGzip is data gzipped: a compressed file that is no zip.
func deflatedGzip(data []byte) []byte {
	var buf bytes.Buffer
	gw := gzip.NewWriter(&buf)
	gw.Write(data)
	gw.Close()
	return buf.Bytes()
}

// TestLoadRefusesBadFiles: each hand-made bad file is refused with its own
// reason, by every reader, without a panic.
func TestLoadRefusesBadFiles(t *testing.T) {
	dir := t.TempDir()
	for _, c := range badFiles(t) {
		t.Run(c.name, func(t *testing.T) {
			_, err := Read(bytes.NewReader(c.data), int64(len(c.data)))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v\n\twant one containing %q", err, c.want)
			}
			t.Log(err)
			if _, err := ReadGAN(bytes.NewReader(c.data), int64(len(c.data))); err == nil {
				t.Error("loaded as a GAN")
			}
			if _, err := ReadClassifier(bytes.NewReader(c.data), int64(len(c.data))); err == nil {
				t.Error("loaded as a classifier")
			}
			// Through a file, the error names it.
			path := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "-")+".lsm")
			os.WriteFile(path, c.data, 0o644)
			if _, err := Load(path); err == nil || !strings.Contains(err.Error(), "model "+path+": ") || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Load says %v", err)
			}
		})
	}
	if _, err := Load(filepath.Join(dir, "missing.lsm")); err == nil || !strings.Contains(err.Error(), "open model") {
		t.Errorf("a missing file: %v", err)
	}
}

// readAllocs is the most bytes a reader allocates reading data.
func readAllocs(data []byte) (most uint64) {
	for _, read := range fileReaders {
		before := heapAllocs()
		read(data)
		most = max(most, heapAllocs()-before)
	}
	return most
}

// fileReaders read a model file with each kind's reader.
var fileReaders = []func([]byte) error{
	func(b []byte) error { _, err := Read(bytes.NewReader(b), int64(len(b))); return err },
	func(b []byte) error { _, err := ReadGAN(bytes.NewReader(b), int64(len(b))); return err },
	func(b []byte) error { _, err := ReadClassifier(bytes.NewReader(b), int64(len(b))); return err },
	func(b []byte) error { _, err := ReadFileInfo(bytes.NewReader(b), int64(len(b))); return err },
}

// allocBound is the most a loader may allocate for a file of size n: the
// weights at most bombRatio times the file plus bombSlack; the header at
// most headerBombRatio times the file plus bombSlack, and maxHeader, which
// decoding JSON into slices may turn into up to about 70 times as much
// (`{},` is 3 bytes, a tensorInfo 40, and append grows slices 1.25x at a
// time); and some MiB for the zip reader and buffers.
func allocBound(n int) uint64 {
	header := min(maxHeader, headerBombRatio*uint64(n)+bombSlack)
	return bombRatio*uint64(n) + bombSlack + 80*header + 4<<20
}

// TestLoadAllocationIsBounded: small files whose header inflates to the
// limit with what costs the JSON decoder most stay within allocBound, and
// so does a good file.
func TestLoadAllocationIsBounded(t *testing.T) {
	fill := func(size int, prefix, item, suffix string) []byte {
		n := (size - len(prefix) - len(suffix)) / len(item)
		header := []byte(prefix + strings.TrimSuffix(strings.Repeat(item, n), ",") + suffix)
		h := deflated(headerEntry, header)
		if size > bombSlack { // stored, or it would be refused as a zip bomb
			h = rawEntry{zip.FileHeader{Name: headerEntry, Method: zip.Store, CRC32: crc32.ChecksumIEEE(header),
				CompressedSize64: uint64(len(header)), UncompressedSize64: uint64(len(header))}, header}
		}
		return rawZip(t, h, deflated(weightsEntry, nil))
	}
	id := `{"format":"latentstudio-model","version":2,"kind":"autoencoder",`
	good, _, _ := goodParts(t)
	files := map[string][]byte{"good file": good}
	for _, size := range []int{bombSlack, maxHeader} {
		for name, data := range map[string][]byte{
			"tensors": fill(size, id+`"tensors":[`, `{},`, `]}`),
			"shapes":  fill(size, id+`"tensors":[{"shape":[`, `1,`, `]}]}`),
			"layers":  fill(size, id+`"config":{"layers":[`, `1,`, `]}}`),
			"noise":   fill(size, id+`"config":{"noise":[`, `{},`, `]}}`),
			"strings": fill(size, id+`"config":{"task":"`, `\u0041`, `"}}`),
		} {
			if size == bombSlack || name == "tensors" || name == "noise" {
				files[fmt.Sprintf("%s (%d KiB header)", name, size>>10)] = data
			}
		}
	}
	for name, data := range files {
		got := readAllocs(data)
		t.Logf("%s: %d-byte file, %.1f MiB allocated (bound %.0f MiB)", name, len(data), float64(got)/(1<<20), float64(allocBound(len(data)))/(1<<20))
		if got > allocBound(len(data)) {
			t.Errorf("%s: reading a %d-byte file allocated %d bytes, more than %d", name, len(data), got, allocBound(len(data)))
		}
	}
}
