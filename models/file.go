package models

import (
	"archive/zip"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strings"
	"time"

	"gorgonia.org/tensor"

	"latentstudio/imageops"
)

// The native model file (.lsm) is a zip archive of exactly two entries:
//
//	model.json   the header: format, version, kind, config, history, the
//	             list of weight tensors (name, shape) in storage order and,
//	             from version 2, meta (app, creation time, parameter count)
//	weights.bin  the tensors' float32 values, little-endian, row-major,
//	             concatenated in the order of the list
//
// docs/model-format.md describes it in full. Read validates everything it
// can before it allocates weights: the magic, the zip structure, entry names
// (no path traversal) and sizes against the file, compression ratios (no zip
// bombs), format, version and kind, the tensor list against the limits, the
// config, and that the tensor list is exactly what the config's
// architecture needs. Weights are decoded straight from the zip entry into
// the tensors, refusing non-finite values.
const (
	FileFormat  = "latentstudio-model"
	FileVersion = 2 // the version Save writes; Read also reads version 1
	FileExt     = ".lsm"
	FileApp     = "latentstudio" // meta.app of the files Save writes

	fileMagic    = "PK\x03\x04" // a zip archive's first local file header
	headerEntry  = "model.json"
	weightsEntry = "weights.bin"
	maxHeader    = 1 << 20
	maxTensors   = 1024
	// An entry may inflate to at most its ratio times its compressed size
	// plus bombSlack, so that a small file can never make the loader
	// allocate much. Trained float32 weights barely compress (the shipped
	// models' to about 93%) and headers only some (to 20-30%): a file that
	// claims more is a zip bomb.
	bombRatio       = 8
	headerBombRatio = 32
	bombSlack       = 64 << 10
)

// fileHeader is model.json. C is the config of the file's kind of model
// (Config for autoencoders, GANConfig for GANs, ClassifierConfig for
// classifiers), H its history.
type fileHeader[C modelConfig, H any] struct {
	Format  string       `json:"format"`
	Version int          `json:"version"`
	Kind    string       `json:"kind"`
	Meta    *FileMeta    `json:"meta,omitempty"` // version 2 on
	Config  C            `json:"config"`
	History H            `json:"history"`
	Tensors []tensorInfo `json:"tensors"`
}

// FileMeta is what version 2 adds to model.json: which program wrote the
// file, when, and how many weights it holds.
type FileMeta struct {
	App     string `json:"app"`     // "latentstudio"
	Created string `json:"created"` // RFC 3339, UTC
	Params  int    `json:"params"`  // the number of float32 weights
}

// modelConfig is what the file format needs of a config.
type modelConfig interface {
	Validate() error
	paramShapes() []paramShape
}

type tensorInfo struct {
	Name  string `json:"name"`
	Shape []int  `json:"shape"`
}

const kindAutoencoder = "autoencoder"

// Save writes the model to path atomically: a crash leaves either the old
// file or the new one, never half of one.
func (a *Autoencoder) Save(path string) error {
	return saveModel(path, kindAutoencoder, a.cfg, a.History, a.params)
}

// saveModel writes a model file of the kind, config, history and float32
// weights (in cfg.paramShapes() order) to path atomically.
func saveModel[C modelConfig, H any](path, kind string, cfg C, history H, params []*tensor.Dense) error {
	h := fileHeader[C, H]{Format: FileFormat, Version: FileVersion, Kind: kind, Config: cfg, History: history}
	total := 0
	for _, s := range cfg.paramShapes() {
		h.Tensors = append(h.Tensors, tensorInfo{s.name, s.shape})
		total += product(s.shape)
	}
	h.Meta = &FileMeta{App: FileApp, Created: time.Now().UTC().Format(time.RFC3339), Params: total}
	return imageops.WriteAtomic(path, func(f io.Writer) error {
		zw := zip.NewWriter(f)
		w, err := zw.Create(headerEntry)
		if err != nil {
			return err
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if err := enc.Encode(h); err != nil {
			return err
		}
		if w, err = zw.Create(weightsEntry); err != nil {
			return err
		}
		var buf [4096]byte
		for _, p := range params {
			vals := p.Data().([]float32)
			for len(vals) > 0 {
				n := min(len(vals), len(buf)/4)
				for i, v := range vals[:n] {
					binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(v))
				}
				if _, err := w.Write(buf[:4*n]); err != nil {
					return err
				}
				vals = vals[n:]
			}
		}
		return zw.Close()
	})
}

// Load reads and validates a model file.
func Load(path string) (*Autoencoder, error) {
	return loadFile(path, Read)
}

// loadFile opens path and decodes it with read, naming the file in errors.
func loadFile[M any](path string, read func(io.ReaderAt, int64) (M, error)) (M, error) {
	var zero M
	f, err := os.Open(path)
	if err != nil {
		return zero, fmt.Errorf("open model: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return zero, fmt.Errorf("open model: %w", err)
	}
	m, err := read(f, st.Size())
	if err != nil {
		return zero, fmt.Errorf("model %s: %w", path, err)
	}
	return m, nil
}

// Read decodes a model file of the given size.
func Read(r io.ReaderAt, size int64) (*Autoencoder, error) {
	h, params, err := readModel[Config, History](r, size, kindAutoencoder)
	if err != nil {
		return nil, err
	}
	ae := newAutoencoder(h.Config, params)
	ae.History = h.History
	return ae, nil
}

// FileInfo is what a model file's header says of it, read without its
// weights.
type FileInfo struct {
	Format  string
	Version int
	Kind    string    // "autoencoder", "gan" or "classifier"
	Meta    *FileMeta // nil for version 1
	Params  int       // the weights the tensor list declares
}

// ReadFileInfo checks a model file of any kind as far as its header (magic,
// archive, format, version, tensor list, meta) and says what it holds. It
// does not read the weights or validate the config: Read, ReadGAN or
// ReadClassifier do.
func ReadFileInfo(r io.ReaderAt, size int64) (*FileInfo, error) {
	raw, _, err := openArchive(r, size, "")
	if err != nil {
		return nil, err
	}
	h, total, err := decodeHeader[anyConfig, json.RawMessage](raw)
	if err != nil {
		return nil, err
	}
	return &FileInfo{Format: h.Format, Version: h.Version, Kind: h.Kind, Meta: h.Meta, Params: total}, nil
}

// InspectFile is ReadFileInfo on a file.
func InspectFile(path string) (*FileInfo, error) { return loadFile(path, ReadFileInfo) }

// anyConfig stands for a config ReadFileInfo does not look into.
type anyConfig struct{}

func (anyConfig) Validate() error           { return nil }
func (anyConfig) paramShapes() []paramShape { return nil }

// readModel decodes a model file of the kind: its header, whose tensor
// list and config it validates, then the weights that config needs.
func readModel[C modelConfig, H any](r io.ReaderAt, size int64, kind string) (*fileHeader[C, H], []*tensor.Dense, error) {
	raw, wz, err := openArchive(r, size, kind)
	if err != nil {
		return nil, nil, err
	}
	h, _, err := decodeHeader[C, H](raw)
	if err != nil {
		return nil, nil, err
	}
	if err := h.Config.Validate(); err != nil {
		return nil, nil, fmt.Errorf("config: %w", err)
	}
	params, err := readWeights(wz, h.Tensors, h.Config.paramShapes())
	if err != nil {
		return nil, nil, err
	}
	return h, params, nil
}

// decodeHeader decodes model.json and checks its tensor list against the
// limits and its meta against the list; it returns the header and the
// number of weights the list declares.
func decodeHeader[C modelConfig, H any](raw []byte) (*fileHeader[C, H], int, error) {
	var h fileHeader[C, H]
	if err := json.Unmarshal(raw, &h); err != nil {
		return nil, 0, fmt.Errorf("%s: %w", headerEntry, err)
	}
	total, err := checkTensorList(h.Tensors)
	if err != nil {
		return nil, 0, err
	}
	if err := checkMeta(h.Version, h.Meta, total); err != nil {
		return nil, 0, err
	}
	return &h, total, nil
}

// openArchive checks the magic and zip structure of a model file, its
// entries' names and sizes, and the format, version and kind its header
// names (any kind when kind is ""). It returns the header, still to be
// decoded, and the weights entry, still unread.
func openArchive(r io.ReaderAt, size int64, kind string) ([]byte, *zip.File, error) {
	if size <= 0 {
		return nil, nil, errors.New("not a Latent Studio model file (the file is empty)")
	}
	magic := make([]byte, min(size, int64(len(fileMagic))))
	if _, err := r.ReadAt(magic, 0); err != nil && !errors.Is(err, io.EOF) {
		return nil, nil, fmt.Errorf("read model: %w", err)
	}
	if string(magic) != fileMagic {
		return nil, nil, fmt.Errorf("not a Latent Studio model file (wrong magic %q: not a zip archive, which starts %q)", magic, fileMagic)
	}
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) { // names are checked below
		return nil, nil, fmt.Errorf("not a Latent Studio model file (truncated, or not a zip archive: %v)", err)
	}
	entries := map[string]*zip.File{}
	for _, zf := range zr.File {
		if err := checkEntryName(zf.Name); err != nil {
			return nil, nil, err
		}
		if entries[zf.Name] != nil {
			return nil, nil, fmt.Errorf("entry %q appears twice in the archive", zf.Name)
		}
		entries[zf.Name] = zf
	}
	hz, wz := entries[headerEntry], entries[weightsEntry]
	for _, e := range []struct {
		zf   *zip.File
		name string
	}{{hz, headerEntry}, {wz, weightsEntry}} {
		if e.zf == nil {
			return nil, nil, fmt.Errorf("not a Latent Studio model file (needs %s and %s; %s is missing)", headerEntry, weightsEntry, e.name)
		}
		if err := checkEntrySize(e.zf, size); err != nil {
			return nil, nil, err
		}
	}
	if hz.UncompressedSize64 > maxHeader {
		return nil, nil, fmt.Errorf("%s is %d bytes, more than the %d allowed", headerEntry, hz.UncompressedSize64, maxHeader)
	}
	if err := checkRatio(hz, headerBombRatio); err != nil {
		return nil, nil, err
	}
	if err := checkRatio(wz, bombRatio); err != nil {
		return nil, nil, err
	}
	raw, err := readEntry(hz)
	if err != nil {
		return nil, nil, err
	}
	var id struct {
		Format  string `json:"format"`
		Version int    `json:"version"`
		Kind    string `json:"kind"`
	}
	if err := json.Unmarshal(raw, &id); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", headerEntry, err)
	}
	if id.Format != FileFormat {
		return nil, nil, fmt.Errorf("format %q is not %q", id.Format, FileFormat)
	}
	if id.Version < 1 || id.Version > FileVersion {
		return nil, nil, fmt.Errorf("format version %d is not supported (this build reads versions 1 to %d)", id.Version, FileVersion)
	}
	if kind != "" && id.Kind != kind {
		return nil, nil, fmt.Errorf("model kind %q is not supported here (want %q)", id.Kind, kind)
	}
	return raw, wz, nil
}

// checkEntryName refuses any archive entry but the two a model file holds,
// naming path traversal when the name attempts it. Nothing is ever
// extracted to disk, but such a file was not written by Latent Studio.
func checkEntryName(name string) error {
	switch {
	case name == headerEntry || name == weightsEntry:
		return nil
	case strings.HasPrefix(name, "/"):
		return fmt.Errorf("entry %q has an absolute path (path traversal refused)", name)
	case strings.Contains(name, ".."):
		return fmt.Errorf("entry %q contains \"..\" (path traversal refused)", name)
	case strings.Contains(name, `\`):
		return fmt.Errorf("entry %q contains a backslash (path traversal refused)", name)
	case len(name) >= 2 && name[1] == ':':
		return fmt.Errorf("entry %q has a drive letter (path traversal refused)", name)
	}
	return fmt.Errorf("unexpected entry %q in the archive (a model file holds only %s and %s)", name, headerEntry, weightsEntry)
}

// checkEntrySize checks that an entry's compression method is one this
// reader knows and that its data lies inside the file.
func checkEntrySize(zf *zip.File, size int64) error {
	switch {
	case zf.Flags&0x1 != 0:
		return fmt.Errorf("%s is encrypted", zf.Name)
	case zf.Method == zip.Store:
		if zf.CompressedSize64 != zf.UncompressedSize64 {
			return fmt.Errorf("%s is stored uncompressed but declares %d bytes stored for %d (corrupt file)", zf.Name, zf.CompressedSize64, zf.UncompressedSize64)
		}
	case zf.Method == zip.Deflate:
	default:
		return fmt.Errorf("%s uses compression method %d; a model file uses only store (0) or deflate (8)", zf.Name, zf.Method)
	}
	off, err := zf.DataOffset()
	if err != nil {
		return fmt.Errorf("%s: bad local header (truncated file?): %v", zf.Name, err)
	}
	if zf.CompressedSize64 > uint64(size) || uint64(off) > uint64(size)-zf.CompressedSize64 {
		return fmt.Errorf("%s declares %d bytes at offset %d, past the end of the %d-byte file (truncated file?)", zf.Name, zf.CompressedSize64, off, size)
	}
	return nil
}

// checkRatio refuses an entry that claims to inflate to more than ratio
// times its compressed size plus bombSlack. The compressed size is known to
// lie within the file, so this bounds what the entry can make the loader
// allocate by a multiple of the file's size.
func checkRatio(zf *zip.File, ratio uint64) error {
	if zf.UncompressedSize64 > ratio*zf.CompressedSize64+bombSlack {
		return fmt.Errorf("%s claims to inflate %d bytes to %d, more than %dx plus %d KiB: refused as a zip bomb",
			zf.Name, zf.CompressedSize64, zf.UncompressedSize64, ratio, bombSlack>>10)
	}
	return nil
}

// checkTensorList checks the file's tensor list against the limits, so
// that no shape in it can ask for absurd memory, and gives its total.
func checkTensorList(list []tensorInfo) (int, error) {
	if len(list) > maxTensors {
		return 0, fmt.Errorf("file lists %d tensors, more than the %d allowed", len(list), maxTensors)
	}
	total := 0
	for i, t := range list {
		if len(t.Shape) < 1 || len(t.Shape) > 4 {
			return 0, fmt.Errorf("tensor %d (%q) has %d dimensions; want 1 to 4", i, t.Name, len(t.Shape))
		}
		n := 1
		for _, d := range t.Shape {
			if d < 1 {
				return 0, fmt.Errorf("tensor %d (%q) has shape %v: dimensions must be positive", i, t.Name, t.Shape)
			}
			if n > MaxParams/d {
				return 0, fmt.Errorf("tensor %d (%q) has shape %v: more than the %d values allowed", i, t.Name, t.Shape, MaxParams)
			}
			n *= d
		}
		if total += n; total > MaxParams {
			return 0, fmt.Errorf("the tensor list holds more than the %d values allowed", MaxParams)
		}
	}
	return total, nil
}

// checkMeta checks version 2's meta: present, written by Latent Studio at a
// valid time, and counting the weights the tensor list declares. Version 1
// has none; anything there is ignored.
func checkMeta(version int, m *FileMeta, total int) error {
	if version < 2 {
		return nil
	}
	switch {
	case m == nil:
		return fmt.Errorf("%s has no meta (required from version 2)", headerEntry)
	case m.App != FileApp:
		return fmt.Errorf("meta.app %q is not %q", m.App, FileApp)
	case m.Params != total:
		return fmt.Errorf("meta.params is %d but the tensor list holds %d weights", m.Params, total)
	}
	if _, err := time.Parse(time.RFC3339, m.Created); err != nil {
		return fmt.Errorf("meta.created %q is not an RFC 3339 time", m.Created)
	}
	return nil
}

// readWeights checks that the file's tensor list is exactly what the
// config needs and that the weights entry has their size, then decodes the
// entry straight into the tensors, refusing non-finite values.
func readWeights(wz *zip.File, listed []tensorInfo, shapes []paramShape) ([]*tensor.Dense, error) {
	if len(listed) != len(shapes) {
		return nil, fmt.Errorf("file lists %d tensors; the config's architecture has %d", len(listed), len(shapes))
	}
	total := 0
	for i, s := range shapes {
		if listed[i].Name != s.name || !slices.Equal(listed[i].Shape, s.shape) {
			return nil, fmt.Errorf("tensor %d is %s%v; the config needs %s%v", i, listed[i].Name, listed[i].Shape, s.name, s.shape)
		}
		total += product(s.shape)
	}
	if want := uint64(total) * 4; wz.UncompressedSize64 != want {
		return nil, fmt.Errorf("%s holds %d bytes; %d weights need %d", weightsEntry, wz.UncompressedSize64, total, want)
	}
	rc, err := wz.Open()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", weightsEntry, err)
	}
	defer rc.Close()
	buf := make([]byte, 32<<10)
	params := make([]*tensor.Dense, len(shapes))
	for i, s := range shapes {
		vals := make([]float32, product(s.shape))
		for j := 0; j < len(vals); {
			n := min(len(vals)-j, len(buf)/4)
			if _, err := io.ReadFull(rc, buf[:4*n]); err != nil {
				return nil, entryError(wz, err)
			}
			for k := range n {
				v := math.Float32frombits(binary.LittleEndian.Uint32(buf[4*k:]))
				if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
					return nil, fmt.Errorf("tensor %s holds a non-finite weight (%v at index %d)", s.name, v, j+k)
				}
				vals[j+k] = v
			}
			j += n
		}
		params[i] = tensor.New(tensor.WithShape(s.shape...), tensor.WithBacking(vals))
	}
	if err := expectEnd(wz, rc); err != nil {
		return nil, err
	}
	return params, nil
}

// readEntry reads a whole zip entry of its declared size, which the caller
// has bounded, and checks its checksum.
func readEntry(zf *zip.File) ([]byte, error) {
	rc, err := zf.Open()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", zf.Name, err)
	}
	defer rc.Close()
	data := make([]byte, zf.UncompressedSize64)
	if _, err := io.ReadFull(rc, data); err != nil {
		return nil, entryError(zf, err)
	}
	if err := expectEnd(zf, rc); err != nil {
		return nil, err
	}
	return data, nil
}

// expectEnd checks that an entry, read up to its declared size, ends there;
// reaching the end also checks its CRC-32.
func expectEnd(zf *zip.File, rc io.Reader) error {
	var one [1]byte
	n, err := rc.Read(one[:])
	if n > 0 || err == nil {
		return fmt.Errorf("%s is larger than declared (corrupt file)", zf.Name)
	}
	if err != io.EOF {
		return entryError(zf, err)
	}
	return nil
}

// entryError explains an error reading an entry's data.
func entryError(zf *zip.File, err error) error {
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%s is shorter than declared (truncated file?)", zf.Name)
	case errors.Is(err, zip.ErrChecksum):
		return fmt.Errorf("%s fails its checksum (corrupt file)", zf.Name)
	case errors.Is(err, zip.ErrFormat):
		return fmt.Errorf("%s is larger than declared or malformed (corrupt file)", zf.Name)
	}
	return fmt.Errorf("%s: %v (corrupt file)", zf.Name, err)
}
