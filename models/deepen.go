package models

import (
	"errors"
	"fmt"
	"slices"

	"gorgonia.org/tensor"
)

// Deepen returns a copy of a residual model with one more hidden 3×3 layer
// per given dilation, inserted in the middle of its hidden stack and
// initialised to the identity (centre tap 1 from each channel to itself,
// bias 0), as in Net2DeeperNet (Chen et al. 2016). The layer before the
// insertion ends in a ReLU, so its outputs are >= 0 and each new
// ReLU(identity) layer passes them on unchanged: the deeper model computes
// exactly what a did, and training it further can only use the new depth
// and reach (dilated layers see far) to do better.
func (a *Autoencoder) Deepen(dilations []int) (*Autoencoder, error) {
	c := a.cfg
	if c.Arch != ArchResidual {
		return nil, fmt.Errorf("only residual models can be deepened, not %s", c.Arch)
	}
	if len(dilations) == 0 {
		return nil, errors.New("no layers to insert")
	}
	at := (len(c.Layers) + 1) / 2 // hidden layers kept before the insertion
	width := c.Layers[at-1]
	deeper := c
	deeper.Layers = append(append(append([]int{}, c.Layers[:at]...), slices.Repeat([]int{width}, len(dilations))...), c.Layers[at:]...)
	deeper.Dilations = nil
	for l := 0; l <= len(c.Layers); l++ {
		if l == at {
			deeper.Dilations = append(deeper.Dilations, dilations...)
		}
		deeper.Dilations = append(deeper.Dilations, c.Dilation(l))
	}
	if err := deeper.Validate(); err != nil { // also bounds the number of layers
		return nil, err
	}
	params := make([]*tensor.Dense, 0, 2*(len(deeper.Layers)+1))
	for _, p := range a.params[:2*at] {
		params = append(params, p.Clone().(*tensor.Dense))
	}
	for range dilations {
		w := make([]float32, width*width*9)
		for ch := 0; ch < width; ch++ {
			w[(ch*width+ch)*9+4] = 1 // (out ch, in ch, row 1, column 1)
		}
		params = append(params,
			tensor.New(tensor.WithShape(width, width, 3, 3), tensor.WithBacking(w)),
			tensor.New(tensor.WithShape(1, width, 1, 1), tensor.WithBacking(make([]float32, width))))
	}
	for _, p := range a.params[2*at:] {
		params = append(params, p.Clone().(*tensor.Dense))
	}
	d := newAutoencoder(deeper, params)
	d.History = a.History
	return d, nil
}
