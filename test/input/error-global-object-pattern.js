let a;
({ a, b: Promise } = parts);
