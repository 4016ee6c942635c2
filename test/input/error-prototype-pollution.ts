Object.prototype.polluted = true;
