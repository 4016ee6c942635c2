const f = (k) => { Array.prototype[k] = 1; };
