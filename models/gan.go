package models

import (
	"errors"
	"fmt"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"sync"

	G "gorgonia.org/gorgonia"
	"gorgonia.org/tensor"

	"latentstudio/imageops"
	"latentstudio/models/ops"
)

// GAN architectures and output activations.
const (
	// GANArchMLP: dense generator (ReLU) and discriminator (LeakyReLU).
	GANArchMLP = "mlp"
	// GANArchDCGAN: the generator is a dense layer to a small feature map
	// then blocks of 2× upsampling and a 3×3 convolution (BatchNorm and
	// ReLU between); the discriminator is stride-2 3×3 convolutions with
	// LeakyReLU and a dense logit.
	GANArchDCGAN = "dcgan"

	// GANOutSigmoid: the generator outputs [0,1], like the data.
	GANOutSigmoid = "sigmoid"
	// GANOutTanh: the generator outputs [-1,1]; real images are mapped there
	// before the discriminator sees them.
	GANOutTanh = "tanh"
)

// GANConfig describes a GAN completely: the same config gives the same
// initial weights.
type GANConfig struct {
	Arch     string `json:"arch"`
	Latent   int    `json:"latent"` // size of the noise z
	Width    int    `json:"width"`
	Height   int    `json:"height"`
	Channels int    `json:"channels"`
	// GLayers are the generator's widths from z outwards: hidden units
	// (mlp), or the channels entering each upsampling block (dcgan: the
	// dense layer makes the first map at 1/2^len(GLayers) of the image size).
	GLayers []int `json:"g_layers"`
	// DLayers are the discriminator's widths from the image inwards:
	// hidden units (mlp) or stride-2 conv channels (dcgan).
	DLayers []int   `json:"d_layers"`
	Output  string  `json:"output"`
	Slope   float64 `json:"leaky_slope"` // of the discriminator's LeakyReLU
	// BatchNorm normalises the dcgan generator's hidden conv blocks with
	// batch statistics, in training and in sampling alike (see Generate).
	BatchNorm bool  `json:"batch_norm,omitempty"`
	Seed      int64 `json:"seed"`
}

// ImageSize is the number of values per image (C×H×W).
func (c GANConfig) ImageSize() int { return c.Width * c.Height * c.Channels }

// Validate explains the first thing wrong with the config.
func (c GANConfig) Validate() error {
	if c.Arch != GANArchMLP && c.Arch != GANArchDCGAN {
		return fmt.Errorf("unknown GAN arch %q (want %s or %s)", c.Arch, GANArchMLP, GANArchDCGAN)
	}
	if c.Width < 1 || c.Height < 1 || c.Width > MaxSide || c.Height > MaxSide {
		return fmt.Errorf("image size %dx%d is outside 1..%d", c.Width, c.Height, MaxSide)
	}
	if c.Channels != 1 && c.Channels != 3 {
		return fmt.Errorf("channels must be 1 (gray) or 3 (RGB), not %d", c.Channels)
	}
	if c.Latent < 1 || c.Latent > MaxWidth {
		return fmt.Errorf("latent size %d is outside 1..%d", c.Latent, MaxWidth)
	}
	for _, l := range []struct {
		name   string
		widths []int
	}{{"generator", c.GLayers}, {"discriminator", c.DLayers}} {
		if len(l.widths) == 0 || len(l.widths) > MaxLayers {
			return fmt.Errorf("the %s needs 1..%d layers, not %d", l.name, MaxLayers, len(l.widths))
		}
		for i, n := range l.widths {
			if n < 1 || n > MaxWidth {
				return fmt.Errorf("%s layer %d has width %d; want 1..%d", l.name, i+1, n, MaxWidth)
			}
		}
	}
	if c.Output != GANOutSigmoid && c.Output != GANOutTanh {
		return fmt.Errorf("output %q is not %s or %s", c.Output, GANOutSigmoid, GANOutTanh)
	}
	if !(c.Slope > 0 && c.Slope < 1) {
		return fmt.Errorf("LeakyReLU slope must be in (0,1), not %g", c.Slope)
	}
	if c.Arch == GANArchDCGAN {
		if f := 1 << len(c.GLayers); c.Width%f != 0 || c.Height%f != 0 {
			return fmt.Errorf("%d upsampling blocks need width and height divisible by %d; %dx%d is not", len(c.GLayers), f, c.Width, c.Height)
		}
	} else if c.BatchNorm {
		return errors.New("BatchNorm is for the dcgan generator")
	}
	total := 0
	for _, s := range c.paramShapes() {
		total += product(s.shape)
	}
	if total > MaxParams {
		return fmt.Errorf("the GAN would have %d parameters, more than the %d allowed", total, MaxParams)
	}
	return nil
}

// GANPreset is a configuration and training options known to work on
// MNIST-sized data (28×28 gray). Width, Height and Channels come from the
// data.
type GANPreset struct {
	Name, About string
	Config      GANConfig
	Options     GANTrainOptions
}

// GANPresets returns the known-good settings: Adam at 2e-4 with beta1 0.5,
// batch 64, one discriminator step per generator step, real labels
// smoothed to 0.9 (Radford et al.; Salimans et al.).
func GANPresets() []GANPreset {
	opt := GANTrainOptions{Epochs: 20, Batch: 64, LR: 2e-4, Beta1: 0.5, K: 1, Smooth: 0.9}
	return []GANPreset{
		{Name: "mlp-mnist", About: "dense 64→256→512→784 generator, 784→512→256→1 discriminator",
			Config:  GANConfig{Arch: GANArchMLP, Latent: 64, GLayers: []int{256, 512}, DLayers: []int{512, 256}, Output: GANOutTanh, Slope: 0.2},
			Options: opt},
		{Name: "dcgan-mnist", About: "dense to 64×7×7, two upsample+conv blocks (BatchNorm, ReLU); stride-2 convs 32, 64",
			Config:  GANConfig{Arch: GANArchDCGAN, Latent: 64, GLayers: []int{64, 32}, DLayers: []int{32, 64}, Output: GANOutTanh, Slope: 0.2, BatchNorm: true},
			Options: opt},
	}
}

// GANPresetNamed returns the preset of that name.
func GANPresetNamed(name string) (GANPreset, error) {
	var names []string
	for _, p := range GANPresets() {
		if p.Name == name {
			return p, nil
		}
		names = append(names, p.Name)
	}
	return GANPreset{}, fmt.Errorf("no GAN preset %q (there are %s)", name, strings.Join(names, ", "))
}

// gCount is the number of the generator's tensors; the discriminator's
// follow them.
func (c GANConfig) gCount() int {
	n := 2 * (len(c.GLayers) + 1) // mlp: the layers; dcgan: the dense layer and the blocks' convolutions
	if c.Arch == GANArchDCGAN && c.BatchNorm {
		n += 2 * (len(c.GLayers) - 1)
	}
	return n
}

// dGrid is the spatial size after the dcgan discriminator's stride-2 convolutions.
func (c GANConfig) dGrid() (h, w int) {
	h, w = c.Height, c.Width
	for range c.DLayers {
		h, w = (h+1)/2, (w+1)/2
	}
	return h, w
}

// paramShapes lists the generator's tensors, then the discriminator's.
func (c GANConfig) paramShapes() []paramShape {
	var ps []paramShape
	dense := func(name string, in, out int) {
		ps = append(ps, paramShape{name + ".w", []int{in, out}}, paramShape{name + ".b", []int{1, out}})
	}
	conv := func(name string, in, out int) {
		ps = append(ps, paramShape{name + ".w", []int{out, in, 3, 3}}, paramShape{name + ".b", []int{1, out, 1, 1}})
	}
	if c.Arch == GANArchMLP {
		dims := append(append([]int{c.Latent}, c.GLayers...), c.ImageSize())
		for i := 0; i+1 < len(dims); i++ {
			dense(fmt.Sprintf("g%d", i+1), dims[i], dims[i+1])
		}
		dims = append(append([]int{c.ImageSize()}, c.DLayers...), 1)
		for i := 0; i+1 < len(dims); i++ {
			dense(fmt.Sprintf("d%d", i+1), dims[i], dims[i+1])
		}
		return ps
	}
	n := len(c.GLayers)
	dense("g0", c.Latent, c.GLayers[0]*(c.Height>>n)*(c.Width>>n))
	chans := append(append([]int{}, c.GLayers...), c.Channels)
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("g%d", i+1)
		conv(name, chans[i], chans[i+1])
		if c.BatchNorm && i < n-1 {
			bn := []int{1, chans[i+1], 1, 1}
			ps = append(ps, paramShape{name + ".gamma", bn}, paramShape{name + ".beta", bn})
		}
	}
	chans = append([]int{c.Channels}, c.DLayers...)
	for i := 0; i+1 < len(chans); i++ {
		conv(fmt.Sprintf("d%d", i+1), chans[i], chans[i+1])
	}
	h, w := c.dGrid()
	dense(fmt.Sprintf("d%d", len(chans)), c.DLayers[len(c.DLayers)-1]*h*w, 1)
	return ps
}

// GAN is a generator and a discriminator with what is known of their
// training. Its methods are safe for concurrent use, except that a
// GANTrainer owns it while it runs: use GANTrainer.Snapshot then.
type GAN struct {
	cfg     GANConfig
	params  []*tensor.Dense // cfg.paramShapes() order, float32
	History GANHistory

	mu      sync.Mutex
	sampler *ganNet // built on first use
}

// GANHistory summarises a GAN's training.
type GANHistory struct {
	Data     string  `json:"data,omitempty"`
	Epochs   int     `json:"epochs"`
	Steps    int     `json:"steps"` // generator steps
	Samples  int     `json:"samples"`
	Seconds  float64 `json:"seconds"`
	LossD    float64 `json:"loss_d"`
	LossG    float64 `json:"loss_g"`
	DReal    float64 `json:"d_real"`
	DFake    float64 `json:"d_fake"`
	Restores int     `json:"restores,omitempty"` // NaN recoveries
}

// NewGAN builds a freshly initialised GAN from cfg: weights and biases
// U(-1/sqrt(fan_in), 1/sqrt(fan_in)) as PyTorch does, BatchNorm scales 1
// and shifts 0, drawn from cfg.Seed.
func NewGAN(cfg GANConfig) (*GAN, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	params := initParams(cfg.paramShapes(), cfg.Seed)
	return &GAN{cfg: cfg, params: params}, nil
}

// Config returns the GAN's configuration.
func (m *GAN) Config() GANConfig { return m.cfg }

// ParamCount is the number of trainable values of the generator and of the discriminator.
func (m *GAN) ParamCount() (gen, disc int) {
	for i, p := range m.params {
		if i < m.cfg.gCount() {
			gen += p.Shape().TotalSize()
		} else {
			disc += p.Shape().TotalSize()
		}
	}
	return gen, disc
}

// Clone returns a deep copy that shares nothing with m.
func (m *GAN) Clone() *GAN {
	c := &GAN{cfg: m.cfg, History: m.History}
	for _, p := range m.params {
		c.params = append(c.params, p.Clone().(*tensor.Dense))
	}
	return c
}

// copyWeightsFrom overwrites m's weights in place with src's (same config).
func (m *GAN) copyWeightsFrom(src *GAN) {
	for i, p := range m.params {
		copy(p.Data().([]float32), src.params[i].Data().([]float32))
	}
}

// finite reports whether every weight is a number.
func (m *GAN) finite() bool {
	for _, p := range m.params {
		for _, v := range p.Data().([]float32) {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return false
			}
		}
	}
	return true
}

// Noise returns n latent vectors drawn from N(0,1) with the seed.
func (m *GAN) Noise(n int, seed int64) []float32 {
	z := make([]float32, n*m.cfg.Latent)
	fillNormal(z, rand.New(rand.NewSource(seed)))
	return z
}

func fillNormal(z []float32, rng *rand.Rand) {
	for i := range z {
		z[i] = float32(rng.NormFloat64())
	}
}

// sampleBatch is the batch of the sampling graph. It is fixed so that
// BatchNorm's batch statistics, and so the images a z gives, do not depend
// on how many images are asked for.
const sampleBatch = 64

// Generate returns the images (n × ImageSize values in [0,1], C×H×W each)
// that n latent vectors (n × Latent values) give. Batches are padded with
// noise drawn from the config's seed: with BatchNorm each image depends a
// little on the others of its batch of 64, deterministically.
func (m *GAN) Generate(z []float32, n int) ([]float32, error) {
	k, size := m.cfg.Latent, m.cfg.ImageSize()
	if n < 0 || len(z) != n*k {
		return nil, fmt.Errorf("generate: got %d values for %d latent vectors of %d", len(z), n, k)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.sampler == nil {
		nt, err := buildGANNet(m.cfg, m.params, sampleBatch, ganSample)
		if err != nil {
			return nil, fmt.Errorf("generate: %w", err)
		}
		m.sampler = nt
	}
	out := make([]float32, n*size)
	buf := make([]float32, sampleBatch*k)
	input := tensor.New(tensor.WithShape(sampleBatch, k), tensor.WithBacking(buf))
	for start := 0; start < n; start += sampleBatch {
		c := min(sampleBatch, n-start)
		copy(buf, z[start*k:(start+c)*k])
		fillNormal(buf[c*k:], rand.New(rand.NewSource(m.cfg.Seed)))
		if err := m.sampler.run(input, nil, nil); err != nil {
			return nil, fmt.Errorf("generate: %w", err)
		}
		m.cfg.toUnit(out[start*size:(start+c)*size], m.sampler.outVal.Data().([]float32))
	}
	return out, nil
}

// Sample returns n images generated from noise drawn with the seed.
func (m *GAN) Sample(n int, seed int64) ([]float32, error) {
	return m.Generate(m.Noise(n, seed), n)
}

// Discriminate returns the discriminator's probability that each of n
// images (n × ImageSize values in [0,1]) is real.
func (m *GAN) Discriminate(images []float32, n int) ([]float32, error) {
	c := m.cfg
	if n < 1 || len(images) != n*c.ImageSize() {
		return nil, fmt.Errorf("discriminate: got %d values for %d images of %d", len(images), n, c.ImageSize())
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	nt, err := buildGANNet(c, m.params, n, ganCritic)
	if err != nil {
		return nil, fmt.Errorf("discriminate: %w", err)
	}
	x := make([]float32, len(images))
	c.fromUnit(x, images)
	if err := nt.run(tensor.New(tensor.WithShape(c.imageShape(n)...), tensor.WithBacking(x)), nil, nil); err != nil {
		return nil, fmt.Errorf("discriminate: %w", err)
	}
	p := append([]float32(nil), nt.outVal.Data().([]float32)...)
	sigmoids(p, p)
	return p, nil
}

// SaveSamples writes images the GAN made (n of its images, as Sample
// returns them) to dir as sample-1.png … sample-n.png, numbered with
// leading zeros so they sort in order.
func (m *GAN) SaveSamples(dir string, imgs []float32) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	c := m.cfg
	size := c.ImageSize()
	n := len(imgs) / size
	digits := len(fmt.Sprint(n))
	for i := range n {
		img := imageops.ToImage(imgs[i*size:(i+1)*size], c.Width, c.Height, c.Channels)
		if err := imageops.SavePNG(filepath.Join(dir, fmt.Sprintf("sample-%0*d.png", digits, i+1)), img); err != nil {
			return err
		}
	}
	return nil
}

// toUnit maps generator outputs to [0,1].
func (c GANConfig) toUnit(dst, out []float32) {
	for i := range dst {
		v := out[i]
		if c.Output == GANOutTanh {
			v = (v + 1) / 2
		}
		dst[i] = min(max(v, 0), 1)
	}
}

// fromUnit maps images in [0,1] to the generator's output range.
func (c GANConfig) fromUnit(dst, img []float32) {
	for i, v := range img {
		if c.Output == GANOutTanh {
			v = 2*v - 1
		}
		dst[i] = v
	}
}

// ganKind says what a ganNet computes.
type ganKind int

const (
	ganSample ganKind = iota // z → images
	ganDisc                  // real then fake images → L_D/2; gradients for D's weights
	ganGen                   // z → G → D → L_G; gradients for G's weights
	ganCritic                // images → D's logits
)

// ganNet is one graph of a GAN for a fixed batch. Its weight nodes share
// the GAN's *tensor.Dense values, so the discriminator net and the
// generator net (each with its own machine and solver) see each other's
// updates without copying.
type ganNet struct {
	net     // g, batch, input: z (B, Latent) or images (2B, ...) for the discriminator net; target: labels; loss
	cfg     GANConfig
	params  []*tensor.Dense
	nodes   G.Nodes // weight nodes by param index; nil where this net has none
	out     *G.Node // images (sample) or logits (rows, 1)
	trained G.Nodes // what this net's solver updates
	outVal  G.Value
}

// buildGANNet builds the graph of one kind. The discriminator net takes the
// batch's real images then its fake ones: 2×batch rows.
func buildGANNet(cfg GANConfig, params []*tensor.Dense, batch int, kind ganKind) (*ganNet, error) {
	dt := params[0].Dtype()
	n := &ganNet{net: net{batch: batch, g: G.NewGraph()}, cfg: cfg, params: params, nodes: make(G.Nodes, len(params))}
	rows := batch
	var err error
	if kind == ganDisc || kind == ganCritic {
		if kind == ganDisc {
			rows = 2 * batch
		}
		n.input = G.NewTensor(n.g, dt, len(cfg.imageShape(rows)), G.WithShape(cfg.imageShape(rows)...), G.WithName("images"))
		n.out, err = n.discriminator(n.input, rows)
	} else {
		n.input = G.NewMatrix(n.g, dt, G.WithShape(batch, cfg.Latent), G.WithName("z"))
		if n.out, err = n.generator(n.input, batch); err == nil && kind == ganGen {
			n.out, err = n.discriminator(n.out, rows)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("building the %s GAN graph: %w", cfg.Arch, err)
	}
	G.Read(n.out, &n.outVal)
	if kind == ganSample || kind == ganCritic {
		n.vm = G.NewTapeMachine(n.g)
		return n, nil
	}
	n.target = G.NewMatrix(n.g, dt, G.WithShape(rows, 1), G.WithName("labels"))
	if n.loss, err = ops.BCEWithLogits(n.out, n.target); err != nil {
		return nil, err
	}
	lo, hi := 0, cfg.gCount()
	if kind == ganDisc {
		lo, hi = hi, len(params)
	}
	n.trained = n.nodes[lo:hi]
	if _, err = G.Grad(n.loss, n.trained...); err != nil {
		return nil, fmt.Errorf("gradients: %w", err)
	}
	n.vm = G.NewTapeMachine(n.g, G.BindDualValues(n.trained...))
	return n, nil
}

// imageShape is how the nets hold rows images: flat for mlp, (rows, C, H, W) for dcgan.
func (c GANConfig) imageShape(rows int) tensor.Shape {
	if c.Arch == GANArchMLP {
		return tensor.Shape{rows, c.ImageSize()}
	}
	return tensor.Shape{rows, c.Channels, c.Height, c.Width}
}

// w is the node of param i, made on first use.
func (n *ganNet) w(i int) *G.Node {
	if n.nodes[i] == nil {
		p := n.params[i]
		n.nodes[i] = G.NewTensor(n.g, p.Dtype(), p.Dims(), G.WithShape(p.Shape().Clone()...),
			G.WithName(n.cfg.paramShapes()[i].name), G.WithValue(p))
	}
	return n.nodes[i]
}

// generator maps z to images in the output range, shaped by imageShape.
func (n *ganNet) generator(z *G.Node, batch int) (h *G.Node, err error) {
	cfg := n.cfg
	out := ops.ActNone // tanh is a Gorgonia node after the last layer
	if cfg.Output == GANOutSigmoid {
		out = ops.ActSigmoid
	}
	h, depth := z, len(cfg.GLayers)
	if cfg.Arch == GANArchMLP {
		for l := 0; l <= depth && err == nil; l++ {
			act := ops.ActReLU
			if l == depth {
				act = out
			}
			h, err = ops.Linear(h, n.w(2*l), n.w(2*l+1), act)
		}
	} else {
		if h, err = ops.Linear(h, n.w(0), n.w(1), ops.ActReLU); err != nil {
			return nil, err
		}
		h, err = G.Reshape(h, tensor.Shape{batch, cfg.GLayers[0], cfg.Height >> depth, cfg.Width >> depth})
		for l, i := 0, 2; l < depth && err == nil; l++ {
			last := l == depth-1
			act := ops.ActReLU
			switch {
			case last:
				act = out
			case cfg.BatchNorm:
				act = ops.ActNone // BatchNorm, then ReLU
			}
			if h, err = ops.Upsample2x(h); err != nil {
				break
			}
			h, err = ops.Conv2d(h, n.w(i), n.w(i+1), 1, 1, act)
			i += 2
			if err == nil && cfg.BatchNorm && !last {
				if h, _, _, _, err = G.BatchNorm(h, n.w(i), n.w(i+1), 0.9, 1e-5); err == nil {
					h, err = G.Rectify(h)
				}
				i += 2
			}
		}
	}
	if err == nil && cfg.Output == GANOutTanh {
		h, err = G.Tanh(h)
	}
	return h, err
}

// discriminator maps rows images (shaped by imageShape) to logits (rows, 1).
func (n *ganNet) discriminator(x *G.Node, rows int) (h *G.Node, err error) {
	cfg := n.cfg
	leaky := ops.ActLeakyReLU(cfg.Slope)
	i := cfg.gCount()
	h = x
	if cfg.Arch == GANArchDCGAN {
		for range cfg.DLayers {
			if h, err = ops.Conv2d(h, n.w(i), n.w(i+1), 2, 1, leaky); err != nil {
				return nil, err
			}
			i += 2
		}
		if h, err = G.Reshape(h, tensor.Shape{rows, h.Shape().TotalSize() / rows}); err != nil {
			return nil, err
		}
	}
	for ; i+2 < len(n.params) && err == nil; i += 2 {
		h, err = ops.Linear(h, n.w(i), n.w(i+1), leaky)
	}
	if err != nil {
		return nil, err
	}
	return ops.Linear(h, n.w(i), n.w(i+1), ops.ActNone)
}
