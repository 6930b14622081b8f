package models

import (
	"context"
	"fmt"
	"math"
	"math/rand"
	"time"

	"gorgonia.org/tensor"

	"latentstudio/imageops"
)

// ClassifierTrainOptions are the knobs of one classifier training run.
type ClassifierTrainOptions struct {
	Epochs int
	Batch  int
	LR     float64 // Adam's learning rate; it falls linearly to a tenth of this by the last step
	Seed   int64   // shuffling

	// Test, when set, is scored after each epoch; its accuracy goes into
	// the history.
	Test *imageops.Dataset

	// OnEpoch, when set, hears of each finished epoch.
	OnEpoch func(ClassifierEpoch)
}

// ClassifierEpoch reports one finished epoch.
type ClassifierEpoch struct {
	Epoch, Epochs int
	Loss          float64 // mean training cross-entropy
	TestAccuracy  float64 // NaN without test data
	Elapsed       time.Duration
}

// TrainClassifier trains c on the labelled data with softmax cross-entropy
// and Adam, deterministically for a given seed, and records the run in
// c.History. Every image needs a label naming one of c's classes.
func TrainClassifier(ctx context.Context, c *Classifier, data *imageops.Dataset, opt ClassifierTrainOptions) error {
	cfg := c.cfg
	labels, err := c.classIndices(data)
	if err != nil {
		return err
	}
	if opt.Epochs < 1 {
		return fmt.Errorf("epochs must be at least 1, not %d", opt.Epochs)
	}
	if opt.Batch < 1 || opt.Batch > data.Len() {
		return fmt.Errorf("batch %d: want 1..%d (the number of images)", opt.Batch, data.Len())
	}
	if !(opt.LR > 0 && opt.LR < 1) {
		return fmt.Errorf("learning rate must be in (0,1), not %g", opt.LR)
	}
	nt, err := buildClassifierNet(cfg, c.params, opt.Batch, true)
	if err != nil {
		return err
	}
	solver := newAdamFor(nt.learnables, opt.LR)
	rng := rand.New(rand.NewSource(opt.Seed))
	size, k := cfg.ImageSize(), len(cfg.Classes)
	xBuf, yBuf := make([]float32, opt.Batch*size), make([]float32, opt.Batch*k)
	x := tensor.New(tensor.WithShape(nt.input.Shape()...), tensor.WithBacking(xBuf))
	y := tensor.New(tensor.WithShape(opt.Batch, k), tensor.WithBacking(yBuf))
	perEpoch := data.Len() / opt.Batch
	steps := opt.Epochs * perEpoch
	start, done := time.Now(), 0
	for epoch := 1; epoch <= opt.Epochs; epoch++ {
		perm := rng.Perm(data.Len())
		var sum float64
		for s := 0; s < perEpoch; s++ {
			if err := ctx.Err(); err != nil {
				return err
			}
			clear(yBuf)
			for j, i := range perm[s*opt.Batch : (s+1)*opt.Batch] {
				copy(xBuf[j*size:], data.Image(i))
				yBuf[j*k+labels[i]] = 1
			}
			if err := nt.run(x, y, nil); err != nil {
				return err
			}
			loss := float64(nt.loss.Value().Data().(float32))
			if math.IsNaN(loss) || math.IsInf(loss, 0) {
				return fmt.Errorf("the loss became %v at step %d", loss, c.History.Steps+1)
			}
			sum += loss
			solver.lr = opt.LR * (1 - 0.9*float64(done)/float64(steps))
			if err := solver.stepNodes(nt.learnables); err != nil {
				return err
			}
			c.History.Steps++
			done++
		}
		h := &c.History
		h.Epochs++
		h.Samples += perEpoch * opt.Batch
		h.TrainLoss = sum / float64(perEpoch)
		h.Seconds += time.Since(start).Seconds()
		start = time.Now()
		ev := ClassifierEpoch{Epoch: epoch, Epochs: opt.Epochs, Loss: h.TrainLoss, TestAccuracy: math.NaN(), Elapsed: time.Duration(h.Seconds * float64(time.Second))}
		if opt.Test != nil {
			if ev.TestAccuracy, err = c.Accuracy(opt.Test); err != nil {
				return err
			}
			h.TestN, h.TestAccuracy = opt.Test.Len(), ev.TestAccuracy
		}
		if opt.OnEpoch != nil {
			opt.OnEpoch(ev)
		}
	}
	return nil
}

// classIndices maps each image's label to the index of its class in c's
// classes, by name.
func (c *Classifier) classIndices(d *imageops.Dataset) ([]int, error) {
	if d == nil || d.Len() == 0 {
		return nil, fmt.Errorf("no labelled images")
	}
	if d.Width != c.cfg.Width || d.Height != c.cfg.Height || d.Channels != c.cfg.Channels {
		return nil, fmt.Errorf("the data are %dx%dx%d (WxHxC) but the classifier takes %dx%dx%d",
			d.Width, d.Height, d.Channels, c.cfg.Width, c.cfg.Height, c.cfg.Channels)
	}
	index := map[string]int{}
	for i, name := range c.cfg.Classes {
		index[name] = i
	}
	out := make([]int, d.Len())
	for i := range out {
		j, ok := index[d.Label(i)]
		if !ok {
			return nil, fmt.Errorf("image %d has the label %q, not one of the classifier's classes %v", i+1, d.Label(i), c.cfg.Classes)
		}
		out[i] = j
	}
	return out, nil
}

// Accuracy is the share of the labelled images whose most probable class
// is their label.
func (c *Classifier) Accuracy(d *imageops.Dataset) (float64, error) {
	labels, err := c.classIndices(d)
	if err != nil {
		return 0, err
	}
	probs, err := c.Predict(d.Data, d.Len())
	if err != nil {
		return 0, err
	}
	k, right := len(c.cfg.Classes), 0
	for i, l := range labels {
		if argmax(probs[i*k:(i+1)*k]) == l {
			right++
		}
	}
	return float64(right) / float64(len(labels)), nil
}
