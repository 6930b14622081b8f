package models

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/advancedclimatesystems/gonnx/onnx"
	"google.golang.org/protobuf/proto"
	"gorgonia.org/tensor"
)

// Parts of a model that export to ONNX on their own.
const (
	PartFull          = "full"          // autoencoder: input → output
	PartEncoder       = "encoder"       // autoencoder: input → code
	PartDecoder       = "decoder"       // autoencoder: code → output
	PartGenerator     = "generator"     // GAN: z → image
	PartDiscriminator = "discriminator" // GAN: image → probability real
	PartClassifier    = "classifier"    // classifier: image → class probabilities and features
)

// ONNX export: opset 13, float32, a dynamic first dimension ("batch"), and
// for fully convolutional models dynamic "height" and "width". Every graph
// takes and gives values as Latent Studio's own methods do (images in
// [0,1], C×H×W), so its outputs match them; how a photo becomes that input
// (Lab, the mask plane, the diffusion fill) is in the metadata_props.
const (
	onnxOpset     = 13
	onnxIRVersion = 7 // the IR version of opset 13
	onnxProducer  = "latentstudio"
)

// ONNX writes the part of the autoencoder as an ONNX model.
func (a *Autoencoder) ONNX(part string) ([]byte, error) {
	c := a.cfg
	g := newONNXGraph(c.Arch+" "+c.Task+" autoencoder", a.params, c.paramShapes())
	meta := map[string]string{
		"kind": "autoencoder", "task": c.Task, "arch": c.Arch, "part": part, "loss": c.Loss,
		"width": fmt.Sprint(c.Width), "height": fmt.Sprint(c.Height), "channels": fmt.Sprint(c.Channels),
		"colour_mode": colourMode(c.Channels), "input_channels": fmt.Sprint(c.InChannels()),
		"output_channels": fmt.Sprint(c.OutChannels()), "normalisation": autoencoderNormalisation(c),
	}
	var err error
	switch part {
	case PartFull:
		err = a.onnxFull(g)
	case PartEncoder, PartDecoder:
		if c.CodeSize() == 0 || c.Arch == ArchResidual {
			return nil, fmt.Errorf("a %s model has no code: export --part %s", c.Arch, PartFull)
		}
		meta["code_size"] = fmt.Sprint(c.CodeSize())
		if part == PartEncoder {
			err = a.onnxEncoder(g)
		} else {
			err = a.onnxDecoder(g)
		}
	default:
		return nil, fmt.Errorf("an autoencoder exports --part %s, %s or %s, not %q", PartFull, PartEncoder, PartDecoder, part)
	}
	if err != nil {
		return nil, err
	}
	return g.model(meta)
}

// autoencoderNormalisation says what the values in and out mean.
func autoencoderNormalisation(c Config) string {
	switch c.Task {
	case TaskColorize:
		return "input: CIE L/100 of the photo (1 plane); output: (a+128)/256 and (b+128)/256 (2 planes), all in [0,1]"
	case TaskInpaint:
		return fmt.Sprintf("input: %d planes of the photo in [0,1] with the masked pixels filled by harmonic diffusion, then the mask (1 = fill); output: the photo in [0,1]; keep the unmasked pixels of the original", c.Channels)
	case TaskDenoise:
		return "input: the noisy image in [0,1]; output: the clean estimate in [0,1]"
	}
	return "values in [0,1]: pixel/255"
}

func colourMode(channels int) string {
	if channels == 1 {
		return "gray"
	}
	return "rgb"
}

// imageInput declares the autoencoder's input: (batch, inputs) for dense
// models, (batch, C, H, W) for conv ones, H and W dynamic when the model is
// fully convolutional.
func (a *Autoencoder) imageInput(g *onnxGraph, name string, channels int) string {
	c := a.cfg
	if c.Arch == ArchDense {
		return g.input(name, "batch", c.Width*c.Height*channels)
	}
	if c.FullyConvolutional() {
		return g.input(name, "batch", channels, "height", "width")
	}
	return g.input(name, "batch", channels, c.Height, c.Width)
}

func (a *Autoencoder) onnxFull(g *onnxGraph) error {
	c := a.cfg
	x := a.imageInput(g, "image", c.InChannels())
	var out string
	switch c.Arch {
	case ArchResidual:
		h := x
		for l := 0; l <= len(c.Layers); l++ {
			h = g.dilatedConv(h, 2*l, c.Dilation(l))
			if l < len(c.Layers) {
				h = g.op("Relu", h)
			}
		}
		img := x
		if c.InChannels() != c.OutChannels() { // inpainting: without the mask plane
			img = g.op("Slice", x, g.ints("starts", 0), g.ints("ends", int64(c.OutChannels())), g.ints("axes", 1))
		}
		out = g.op("Clip", g.op("Sub", img, h), g.scalar("zero", 0), g.scalar("one", 1))
	default:
		out = g.op("Sigmoid", a.onnxDecode(g, a.onnxEncode(g, x)))
	}
	g.output(out, "output")
	return nil
}

func (a *Autoencoder) onnxEncoder(g *onnxGraph) error {
	x := a.imageInput(g, "image", a.cfg.InChannels())
	code := a.onnxEncode(g, x)
	if a.cfg.Arch == ArchConv && a.cfg.Code == 0 { // the feature map, flat as Encode gives it
		code = g.op("Flatten", code, attrInt("axis", 1))
	}
	g.output(code, "code")
	return nil
}

func (a *Autoencoder) onnxDecoder(g *onnxGraph) error {
	c := a.cfg
	code := g.input("code", "batch", c.CodeSize())
	if c.Arch == ArchConv && c.Code == 0 {
		gh, gw := c.convGrid()
		code = g.reshape(code, -1, int64(c.Layers[len(c.Layers)-1]), int64(gh), int64(gw))
	}
	out := g.op("Sigmoid", a.onnxDecode(g, code))
	if c.Arch == ArchConv {
		out = g.op("Flatten", out, attrInt("axis", 1)) // Decode gives flat images
	}
	g.output(out, "output")
	return nil
}

// onnxEncode mirrors net.encoder. A fully convolutional model's code stays
// a feature map.
func (a *Autoencoder) onnxEncode(g *onnxGraph, x string) string {
	c := a.cfg
	act := func(h string) string {
		if c.CodeActivation == ActReLU {
			return g.op("Relu", h)
		}
		return h
	}
	if c.Arch == ArchDense {
		for l := 0; l < len(c.Layers); l++ {
			x = g.op("Relu", g.gemm(x, 2*l))
		}
		return act(g.gemm(x, 2*len(c.Layers)))
	}
	for l := range c.Layers {
		x = g.op("Relu", g.conv(x, 2*l, 2))
	}
	if c.Code == 0 {
		return x
	}
	return act(g.gemm(g.op("Flatten", x, attrInt("axis", 1)), 2*len(c.Layers)))
}

// onnxDecode mirrors net.decoder up to the logits.
func (a *Autoencoder) onnxDecode(g *onnxGraph, h string) string {
	c := a.cfg
	p := c.decoderStart()
	if c.Arch == ArchDense {
		for l := 0; l <= len(c.Layers); l++ {
			h = g.gemm(h, p+2*l)
			if l < len(c.Layers) {
				h = g.op("Relu", h)
			}
		}
		return h
	}
	if c.Code > 0 {
		gh, gw := c.convGrid()
		h = g.reshape(g.op("Relu", g.gemm(h, p)), -1, int64(c.Layers[len(c.Layers)-1]), int64(gh), int64(gw))
		p += 2
	}
	for l := range c.Layers {
		h = g.convTranspose(h, p+2*l)
		if l < len(c.Layers)-1 {
			h = g.op("Relu", h)
		}
	}
	return h
}

// ONNX writes the GAN's generator or discriminator as an ONNX model. The
// generator's BatchNorm uses the statistics of the batch it is given, as
// Generate does with its batches of 64: feed 64 noise vectors at a time
// for the same images.
func (m *GAN) ONNX(part string) ([]byte, error) {
	c := m.cfg
	g := newONNXGraph(c.Arch+" GAN "+part, m.params, c.paramShapes())
	meta := map[string]string{
		"kind": "gan", "arch": c.Arch, "part": part, "latent": fmt.Sprint(c.Latent),
		"width": fmt.Sprint(c.Width), "height": fmt.Sprint(c.Height), "channels": fmt.Sprint(c.Channels),
		"colour_mode": colourMode(c.Channels),
	}
	switch part {
	case PartGenerator:
		meta["normalisation"] = "input: z ~ N(0,1); output: images in [0,1], C×H×W"
		if c.BatchNorm {
			meta["batch_norm"] = fmt.Sprintf("batch statistics: each image depends on its batch; Latent Studio generates in batches of %d", sampleBatch)
		}
		m.onnxGenerator(g)
	case PartDiscriminator:
		meta["normalisation"] = "input: images in [0,1], C×H×W; output: the probability that each is real, and its logit"
		m.onnxDiscriminator(g)
	default:
		return nil, fmt.Errorf("a GAN exports --part %s or %s, not %q", PartGenerator, PartDiscriminator, part)
	}
	return g.model(meta)
}

func (m *GAN) onnxGenerator(g *onnxGraph) {
	c := m.cfg
	h, depth := g.input("z", "batch", c.Latent), len(c.GLayers)
	if c.Arch == GANArchMLP {
		for l := 0; l <= depth; l++ {
			h = g.gemm(h, 2*l)
			if l < depth {
				h = g.op("Relu", h)
			}
		}
	} else {
		h = g.op("Relu", g.gemm(h, 0))
		h = g.reshape(h, -1, int64(c.GLayers[0]), int64(c.Height>>depth), int64(c.Width>>depth))
		for l, i := 0, 2; l < depth; l++ {
			h = g.op("Resize", h, "", g.floats("scale2x", 1, 1, 2, 2),
				attrString("mode", "nearest"), attrString("coordinate_transformation_mode", "asymmetric"), attrString("nearest_mode", "floor"))
			h = g.conv(h, i, 1)
			i += 2
			if l == depth-1 {
				break
			}
			if c.BatchNorm {
				h = g.batchNorm(h, i)
				i += 2
			}
			h = g.op("Relu", h)
		}
	}
	if c.Output == GANOutTanh {
		h = g.op("Mul", g.op("Add", g.op("Tanh", h), g.scalar("one", 1)), g.scalar("half", 0.5))
	} else {
		h = g.op("Sigmoid", h)
	}
	h = g.op("Clip", h, g.scalar("zero", 0), g.scalar("one", 1))
	if c.Arch == GANArchMLP {
		h = g.reshape(h, -1, int64(c.Channels), int64(c.Height), int64(c.Width))
	}
	g.output(h, "image")
}

func (m *GAN) onnxDiscriminator(g *onnxGraph) {
	c := m.cfg
	h := g.input("image", "batch", c.Channels, c.Height, c.Width)
	if c.Output == GANOutTanh {
		h = g.op("Sub", g.op("Mul", h, g.scalar("two", 2)), g.scalar("one", 1))
	}
	i := c.gCount()
	leaky := attrFloat("alpha", float32(c.Slope))
	if c.Arch == GANArchDCGAN {
		for range c.DLayers {
			h = g.op("LeakyRelu", g.conv(h, i, 2), leaky)
			i += 2
		}
	}
	h = g.op("Flatten", h, attrInt("axis", 1))
	for ; i+2 < len(m.params); i += 2 {
		h = g.op("LeakyRelu", g.gemm(h, i), leaky)
	}
	logit := g.gemm(h, i)
	g.output(g.op("Sigmoid", logit), "probability")
	g.output(logit, "logit")
}

// ONNX writes the classifier as an ONNX model: images to class
// probabilities and to the feature vectors its quality figures use.
func (c *Classifier) ONNX() ([]byte, error) {
	cfg := c.cfg
	g := newONNXGraph(cfg.Arch+" classifier", c.params, cfg.paramShapes())
	var h string
	if cfg.Arch == ArchConv {
		h = g.input("image", "batch", cfg.Channels, cfg.Height, cfg.Width)
		for l := range cfg.Layers {
			h = g.op("Relu", g.conv(h, 2*l, 2))
		}
		h = g.op("Flatten", h, attrInt("axis", 1))
	} else {
		h = g.input("image", "batch", cfg.ImageSize())
		for l := range cfg.Layers {
			h = g.op("Relu", g.gemm(h, 2*l))
		}
	}
	last := 2 * len(cfg.Layers)
	feat := g.op("Relu", g.gemm(h, last))
	g.output(g.op("Softmax", g.gemm(feat, last+2), attrInt("axis", 1)), "probabilities")
	g.output(feat, "features")
	return g.model(map[string]string{
		"kind": "classifier", "arch": cfg.Arch, "part": PartClassifier, "classes": strings.Join(cfg.Classes, ","),
		"width": fmt.Sprint(cfg.Width), "height": fmt.Sprint(cfg.Height), "channels": fmt.Sprint(cfg.Channels),
		"colour_mode": colourMode(cfg.Channels), "normalisation": "input: images in [0,1], C×H×W",
	})
}

// onnxGraph builds one ONNX graph from a model's weights.
type onnxGraph struct {
	name    string
	params  []*tensor.Dense
	shapes  []paramShape
	graph   *onnx.GraphProto
	used    map[string]bool // initializers added
	counter int
}

func newONNXGraph(name string, params []*tensor.Dense, shapes []paramShape) *onnxGraph {
	return &onnxGraph{name: name, params: params, shapes: shapes, graph: &onnx.GraphProto{Name: name}, used: map[string]bool{}}
}

// model wraps the graph with the opset, producer and metadata.
func (g *onnxGraph) model(meta map[string]string) ([]byte, error) {
	m := &onnx.ModelProto{
		IrVersion:    onnxIRVersion,
		OpsetImport:  []*onnx.OperatorSetIdProto{{Domain: "", Version: onnxOpset}},
		ProducerName: onnxProducer, ProducerVersion: fmt.Sprint(FileVersion),
		DocString: "exported by Latent Studio", Graph: g.graph,
	}
	for _, k := range slices.Sorted(maps.Keys(meta)) {
		m.MetadataProps = append(m.MetadataProps, &onnx.StringStringEntryProto{Key: k, Value: meta[k]})
	}
	return proto.Marshal(m)
}

// valueInfo is a float tensor of the given dims: ints are fixed sizes,
// strings named dynamic ones.
func valueInfo(name string, dims ...any) *onnx.ValueInfoProto {
	shape := &onnx.TensorShapeProto{}
	for _, d := range dims {
		dim := &onnx.TensorShapeProto_Dimension{}
		switch v := d.(type) {
		case int:
			dim.Value = &onnx.TensorShapeProto_Dimension_DimValue{DimValue: int64(v)}
		case string:
			dim.Value = &onnx.TensorShapeProto_Dimension_DimParam{DimParam: v}
		}
		shape.Dim = append(shape.Dim, dim)
	}
	return &onnx.ValueInfoProto{Name: name, Type: &onnx.TypeProto{Value: &onnx.TypeProto_TensorType{
		TensorType: &onnx.TypeProto_Tensor{ElemType: int32(onnx.TensorProto_FLOAT), Shape: shape}}}}
}

// input declares a graph input and returns its name.
func (g *onnxGraph) input(name string, dims ...any) string {
	g.graph.Input = append(g.graph.Input, valueInfo(name, dims...))
	return name
}

// output names the value h (a node's output or a graph input) name and
// declares it an output of the graph; its shape is left to the runtime to
// infer.
func (g *onnxGraph) output(h, name string) {
	for _, n := range g.graph.Node {
		for i := range n.Output {
			if n.Output[i] == h {
				n.Output[i] = name
			}
		}
		for i := range n.Input {
			if n.Input[i] == h {
				n.Input[i] = name
			}
		}
	}
	g.graph.Output = append(g.graph.Output, &onnx.ValueInfoProto{Name: name,
		Type: &onnx.TypeProto{Value: &onnx.TypeProto_TensorType{TensorType: &onnx.TypeProto_Tensor{ElemType: int32(onnx.TensorProto_FLOAT)}}}})
}

// op adds a node of the type with the inputs (strings) and attributes
// (*onnx.AttributeProto) given, and returns the name of its one output.
func (g *onnxGraph) op(opType string, args ...any) string {
	g.counter++
	n := &onnx.NodeProto{OpType: opType, Name: fmt.Sprintf("%s_%d", opType, g.counter)}
	n.Output = []string{n.Name}
	for _, a := range args {
		switch v := a.(type) {
		case string:
			n.Input = append(n.Input, v)
		case *onnx.AttributeProto:
			n.Attribute = append(n.Attribute, v)
		default:
			panic(fmt.Sprintf("onnx op %s: argument %T", opType, a))
		}
	}
	g.graph.Node = append(g.graph.Node, n)
	return n.Output[0]
}

// weight adds param i as an initializer named as in the model file,
// reshaped to dims (biases (1, out, 1, 1) become (out)).
func (g *onnxGraph) weight(i int, dims ...int64) string {
	name := g.shapes[i].name
	if !g.used[name] {
		g.used[name] = true
		data := g.params[i].Data().([]float32)
		if dims == nil {
			for _, d := range g.shapes[i].shape {
				dims = append(dims, int64(d))
			}
		}
		g.graph.Initializer = append(g.graph.Initializer, &onnx.TensorProto{Name: name, Dims: dims,
			DataType: int32(onnx.TensorProto_FLOAT), FloatData: append([]float32(nil), data...)})
	}
	return name
}

// bias is param i flattened to one dimension.
func (g *onnxGraph) bias(i int) string {
	return g.weight(i, int64(product(g.shapes[i].shape)))
}

// constant adds a named initializer once.
func (g *onnxGraph) constant(t *onnx.TensorProto) string {
	if !g.used[t.Name] {
		g.used[t.Name] = true
		g.graph.Initializer = append(g.graph.Initializer, t)
	}
	return t.Name
}

func (g *onnxGraph) scalar(name string, v float32) string {
	return g.constant(&onnx.TensorProto{Name: name, DataType: int32(onnx.TensorProto_FLOAT), FloatData: []float32{v}})
}

func (g *onnxGraph) floats(name string, v ...float32) string {
	return g.constant(&onnx.TensorProto{Name: name, Dims: []int64{int64(len(v))}, DataType: int32(onnx.TensorProto_FLOAT), FloatData: v})
}

func (g *onnxGraph) ints(name string, v ...int64) string {
	name = fmt.Sprintf("%s%v", name, v)
	return g.constant(&onnx.TensorProto{Name: name, Dims: []int64{int64(len(v))}, DataType: int32(onnx.TensorProto_INT64), Int64Data: v})
}

// gemm is x·W + b for the dense layer whose weight is param i.
func (g *onnxGraph) gemm(x string, i int) string {
	return g.op("Gemm", x, g.weight(i), g.bias(i+1))
}

// conv is the 3×3 convolution (padding 1) whose filter is param i.
func (g *onnxGraph) conv(x string, i, stride int) string {
	return g.op("Conv", x, g.weight(i), g.bias(i+1), attrInts("kernel_shape", 3, 3),
		attrInts("pads", 1, 1, 1, 1), attrInts("strides", int64(stride), int64(stride)))
}

// dilatedConv is the stride-1 3×3 convolution of dilation d (padding d,
// keeping the size) whose filter is param i.
func (g *onnxGraph) dilatedConv(x string, i, d int) string {
	if d == 1 {
		return g.conv(x, i, 1)
	}
	p := int64(d)
	return g.op("Conv", x, g.weight(i), g.bias(i+1), attrInts("kernel_shape", 3, 3),
		attrInts("pads", p, p, p, p), attrInts("strides", 1, 1), attrInts("dilations", p, p))
}

// convTranspose is the decoder's 3×3 stride-2 transposed convolution
// (padding 1, output padding 1) whose weight is param i.
func (g *onnxGraph) convTranspose(x string, i int) string {
	return g.op("ConvTranspose", x, g.weight(i), g.bias(i+1), attrInts("kernel_shape", 3, 3),
		attrInts("pads", 1, 1, 1, 1), attrInts("strides", 2, 2), attrInts("output_padding", 1, 1))
}

// batchNorm normalises x (N, C, H, W) per channel with the batch's mean and
// (biased) variance, then scales and shifts by params i and i+1, as
// Gorgonia's BatchNorm does in training mode (eps 1e-5). ONNX's
// BatchNormalization would use running statistics instead.
func (g *onnxGraph) batchNorm(x string, i int) string {
	axes := attrInts("axes", 0, 2, 3)
	d := g.op("Sub", x, g.op("ReduceMean", x, axes))
	variance := g.op("ReduceMean", g.op("Mul", d, d), axes)
	norm := g.op("Div", d, g.op("Sqrt", g.op("Add", variance, g.scalar("eps", 1e-5))))
	return g.op("Add", g.op("Mul", norm, g.weight(i)), g.weight(i+1))
}

// reshape is x reshaped to dims (-1 takes what is left).
func (g *onnxGraph) reshape(x string, dims ...int64) string {
	return g.op("Reshape", x, g.ints("shape", dims...))
}

func attrInt(name string, v int64) *onnx.AttributeProto {
	return &onnx.AttributeProto{Name: name, Type: onnx.AttributeProto_INT, I: v}
}

func attrInts(name string, v ...int64) *onnx.AttributeProto {
	return &onnx.AttributeProto{Name: name, Type: onnx.AttributeProto_INTS, Ints: v}
}

func attrFloat(name string, v float32) *onnx.AttributeProto {
	return &onnx.AttributeProto{Name: name, Type: onnx.AttributeProto_FLOAT, F: v}
}

func attrString(name, v string) *onnx.AttributeProto {
	return &onnx.AttributeProto{Name: name, Type: onnx.AttributeProto_STRING, S: []byte(v)}
}
