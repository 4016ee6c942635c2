let first: number;
[first, JSON] = [1, 2];
