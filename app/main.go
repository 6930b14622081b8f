// Command latentstudio is Latent Studio: with no arguments it opens the
// studio window; with a subcommand it does the same work headless.
package main

import (
	"errors"
	"fmt"
	"os"
)

const usage = `Latent Studio: autoencoders and GANs on images.

  latentstudio [--sample] [FOLDER|IDX]     open the studio (optionally loading data)
  latentstudio demo [--out DIR]            train on the embedded sample; write previews and a report
  latentstudio train --data SRC --out MODEL [flags]
  latentstudio train --task gan --data SRC --out MODEL [--preset mlp-mnist|dcgan-mnist] [flags]
  latentstudio generate --model GAN --n N --out DIR [--seed S] [--grid FILE.png]
  latentstudio apply --model MODEL --in IMAGE|DIR --out IMAGE|DIR [--sigma S] [--ref CLEAN] [--strength X]
  latentstudio evaluate --model MODEL [--sigma 25] PHOTO|DIR...   a photo model against classical baselines
  latentstudio score --model MODEL --data SRC [--normal CLASS] [--csv FILE]   anomaly scores, AUROC
  latentstudio encode --model MODEL --data SRC --out codes.csv
  latentstudio quality --model GAN|--images SRC [--real SRC] [--n 1000] [--report R.json]   class coverage and Frechet distance (classify-train makes the classifier)
  latentstudio export --model MODEL --onnx FILE.onnx [--part full|encoder|decoder|generator|discriminator|classifier]
  latentstudio export --model MODEL --native FILE.lsm   a built-in (or any model) as a native file
  latentstudio info --model MODEL                        what a model file holds (any kind)
  latentstudio bench [--models dense,conv,photo]   one epoch each, beside the PyTorch anchor

MODEL is a .lsm file or a trained default: builtin:denoise, builtin:colorize,
builtin:inpaint (and for GANs builtin:gan-mnist, for quality builtin:mnist-classifier).
Run "latentstudio COMMAND -h" for a command's flags.
`

// usageError marks mistakes in how the program was called (exit status 2).
type usageError struct{ error }

func usageErrorf(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	var err error
	cmd := ""
	if len(args) > 0 {
		cmd = args[0]
	}
	switch cmd {
	case "train":
		err = cmdTrain(args[1:])
	case "generate":
		err = cmdGenerate(args[1:])
	case "apply":
		err = cmdApply(args[1:])
	case "encode":
		err = cmdEncode(args[1:])
	case "export":
		err = cmdExport(args[1:])
	case "info":
		err = cmdInfo(args[1:])
	case "demo":
		err = cmdDemo(args[1:])
	case "bench":
		err = cmdBench(args[1:])
	case "score":
		err = cmdScore(args[1:])
	case "evaluate":
		err = cmdEvaluate(args[1:])
	case "classify-train", "quality":
		err = cmdQualityTools(cmd, args[1:])
	case "bench-run": // the child process of bench
		err = cmdBenchRun(args[1:])
	case "help", "-h", "--help", "-help":
		fmt.Print(usage)
		return 0
	default:
		err = runStudio(args)
	}
	if err == nil {
		return 0
	}
	fmt.Fprintln(os.Stderr, "latentstudio:", err)
	var ue usageError
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}
