package models

import (
	"os"
	"path/filepath"
	"runtime/metrics"
	"testing"
)

// FuzzRead feeds the model loader arbitrary bytes through every reader
// (autoencoder, GAN, classifier, file info). None may panic, and none may
// allocate more than 1 GiB, nor more than allocBound allows for a file of
// that size. Seeded with a good file of each kind, the version-1 files of
// testdata and the hand-made bad files of TestLoadRefusesBadFiles, so
// plain go test runs them all as a test; go test -fuzz FuzzRead mutates
// them.
func FuzzRead(f *testing.F) {
	dir := f.TempDir()
	save := func(name string, save func(string) error) {
		path := filepath.Join(dir, name)
		if err := save(path); err != nil {
			f.Fatal(err)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	save("dense.lsm", testModel(f, ArchDense).Save)
	save("conv.lsm", testModel(f, ArchConv).Save)
	for _, arch := range []string{GANArchMLP, GANArchDCGAN} {
		cfg := GANConfig{Arch: arch, Latent: 3, Width: 4, Height: 4, Channels: 1, GLayers: []int{5}, DLayers: []int{4},
			Output: GANOutTanh, Slope: 0.2, Seed: 3}
		if arch == GANArchDCGAN {
			cfg.GLayers, cfg.DLayers, cfg.BatchNorm = []int{2}, []int{2}, true
		}
		m, err := NewGAN(cfg)
		if err != nil {
			f.Fatal(err)
		}
		save("gan-"+arch+".lsm", m.Save)
	}
	c, err := NewClassifier(ClassifierConfig{Arch: ArchDense, Width: 4, Height: 4, Channels: 1, Layers: []int{3}, Feature: 2,
		Classes: []string{"a", "b"}, Seed: 4})
	if err != nil {
		f.Fatal(err)
	}
	save("classifier.lsm", c.Save)
	v1, _ := filepath.Glob("testdata/v1-*.lsm")
	for _, path := range v1 {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	// The bad files of a MiB or more (a huge header, zip bombs) stay in the
	// table test: as fuzz seeds their every mutation costs megabytes.
	for _, bad := range badFiles(f) {
		if len(bad.data) < 1<<16 {
			f.Add(bad.data)
		}
	}

	f.Fuzz(func(t *testing.T, data []byte) {
		for i, read := range fileReaders {
			before := heapAllocs()
			err := read(data)
			alloc := heapAllocs() - before
			if alloc > 1<<30 {
				t.Fatalf("reader %d allocated %d bytes (more than 1 GiB) for a %d-byte file (error %v)", i, alloc, len(data), err)
			}
			if alloc > allocBound(len(data)) {
				t.Fatalf("reader %d allocated %d bytes for a %d-byte file, more than the bound %d (error %v)", i, alloc, len(data), allocBound(len(data)), err)
			}
		}
	})
}

// heapAllocs is the bytes allocated on the heap so far (like
// MemStats.TotalAlloc, without stopping the world).
func heapAllocs() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}
