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
	input  *G.Node // (B, InputSize) dense, (B, C, H, W) conv
	target *G.Node // (B, InputSize); only in training nets
	logits *G.Node // (B, InputSize), before the output sigmoid
	code   *G.Node // (B, CodeSize)
	loss   *G.Node // scalar; only in training nets

	learnables G.Nodes
	vm         G.VM

	logitsVal, codeVal G.Value // read from the graph after each run
}

// buildNet builds the forward graph for batch images. With train set it adds
// the loss and its gradients and binds them to the learnables. The dtype of
// the params (float32 normally, float64 in gradient checks) is the graph's.
func buildNet(cfg Config, params []*tensor.Dense, batch int, train bool) (*net, error) {
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
	switch cfg.Arch {
	case ArchDense:
		err = n.buildDense(cfg, dt)
	case ArchConv:
		err = n.buildConv(cfg, dt)
	default:
		err = fmt.Errorf("unknown arch %q", cfg.Arch)
	}
	if err != nil {
		return nil, fmt.Errorf("building the %s graph: %w", cfg.Arch, err)
	}
	G.Read(n.logits, &n.logitsVal)
	G.Read(n.code, &n.codeVal)
	if !train {
		n.vm = G.NewTapeMachine(g)
		return n, nil
	}
	n.target = G.NewMatrix(g, dt, G.WithShape(batch, cfg.InputSize()), G.WithName("target"))
	if n.loss, err = lossNode(cfg.Loss, n.logits, n.target); err != nil {
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

func (n *net) buildDense(cfg Config, dt tensor.Dtype) (err error) {
	n.input = G.NewMatrix(n.g, dt, G.WithShape(n.batch, cfg.InputSize()), G.WithName("input"))
	h := n.input
	layers := len(cfg.encoderDims()) - 1
	for l := 0; l < 2*layers; l++ {
		act := ops.ActReLU
		switch l {
		case layers - 1:
			act = codeActivation(cfg)
		case 2*layers - 1:
			act = ops.ActNone // logits
		}
		if h, err = n.linear(h, 2*l, act); err != nil {
			return err
		}
		if l == layers-1 {
			n.code = h
		}
	}
	n.logits = h
	return nil
}

func (n *net) buildConv(cfg Config, dt tensor.Dtype) (err error) {
	n.input = G.NewTensor(n.g, dt, 4, G.WithShape(n.batch, cfg.Channels, cfg.Height, cfg.Width), G.WithName("input"))
	h := n.input
	depth := len(cfg.Layers)
	p := 0 // index of the next weight node
	for l := 0; l < depth; l++ {
		if h, err = n.down(h, p); err != nil {
			return err
		}
		p += 2
	}
	gh, gw := cfg.convGrid()
	if cfg.Code == 0 { // fully convolutional: the code is the feature map
		if n.code, err = G.Reshape(h, tensor.Shape{n.batch, cfg.convFlat()}); err != nil {
			return err
		}
	} else {
		if h, err = G.Reshape(h, tensor.Shape{n.batch, cfg.convFlat()}); err != nil {
			return err
		}
		if n.code, err = n.linear(h, p, codeActivation(cfg)); err != nil {
			return err
		}
		p += 2
		if h, err = n.linear(n.code, p, ops.ActReLU); err != nil {
			return err
		}
		p += 2
		if h, err = G.Reshape(h, tensor.Shape{n.batch, cfg.Layers[depth-1], gh, gw}); err != nil {
			return err
		}
	}
	for l := 0; l < depth; l++ {
		act := ops.ActReLU
		if l == depth-1 {
			act = ops.ActNone // logits
		}
		if h, err = n.up(h, p, act); err != nil {
			return err
		}
		p += 2
	}
	n.logits, err = G.Reshape(h, tensor.Shape{n.batch, cfg.InputSize()})
	return err
}

// codeActivation is the configured activation of the code layer.
func codeActivation(cfg Config) ops.Activation {
	if cfg.CodeActivation == ActReLU {
		return ops.ActReLU
	}
	return ops.ActNone
}

// lossNode is the mean loss over all values. BCE is computed from logits in
// the stable form (Gorgonia's BinaryXent has no working epsilon) by one
// fused op; MSE compares sigmoid(l) with y.
func lossNode(kind string, logits, target *G.Node) (*G.Node, error) {
	var per *G.Node
	var err error
	switch kind {
	case LossBCE:
		return ops.BCEWithLogits(logits, target)
	case LossMSE:
		var out, d *G.Node
		if out, err = G.Sigmoid(logits); err != nil {
			return nil, err
		}
		if d, err = G.Sub(out, target); err != nil {
			return nil, err
		}
		per, err = G.Square(d)
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

// run feeds a batch and runs the graph once. target may be nil for
// inference nets.
func (n *net) run(input, target *tensor.Dense) error {
	n.vm.Reset()
	if err := G.Let(n.input, input); err != nil {
		return err
	}
	if n.target != nil {
		if err := G.Let(n.target, target); err != nil {
			return err
		}
	}
	return n.vm.RunAll()
}
