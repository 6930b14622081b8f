package main

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"latentstudio/assets"
	"latentstudio/models"
)

// cmdExport writes a model (an autoencoder, a GAN or a classifier; a file
// or a built-in) to ONNX, or to a native .lsm file.
func cmdExport(args []string) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	ref := fs.String("model", "", "the model: a .lsm file or a built-in (builtin:denoise, builtin:gan-mnist, builtin:mnist-classifier, ...)")
	onnxPath := fs.String("onnx", "", "write this ONNX file (opset 13)")
	part := fs.String("part", "", "what to export: full, encoder or decoder (autoencoders), generator or discriminator (GANs), classifier; default the first")
	native := fs.String("native", "", "write the model to this .lsm file (the native format)")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if *ref == "" || (*onnxPath == "" && *native == "") {
		return usageErrorf("export needs --model and --onnx FILE or --native FILE")
	}
	m, err := loadAnyModel(*ref)
	if err != nil {
		return err
	}
	if *onnxPath != "" {
		parts := models.ONNXParts(m)
		if *part == "" {
			*part = parts[0]
		}
		data, err := models.ExportONNX(m, *part)
		if err != nil {
			return usageErrorf("%v (this model exports: %s)", err, strings.Join(parts, ", "))
		}
		if err := models.SaveONNX(*onnxPath, data); err != nil {
			return err
		}
		fmt.Printf("wrote %s: %s, part %s, as ONNX (opset 13, %d KB)\n", *onnxPath, *ref, *part, (len(data)+1023)/1024)
	}
	if *native != "" {
		if err := models.SaveAny(m, *native); err != nil {
			return err
		}
		st, err := os.Stat(*native)
		if err != nil {
			return err
		}
		fmt.Printf("wrote %s: %s in the native format (%d KB)\n", *native, *ref, (st.Size()+1023)/1024)
	}
	return nil
}

// loadAnyModel opens a model of any kind by reference.
func loadAnyModel(ref string) (any, error) { return loadRef(ref, assets.LoadAny) }

// cmdInfo describes a model file of any kind.
func cmdInfo(args []string) error {
	fs := flag.NewFlagSet("info", flag.ContinueOnError)
	ref := fs.String("model", "", "model file (.lsm) or built-in")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	m, err := loadAnyModel(*ref)
	if err != nil {
		return err
	}
	fmt.Printf("%-14s%s (format %s, this build writes v%d)\n", "model", *ref, models.FileFormat, models.FileVersion)
	for _, f := range models.Describe(m) {
		fmt.Printf("%-14s%s\n", f.Name, f.Value)
	}
	return nil
}
