package models

import "fmt"

// LayerInfo describes one stage of an autoencoder for diagrams: its role,
// its shape as text, and how many values one image has there.
type LayerInfo struct {
	Role   string // "input", "encoder", "code", "decoder" or "output"
	Shape  string // "256" for dense, "16×14×14" for conv feature maps
	Values int
}

// Layout lists the stages of the model from input to output; the decoder
// mirrors the encoder.
func (c Config) Layout() []LayerInfo {
	var enc []LayerInfo
	if c.Arch == ArchConv {
		h, w := c.Height, c.Width
		for _, ch := range c.Layers {
			h, w = h/2, w/2
			enc = append(enc, LayerInfo{"encoder", fmt.Sprintf("%d×%d×%d", ch, h, w), ch * h * w})
		}
	} else {
		for _, u := range c.Layers {
			enc = append(enc, LayerInfo{"encoder", fmt.Sprint(u), u})
		}
	}
	in := LayerInfo{"input", fmt.Sprintf("%d×%d×%d", c.Channels, c.Height, c.Width), c.InputSize()}
	out := in
	out.Role = "output"
	layout := append([]LayerInfo{in}, enc...)
	code := LayerInfo{"code", fmt.Sprint(c.Code), c.Code}
	if c.Arch == ArchConv && c.Code == 0 {
		layout[len(layout)-1].Role = "code" // the last feature map is the code
	} else {
		layout = append(layout, code)
	}
	for i := len(enc) - 1; i >= 0; i-- {
		if c.Arch == ArchConv && c.Code == 0 && i == len(enc)-1 {
			continue // the code map itself is not repeated
		}
		d := enc[i]
		d.Role = "decoder"
		layout = append(layout, d)
	}
	return append(layout, out)
}

// MemoryEstimate is a rough count of the bytes training takes at this
// batch size: weights, gradients and Adam's two moments (4 copies of the
// parameters), plus activations and their gradients kept for each stage,
// plus the unfolded patches of each convolution.
func (c Config) MemoryEstimate(batch int) int64 {
	perImage := 0
	for _, l := range c.Layout() {
		perImage += 2 * l.Values
	}
	if c.Arch == ArchConv {
		chans := append([]int{c.Channels}, c.Layers...)
		h, w := c.Height, c.Width
		for i := 1; i < len(chans); i++ {
			h, w = h/2, w/2
			perImage += 2 * 9 * (chans[i-1] + chans[i]) * h * w // im2col on the way down and up
		}
	}
	return 4 * (4*int64(c.ParamCount()) + int64(batch)*int64(perImage))
}
