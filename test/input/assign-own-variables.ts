let total = 0;
for (const v of values) total += v;
let a, b;
[a, b] = [b, a];
({ total } = { total: total * 2 });
total++;
