package models

import (
	"fmt"
	"io"
	"math"
	"sync"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"latentstudio/models/ops"
)

// ClassifierConfig describes an image classifier completely: the same
// config gives the same initial weights. Images pass through Layers (dense
// ReLU layers, or stride-2 3×3 ReLU convolutions for conv), then a dense
// ReLU feature layer of Feature units, then a dense layer to the logits of
// the classes.
type ClassifierConfig struct {
	Arch     string `json:"arch"` // ArchDense or ArchConv
	Width    int    `json:"width"`
	Height   int    `json:"height"`
	Channels int    `json:"channels"`
	Layers   []int  `json:"layers"`
	Feature  int    `json:"feature"`
	// Classes names the classes; the logits follow its order.
	Classes []string `json:"classes"`
	Seed    int64    `json:"seed"`
}

// ImageSize is the number of values per image (C×H×W).
func (c ClassifierConfig) ImageSize() int { return c.Width * c.Height * c.Channels }

// Validate explains the first thing wrong with the config.
func (c ClassifierConfig) Validate() error {
	if c.Arch != ArchDense && c.Arch != ArchConv {
		return fmt.Errorf("unknown classifier arch %q (want %s or %s)", c.Arch, ArchDense, ArchConv)
	}
	if err := checkImageShape(c.Width, c.Height, c.Channels); err != nil {
		return err
	}
	if len(c.Layers) > MaxLayers {
		return fmt.Errorf("%d layers is more than %d", len(c.Layers), MaxLayers)
	}
	for i, n := range append([]int{c.Feature}, c.Layers...) {
		if n < 1 || n > MaxWidth {
			return fmt.Errorf("layer %d has width %d; want 1..%d", i, n, MaxWidth)
		}
	}
	if c.Arch == ArchConv && len(c.Layers) == 0 {
		return fmt.Errorf("a conv classifier needs at least one conv layer")
	}
	if len(c.Classes) < 2 || len(c.Classes) > MaxWidth {
		return fmt.Errorf("%d classes; want 2..%d", len(c.Classes), MaxWidth)
	}
	seen := map[string]bool{}
	for _, name := range c.Classes {
		if seen[name] {
			return fmt.Errorf("class %q appears twice", name)
		}
		seen[name] = true
	}
	if n := c.ParamCount(); n > MaxParams {
		return fmt.Errorf("the classifier would have %d parameters, more than the %d allowed", n, MaxParams)
	}
	return nil
}

// ParamCount is the number of trainable values the config makes.
func (c ClassifierConfig) ParamCount() int {
	n := 0
	for _, s := range c.paramShapes() {
		n += product(s.shape)
	}
	return n
}

// checkImageShape explains what is wrong with an image geometry (Config
// and GANConfig check the same inline).
func checkImageShape(w, h, channels int) error {
	if w < 1 || h < 1 || w > MaxSide || h > MaxSide {
		return fmt.Errorf("image size %dx%d is outside 1..%d", w, h, MaxSide)
	}
	if channels != 1 && channels != 3 {
		return fmt.Errorf("channels must be 1 (gray) or 3 (RGB), not %d", channels)
	}
	return nil
}

// flatSize is the number of values entering the feature layer: the image,
// the last dense layer's, or the last conv layer's map (each stride-2 layer
// rounds sizes up).
func (c ClassifierConfig) flatSize() int {
	if len(c.Layers) == 0 {
		return c.ImageSize()
	}
	if c.Arch == ArchDense {
		return c.Layers[len(c.Layers)-1]
	}
	h, w := c.Height, c.Width
	for range c.Layers {
		h, w = (h+1)/2, (w+1)/2
	}
	return c.Layers[len(c.Layers)-1] * h * w
}

// paramShapes lists each layer's weight then bias: the hidden layers, the
// feature layer, the logits.
func (c ClassifierConfig) paramShapes() []paramShape {
	var ps []paramShape
	add := func(name string, w, b []int) {
		ps = append(ps, paramShape{name + ".w", w}, paramShape{name + ".b", b})
	}
	in := c.ImageSize()
	if c.Arch == ArchConv {
		in = c.Channels
	}
	for i, out := range c.Layers {
		if c.Arch == ArchConv {
			add(fmt.Sprintf("conv%d", i+1), []int{out, in, 3, 3}, []int{1, out, 1, 1})
		} else {
			add(fmt.Sprintf("dense%d", i+1), []int{in, out}, []int{1, out})
		}
		in = out
	}
	add("feature", []int{c.flatSize(), c.Feature}, []int{1, c.Feature})
	add("logits", []int{c.Feature, len(c.Classes)}, []int{1, len(c.Classes)})
	return ps
}

// ClassifierHistory summarises a classifier's training.
type ClassifierHistory struct {
	Data         string  `json:"data,omitempty"`
	Epochs       int     `json:"epochs"`
	Steps        int     `json:"steps"`
	Samples      int     `json:"samples"`
	Seconds      float64 `json:"seconds"`
	TrainLoss    float64 `json:"train_loss"` // mean cross-entropy of the last epoch
	Test         string  `json:"test,omitempty"`
	TestN        int     `json:"test_n,omitempty"`
	TestAccuracy float64 `json:"test_accuracy,omitempty"`
}

// Classifier is an image classifier. Its methods are safe for concurrent
// use, but not while TrainClassifier trains it.
type Classifier struct {
	cfg     ClassifierConfig
	params  []*tensor.Dense // cfg.paramShapes() order, float32
	History ClassifierHistory

	mu    sync.Mutex
	infer *net // built on first use
}

// NewClassifier builds a freshly initialised classifier: weights and biases
// U(-1/sqrt(fan_in), 1/sqrt(fan_in)) as PyTorch does, drawn from cfg.Seed.
func NewClassifier(cfg ClassifierConfig) (*Classifier, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	c := &Classifier{cfg: cfg, params: initParams(cfg.paramShapes(), cfg.Seed)}
	return c, nil
}

// Config returns the classifier's configuration.
func (c *Classifier) Config() ClassifierConfig { return c.cfg }

// ParamCount is the number of trainable values.
func (c *Classifier) ParamCount() int { return c.cfg.ParamCount() }

// buildClassifierNet builds the graph for batch images; a training net adds
// the softmax cross-entropy against one-hot targets and its gradients. The
// net's code is the feature layer.
func buildClassifierNet(cfg ClassifierConfig, params []*tensor.Dense, batch int, train bool) (*net, error) {
	dt := params[0].Dtype()
	n := &net{batch: batch, g: G.NewGraph()}
	for i, s := range cfg.paramShapes() {
		n.learnables = append(n.learnables, G.NewTensor(n.g, dt, len(s.shape), G.WithShape(s.shape...), G.WithName(s.name), G.WithValue(params[i])))
	}
	shape := tensor.Shape{batch, cfg.ImageSize()}
	if cfg.Arch == ArchConv {
		shape = tensor.Shape{batch, cfg.Channels, cfg.Height, cfg.Width}
	}
	n.input = G.NewTensor(n.g, dt, len(shape), G.WithShape(shape...), G.WithName("images"))
	h := n.input
	var err error
	for l := 0; l < len(cfg.Layers) && err == nil; l++ {
		if cfg.Arch == ArchConv {
			h, err = n.down(h, 2*l)
		} else {
			h, err = n.linear(h, 2*l, ops.ActReLU)
		}
	}
	if err == nil && cfg.Arch == ArchConv {
		h, err = G.Reshape(h, tensor.Shape{batch, cfg.flatSize()})
	}
	last := 2 * len(cfg.Layers)
	if err == nil {
		n.code, err = n.linear(h, last, ops.ActReLU)
	}
	if err == nil {
		n.logits, err = n.linear(n.code, last+2, ops.ActNone)
	}
	if err != nil {
		return nil, fmt.Errorf("building the %s classifier graph: %w", cfg.Arch, err)
	}
	G.Read(n.logits, &n.logitsVal)
	G.Read(n.code, &n.codeVal)
	if !train {
		n.vm = G.NewTapeMachine(n.g)
		return n, nil
	}
	n.target = G.NewMatrix(n.g, dt, G.WithShape(batch, len(cfg.Classes)), G.WithName("onehot"))
	if n.loss, err = ops.SoftmaxCrossEntropy(n.logits, n.target); err != nil {
		return nil, err
	}
	if _, err = G.Grad(n.loss, n.learnables...); err != nil {
		return nil, fmt.Errorf("gradients: %w", err)
	}
	n.vm = G.NewTapeMachine(n.g, G.BindDualValues(n.learnables...))
	return n, nil
}

// Classify returns the class probabilities (n × classes) and the feature
// vectors (n × Feature) of n images (n × ImageSize values in [0,1]).
func (c *Classifier) Classify(x []float32, n int) (probs, feats []float32, err error) {
	size, k, f := c.cfg.ImageSize(), len(c.cfg.Classes), c.cfg.Feature
	if n < 0 || len(x) != n*size {
		return nil, nil, fmt.Errorf("classify: got %d values for %d images of %d values", len(x), n, size)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.infer == nil {
		if c.infer, err = buildClassifierNet(c.cfg, c.params, inferenceBatch, false); err != nil {
			return nil, nil, err
		}
	}
	probs, feats = make([]float32, n*k), make([]float32, n*f)
	buf := make([]float32, inferenceBatch*size)
	input := tensor.New(tensor.WithShape(c.infer.input.Shape()...), tensor.WithBacking(buf))
	for start := 0; start < n; start += inferenceBatch {
		m := min(inferenceBatch, n-start)
		copy(buf, x[start*size:(start+m)*size])
		clear(buf[m*size:])
		if err := c.infer.run(input, nil, nil); err != nil {
			return nil, nil, fmt.Errorf("classify: %w", err)
		}
		softmaxRows(probs[start*k:(start+m)*k], c.infer.logitsVal.Data().([]float32), k)
		copy(feats[start*f:(start+m)*f], c.infer.codeVal.Data().([]float32))
	}
	return probs, feats, nil
}

// Predict returns the class probabilities of n images (n × classes).
func (c *Classifier) Predict(x []float32, n int) ([]float32, error) {
	p, _, err := c.Classify(x, n)
	return p, err
}

// Features returns the feature layer's values for n images (n × Feature):
// what the Frechet distance compares.
func (c *Classifier) Features(x []float32, n int) ([]float32, error) {
	_, f, err := c.Classify(x, n)
	return f, err
}

// softmaxRows writes the softmax of each row of k logits into dst (as many
// rows as dst holds).
func softmaxRows(dst, logits []float32, k int) {
	for r := 0; r < len(dst); r += k {
		row := logits[r : r+k]
		m := row[0]
		for _, v := range row {
			m = max(m, v)
		}
		var z float64
		for i, v := range row {
			e := math.Exp(float64(v - m))
			dst[r+i] = float32(e)
			z += e
		}
		for i := range row {
			dst[r+i] = float32(float64(dst[r+i]) / z)
		}
	}
}

// argmax is the index of the largest value.
func argmax(v []float32) int {
	best := 0
	for i, x := range v {
		if x > v[best] {
			best = i
		}
	}
	return best
}

// A classifier file is a model file (see file.go) of kind "classifier".
const kindClassifier = "classifier"

// Save writes the classifier to path atomically.
func (c *Classifier) Save(path string) error {
	return saveModel(path, kindClassifier, c.cfg, c.History, c.params)
}

// LoadClassifier reads and validates a classifier file.
func LoadClassifier(path string) (*Classifier, error) { return loadFile(path, ReadClassifier) }

// ReadClassifier decodes a classifier file of the given size, validating
// the config and the tensor list before it allocates weights.
func ReadClassifier(r io.ReaderAt, size int64) (*Classifier, error) {
	h, params, err := readModel[ClassifierConfig, ClassifierHistory](r, size, kindClassifier)
	if err != nil {
		return nil, err
	}
	return &Classifier{cfg: h.Config, params: params, History: h.History}, nil
}
