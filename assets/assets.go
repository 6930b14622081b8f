// Package assets embeds what the studio ships with: the sample dataset (the
// first 4,000 MNIST training digits, IDX format) and the application icon.
package assets

import (
	"bytes"
	_ "embed"
	"io"
)

//go:embed sample-images-idx3-ubyte.gz
var sampleImages []byte

//go:embed sample-labels-idx1-ubyte.gz
var sampleLabels []byte

// SampleName names the embedded sample in file lists and reports.
const SampleName = "embedded MNIST sample (4,000 digits)"

// SampleMNIST returns readers over the embedded sample's IDX images and
// labels (both gzip-compressed).
func SampleMNIST() (images, labels io.Reader) {
	return bytes.NewReader(sampleImages), bytes.NewReader(sampleLabels)
}

//go:embed icon.png
var icon []byte

// Icon is the application icon (PNG, 256x256): an encoder narrowing to a
// code and a decoder widening back.
func Icon() []byte { return icon }
