package models

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"

	"gorgonia.org/tensor"
)

// The native model file (.lsm) is a zip archive of two entries:
//
//	model.json   the header: format, version, kind, config, history and
//	             the list of weight tensors (name, shape) in storage order
//	weights.bin  the tensors' float32 values, little-endian, concatenated
//
// Load validates everything it can before allocating weights: the zip
// structure, entry names and sizes, format and version, the config, and that
// the tensor list is exactly what the config's architecture needs.
const (
	FileFormat  = "latentstudio-model"
	FileVersion = 1
	FileExt     = ".lsm"

	headerEntry  = "model.json"
	weightsEntry = "weights.bin"
	maxHeader    = 1 << 20
)

// fileHeader is model.json. C is the config of the file's kind of model
// (Config for autoencoders, GANConfig for GANs), H its history.
type fileHeader[C modelConfig, H any] struct {
	Format  string       `json:"format"`
	Version int          `json:"version"`
	Kind    string       `json:"kind"`
	Config  C            `json:"config"`
	History H            `json:"history"`
	Tensors []tensorInfo `json:"tensors"`
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
	for _, s := range cfg.paramShapes() {
		h.Tensors = append(h.Tensors, tensorInfo{s.name, s.shape})
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create(headerEntry)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(h); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	if w, err = zw.Create(weightsEntry); err != nil {
		return err
	}
	for _, p := range params {
		if err := binary.Write(w, binary.LittleEndian, p.Data().([]float32)); err != nil {
			return fmt.Errorf("save %s: %w", path, err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	return writeFileAtomic(path, buf.Bytes())
}

// writeFileAtomic writes data to a temporary file beside path, syncs it and
// renames it over path.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	tmp := f.Name()
	defer os.Remove(tmp) // a no-op once renamed
	if _, err = f.Write(data); err == nil {
		err = f.Chmod(0o644) // CreateTemp makes 0600; a model is no secret
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	return nil
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

// readModel decodes a model file of the kind: its header, whose config it
// validates, then the weights that config needs.
func readModel[C modelConfig, H any](r io.ReaderAt, size int64, kind string) (*fileHeader[C, H], []*tensor.Dense, error) {
	raw, wz, err := openArchive(r, size, kind)
	if err != nil {
		return nil, nil, err
	}
	var h fileHeader[C, H]
	if err := json.Unmarshal(raw, &h); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", headerEntry, err)
	}
	if err := h.Config.Validate(); err != nil {
		return nil, nil, fmt.Errorf("config: %w", err)
	}
	params, err := readWeights(wz, h.Tensors, h.Config.paramShapes())
	if err != nil {
		return nil, nil, err
	}
	return &h, params, nil
}

// openArchive checks the zip structure of a model file and the format,
// version and kind its header names. It returns the header, still to be
// decoded, and the weights entry, still unread.
func openArchive(r io.ReaderAt, size int64, kind string) ([]byte, *zip.File, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, nil, fmt.Errorf("not a Latent Studio model file (not a zip archive: %v)", err)
	}
	entries := map[string]*zip.File{}
	for _, zf := range zr.File {
		if zf.Name != headerEntry && zf.Name != weightsEntry {
			return nil, nil, fmt.Errorf("unexpected entry %q in the archive", zf.Name)
		}
		if entries[zf.Name] != nil {
			return nil, nil, fmt.Errorf("entry %q appears twice", zf.Name)
		}
		entries[zf.Name] = zf
	}
	hz, wz := entries[headerEntry], entries[weightsEntry]
	if hz == nil || wz == nil {
		return nil, nil, fmt.Errorf("not a Latent Studio model file (needs %s and %s)", headerEntry, weightsEntry)
	}
	if hz.UncompressedSize64 > maxHeader {
		return nil, nil, fmt.Errorf("%s is %d bytes, more than the %d allowed", headerEntry, hz.UncompressedSize64, maxHeader)
	}
	raw, err := readEntry(hz, maxHeader)
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
		return nil, nil, fmt.Errorf("format version %d is not supported (this build reads 1..%d)", id.Version, FileVersion)
	}
	if id.Kind != kind {
		return nil, nil, fmt.Errorf("model kind %q is not supported here (want %q)", id.Kind, kind)
	}
	return raw, wz, nil
}

// readWeights checks that the file's tensor list is exactly what the
// config needs and that the weights entry has their size, then reads them,
// refusing non-finite values.
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
	data, err := readEntry(wz, int64(total)*4)
	if err != nil {
		return nil, err
	}
	params := make([]*tensor.Dense, len(shapes))
	off := 0
	for i, s := range shapes {
		vals := make([]float32, product(s.shape))
		for j := range vals {
			v := math.Float32frombits(binary.LittleEndian.Uint32(data[off:]))
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return nil, fmt.Errorf("tensor %s holds a non-finite weight (%v)", s.name, v)
			}
			vals[j] = v
			off += 4
		}
		params[i] = tensor.New(tensor.WithShape(s.shape...), tensor.WithBacking(vals))
	}
	return params, nil
}

// readEntry reads a whole zip entry, refusing more than limit bytes whatever
// its header claims.
func readEntry(zf *zip.File, limit int64) ([]byte, error) {
	rc, err := zf.Open()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", zf.Name, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", zf.Name, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s is larger than declared", zf.Name)
	}
	if uint64(len(data)) != zf.UncompressedSize64 {
		return nil, errors.New(zf.Name + " is shorter than declared (truncated file?)")
	}
	return data, nil
}
