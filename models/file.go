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

type fileHeader struct {
	Format  string       `json:"format"`
	Version int          `json:"version"`
	Kind    string       `json:"kind"`
	Config  Config       `json:"config"`
	History History      `json:"history"`
	Tensors []tensorInfo `json:"tensors"`
}

type tensorInfo struct {
	Name  string `json:"name"`
	Shape []int  `json:"shape"`
}

const kindAutoencoder = "autoencoder"

// Save writes the model to path atomically: a crash leaves either the old
// file or the new one, never half of one.
func (a *Autoencoder) Save(path string) error {
	h := fileHeader{Format: FileFormat, Version: FileVersion, Kind: kindAutoencoder, Config: a.cfg, History: a.History}
	for _, s := range a.cfg.paramShapes() {
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
	for _, p := range a.params {
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
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open model: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("open model: %w", err)
	}
	ae, err := Read(f, st.Size())
	if err != nil {
		return nil, fmt.Errorf("model %s: %w", path, err)
	}
	return ae, nil
}

// Read decodes a model file of the given size.
func Read(r io.ReaderAt, size int64) (*Autoencoder, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("not a Latent Studio model file (not a zip archive: %v)", err)
	}
	entries := map[string]*zip.File{}
	for _, zf := range zr.File {
		if zf.Name != headerEntry && zf.Name != weightsEntry {
			return nil, fmt.Errorf("unexpected entry %q in the archive", zf.Name)
		}
		if entries[zf.Name] != nil {
			return nil, fmt.Errorf("entry %q appears twice", zf.Name)
		}
		entries[zf.Name] = zf
	}
	hz, wz := entries[headerEntry], entries[weightsEntry]
	if hz == nil || wz == nil {
		return nil, fmt.Errorf("not a Latent Studio model file (needs %s and %s)", headerEntry, weightsEntry)
	}
	if hz.UncompressedSize64 > maxHeader {
		return nil, fmt.Errorf("%s is %d bytes, more than the %d allowed", headerEntry, hz.UncompressedSize64, maxHeader)
	}
	raw, err := readEntry(hz, maxHeader)
	if err != nil {
		return nil, err
	}
	var h fileHeader
	if err := json.Unmarshal(raw, &h); err != nil {
		return nil, fmt.Errorf("%s: %w", headerEntry, err)
	}
	if h.Format != FileFormat {
		return nil, fmt.Errorf("format %q is not %q", h.Format, FileFormat)
	}
	if h.Version < 1 || h.Version > FileVersion {
		return nil, fmt.Errorf("format version %d is not supported (this build reads 1..%d)", h.Version, FileVersion)
	}
	if h.Kind != kindAutoencoder {
		return nil, fmt.Errorf("model kind %q is not supported", h.Kind)
	}
	if err := h.Config.Validate(); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	shapes := h.Config.paramShapes()
	if len(h.Tensors) != len(shapes) {
		return nil, fmt.Errorf("file lists %d tensors; the config's architecture has %d", len(h.Tensors), len(shapes))
	}
	total := 0
	for i, s := range shapes {
		if h.Tensors[i].Name != s.name || !slices.Equal(h.Tensors[i].Shape, s.shape) {
			return nil, fmt.Errorf("tensor %d is %s%v; the config needs %s%v", i, h.Tensors[i].Name, h.Tensors[i].Shape, s.name, s.shape)
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
	ae := newAutoencoder(h.Config, params)
	ae.History = h.History
	return ae, nil
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
