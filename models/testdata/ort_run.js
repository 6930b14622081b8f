// Runs an ONNX model with ONNX Runtime (npm's onnxruntime-node) on the
// inputs of a JSON file ({name: {dims, data}}) and prints its outputs as
// JSON in the same form: the check that Latent Studio's ONNX exports run
// outside it and give its own outputs (models/onnx_test.go).
//
//   NODE_PATH=build/ort/node_modules node ort_run.js MODEL.onnx INPUTS.json
const ort = require('onnxruntime-node');
const fs = require('fs');

(async () => {
  const [model, inputs] = process.argv.slice(2);
  const request = JSON.parse(fs.readFileSync(inputs, 'utf8'));
  const session = await ort.InferenceSession.create(model);
  const feeds = {};
  for (const [name, t] of Object.entries(request)) {
    feeds[name] = new ort.Tensor('float32', Float32Array.from(t.data), t.dims);
  }
  const out = await session.run(feeds);
  const result = {};
  for (const name of session.outputNames) {
    result[name] = { dims: out[name].dims, data: Array.from(out[name].data) };
  }
  process.stdout.write(JSON.stringify(result));
})().catch((e) => {
  console.error(e.message || String(e));
  process.exit(1);
});
