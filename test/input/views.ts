const dropout = view(Inputs.range([0, 0.9], { label: "Dropout", value: 0.5 }));
const trainableLast = view(Inputs.range([0, 154], { label: "Trainable layers", step: 1 }),);
const backend = view(Inputs.select(["wasm", "webgl", "cpu"]));
const notAView = Inputs.toggle({ label: "Verbose" });
