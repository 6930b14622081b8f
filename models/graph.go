package models

import (
	"fmt"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"latentstudio/models/ops"
)

// net is one Gorgonia graph of an autoencoder for a fixed batch size. Its
// learnable nodes share the *tensor.Dense values of the params they were
// built from, so several nets (training, preview, inference) see the same
// weights without copying.
type net struct {
	batch  int
	g      *G.ExprGraph
	input  *G.Node // (B, InputSize) dense, (B, C, H, W) conv and residual
	target *G.Node // (B, OutputSize); only in training nets
	weight *G.Node // (B, OutputSize) per-value loss weights; only for inpainting
	logits *G.Node // (B, OutputSize), before the output sigmoid (if any)
	code   *G.Node // (B, CodeSize); nil for the residual denoiser
	loss   *G.Node // scalar; only in training nets

	learnables G.Nodes
	vm         G.VM

	logitsVal, codeVal G.Value // read from the graph after each run
}

// netKind says what a net computes.
type netKind int

const (
	inferNet  netKind = iota // images → codes and reconstructions
	trainNet                 // the same plus the loss and its gradients
	decodeNet                // codes → images
)

// buildNet builds the graph of one kind for batch images (or codes). A
// training net adds the loss and its gradients and binds them to the
// learnables. The dtype of the params (float32 normally, float64 in
// gradient checks) is the graph's.
func buildNet(cfg Config, params []*tensor.Dense, batch int, kind netKind) (*net, error) {
	shapes := cfg.paramShapes()
	if len(params) != len(shapes) {
		return nil, fmt.Errorf("have %d weight tensors, the %s architecture needs %d", len(params), cfg.Arch, len(shapes))
	}
	dt := params[0].Dtype()
	g := G.NewGraph()
	n := &net{batch: batch, g: g}
	for i, s := range shapes {
		node := G.NewTensor(g, dt, len(s.shape), G.WithShape(s.shape...), G.WithName(s.name), G.WithValue(params[i]))
		n.learnables = append(n.learnables, node)
	}
	var err error
	if cfg.Arch == ArchResidual {
		if kind == decodeNet {
			return nil, fmt.Errorf("a residual denoiser has no code to decode")
		}
		n.input = G.NewTensor(g, dt, 4, G.WithShape(batch, cfg.InChannels(), cfg.Height, cfg.Width), G.WithName("input"))
		n.logits, err = n.residual(cfg)
	} else if kind == decodeNet {
		n.input = G.NewMatrix(g, dt, G.WithShape(batch, cfg.CodeSize()), G.WithName("code"))
		n.code = n.input
	} else {
		if cfg.Arch == ArchDense {
			n.input = G.NewMatrix(g, dt, G.WithShape(batch, cfg.InputSize()), G.WithName("input"))
		} else {
			n.input = G.NewTensor(g, dt, 4, G.WithShape(batch, cfg.InChannels(), cfg.Height, cfg.Width), G.WithName("input"))
		}
		n.code, err = n.encoder(cfg)
	}
	if err == nil && cfg.Arch != ArchResidual {
		n.logits, err = n.decoder(cfg)
	}
	if err != nil {
		return nil, fmt.Errorf("building the %s graph: %w", cfg.Arch, err)
	}
	G.Read(n.logits, &n.logitsVal)
	if n.code != nil {
		G.Read(n.code, &n.codeVal)
	}
	if kind != trainNet {
		n.vm = G.NewTapeMachine(g)
		return n, nil
	}
	n.target = G.NewMatrix(g, dt, G.WithShape(batch, cfg.OutputSize()), G.WithName("target"))
	if cfg.Task == TaskInpaint {
		n.weight = G.NewMatrix(g, dt, G.WithShape(batch, cfg.OutputSize()), G.WithName("weight"))
	}
	if n.loss, err = lossNode(cfg.Loss, n.logits, n.target, n.weight, cfg.sigmoidOutput()); err != nil {
		return nil, err
	}
	if _, err = G.Grad(n.loss, n.learnables...); err != nil {
		return nil, fmt.Errorf("gradients: %w", err)
	}
	n.vm = G.NewTapeMachine(g, G.BindDualValues(n.learnables...))
	return n, nil
}

// linear is act(x·W + b) for the dense layer whose weight node is at index i.
func (n *net) linear(x *G.Node, i int, act ops.Activation) (*G.Node, error) {
	return ops.Linear(x, n.learnables[i], n.learnables[i+1], act)
}

// down is a 3×3 stride-2 convolution (padding 1) with bias and ReLU, for the
// encoder layer whose filter node is at index i: it halves H and W.
func (n *net) down(x *G.Node, i int) (*G.Node, error) {
	return ops.Conv2d(x, n.learnables[i], n.learnables[i+1], 2, 1, ops.ActReLU)
}

// up is the decoder's mirror of down: a 3×3 stride-2 transposed convolution
// (padding 1, output padding 1) that doubles H and W.
func (n *net) up(x *G.Node, i int, act ops.Activation) (*G.Node, error) {
	return ops.ConvTranspose2d(x, n.learnables[i], n.learnables[i+1], 2, 1, 1, act)
}

// decoderStart is the index of the decoder's first weight node.
func (c Config) decoderStart() int {
	if c.Arch == ArchConv && c.Code == 0 {
		return 2 * len(c.Layers)
	}
	return 2*len(c.Layers) + 2 // one more layer: the code
}

// encoder maps n.input to the code: dense layers with ReLU, or stride-2
// convolutions then (unless Code is 0) a dense code layer.
func (n *net) encoder(cfg Config) (h *G.Node, err error) {
	h = n.input
	if cfg.Arch == ArchDense {
		for l := 0; l <= len(cfg.Layers); l++ {
			act := ops.ActReLU
			if l == len(cfg.Layers) {
				act = codeActivation(cfg)
			}
			if h, err = n.linear(h, 2*l, act); err != nil {
				return nil, err
			}
		}
		return h, nil
	}
	for l := range cfg.Layers {
		if h, err = n.down(h, 2*l); err != nil {
			return nil, err
		}
	}
	if h, err = G.Reshape(h, tensor.Shape{n.batch, cfg.convFlat()}); err != nil || cfg.Code == 0 {
		return h, err // fully convolutional: the code is the feature map
	}
	return n.linear(h, 2*len(cfg.Layers), codeActivation(cfg))
}

// decoder maps n.code to logits, mirroring the encoder.
func (n *net) decoder(cfg Config) (h *G.Node, err error) {
	h, p := n.code, cfg.decoderStart()
	if cfg.Arch == ArchDense {
		for l := 0; l <= len(cfg.Layers); l++ {
			act := ops.ActReLU
			if l == len(cfg.Layers) {
				act = ops.ActNone // logits
			}
			if h, err = n.linear(h, p+2*l, act); err != nil {
				return nil, err
			}
		}
		return h, nil
	}
	if cfg.Code > 0 {
		if h, err = n.linear(h, p, ops.ActReLU); err != nil {
			return nil, err
		}
		p += 2
	}
	gh, gw := cfg.convGrid()
	depth := len(cfg.Layers)
	if h, err = G.Reshape(h, tensor.Shape{n.batch, cfg.Layers[depth-1], gh, gw}); err != nil {
		return nil, err
	}
	for l := 0; l < depth; l++ {
		act := ops.ActReLU
		if l == depth-1 {
			act = ops.ActNone // logits
		}
		if h, err = n.up(h, p+2*l, act); err != nil {
			return nil, err
		}
	}
	return G.Reshape(h, tensor.Shape{n.batch, cfg.OutputSize()})
}

// residual is the DnCNN-style denoiser: stride-1 3×3 convolutions with
// ReLU predict the noise, and the output is the input minus it. For
// inpainting the output is the diffusion-filled photo (the input's first
// planes) minus a correction; the mask plane only informs it.
func (n *net) residual(cfg Config) (*G.Node, error) {
	h := n.input
	var err error
	for l := 0; l <= len(cfg.Layers); l++ {
		act := ops.ActReLU
		if l == len(cfg.Layers) {
			act = ops.ActNone // the noise estimate
		}
		d := cfg.Dilation(l)
		if h, err = ops.DilatedConv2d(h, n.learnables[2*l], n.learnables[2*l+1], 1, d, d, act); err != nil {
			return nil, err
		}
	}
	image := n.input
	if cfg.InChannels() != cfg.OutChannels() { // inpainting: the filled photo without the mask plane
		if image, err = G.Slice(n.input, nil, G.S(0, cfg.OutChannels())); err != nil {
			return nil, err
		}
	}
	if h, err = G.Sub(image, h); err != nil {
		return nil, err
	}
	return G.Reshape(h, tensor.Shape{n.batch, cfg.OutputSize()})
}

// sigmoidOutput reports whether the network's logits pass through a
// sigmoid; the residual denoiser's output is the image itself.
func (c Config) sigmoidOutput() bool { return c.Arch != ArchResidual }

// codeActivation is the configured activation of the code layer.
func codeActivation(cfg Config) ops.Activation {
	if cfg.CodeActivation == ActReLU {
		return ops.ActReLU
	}
	return ops.ActNone
}

// lossNode is the mean loss over all values. BCE is computed from logits in
// the stable form (Gorgonia's BinaryXent has no working epsilon) by one
// fused op; MSE compares sigmoid(l) (or l itself, without sigmoid) with y,
// each squared error times its weight when weight is not nil.
func lossNode(kind string, logits, target, weight *G.Node, sigmoid bool) (*G.Node, error) {
	var per *G.Node
	var err error
	switch kind {
	case LossBCE:
		return ops.BCEWithLogits(logits, target)
	case LossMSE:
		var out, d *G.Node
		out = logits
		if sigmoid {
			if out, err = G.Sigmoid(logits); err != nil {
				return nil, err
			}
		}
		if d, err = G.Sub(out, target); err != nil {
			return nil, err
		}
		if per, err = G.Square(d); err == nil && weight != nil {
			per, err = G.HadamardProd(per, weight)
		}
	default:
		return nil, fmt.Errorf("unknown loss %q", kind)
	}
	if err != nil {
		return nil, err
	}
	// Mean over one axis at a time: Gorgonia's multi-axis Mean has a wrong gradient.
	flat, err := G.Reshape(per, tensor.Shape{per.Shape().TotalSize()})
	if err != nil {
		return nil, err
	}
	return G.Mean(flat)
}

// run feeds a batch and runs the graph once. target and weight may be nil
// for inference nets, weight for all but inpainting.
func (n *net) run(input, target, weight *tensor.Dense) error {
	n.vm.Reset()
	if err := G.Let(n.input, input); err != nil {
		return err
	}
	if n.target != nil {
		if err := G.Let(n.target, target); err != nil {
			return err
		}
	}
	if n.weight != nil {
		if err := G.Let(n.weight, weight); err != nil {
			return err
		}
	}
	return n.vm.RunAll()
}
