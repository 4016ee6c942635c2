let value = 0;
({ value = (Infinity = 1) } = {});
