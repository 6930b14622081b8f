package models

import "fmt"

// paramShape names one learnable tensor and its shape. The list returned by
// Config.paramShapes fixes the order of weights in memory and in files.
type paramShape struct {
	name  string
	shape []int
}

// encoderDims are the dense widths from the input to the code:
// input, Layers..., Code.
func (c Config) encoderDims() []int {
	return append(append([]int{c.InputSize()}, c.Layers...), c.Code)
}

// convGrid is the spatial size after the conv encoder's stride-2 layers.
func (c Config) convGrid() (h, w int) {
	f := 1 << len(c.Layers)
	return c.Height / f, c.Width / f
}

// convFlat is the number of values the conv encoder hands to its dense code layer.
func (c Config) convFlat() int {
	h, w := c.convGrid()
	return c.Layers[len(c.Layers)-1] * h * w
}

func (c Config) paramShapes() []paramShape {
	var ps []paramShape
	dense := func(name string, in, out int) {
		ps = append(ps, paramShape{name + ".w", []int{in, out}}, paramShape{name + ".b", []int{1, out}})
	}
	conv := func(name string, in, out int) {
		ps = append(ps, paramShape{name + ".w", []int{out, in, 3, 3}}, paramShape{name + ".b", []int{1, out, 1, 1}})
	}
	// Transposed convolutions store weights as (in, out, kh, kw), as PyTorch does.
	convT := func(name string, in, out int) {
		ps = append(ps, paramShape{name + ".w", []int{in, out, 3, 3}}, paramShape{name + ".b", []int{1, out, 1, 1}})
	}
	switch c.Arch {
	case ArchDense:
		dims := c.encoderDims()
		for i := 0; i+1 < len(dims); i++ {
			dense(fmt.Sprintf("enc%d", i+1), dims[i], dims[i+1])
		}
		dims[0] = c.OutputSize() // the decoder ends at the output
		for i := len(dims) - 1; i > 0; i-- {
			dense(fmt.Sprintf("dec%d", len(dims)-i), dims[i], dims[i-1])
		}
	case ArchConv:
		if len(c.Layers) == 0 {
			return nil
		}
		chans := append([]int{c.InChannels()}, c.Layers...)
		for i := 0; i+1 < len(chans); i++ {
			conv(fmt.Sprintf("enc%d", i+1), chans[i], chans[i+1])
		}
		if c.Code > 0 {
			dense("code", c.convFlat(), c.Code)
			dense("uncode", c.Code, c.convFlat())
		}
		chans[0] = c.OutChannels()
		for i := len(chans) - 1; i > 0; i-- {
			convT(fmt.Sprintf("dec%d", len(chans)-i), chans[i], chans[i-1])
		}
	case ArchResidual:
		chans := append(append([]int{c.InChannels()}, c.Layers...), c.OutChannels())
		for i := 0; i+1 < len(chans); i++ {
			conv(fmt.Sprintf("conv%d", i+1), chans[i], chans[i+1])
		}
	}
	return ps
}
