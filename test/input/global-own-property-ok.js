window.myCounter = 1;
const o = { prototype: {} };
o.prototype.x = 2;
