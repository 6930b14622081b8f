package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"latentstudio/imageops"
	"latentstudio/models"
)

// benchModel is one model of the benchmark: the PyTorch anchor's two MNIST
// autoencoders (shared/bench/torch_anchor.py), and a photo autoencoder.
type benchModel struct {
	name, anchor, about string
	cfg                 models.Config
	batch               int
}

var benchModels = []benchModel{
	{name: "dense", anchor: "dense", about: "784-256-64-256-784 ReLU, sigmoid out",
		cfg: models.Config{Task: models.TaskReconstruct, Arch: models.ArchDense, Width: 28, Height: 28, Channels: 1,
			Layers: []int{256}, Code: 64, CodeActivation: models.ActReLU, Loss: models.LossBCE}, batch: 64},
	{name: "conv", anchor: "conv", about: "conv 1-16-32 s2 / transposed 32-16-1",
		cfg: models.Config{Task: models.TaskReconstruct, Arch: models.ArchConv, Width: 28, Height: 28, Channels: 1,
			Layers: []int{16, 32}, Code: 0, Loss: models.LossBCE}, batch: 64},
	{name: "photo", about: "3x64x64 conv 3-32-64-128 s2 / transposed, photo patches",
		cfg: models.Config{Task: models.TaskReconstruct, Arch: models.ArchConv, Width: 64, Height: 64, Channels: 3,
			Layers: []int{32, 64, 128}, Code: 0, Loss: models.LossBCE}, batch: 16},
}

// benchResult is what one training process reports.
type benchResult struct {
	Model            string  `json:"model"`
	Engine           string  `json:"engine"`
	Samples          int     `json:"samples"`
	Seconds          float64 `json:"seconds"`
	SamplesPerSecond float64 `json:"samples_per_second"`
	TestBCE          float64 `json:"test_bce"`
	PeakRSSMiB       float64 `json:"peak_rss_mib"`
	Params           int     `json:"params"`
}

// cmdBench trains each model for one epoch in a child process of its own
// (one thread, like the anchor), runs the PyTorch anchor in the same sitting
// when Debian's python3-torch is there, and prints both side by side. It
// reports; it never fails on a slow result.
func cmdBench(args []string) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	which := fs.String("models", "dense,conv,photo", "models to run: dense, conv, photo")
	data := fs.String("data", "../shared/data/mnist", "MNIST folder (IDX files)")
	photos := fs.String("photos", "../shared/data/photos", "photo folder for the photo model")
	limit := fs.Int("limit", 60000, "training images (MNIST)")
	anchor := fs.String("anchor", "../shared/bench/torch_anchor.py", "the PyTorch anchor script")
	python := fs.String("python", "/usr/bin/python3", "Debian's python3, which sees python3-torch")
	jsonOut := fs.String("json", "", "also write the results to this JSON file")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	haveTorch := exec.Command(*python, "-c", "import torch").Run() == nil
	if !haveTorch {
		fmt.Fprintf(os.Stderr, "PyTorch not found (%s -c 'import torch' failed): reporting our figures only; apt-get install python3-torch for the anchor\n", *python)
	}
	fmt.Fprintf(os.Stderr, "BLAS: %s; one thread per process; load average %s\n", models.BLAS, loadAvg())
	var results []benchResult
	for _, m := range benchModels {
		if !strings.Contains(","+*which+",", ","+m.name+",") {
			continue
		}
		fmt.Fprintf(os.Stderr, "%s (%s): training one epoch...\n", m.name, m.about)
		ours, err := runChild(self, "bench-run", "--model", m.name, "--data", *data, "--photos", *photos, "--limit", strconv.Itoa(*limit))
		if err != nil {
			return fmt.Errorf("%s: %w", m.name, err)
		}
		results = append(results, ours)
		if haveTorch && m.anchor != "" {
			fmt.Fprintf(os.Stderr, "%s: PyTorch anchor...\n", m.name)
			torch, err := runTorch(*python, *anchor, m.anchor, *data, *limit)
			if err != nil {
				fmt.Fprintf(os.Stderr, "%s: the anchor failed: %v\n", m.name, err)
			} else {
				results = append(results, torch)
			}
		}
	}
	printBench(results)
	if *jsonOut != "" {
		return writeJSON(*jsonOut, results)
	}
	return nil
}

func printBench(results []benchResult) {
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "model\tours samples/s\tPyTorch samples/s\tratio\tours test BCE\tPyTorch test BCE\tours peak RSS MiB\tPyTorch peak RSS MiB\t")
	for i := 0; i < len(results); i++ {
		ours := results[i]
		if ours.Engine != "latentstudio" {
			continue
		}
		row := []string{ours.Model, fmt.Sprintf("%.0f", ours.SamplesPerSecond), "-", "-", fmt.Sprintf("%.4f", ours.TestBCE), "-", fmt.Sprintf("%.0f", ours.PeakRSSMiB), "-"}
		if i+1 < len(results) && results[i+1].Engine == "pytorch" && results[i+1].Model == ours.Model {
			t := results[i+1]
			row[2] = fmt.Sprintf("%.0f", t.SamplesPerSecond)
			row[3] = fmt.Sprintf("%.2f", ours.SamplesPerSecond/t.SamplesPerSecond)
			row[5] = fmt.Sprintf("%.4f", t.TestBCE)
			row[7] = fmt.Sprintf("%.0f", t.PeakRSSMiB)
		}
		fmt.Fprintln(tw, strings.Join(row, "\t")+"\t")
	}
	tw.Flush()
}

// runChild runs one of our training processes on one thread and adds its
// peak RSS to the result it prints.
func runChild(self string, args ...string) (benchResult, error) {
	cmd := exec.Command(self, args...)
	cmd.Env = append(os.Environ(), "GOMAXPROCS=1", "OPENBLAS_NUM_THREADS=1")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, os.Stderr
	if err := cmd.Run(); err != nil {
		return benchResult{}, err
	}
	var r benchResult
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		return r, fmt.Errorf("reading the child's result %q: %w", out.String(), err)
	}
	r.PeakRSSMiB = peakRSS(cmd)
	return r, nil
}

var (
	torchSpeed = regexp.MustCompile(`= (\d+) samples/s`)
	torchBCE   = regexp.MustCompile(`test BCE ([0-9.]+)`)
	torchSecs  = regexp.MustCompile(`in ([0-9.]+)s`)
)

func runTorch(python, script, model, data string, limit int) (benchResult, error) {
	cmd := exec.Command(python, script, "--threads", "1", "--model", model, "--data", data, "--limit", strconv.Itoa(limit))
	// torch.set_num_threads(1) does not reach the OpenBLAS that Debian's
	// torch multiplies with (the anchor reports cpu/wall near 2 without this).
	cmd.Env = append(os.Environ(), "OPENBLAS_NUM_THREADS=1")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, os.Stderr
	if err := cmd.Run(); err != nil {
		return benchResult{}, fmt.Errorf("%v: %s", err, out.String())
	}
	text := out.String()
	fmt.Fprint(os.Stderr, text)
	sp, bce, secs := torchSpeed.FindStringSubmatch(text), torchBCE.FindStringSubmatch(text), torchSecs.FindStringSubmatch(text)
	if sp == nil || bce == nil || secs == nil {
		return benchResult{}, errors.New("cannot read the anchor's output")
	}
	r := benchResult{Model: model, Engine: "pytorch", Samples: limit, PeakRSSMiB: peakRSS(cmd)}
	r.SamplesPerSecond, _ = strconv.ParseFloat(sp[1], 64)
	r.TestBCE, _ = strconv.ParseFloat(bce[1], 64)
	r.Seconds, _ = strconv.ParseFloat(secs[1], 64)
	return r, nil
}

// peakRSS is a finished child's maximum resident set size in MiB.
func peakRSS(cmd *exec.Cmd) float64 {
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		return float64(ru.Maxrss) / 1024 // Linux reports KiB
	}
	return 0
}

func loadAvg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); len(f) > 0 {
		return f[0]
	}
	return "?"
}

// cmdBenchRun is the child: it trains one model for one epoch and prints
// its result as JSON on stdout.
func cmdBenchRun(args []string) error {
	fs := flag.NewFlagSet("bench-run", flag.ContinueOnError)
	name := fs.String("model", "dense", "dense | conv | photo")
	data := fs.String("data", "../shared/data/mnist", "MNIST folder")
	photos := fs.String("photos", "../shared/data/photos", "photo folder")
	limit := fs.Int("limit", 60000, "training images")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	runtime.GOMAXPROCS(1)
	var m *benchModel
	for i := range benchModels {
		if benchModels[i].name == *name {
			m = &benchModels[i]
		}
	}
	if m == nil {
		return usageErrorf("unknown bench model %q", *name)
	}
	ctx := context.Background()
	var train, test *imageops.Dataset
	var err error
	if m.name == "photo" {
		if train, err = imageops.Patches(ctx, *photos, imageops.PatchOptions{N: 2048, Size: 64, Seed: 1}); err == nil {
			test, err = imageops.Patches(ctx, *photos, imageops.PatchOptions{N: 256, Size: 64, Seed: 2})
		}
	} else {
		opt := imageops.Options{Gray: true, Limit: *limit}
		if train, err = imageops.Load(ctx, filepath.Join(*data, "train-images-idx3-ubyte.gz"), opt); err == nil {
			test, err = imageops.Load(ctx, filepath.Join(*data, "t10k-images-idx3-ubyte.gz"), imageops.Options{Gray: true})
		}
	}
	if err != nil {
		return usageError{err}
	}
	ae, err := models.NewAutoencoder(m.cfg)
	if err != nil {
		return err
	}
	tr, err := models.NewTrainer(ae, train, nil, models.TrainOptions{Epochs: 1, Batch: m.batch, LR: 1e-3, PreviewEvery: time.Hour})
	if err != nil {
		return err
	}
	if err := tr.Run(ctx); err != nil {
		return err
	}
	bce, err := models.EvaluateLoss(ctx, ae, test, 0)
	if err != nil {
		return err
	}
	h := ae.History
	r := benchResult{Model: m.name, Engine: "latentstudio", Samples: h.Samples, Seconds: h.Seconds,
		SamplesPerSecond: float64(h.Samples) / h.Seconds, TestBCE: bce, Params: ae.ParamCount()}
	return json.NewEncoder(os.Stdout).Encode(r)
}
