package imageops

import (
	"fmt"
	"runtime"
)

// Defaults used when the corresponding Options field is 0.
const (
	DefaultMaxPixels = 40_000_000
	DefaultMinSide   = 4
)

// Options controls how images are loaded and converted.
type Options struct {
	// Width and Height are the target size. 0,0 keeps the native size, which
	// is only allowed when every image has the same size (as in IDX files).
	Width, Height int

	Gray bool // 1 channel (BT.601 luminance) instead of 3 (RGB)

	Limit   int // maximum number of images; 0 loads all
	Workers int // decoding goroutines; 0 means runtime.NumCPU()

	// Progress, when set, is called with the number of files handled so far.
	// Calls never overlap, come at most about 20 times a second, and the
	// last call reports the final count.
	Progress func(done, total int)

	// OnDecoded, when set, is called for each image of a folder as soon as
	// it is decoded, from the decoding goroutines (several at once, in no
	// particular order), so a viewer can show images before the load ends.
	// values (C×H×W) are valid only during the call.
	OnDecoded func(values []float32)

	// MaxPixels refuses images whose declared width*height is larger, before
	// any pixel is decoded. 0 means DefaultMaxPixels.
	MaxPixels int
	// MinSide skips images narrower or shorter than this. 0 means DefaultMinSide.
	MinSide int
}

// normalized fills in defaults and rejects contradictory settings.
func (o Options) normalized() (Options, error) {
	if o.Width < 0 || o.Height < 0 || (o.Width == 0) != (o.Height == 0) {
		return o, fmt.Errorf("invalid target size %dx%d: width and height must both be positive, or both 0 for the native size", o.Width, o.Height)
	}
	if o.Limit < 0 {
		return o, fmt.Errorf("invalid image limit %d", o.Limit)
	}
	if o.Workers <= 0 {
		o.Workers = runtime.NumCPU()
	}
	if o.MaxPixels <= 0 {
		o.MaxPixels = DefaultMaxPixels
	}
	if o.MinSide <= 0 {
		o.MinSide = DefaultMinSide
	}
	return o, nil
}

// Channels is the number of channels images load with: 1 gray, 3 RGB.
func (o Options) Channels() int {
	if o.Gray {
		return 1
	}
	return 3
}

// nativeSize reports whether images keep their own size.
func (o Options) nativeSize() bool { return o.Width == 0 && o.Height == 0 }
