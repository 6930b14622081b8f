package models

import (
	"fmt"
	"math"
	"math/rand"
	"strings"
	"sync"

	"gorgonia.org/tensor"
)

// Autoencoder is an autoencoder's config and weights, plus what is known of
// its training. Its methods are safe for concurrent use, except that a
// Trainer owns the model while it runs: use Trainer.Snapshot then.
type Autoencoder struct {
	cfg     Config
	params  []*tensor.Dense // in cfg.paramShapes() order, float32
	History History

	mu   sync.Mutex
	nets map[netKey]*net // inference and decoding graphs
}

type netKey struct {
	kind          netKind
	batch         int
	width, height int
}

// History summarises the training a model has had, for info and reports.
type History struct {
	Data      string  `json:"data,omitempty"`
	Epochs    int     `json:"epochs"`
	Steps     int     `json:"steps"`
	Samples   int     `json:"samples"`
	Seconds   float64 `json:"seconds"`
	TrainLoss float64 `json:"train_loss"`
	ValLoss   float64 `json:"val_loss"`
}

// NewAutoencoder builds a freshly initialised model from cfg. Weights are
// drawn like PyTorch's defaults, U(-1/sqrt(fan_in), 1/sqrt(fan_in)), from
// cfg.Seed, so the same config always gives the same model.
func NewAutoencoder(cfg Config) (*Autoencoder, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return newAutoencoder(cfg, initParams(cfg.paramShapes(), cfg.Seed)), nil
}

// initParams draws fresh weights for the shapes from the seed, as PyTorch
// initialises its layers: each weight and the bias after it
// U(-1/sqrt(fan_in), 1/sqrt(fan_in)), BatchNorm scales (.gamma) 1 and
// shifts (.beta) 0. Autoencoders, GANs and classifiers all start so.
func initParams(shapes []paramShape, seed int64) []*tensor.Dense {
	rng := rand.New(rand.NewSource(seed))
	params := make([]*tensor.Dense, len(shapes))
	var bound float64
	for i, s := range shapes {
		data := make([]float32, product(s.shape))
		switch {
		case strings.HasSuffix(s.name, ".gamma"):
			for j := range data {
				data[j] = 1
			}
		case strings.HasSuffix(s.name, ".beta"):
		default:
			if strings.HasSuffix(s.name, ".w") { // its fan-in also bounds the bias after it
				bound = 1 / math.Sqrt(float64(fanIn(s.shape)))
			}
			for j := range data {
				data[j] = float32((2*rng.Float64() - 1) * bound)
			}
		}
		params[i] = tensor.New(tensor.WithShape(s.shape...), tensor.WithBacking(data))
	}
	return params
}

func newAutoencoder(cfg Config, params []*tensor.Dense) *Autoencoder {
	return &Autoencoder{cfg: cfg, params: params, nets: map[netKey]*net{}}
}

// fanIn is the number of inputs feeding one output of a dense (in, out) or
// conv (out, in, kh, kw) weight.
func fanIn(shape []int) int {
	if len(shape) == 4 {
		return shape[1] * shape[2] * shape[3]
	}
	return shape[0]
}

func product(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// Config returns the model's configuration.
func (a *Autoencoder) Config() Config { return a.cfg }

// ParamCount is the number of trainable values.
func (a *Autoencoder) ParamCount() int { return a.cfg.ParamCount() }

// Clone returns a deep copy that shares nothing with a.
func (a *Autoencoder) Clone() *Autoencoder {
	params := make([]*tensor.Dense, len(a.params))
	for i, p := range a.params {
		params[i] = p.Clone().(*tensor.Dense)
	}
	c := newAutoencoder(a.cfg, params)
	c.History = a.History
	return c
}

// copyWeightsFrom overwrites a's weights in place with src's (same config).
func (a *Autoencoder) copyWeightsFrom(src *Autoencoder) {
	for i, p := range a.params {
		copy(p.Data().([]float32), src.params[i].Data().([]float32))
	}
}

// inferenceBatch bounds the batch of the inference graphs.
const inferenceBatch = 128

// Output holds what a forward pass produced for n images.
type Output struct {
	Recon []float32 // n × OutputSize values in [0,1]
	Code  []float32 // n × CodeSize values
}

// Forward runs n images (n × InputSize values, C×H×W each) through the model.
func (a *Autoencoder) Forward(x []float32, n int) (*Output, error) {
	size, osize, k := a.cfg.InputSize(), a.cfg.OutputSize(), a.cfg.CodeSize()
	if n < 0 || len(x) != n*size {
		return nil, fmt.Errorf("forward: got %d values for %d images of %d values", len(x), n, size)
	}
	out := &Output{Recon: make([]float32, n*osize), Code: make([]float32, n*k)}
	err := a.runBatches(netKey{kind: inferNet, width: a.cfg.Width, height: a.cfg.Height}, x, n, size, func(nt *net, start, m int) {
		a.cfg.outputs(out.Recon[start*osize:(start+m)*osize], nt.logitsVal.Data().([]float32))
		if k > 0 {
			copy(out.Code[start*k:(start+m)*k], nt.codeVal.Data().([]float32))
		}
	})
	if err != nil {
		return nil, fmt.Errorf("forward: %w", err)
	}
	return out, nil
}

// InferAt runs n images of w×h pixels (n × InChannels×h×w values) through
// a fully convolutional model, whatever size it was trained at, and
// returns its outputs (n × OutChannels×h×w values in [0,1]). Photos are
// processed this way, in tiles.
func (a *Autoencoder) InferAt(x []float32, n, w, h int) ([]float32, error) {
	if !a.cfg.FullyConvolutional() {
		return nil, fmt.Errorf("infer: a %s model with a dense code only takes %dx%d images", a.cfg.Arch, a.cfg.Width, a.cfg.Height)
	}
	at := a.cfg.withSize(w, h)
	if err := at.Validate(); err != nil {
		return nil, fmt.Errorf("infer at %dx%d: %w", w, h, err)
	}
	size, osize := at.InputSize(), at.OutputSize()
	if n < 0 || len(x) != n*size {
		return nil, fmt.Errorf("infer: got %d values for %d images of %d values", len(x), n, size)
	}
	out := make([]float32, n*osize)
	err := a.runBatches(netKey{kind: inferNet, width: w, height: h}, x, n, size, func(nt *net, start, m int) {
		at.outputs(out[start*osize:(start+m)*osize], nt.logitsVal.Data().([]float32))
	})
	if err != nil {
		return nil, fmt.Errorf("infer: %w", err)
	}
	return out, nil
}

// AtSize returns a copy of a fully convolutional model that trains on (and
// reports) images of w×h pixels; its weights fit any size.
func (a *Autoencoder) AtSize(w, h int) (*Autoencoder, error) {
	if !a.cfg.FullyConvolutional() {
		return nil, fmt.Errorf("a %s model with a dense code only takes %dx%d images", a.cfg.Arch, a.cfg.Width, a.cfg.Height)
	}
	at := a.cfg.withSize(w, h)
	if err := at.Validate(); err != nil {
		return nil, err
	}
	c := a.Clone()
	c.cfg = at
	return c, nil
}

// withSize is the config with another input size (for fully convolutional
// models, whose weights do not depend on it).
func (c Config) withSize(w, h int) Config {
	c.Width, c.Height = w, h
	return c
}

// outputs turns a batch's logits into outputs: sigmoids, or for the
// residual denoiser the image itself clipped to [0,1].
func (c Config) outputs(dst, logits []float32) {
	if c.sigmoidOutput() {
		sigmoids(dst, logits)
		return
	}
	for i := range dst {
		dst[i] = min(max(logits[i], 0), 1)
	}
}

// Decode returns the images (n × OutputSize values in [0,1]) that n codes
// (n × CodeSize values) decode to: what the latent explorer draws.
func (a *Autoencoder) Decode(codes []float32, n int) ([]float32, error) {
	size, k := a.cfg.OutputSize(), a.cfg.CodeSize()
	if n < 0 || len(codes) != n*k {
		return nil, fmt.Errorf("decode: got %d values for %d codes of %d values", len(codes), n, k)
	}
	if k == 0 {
		return nil, fmt.Errorf("decode: a %s model has no code", a.cfg.Arch)
	}
	out := make([]float32, n*size)
	err := a.runBatches(netKey{kind: decodeNet, width: a.cfg.Width, height: a.cfg.Height}, codes, n, k, func(nt *net, start, m int) {
		a.cfg.outputs(out[start*size:(start+m)*size], nt.logitsVal.Data().([]float32))
	})
	if err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	return out, nil
}

// runBatches feeds n inputs of size values each through a cached net of the
// kind, in batches (the last one padded), and hands each batch's results to
// read with the first input's index and the batch's real count.
func (a *Autoencoder) runBatches(key netKey, x []float32, n, size int, read func(nt *net, start, m int)) error {
	if n == 0 {
		return nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	batch := min(n, inferenceBatch)
	key.batch = batch
	nt, ok := a.nets[key]
	if !ok {
		var err error
		if nt, err = buildNet(a.cfg.withSize(key.width, key.height), a.params, batch, key.kind); err != nil {
			return err
		}
		a.nets[key] = nt
	}
	buf := make([]float32, batch*size)
	input := tensor.New(tensor.WithShape(nt.input.Shape()...), tensor.WithBacking(buf))
	for start := 0; start < n; start += batch {
		m := min(batch, n-start)
		copy(buf, x[start*size:(start+m)*size])
		clear(buf[m*size:])
		if err := nt.run(input, nil, nil); err != nil {
			return err
		}
		read(nt, start, m)
	}
	return nil
}

// Reconstruct returns the model's output for n images.
func (a *Autoencoder) Reconstruct(x []float32, n int) ([]float32, error) {
	out, err := a.Forward(x, n)
	if err != nil {
		return nil, err
	}
	return out.Recon, nil
}

// Encode returns the codes of n images, n × CodeSize values.
func (a *Autoencoder) Encode(x []float32, n int) ([]float32, error) {
	out, err := a.Forward(x, n)
	if err != nil {
		return nil, err
	}
	return out.Code, nil
}

// sigmoids writes sigmoid(logits) into dst (len(dst) values).
func sigmoids(dst, logits []float32) {
	for i := range dst {
		dst[i] = sigmoid(logits[i])
	}
}

func sigmoid(x float32) float32 { return float32(1 / (1 + math.Exp(-float64(x)))) }

// Loss is the model's loss between reconstructions and targets, both n ×
// InputSize values: mean BCE or mean squared error, as configured.
func (a *Autoencoder) Loss(recon, target []float32) float64 {
	return meanLoss(a.cfg.Loss, recon, target, nil)
}

// meanLoss matches lossNode (weight may be nil). BCE clips outputs away from 0 and 1 the way
// PyTorch's BCELoss clamps its log at -100.
func meanLoss(kind string, recon, target, weight []float32) float64 {
	if len(recon) == 0 {
		return math.NaN()
	}
	var sum float64
	for i, p := range recon {
		y, q := float64(target[i]), float64(p)
		if kind == LossBCE {
			sum -= y*max(math.Log(q), -100) + (1-y)*max(math.Log(1-q), -100)
		} else if weight != nil {
			sum += float64(weight[i]) * (q - y) * (q - y)
		} else {
			sum += (q - y) * (q - y)
		}
	}
	return sum / float64(len(recon))
}
