package models

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/advancedclimatesystems/gonnx"
	"github.com/advancedclimatesystems/gonnx/onnx"
	"google.golang.org/protobuf/proto"
	"gorgonia.org/tensor"
)

// onnxTolerance is the largest difference allowed between ONNX Runtime's
// outputs and ours.
const onnxTolerance = 1e-4

// onnxCase is one export and the outputs our own code gives for its inputs.
type onnxCase struct {
	kind   string
	model  []byte
	inputs map[string]onnxTensor
	want   map[string][]float32
}

type onnxTensor struct {
	Dims []int64   `json:"dims"`
	Data []float32 `json:"data"`
}

// ortModules is where `npm install --ignore-scripts onnxruntime-node` put
// ONNX Runtime for Node (scripts/setup.sh does it into build/ort).
func ortModules() string {
	if dir := os.Getenv("LATENTSTUDIO_ORT_MODULES"); dir != "" {
		return dir
	}
	abs, _ := filepath.Abs("../build/ort/node_modules")
	return abs
}

// runORT runs the model with ONNX Runtime through Node.
func runORT(t *testing.T, c onnxCase) (map[string]onnxTensor, error) {
	dir := t.TempDir()
	model, inputs := filepath.Join(dir, "model.onnx"), filepath.Join(dir, "inputs.json")
	raw, err := json.Marshal(c.inputs)
	if err == nil {
		err = os.WriteFile(inputs, raw, 0o644)
	}
	if err == nil {
		err = os.WriteFile(model, c.model, 0o644)
	}
	if err != nil {
		return nil, err
	}
	cmd := exec.Command("node", "testdata/ort_run.js", model, inputs)
	cmd.Env = append(os.Environ(), "NODE_PATH="+ortModules())
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%v: %s", err, stderr.String())
	}
	var got map[string]onnxTensor
	return got, json.Unmarshal(out, &got)
}

// requireORT skips the test where ONNX Runtime is not installed, unless
// LATENTSTUDIO_REQUIRE_ORT=1 (make test sets it) makes that a failure.
func requireORT(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: the export checks run in the full pass")
	}
	_, errNode := exec.LookPath("node")
	_, errORT := os.Stat(filepath.Join(ortModules(), "onnxruntime-node"))
	if err := errors.Join(errNode, errORT); err != nil {
		if os.Getenv("LATENTSTUDIO_REQUIRE_ORT") == "1" {
			t.Fatalf("ONNX Runtime for Node is needed (./scripts/setup.sh installs it): %v", err)
		}
		t.Skipf("ONNX Runtime for Node is not installed (./scripts/setup.sh installs it): %v", err)
	}
}

func randomValues(n int, seed int64) []float32 {
	rng := rand.New(rand.NewSource(seed))
	v := make([]float32, n)
	for i := range v {
		v[i] = rng.Float32()
	}
	return v
}

func maxDiff(a, b []float32) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	d := 0.0
	for i := range a {
		d = max(d, math.Abs(float64(a[i])-float64(b[i])))
	}
	return d
}

// must returns v, panicking (which fails the test) on an error.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// autoencoderCases exports each part of a and computes our outputs for n
// random inputs (of size w×h for fully convolutional models).
func autoencoderCases(t *testing.T, kind string, a *Autoencoder, n, w, h int) []onnxCase {
	c := a.cfg
	x := randomValues(n*w*h*c.InChannels(), 1)
	dims := []int64{int64(n), int64(c.InChannels()), int64(h), int64(w)}
	if c.Arch == ArchDense {
		dims = []int64{int64(n), int64(c.InputSize())}
	}
	var full []float32
	if w != c.Width || h != c.Height {
		full = must(a.InferAt(x, n, w, h))
	} else {
		full = must(a.Reconstruct(x, n))
	}
	cases := []onnxCase{{kind: kind + " full", model: must(a.ONNX(PartFull)),
		inputs: map[string]onnxTensor{"image": {dims, x}}, want: map[string][]float32{"output": full}}}
	if c.Arch == ArchResidual || w != c.Width || h != c.Height {
		return cases
	}
	codes := randomValues(n*c.CodeSize(), 2)
	return append(cases,
		onnxCase{kind: kind + " encoder", model: must(a.ONNX(PartEncoder)),
			inputs: map[string]onnxTensor{"image": {dims, x}}, want: map[string][]float32{"code": must(a.Encode(x, n))}},
		onnxCase{kind: kind + " decoder", model: must(a.ONNX(PartDecoder)),
			inputs: map[string]onnxTensor{"code": {[]int64{int64(n), int64(c.CodeSize())}, codes}},
			want:   map[string][]float32{"output": must(a.Decode(codes, n))}})
}

// ganCases exports both parts of m: 64 noise vectors (the batch Generate
// uses, which BatchNorm's statistics depend on) and n real-looking images.
func ganCases(t *testing.T, kind string, m *GAN, n int) []onnxCase {
	c := m.cfg
	z := m.Noise(sampleBatch, 3)
	imgs := randomValues(n*c.ImageSize(), 4)
	return []onnxCase{
		{kind: kind + " generator", model: must(m.ONNX(PartGenerator)),
			inputs: map[string]onnxTensor{"z": {[]int64{sampleBatch, int64(c.Latent)}, z}},
			want:   map[string][]float32{"image": must(m.Generate(z, sampleBatch))}},
		{kind: kind + " discriminator", model: must(m.ONNX(PartDiscriminator)),
			inputs: map[string]onnxTensor{"image": {[]int64{int64(n), int64(c.Channels), int64(c.Height), int64(c.Width)}, imgs}},
			want:   map[string][]float32{"probability": must(m.Discriminate(imgs, n))}},
	}
}

func onnxCases(t *testing.T) []onnxCase {
	dense := must(NewAutoencoder(Config{Task: TaskReconstruct, Arch: ArchDense, Width: 28, Height: 28, Channels: 1,
		Layers: []int{64, 32}, Code: 8, Loss: LossBCE, Seed: 1}))
	conv := must(NewAutoencoder(Config{Task: TaskReconstruct, Arch: ArchConv, Width: 16, Height: 16, Channels: 3,
		Layers: []int{8, 16}, Code: 10, CodeActivation: ActReLU, Loss: LossMSE, Seed: 2}))
	mlp := must(NewGAN(GANConfig{Arch: GANArchMLP, Latent: 16, Width: 12, Height: 12, Channels: 1,
		GLayers: []int{32}, DLayers: []int{32, 16}, Output: GANOutSigmoid, Slope: 0.2, Seed: 5}))
	dilated := must(NewAutoencoder(Config{Task: TaskDenoise, Arch: ArchResidual, Width: 16, Height: 16, Channels: 3,
		Layers: []int{6, 6, 6}, Dilations: []int{1, 2, 4, 1}, Loss: LossMSE, NoiseSigma: 0.1, Seed: 3}))
	var cases []onnxCase
	cases = append(cases, autoencoderCases(t, "dense autoencoder", dense, 5, 28, 28)...)
	cases = append(cases, autoencoderCases(t, "dilated residual", dilated, 2, 21, 13)...)
	cases = append(cases, autoencoderCases(t, "conv autoencoder", conv, 4, 16, 16)...)
	for _, b := range []struct {
		kind, file string
		w, h       int
	}{
		{"builtin:denoise (residual)", "builtin/denoise.lsm", 40, 24},
		{"builtin:inpaint (residual)", "builtin/inpaint.lsm", 32, 40},
		{"builtin:colorize (conv, no code)", "builtin/colorize.lsm", 48, 32},
	} {
		a := must(Load(filepath.Join("..", "assets", b.file)))
		cases = append(cases, autoencoderCases(t, b.kind, a, 2, b.w, b.h)...)
		if b.kind == "builtin:colorize (conv, no code)" {
			c := a.cfg
			cases = append(cases, autoencoderCases(t, "builtin:colorize", a, 2, c.Width, c.Height)[1:]...)
		}
	}
	cases = append(cases, ganCases(t, "mlp GAN", mlp, 6)...)
	cases = append(cases, ganCases(t, "builtin:gan-mnist (dcgan)", must(LoadGAN("../assets/gan/mnist.lsm")), 6)...)
	cl := must(LoadClassifier("../assets/classifier/mnist.lsm"))
	x := randomValues(7*cl.cfg.ImageSize(), 6)
	probs, feats, err := cl.Classify(x, 7)
	if err != nil {
		t.Fatal(err)
	}
	return append(cases, onnxCase{kind: "builtin:mnist-classifier", model: must(cl.ONNX()),
		inputs: map[string]onnxTensor{"image": {[]int64{7, 1, 28, 28}, x}},
		want:   map[string][]float32{"probabilities": probs, "features": feats}})
}

// TestONNXExportsMatchONNXRuntime exports every kind of model and part,
// runs each file with ONNX Runtime and compares its outputs with ours.
func TestONNXExportsMatchONNXRuntime(t *testing.T) {
	requireORT(t)
	for _, c := range onnxCases(t) {
		got, err := runORT(t, c)
		if err != nil {
			t.Errorf("%s: ONNX Runtime: %v", c.kind, err)
			continue
		}
		for name, want := range c.want {
			d := maxDiff(got[name].Data, want)
			t.Logf("%-45s %-13s %6d values, max difference %.2g", c.kind, name, len(want), d)
			if !(d <= onnxTolerance) {
				t.Errorf("%s %s: max difference %g (%d values from ONNX Runtime, %d ours)", c.kind, name, d, len(got[name].Data), len(want))
			}
		}
	}
}

// TestONNXInGonnx runs the exports in process with gonnx where it has all
// their operators (it lacks ConvTranspose, Resize, Clip, LeakyRelu and
// ReduceMean): the dense autoencoder's three parts and the classifier at
// least.
func TestONNXInGonnx(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the export checks run in the full pass")
	}
	ran := 0
	for _, c := range onnxCases(t) {
		m, err := gonnx.NewModelFromBytes(c.model)
		if err != nil {
			t.Logf("%-45s gonnx cannot load it: %v", c.kind, err)
			continue
		}
		inputs := gonnx.Tensors{}
		for name, in := range c.inputs {
			shape := make([]int, len(in.Dims))
			for i, d := range in.Dims {
				shape[i] = int(d)
			}
			inputs[name] = tensor.New(tensor.WithShape(shape...), tensor.WithBacking(append([]float32(nil), in.Data...)))
		}
		out, err := m.Run(inputs)
		if err != nil {
			t.Logf("%-45s gonnx cannot run it: %v", c.kind, err)
			continue
		}
		ran++
		for name, want := range c.want {
			got, _ := out[name].Data().([]float32)
			d := maxDiff(got, want)
			t.Logf("%-45s %-13s gonnx max difference %.2g", c.kind, name, d)
			if !(d <= onnxTolerance) {
				t.Errorf("%s %s in gonnx: max difference %g", c.kind, name, d)
			}
		}
	}
	if ran < 4 {
		t.Errorf("gonnx ran %d exports, want at least the dense autoencoder's 3 and the classifier", ran)
	}
}

// TestONNXFileDescribesItself checks the header of an export: opset 13, a
// dynamic batch, named inputs and outputs, and the metadata.
func TestONNXFileDescribesItself(t *testing.T) {
	a := must(Load("../assets/builtin/denoise.lsm"))
	var m onnx.ModelProto
	if err := proto.Unmarshal(must(a.ONNX(PartFull)), &m); err != nil {
		t.Fatal(err)
	}
	if len(m.OpsetImport) != 1 || m.OpsetImport[0].Version != 13 || m.ProducerName != "latentstudio" {
		t.Errorf("opset %v, producer %q", m.OpsetImport, m.ProducerName)
	}
	in := m.Graph.Input[0]
	dims := in.Type.GetTensorType().Shape.Dim
	if in.Name != "image" || len(dims) != 4 || dims[0].GetDimParam() != "batch" || dims[1].GetDimValue() != 3 ||
		dims[2].GetDimParam() != "height" || m.Graph.Output[0].Name != "output" {
		t.Errorf("input %s %v, output %s", in.Name, dims, m.Graph.Output[0].Name)
	}
	meta := map[string]string{}
	for _, p := range m.MetadataProps {
		meta[p.Key] = p.Value
	}
	if meta["task"] != TaskDenoise || meta["colour_mode"] != "rgb" || meta["width"] != "40" ||
		!strings.Contains(meta["normalisation"], "[0,1]") {
		t.Errorf("metadata %v", meta)
	}
	if _, err := a.ONNX(PartEncoder); err == nil || !strings.Contains(err.Error(), "has no code") {
		t.Errorf("encoder of a residual model: %v", err)
	}
	cfg := GANPresets()[0].Config
	cfg.Width, cfg.Height, cfg.Channels = 28, 28, 1
	if _, err := must(NewGAN(cfg)).ONNX(PartFull); err == nil {
		t.Error("a GAN exported --part full")
	}
}
