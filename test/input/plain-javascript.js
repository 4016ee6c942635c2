const epochs = 10;
const total = epochs * stepsPerEpoch;
