package models

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"latentstudio/imageops"
)

func digitClassifierConfig(arch string, layers ...int) ClassifierConfig {
	var classes []string
	for d := range 10 {
		classes = append(classes, strconv.Itoa(d))
	}
	return ClassifierConfig{Arch: arch, Width: 28, Height: 28, Channels: 1, Layers: layers, Feature: 32, Classes: classes, Seed: 1}
}

// TestClassifierLearnsMNIST: one epoch over 6,000 real digits (187 steps)
// must classify held-out digits far better than chance (measured: 0.85),
// the same way twice (training is deterministic), and Predict's rows are
// distributions.
func TestClassifierLearnsMNIST(t *testing.T) {
	train := mnist(t, "train-images-idx3-ubyte.gz", 6000)
	test := mnist(t, "t10k-images-idx3-ubyte.gz", 1000)
	for _, arch := range []string{ArchDense, ArchConv} {
		t.Run(arch, func(t *testing.T) {
			layers := []int{64}
			if arch == ArchConv {
				layers = []int{8, 16}
			}
			var accs []float64
			var first *Classifier
			for range 2 {
				c, err := NewClassifier(digitClassifierConfig(arch, layers...))
				if err != nil {
					t.Fatal(err)
				}
				var epochs []ClassifierEpoch
				opt := ClassifierTrainOptions{Epochs: 1, Batch: 32, LR: 2e-3, Seed: 3, Test: test,
					OnEpoch: func(e ClassifierEpoch) { epochs = append(epochs, e) }}
				if err := TrainClassifier(context.Background(), c, train, opt); err != nil {
					t.Fatal(err)
				}
				if len(epochs) != 1 || epochs[0].TestAccuracy != c.History.TestAccuracy || c.History.Steps != 6000/32 {
					t.Fatalf("epochs %+v, history %+v", epochs, c.History)
				}
				accs = append(accs, c.History.TestAccuracy)
				first = c
			}
			t.Logf("%s: test accuracy %.4f, train loss %.3f, %.1fs", arch, accs[0], first.History.TrainLoss, first.History.Seconds)
			if accs[0] < 0.8 || accs[0] != accs[1] {
				t.Errorf("test accuracies %v: want above 0.8 and equal", accs)
			}
			probs, err := first.Predict(test.Data[:3*784], 3)
			if err != nil {
				t.Fatal(err)
			}
			for r := range 3 {
				var sum float64
				for _, p := range probs[r*10 : (r+1)*10] {
					sum += float64(p)
				}
				if math.Abs(sum-1) > 1e-5 {
					t.Errorf("row %d sums to %v", r, sum)
				}
			}
		})
	}
}

// TestClassifierFileRoundTrip: a saved classifier loads with the same
// config, history and outputs; an autoencoder file is refused as one, and a
// classifier file as an autoencoder.
func TestClassifierFileRoundTrip(t *testing.T) {
	c, err := NewClassifier(digitClassifierConfig(ArchConv, 4, 8))
	if err != nil {
		t.Fatal(err)
	}
	c.History = ClassifierHistory{Epochs: 2, TestAccuracy: 0.5, TestN: 10}
	path := filepath.Join(t.TempDir(), "c.lsm")
	if err := c.Save(path); err != nil {
		t.Fatal(err)
	}
	d, err := LoadClassifier(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(d.Config(), c.Config()) || d.History != c.History {
		t.Fatalf("loaded %+v %+v", d.Config(), d.History)
	}
	x := make([]float32, 5*784)
	for i := range x {
		x[i] = float32(i%29) / 29
	}
	p1, f1, err := c.Classify(x, 5)
	if err != nil {
		t.Fatal(err)
	}
	p2, f2, _ := d.Classify(x, 5)
	if !reflect.DeepEqual(p1, p2) || !reflect.DeepEqual(f1, f2) || len(f1) != 5*32 {
		t.Error("the loaded classifier computes something else")
	}
	if _, err := Load(path); err == nil || !strings.Contains(err.Error(), "classifier") {
		t.Errorf("loading a classifier as an autoencoder: %v", err)
	}
	ae := testModel(t, ArchDense)
	aePath := filepath.Join(t.TempDir(), "ae.lsm")
	if err := ae.Save(aePath); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadClassifier(aePath); err == nil {
		t.Error("an autoencoder file loaded as a classifier")
	}
	os.WriteFile(path, []byte("not a zip"), 0o644)
	if _, err := LoadClassifier(path); err == nil {
		t.Error("garbage loaded as a classifier")
	}
}

func TestClassifierConfigErrors(t *testing.T) {
	for _, mod := range []func(*ClassifierConfig){
		func(c *ClassifierConfig) { c.Arch = "rnn" },
		func(c *ClassifierConfig) { c.Layers = nil }, // conv without conv layers
		func(c *ClassifierConfig) { c.Feature = 0 },
		func(c *ClassifierConfig) { c.Classes = c.Classes[:1] },
		func(c *ClassifierConfig) { c.Classes[3] = "2" },
		func(c *ClassifierConfig) { c.Channels = 2 },
	} {
		cfg := digitClassifierConfig(ArchConv, 8)
		mod(&cfg)
		if _, err := NewClassifier(cfg); err == nil {
			t.Errorf("%+v: no error", cfg)
		}
	}
	c, _ := NewClassifier(digitClassifierConfig(ArchDense))
	other := &imageops.Dataset{Width: 28, Height: 28, Channels: 1, Data: make([]float32, 784), Labels: []int{0}, Classes: []string{"cat"}}
	if err := TrainClassifier(context.Background(), c, other, ClassifierTrainOptions{Epochs: 1, Batch: 1, LR: 1e-3}); err == nil {
		t.Error("trained on a class the classifier does not have")
	}
}
